"""docs/report.md documents every field of the JSON export and every key of the report's context."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from assessment.domain.result import Assessment

DOC = (Path(__file__).parents[2] / "docs" / "report.md").read_text(encoding="utf-8")
DOCUMENTED = set(re.findall(r"`([a-z_]+)`", DOC))


def models(model: type[BaseModel], seen: set | None = None) -> set[type[BaseModel]]:
    """The model and every model its fields hold, however nested (tuples, optionals)."""
    seen = seen if seen is not None else set()
    seen.add(model)
    for field in model.model_fields.values():
        for inner in re.findall(r"[A-Z][A-Za-z]+", str(field.annotation)):
            candidate = getattr(__import__("assessment.domain.result", fromlist=[inner]), inner, None)
            if isinstance(candidate, type) and issubclass(candidate, BaseModel) and candidate not in seen:
                models(candidate, seen)
    return seen


FIELDS = sorted({(m.__name__, f) for m in models(Assessment) for f in m.model_fields})


def test_models__walk__reaches_the_nested_results():
    names = {m.__name__ for m in models(Assessment)}
    assert {"FactorResult", "MeasureResult", "StageResult", "FloorApplied", "NatureVerdict", "ModelOpinion",
            "ModelReason", "RuleSetRef", "DecisionAdvice"} <= names


@pytest.mark.parametrize(("model", "field"), FIELDS, ids=[f"{m}.{f}" for m, f in FIELDS])
def test_assessment_field__documented_in_report_md(model, field):
    assert field in DOCUMENTED, f"{model}.{field} is in the JSON export but not documented in docs/report.md"


@pytest.mark.parametrize("field", ["format", "format_version", "lang", "matter", "report_ruleset", "assessment",
                                   "report"])
def test_json_top_level_field__documented(field):
    assert field in DOCUMENTED
