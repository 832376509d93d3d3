"""The model's opinion in the Assessment: beside the rules' result, never changing it; none without a model."""

from __future__ import annotations

import json
from datetime import date

import pytest

from assessment.domain.scoring import assess
from assessment.loader import load_ruleset
from assessment.model.advisor import load_advisor
from model_helpers import demo_rules
from tests.unit.model_fixtures import saved
from tests.unit.rule_fixtures import CALM_ANSWERS

DAY = date(2026, 11, 25)
TENSE = {**CALM_ANSWERS, "opposition_rate": 0.45, "support_rate": 0.4, "petitions_12m": 40, "legacy_disputes": True,
         "collective_petitions_3y": 3, "mass_incidents_3y": 1, "media_attention": "national", "negative_online": True}


@pytest.fixture
def rules(tmp_path):
    return demo_rules(tmp_path / "rules")


@pytest.fixture
def advisor(tmp_path, rules):
    saved(tmp_path / "models")
    return load_advisor(tmp_path / "models", rules)


def run(rules, answers, model=None):
    return assess(load_ruleset(rules), "demo", answers, [], assessed_at=DAY, model=model)


def test_assess__no_model_file__scored_on_rules_alone(tmp_path, rules):
    advisor = load_advisor(tmp_path / "no-models", rules)
    result = run(rules, CALM_ANSWERS, advisor)
    assert advisor is None and result.model is None and result.before.level == "low"


def test_assess__with_model__opinion_records_version_and_says_trained_on_simulated_data(advisor, rules):
    opinion = run(rules, TENSE, advisor).model
    assert opinion.version == advisor.version
    assert opinion.trained_on_simulated_data is True
    assert "模拟" in opinion.caveat.zh and "simulated" in opinion.caveat.en
    assert 0 <= opinion.probability <= 1 and len(opinion.reasons) == 5
    assert all(r.label.zh and r.label.en for r in opinion.reasons)


def test_assess__with_model__the_rules_result_is_unchanged(advisor, rules):
    for answers in (CALM_ANSWERS, TENSE):
        with_model, without = run(rules, answers, advisor), run(rules, answers)
        assert with_model.model is not None
        assert with_model.model_copy(update={"model": None}) == without


def test_assess__with_model_same_inputs__same_json_bytes(advisor, rules):
    first, second = (json.dumps(run(rules, TENSE, advisor).model_dump(mode="json"), ensure_ascii=False) for _ in range(2))
    assert first == second and '"model": {"version"' in first


def test_assess__tense_matter__model_probability_above_calm_matter(advisor, rules):
    assert run(rules, TENSE, advisor).model.probability > run(rules, CALM_ANSWERS, advisor).model.probability


def test_assess__rules_low_model_high__flagged_for_the_reviewer(tmp_path):
    rules = demo_rules(tmp_path / "strict", policy="levels: {medium: 0.001, high: 0.002}\n"
                                                    "flag: {level_gap: 1, probability_when_rules_low: 0.002}\nreasons: 3\n")
    saved(tmp_path / "models")
    result = run(rules, CALM_ANSWERS, load_advisor(tmp_path / "models", rules))
    assert result.before.level == "low" and result.model.suggested_level == "high"
    assert "请评审人关注" in result.model.disagreement.zh and "please review" in result.model.disagreement.en
    assert len(result.model.reasons) == 3


def test_assess__model_agrees__no_flag(tmp_path):
    rules = demo_rules(tmp_path / "lenient", policy="levels: {medium: 0.98, high: 0.99}\n"
                                                     "flag: {level_gap: 1, probability_when_rules_low: 1.0}\nreasons: 5\n")
    saved(tmp_path / "models")
    result = run(rules, CALM_ANSWERS, load_advisor(tmp_path / "models", rules))
    assert result.model.suggested_level == "low" == result.before.level and result.model.disagreement is None


def test_current_model__file_tampered__refusal_is_told_and_scoring_goes_on(tmp_path, rules, monkeypatch):
    from assessment.services import scoring

    manifest = saved(tmp_path / "models")
    (tmp_path / "models" / manifest.file).write_bytes(b"not the model")
    monkeypatch.setenv("WENPING_MODEL_DIR", str(tmp_path / "models"))
    refusal = scoring.model_refusal(rules)
    assert [p.code.code for p in refusal.problems] == ["MODEL-704"]
    assert scoring.current_advisor(rules) is None
    assert run(rules, CALM_ANSWERS, scoring.current_advisor(rules)).before.level == "low"
