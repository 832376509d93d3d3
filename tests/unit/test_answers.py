"""Answer validation: every problem at once, each with the question, a stable code and zh/en messages."""

from __future__ import annotations

import math

import pytest

from assessment.domain.answers import validate_answers
from tests.unit.rule_fixtures import CALM_ANSWERS


def codes_by_question(result) -> dict[str, str]:
    return {p.where.id: p.code.code for p in result.problems}


def test_calm_answers__valid__no_problems(demo_ruleset):
    result = validate_answers(demo_ruleset.kind("demo"), CALM_ANSWERS)
    assert result.ok, [p.message("en") for p in result.problems]
    assert result.values["response_rate"] == pytest.approx(110 / 120)


def test_missing_required__reported_per_question(demo_ruleset):
    answers = {k: v for k, v in CALM_ANSWERS.items() if k not in ("matter_name", "opposition_rate")}
    result = validate_answers(demo_ruleset.kind("demo"), answers)
    assert codes_by_question(result) == {"matter_name": "ANS-303", "opposition_rate": "ANS-303"}
    assert "required" in result.problems[0].message("en") and "必填" in result.problems[0].message("zh")


def test_partial__missing_required__accepted(demo_ruleset):
    assert validate_answers(demo_ruleset.kind("demo"), {"opposition_rate": 0.1}, partial=True).ok


@pytest.mark.parametrize(("question", "value", "code"), [
    ("households_affected", "many", "ANS-304"),
    ("households_affected", 12.5, "ANS-304"),
    ("households_affected", True, "ANS-304"),
    ("households_affected", -1, "ANS-305"),
    ("opposition_rate", 12, "ANS-305"),
    ("opposition_rate", math.nan, "ANS-308"),
    ("investment", math.inf, "ANS-308"),
    ("comparison_risk", "hihg", "ANS-306"),
    ("approvals_missing", ["eia", "nope"], "ANS-306"),
    ("has_authority", "maybe", "ANS-304"),
    ("planned_start", "2026-13-40", "ANS-304"),
    ("matter_name", "名" * 10_000_000, "ANS-309"),
    ("no_such_question", 1, "ANS-302"),
    ("response_rate", 0.5, "ANS-302"),
])
def test_bad_value__reported_at_its_question(demo_ruleset, question, value, code):
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, question: value})
    assert codes_by_question(result) == {question: code}


def test_several_bad_values__all_reported_at_once(demo_ruleset):
    answers = {**CALM_ANSWERS, "households_affected": "x", "opposition_rate": 3, "capacity": "?"}
    assert set(codes_by_question(validate_answers(demo_ruleset.kind("demo"), answers))) == {
        "households_affected", "opposition_rate", "capacity"}


@pytest.mark.parametrize(("given", "expected"), [("12%", 0.12), (" 5.5 % ", 0.055), (0.3, 0.3), ("0.3", 0.3)])
def test_percent__written_either_way__read_as_fraction(demo_ruleset, given, expected):
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "opposition_rate": given})
    assert result.values["opposition_rate"] == pytest.approx(expected)


def test_choice__given_by_label__stored_by_name(demo_ruleset):
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "comparison_risk": "高", "approvals_missing": "环境影响评价批复、用地预审"})
    assert result.values["comparison_risk"] == "high"
    assert result.values["approvals_missing"] == ["land_preapproval", "eia"]  # in the questionnaire's order


def test_constraint__broken__reported_with_its_message(demo_ruleset):
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "support_rate": 0.7, "opposition_rate": 0.5})
    [problem] = result.problems
    assert problem.where.id == "opposition_rate" and problem.code.code == "ANS-307"
    assert "100%" in problem.message("zh") and "more than 100%" in problem.message("en")


def test_not_relevant_answer__ignored(demo_ruleset):
    kind = demo_ruleset.kind("demo")
    result = validate_answers(kind, {**CALM_ANSWERS, "has_graves": False, "graves": 40})
    assert result.ok and result.values["graves"] is None and result.ignored == ("graves",)


def test_relevant_answer__kept(demo_ruleset):
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "has_graves": True, "graves": 40})
    assert result.values["graves"] == 40


