"""Properties of the default rule set, checked by hypothesis on every kind's example and YAML test cases.

- an answer to a question that does not apply (its `relevant` is not true), of any type and any value, even an
  invalid one, changes nothing;
- more opposition (and the rates that go with it) never lowers the level;
- adding a complete measure (unit, leader, deadline) never raises the residual risk.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.answer_files import read_answer_file
from assessment.domain.answers import validate_answers
from assessment.domain.ruleset import LEVELS, CompiledQuestion
from assessment.domain.scoring import assess
from assessment.loader import DEFAULT_RULES, load_ruleset
from assessment.ruleset_cases import CaseFile, case_files
from assessment.yaml_lines import load_yaml_file

RULESET = load_ruleset(DEFAULT_RULES)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = sorted(RULESET.kinds)

# Rates whose rise means more opposition, and rates whose fall does (er_congress_vote_rate is left out: a
# constraint ties it to whether the workers' congress approved).
OPPOSED_RISING = ("opposition_rate", "plan_objection_rate", "nearby_opposition_rate", "pr_hearing_opposed_share",
                  "pp_hearing_opposed_share")
SUPPORT_FALLING = ("support_rate", "pre_signed_rate", "willingness_rate", "vote_approval_rate", "housing_plan_approval")


@dataclass(frozen=True)
class Base:
    """Answers the rule set scores as they are: an example file (complete) or a YAML test case (partial)."""

    name: str
    kind: str
    answers: dict[str, Any]
    measures: list[dict[str, Any]]
    day: datetime.date
    partial: bool

    def assess(self, **changes):
        base = replace(self, **changes)
        return assess(RULESET, base.kind, base.answers, base.measures, assessed_at=base.day, partial=base.partial)


def _bases() -> dict[str, list[Base]]:
    bases: dict[str, list[Base]] = {kind: [] for kind in KINDS}
    for path in sorted((DEFAULT_RULES.parent / "examples").glob("*.yaml")):
        document = read_answer_file(path)
        bases[document.kind].append(Base(path.stem, document.kind, document.answers, document.measures,
                                         document.assessed_at, partial=False))
    for path in case_files(DEFAULT_RULES):
        cases = CaseFile.model_validate(load_yaml_file(path))
        for case in cases.cases:
            bases[cases.kind].append(Base(case.name, cases.kind, {**cases.defaults, **case.answers}, case.measures,
                                          case.assessed_at, partial=True))
    return bases


BASES = _bases()

ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=10**20, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40), st.dates().map(str), st.dates(),
    st.sampled_from(["12%", "是", "否", "1,000", "2026-13-45", "high", "oppose", "none"]),
    st.lists(st.text(max_size=8), max_size=4),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
    st.lists(st.dictionaries(st.sampled_from(["group", "kind", "size", "stance", "x"]), st.one_of(st.integers(), st.text(max_size=8))), max_size=3),
)


def _applies(question: CompiledQuestion, values: dict[str, Any]) -> bool:
    """docs/rules.md: a question applies only when its `relevant`, and its section's, is definitely true."""
    return all(condition is None or condition.evaluate(values) is True
               for condition in (question.relevant, question.section_relevant))


def _rank(level: str) -> int:
    return LEVELS.index(level)


def test_bases__every_kind_has_its_example_and_cases():
    for kind in KINDS:
        assert sum(not b.partial for b in BASES[kind]) == 1 and sum(b.partial for b in BASES[kind]) >= 5, kind


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data())
def test_answer_to_a_question_that_does_not_apply__of_any_type_and_value__changes_nothing(kind, data):
    base = data.draw(st.sampled_from(BASES[kind]), label="base")
    compiled = RULESET.kind(kind)
    values = validate_answers(compiled, base.answers, partial=base.partial).values
    hidden = [q for q in compiled.questions if q.calculation is None and not _applies(q, values)]
    if not hidden:
        return
    question = data.draw(st.sampled_from(hidden), label="question").question
    value = data.draw(ANY_VALUE, label="value")
    changed = base.assess(answers={**base.answers, question.name: value})
    assert changed.model_dump() == base.assess().model_dump()


