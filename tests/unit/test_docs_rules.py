"""docs/rules.md documents every question type, expression function and field the loader accepts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment.domain.expressions import FUNCTIONS
from assessment.domain.measures import PlannedMeasure
from assessment.domain.questionnaire import QUESTION_TYPES, Choice, Question, Questionnaire, Section
from assessment.domain.ruleset import (
    Category, Decisions, DecisionPolicy, Degree, Factor, FloorRule, LibraryMeasure, LevelBand, Matrix,
    Residual, RuleSetInfo, ScaleStep, ScoringFile, ScoringRule, Thresholds,
)
from assessment.ruleset_cases import Case, CaseFile, Expect

DOC = (Path(__file__).parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
# Names in `code`, or keys in the YAML examples.
DOCUMENTED = set(re.findall(r"`([a-z_]+)", DOC)) | set(re.findall(r"^\s*-?\s*([a-z_]+):", DOC, re.M))
MODELS = (Question, Section, Questionnaire, Choice, ScoringRule, FloorRule, ScoringFile, Factor, Category,
          LibraryMeasure, RuleSetInfo, ScaleStep, Thresholds, LevelBand, Residual, Decisions, DecisionPolicy,
          Matrix, Degree, PlannedMeasure, Case, CaseFile, Expect)
FIELDS = sorted({(m.__name__, f) for m in MODELS for f in m.model_fields})


@pytest.mark.parametrize("question_type", QUESTION_TYPES)
def test_question_type__documented(question_type):
    assert question_type in DOCUMENTED


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_function__documented(function):
    assert f"`{function}(" in DOC


@pytest.mark.parametrize(("model", "field"), FIELDS, ids=[f"{m}.{f}" for m, f in FIELDS])
def test_field__documented(model, field):
    assert field in DOCUMENTED, f"{model}.{field} is accepted by the loader but not documented in docs/rules.md"