def test_calculation__division_by_zero__unanswered(demo_ruleset):
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "survey_distributed": 0, "survey_returned": 0})
    assert result.ok and result.values["response_rate"] is None


def test_table__bad_cells__reported_by_row_and_column(demo_ruleset):
    rows = [
        {"group": "住户", "kind": "affected_households", "size": 300, "stance": "oppose"},
        {"group": "商户", "kind": "shops", "size": -3, "stance": "oppose", "colour": "red"},
        "not a row",
    ]
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "stakeholders": rows})
    found = {(p.where.row, p.where.field, p.code.code) for p in result.problems}
    assert found == {(2, "kind", "ANS-306"), (2, "size", "ANS-305"), (2, "colour", "ANS-302"), (3, None, "ANS-304")}


def test_not_relevant_answer__even_out_of_range__ignored_without_error(demo_ruleset):
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "has_graves": False, "graves": -5})
    assert result.ok and result.values["graves"] is None and result.ignored == ("graves",)


def test_relevant_answer__out_of_range__reported(demo_ruleset):
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "has_graves": True, "graves": -5})
    assert codes_by_question(result) == {"graves": "ANS-305"}


def test_percent__own_max_above_one__accepted(rules_dir):
    from assessment.loader import load_ruleset
    from tests.unit.rule_fixtures import DEMO_QUESTIONNAIRE, write

    write(rules_dir, "questionnaires/demo.yaml", DEMO_QUESTIONNAIRE + """
      - name: rebuilt_area_ratio
        type: percent
        label: {zh: 回迁面积比例, en: Rebuilt area ratio}
        min: 0
        max: 3
""")
    kind = load_ruleset(rules_dir).kind("demo")
    assert validate_answers(kind, {**CALM_ANSWERS, "rebuilt_area_ratio": "120%"}).values["rebuilt_area_ratio"] == pytest.approx(1.2)
    assert codes_by_question(validate_answers(kind, {**CALM_ANSWERS, "rebuilt_area_ratio": 3.5})) == {"rebuilt_area_ratio": "ANS-305"}


@pytest.mark.parametrize("value", [10**400, int("9" * 4000), "1" * 5000, "1e400", "-" + "9" * 30, 1e300])
def test_number_too_large__reported_at_its_question_not_a_crash(demo_ruleset, value):
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "investment": value})
    assert codes_by_question(result) == {"investment": "ANS-314"}
    assert len(result.problems[0].message("zh")) < 200 and "10¹⁵" in result.problems[0].message("en")


@pytest.mark.parametrize("value", ["NaN", "inf", "-Infinity", "sNaN", math.nan])
def test_number_not_finite__reported(demo_ruleset, value):
    assert codes_by_question(validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "investment": value})) == {"investment": "ANS-308"}


@pytest.mark.parametrize(("given", "expected"), [("152,000", 152000), ("152000", 152000), ("1e3", 1000), ("3.5", 3.5), (" 12 ", 12)])
def test_money_written_as_text__read_as_the_number_written(demo_ruleset, given, expected):
    value = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "investment": given}).values["investment"]
    assert value == expected and type(value) is type(expected)


def test_bad_choice__choices_listed_in_each_languages_style(demo_ruleset):
    [problem] = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "comparison_risk": "hihg"}).problems
    assert "low、medium、high" in problem.message("zh") and "low, medium, high" in problem.message("en")


def test_huge_shared_structure__reported_briefly_and_fast(demo_ruleset):
    import time

    bomb: list = ["x"] * 9
    for _ in range(8):  # what an 8-level YAML alias bomb builds: 9**9 leaves, shared
        bomb = [bomb] * 9
    start = time.perf_counter()
    result = validate_answers(demo_ruleset.kind("demo"), {**CALM_ANSWERS, "investment": bomb, "comparison_risk": bomb})
    assert time.perf_counter() - start < 1
    assert codes_by_question(result) == {"investment": "ANS-304", "comparison_risk": "ANS-306"}
    assert all(len(p.message("en")) < 300 for p in result.problems)