def test_questions_that_do_not_apply__found_in_every_kind():
    for kind in KINDS:
        compiled = RULESET.kind(kind)
        hidden = {q.question.name for base in BASES[kind]
                  for values in [validate_answers(compiled, base.answers, partial=base.partial).values]
                  for q in compiled.questions if q.calculation is None and not _applies(q, values)}
        assert hidden, f"no base of {kind} has a question that does not apply"


def test_related_rates__all_questions_of_the_rule_set():
    names = {q.question.name for kind in RULESET.kinds.values() for q in kind.questions}
    assert set(OPPOSED_RISING + SUPPORT_FALLING) <= names  # a renamed question must not silently drop out


def _more_opposed(answers: dict[str, Any], t: float) -> dict[str, Any]:
    """Every answered rate moved towards opposition by the share t (0: as given, 1: all opposed)."""
    moved = dict(answers)
    for name in OPPOSED_RISING:
        if isinstance(answers.get(name), (int, float)):
            moved[name] = answers[name] + t * (1 - answers[name])
    for name in SUPPORT_FALLING:
        if isinstance(answers.get(name), (int, float)):
            moved[name] = answers[name] * (1 - t)  # support + opposition stays at most 1
    return moved


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data(), low=st.floats(0, 1), high=st.floats(0, 1))
def test_more_opposition__never_lowers_the_level(kind, data, low, high):
    base = data.draw(st.sampled_from([b for b in BASES[kind] if any(n in b.answers for n in OPPOSED_RISING + SUPPORT_FALLING)]))
    low, high = sorted((low, high))
    less = base.assess(answers=_more_opposed(base.answers, low))
    more = base.assess(answers=_more_opposed(base.answers, high))
    assert _rank(more.before.level) >= _rank(less.before.level)
    assert _rank(more.after.level) >= _rank(less.after.level)


def _complete(measure: dict[str, Any], day: datetime.date) -> dict[str, Any]:
    return {**measure, "unit": "区人民政府办公室", "leader": "赵明（区长）", "deadline": day + datetime.timedelta(days=90)}


@pytest.mark.parametrize("kind", KINDS)
@SETTINGS
@given(data=st.data())
def test_adding_a_complete_measure__never_raises_residual_risk(kind, data):
    base = data.draw(st.sampled_from(BASES[kind]), label="base")
    before = base.assess()
    identified = sorted(f.factor for f in before.factors)
    library = st.sampled_from(sorted(RULESET.measures)).map(lambda m: {"measure": m})
    own = st.builds(lambda factors, p, c: {"text": "自拟措施", "factors": factors, "lowers": {"probability": p, "impact": c}},
                    st.lists(st.sampled_from(identified or sorted(RULESET.factors)), min_size=1, max_size=3, unique=True),
                    st.integers(0, 4), st.integers(0, 4))
    extra = _complete(data.draw(st.one_of(library, own), label="measure"), base.day)
    after = base.assess(measures=[*base.measures, extra])
    assert after.before == before.before and [f.probability for f in after.factors] == [f.probability for f in before.factors]
    residual = {f.factor: f.residual_risk for f in before.factors}
    assert all(f.residual_risk <= residual[f.factor] for f in after.factors)
    assert after.after.index <= before.after.index
    assert _rank(after.after.level) <= _rank(before.after.level)


# --- the default rule set hides no table, date or multiple choice: a demo kind hides one of every type

