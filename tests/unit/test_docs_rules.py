"""docs/rules.md documents every rule-set file, question type, expression function and field the loader accepts."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from assessment import ruleset_cases
from assessment.domain import measures, questionnaire, ruleset
from assessment.domain.expressions import FUNCTIONS
from assessment.domain.questionnaire import QUESTION_TYPES
from assessment.loader import DEFAULT_RULES, rule_files

DOC = (Path(__file__).parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
FOLDER_SECTION = DOC.split("## 2. The folder", 1)[1].split("\n## ", 1)[0]
# Names in `code`, or keys in the YAML examples.
DOCUMENTED = set(re.findall(r"`([a-z_]+)", DOC)) | set(re.findall(r"^\s*-?\s*([a-z_]+):", DOC, re.M))


def _models_in(annotation) -> set[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {annotation}
    return set().union(*(_models_in(arg) for arg in typing.get_args(annotation)))


def _reachable(roots: set[type[BaseModel]]) -> set[type[BaseModel]]:
    found, stack = set(), list(roots)
    while stack:
        model = stack.pop()
        if model not in found:
            found.add(model)
            stack.extend(m for field in model.model_fields.values() for m in _models_in(field.annotation))
    return found


# Every model of the modules that read rule-set files, planned measures and test cases, and what they contain.
ROOTS = {obj for module in (questionnaire, ruleset, measures, ruleset_cases) for obj in vars(module).values()
         if isinstance(obj, type) and issubclass(obj, BaseModel) and obj.__module__ == module.__name__}
MODELS = _reachable(ROOTS) - {ruleset.I18nText}  # {zh, en} texts are documented as such
FIELDS = sorted({(m.__name__, f) for m in MODELS for f in m.model_fields})
FILES = sorted(str(p.relative_to(DEFAULT_RULES)) for p in rule_files(DEFAULT_RULES))


@pytest.mark.parametrize("file", FILES)
def test_rule_file__listed_in_the_folder_section(file):
    folder = str(Path(file).parent)
    listed = (f"`{file}`", f"`{folder}/*.yaml`", f"`{folder}/<kind>.yaml`")
    assert any(name in FOLDER_SECTION for name in listed), f"{file} is hashed into every result but not in docs/rules.md §2"


def test_models__include_every_file_model():
    assert {ruleset.RuleSetInfo, ruleset.Matrix, ruleset.FactorFile, ruleset.MeasureFile, questionnaire.Questionnaire,
            ruleset.ScoringFile, ruleset_cases.CaseFile, measures.PlannedMeasure} <= MODELS


@pytest.mark.parametrize("question_type", QUESTION_TYPES)
def test_question_type__documented(question_type):
    assert question_type in DOCUMENTED


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_function__documented(function):
    assert f"`{function}(" in DOC


@pytest.mark.parametrize(("model", "field"), FIELDS, ids=[f"{m}.{f}" for m, f in FIELDS])
def test_field__documented(model, field):
    assert field in DOCUMENTED, f"{model}.{field} is accepted by the loader but not documented in docs/rules.md"
