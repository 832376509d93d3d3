"""Features: one definition, computed from answers and the Assessment, documented in docs/model.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment.model.features import FEATURE_NAMES, FEATURES, KIND, NUMERIC_NAMES, FeatureInput, feature_frame
from tests.unit.model_fixtures import source

DOCS = Path(__file__).resolve().parents[2] / "docs" / "model.md"


def _docs_section(marker: str) -> str:
    text = DOCS.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker}:start -->\n(.*?)<!-- {marker}:end -->", text, re.S)
    assert found, f"docs/model.md has no {marker} section"
    return found.group(1)


def expected_feature_table() -> str:
    lines = ["| feature | 中文 | English | computed from the answers | expected effect |", "|---|---|---|---|---|"]
    lines += [f"| `{f.name}` | {f.label.zh} | {f.label.en} | {f.description} | {'raises' if f.direction > 0 else 'lowers'} the risk |"
              for f in FEATURES]
    lines.append(f"| `{KIND}` | 事项类型 | Kind of matter | the Assessment's kind, one-hot (an unknown kind: all zeros) | learned |")
    return "\n".join(lines) + "\n"


def test_docs_feature_table__matches_features_py():
    assert _docs_section("features") == expected_feature_table()


def test_features__every_feature__has_both_labels_a_description_and_a_direction():
    for feature in FEATURES:
        assert feature.label.zh and feature.label.en and feature.description
        assert feature.direction in (1, -1)
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES) and FEATURE_NAMES[-1] == KIND


def test_feature_frame__ordinary_answers__values_computed_as_documented():
    row = feature_frame([source(opposition_rate=0.25, households_affected=999, compensation_ratio=0.85,
                                media_attention="national", approvals_missing=["eia", "energy_review"],
                                stakeholders=[{"stance": "oppose", "intensity": "high"}, {"stance": "oppose", "intensity": "low"}])]).iloc[0]
    assert row["opposition_rate"] == 0.25
    assert row["households_log10"] == pytest.approx(3.0)
    assert row["compensation_shortfall"] == pytest.approx(0.15)
    assert row["media_attention"] == 3.0
    assert row["approvals_missing"] == 2.0
    assert row["intense_opposing_groups"] == 1.0
    assert row["counted_measures"] == 2.0
    assert row[KIND] == "land_expropriation"


def test_feature_frame__questions_the_kind_does_not_ask__neutral_values():
    row = feature_frame([FeatureInput("price_reform", {})]).iloc[0]
    assert all(row[name] == 0.0 for name in NUMERIC_NAMES)


def test_feature_input__from_stored_document__reads_answers_kind_and_counted_measures():
    doc = {"kind": "nimby_facility", "answers": {"nearest_housing_m": 250},
           "measures": [{"counted": True}, {"counted": False}, {"counted": True}]}
    row = feature_frame([FeatureInput.from_document(doc)]).iloc[0]
    assert row["housing_proximity"] == pytest.approx(0.75)
    assert row["counted_measures"] == 2.0
    assert row[KIND] == "nimby_facility"