EVERY_TYPE = """
  - id: demo_hidden
    title: {zh: 迁坟相关情况, en: About the graves}
    relevant: "has_graves == True"
    questions:
      - {name: h_integer, type: integer, label: {zh: 整数, en: Integer}, min: 0, max: 100}
      - {name: h_number, type: number, label: {zh: 数字, en: Number}}
      - {name: h_percent, type: percent, label: {zh: 比例, en: Share}}
      - {name: h_money, type: money, label: {zh: 金额, en: Amount}}
      - {name: h_text, type: text, label: {zh: 文字, en: Text}, max_length: 20}
      - {name: h_date, type: date, label: {zh: 日期, en: Date}}
      - {name: h_yes_no, type: yes_no, label: {zh: 是否, en: Yes or no}}
      - name: h_single
        type: single_choice
        label: {zh: 单选, en: One choice}
        choices: [{name: a, label: {zh: 甲, en: A}}, {name: b, label: {zh: 乙, en: B}}]
      - name: h_multiple
        type: multiple_choice
        label: {zh: 多选, en: Choices}
        choices: [{name: a, label: {zh: 甲, en: A}}, {name: b, label: {zh: 乙, en: B}}]
      - name: h_table
        type: table
        label: {zh: 表格, en: Table}
        columns:
          - {name: who, type: text, label: {zh: 谁, en: Who}}
          - {name: size, type: integer, label: {zh: 人数, en: Size}, min: 0}
"""
READS_EVERY_TYPE = """
  - id: DM-HIDDEN-01
    factor: comparison_grievance
    when: >-
      answered(h_integer) or answered(h_number) or answered(h_percent) or answered(h_money) or len(h_text) > 0
      or answered(h_date) or answered(h_yes_no) or answered(h_single) or count_selected(h_multiple) > 0
      or len(h_table) > 0
    probability: 4
    because: {zh: "迁坟情况：{h_text}", en: "Graves: {h_text}"}
"""
HIDDEN = ("h_integer", "h_number", "h_percent", "h_money", "h_text", "h_date", "h_yes_no", "h_single", "h_multiple", "h_table")


@pytest.fixture(scope="module")
def every_type(tmp_path_factory):
    import shutil

    from tests.unit.rule_fixtures import COMMON_FILES, DEMO_QUESTIONNAIRE, DEMO_SCORING, write

    root = tmp_path_factory.mktemp("every_type") / "rules"
    for relative in COMMON_FILES:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEFAULT_RULES / relative, root / relative)
    write(root, "questionnaires/demo.yaml", DEMO_QUESTIONNAIRE + EVERY_TYPE)
    write(root, "scoring/demo.yaml", DEMO_SCORING + READS_EVERY_TYPE)
    return load_ruleset(root)


@SETTINGS
@given(data=st.data())
def test_question_of_any_type_in_a_section_that_does_not_apply__any_value__changes_nothing(every_type, data):
    from tests.unit.rule_fixtures import CALM_ANSWERS

    day = datetime.date(2026, 11, 25)
    answers = {**CALM_ANSWERS, **data.draw(st.sampled_from([{"has_graves": False}, {}]), label="graves")}
    extra = data.draw(st.dictionaries(st.sampled_from(HIDDEN), ANY_VALUE, min_size=1, max_size=4), label="answers")
    base = assess(every_type, "demo", answers, [], assessed_at=day)
    assert assess(every_type, "demo", {**answers, **extra}, [], assessed_at=day).model_dump() == base.model_dump()


@pytest.mark.parametrize(("name", "value"), [("h_integer", 3), ("h_date", "2026-01-01"), ("h_multiple", ["a"]),
                                             ("h_table", [{"who": "甲", "size": 2}]), ("h_text", "近百座")])
def test_question_in_a_section_that_applies__read_by_the_rule(every_type, name, value):
    from tests.unit.rule_fixtures import CALM_ANSWERS

    result = assess(every_type, "demo", {**CALM_ANSWERS, "has_graves": True, name: value}, [], assessed_at=datetime.date(2026, 11, 25))
    assert "comparison_grievance" in {f.factor for f in result.factors}  # so the property above could fail
