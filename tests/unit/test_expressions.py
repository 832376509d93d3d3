"""The expression language: parsing, refusal, evaluation with unanswered values, static checks, templates."""

from __future__ import annotations

import dataclasses
import datetime
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessment.domain.expressions import (
    FUNCTIONS,
    TypeInfo,
    Uncomputable,
    ValueType,
    check,
    out_of_range,
    parse,
    parse_template,
)
from assessment.errors import ErrorCode, WenpingError

V = ValueType
KLEENE = (True, False, None)

TYPES = {
    "ratio": TypeInfo(V.NUMBER, question="ratio"),
    "count": TypeInfo(V.NUMBER, question="count"),
    "name": TypeInfo(V.TEXT, question="name"),
    "flag": TypeInfo(V.BOOL, question="flag"),
    "start": TypeInfo(V.DATE, question="start"),
    "stance": TypeInfo(V.CHOICE, frozenset({"support", "neutral", "oppose"}), question="stance"),
    "concerns": TypeInfo(V.CHOICES, frozenset({"noise", "price", "jobs"}), question="concerns"),
    "households": TypeInfo(
        V.TABLE,
        columns={
            "area": TypeInfo(V.NUMBER, question="area"),
            "moved": TypeInfo(V.DATE, question="moved"),
            "housing": TypeInfo(V.CHOICE, frozenset({"sole", "second"}), question="housing"),
            "needs": TypeInfo(V.CHOICES, frozenset({"school", "clinic"}), question="needs"),
        },
        question="households",
    ),
    "anything": TypeInfo(V.ANY),
}

ROWS = [
    {"area": 80, "housing": "sole", "needs": ["school"], "moved": datetime.date(2020, 1, 1)},
    {"area": None, "housing": "second", "needs": ["school", "clinic"], "moved": None},
    {"area": 120.5, "housing": "sole", "needs": [], "moved": datetime.date(2024, 6, 30)},
]


def evaluate(source, **env):
    return parse(source).evaluate(env)


def codes(error: WenpingError) -> list[ErrorCode]:
    return [problem.code for problem in error.problems]


def raises(code: ErrorCode, action, *args):
    with pytest.raises(WenpingError) as caught:
        action(*args)
    assert code in codes(caught.value), caught.value.message("en")
    return caught.value


# --- parsing


@pytest.mark.parametrize(("source", "value"), [(4, 4), (0.5, 0.5), (True, True), (False, False), ("  3  ", 3)])
def test_parse__yaml_constant__evaluates_to_it(source, value):
    result = parse(source).evaluate({})
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize("source", [None, [1], {"a": 1}, float("inf"), float("nan")])
def test_parse__not_an_expression__raises_syntax(source):
    raises(ErrorCode.EXPR_SYNTAX, parse, source)


@pytest.mark.parametrize("source", ["", "   ", "\n"])
def test_parse__empty__raises_syntax(source):
    raises(ErrorCode.EXPR_SYNTAX, parse, source)


def test_parse__syntax_error__reports_the_column():
    error = raises(ErrorCode.EXPR_SYNTAX, parse, "a b")
    assert error.problems[0].params["column"] == 3
    assert "column 3" in error.message("en") and "第 3 列" in error.message("zh")


def test_parse__incomplete_expression__reports_the_end_column():
    error = raises(ErrorCode.EXPR_SYNTAX, parse, "a and")
    assert error.problems[0].params["column"] == 6


def test_parse__full_width_parenthesis__hints_half_width_in_chinese():
    error = raises(ErrorCode.EXPR_SYNTAX, parse, "min（a, b）")
    assert "半角" in error.message("zh")


@pytest.mark.parametrize("source", ["a\x00", "(" * 300 + "1" + ")" * 300, "-" * 5000 + "1", "1 + " * 600 + "1"])
def test_parse__unreadable_or_too_big__raises_syntax(source):
    raises(ErrorCode.EXPR_SYNTAX, parse, source)


def test_parse__deep_but_legal_nesting__is_refused_beyond_the_limit():
    raises(ErrorCode.EXPR_SYNTAX, parse, "not " * 150 + "flag")
    assert parse("not " * 20 + "flag").evaluate({"flag": True}) is True


def test_parse__yaml_block_with_line_breaks__reads_as_one_line():
    expression = parse("ratio < 0.9\n  and flag\n")
    assert expression.source == "ratio < 0.9   and flag"
    assert expression.evaluate({"ratio": 0.5, "flag": True}) is True


def test_parse__names__are_every_name_but_functions_and_constants():
    expression = parse("selected(stance, 'oppose') and ratio < limit or true and not false")
    assert expression.names == frozenset({"stance", "ratio", "limit"})


def test_expression__same_source__equal_and_hashable():
    assert parse("a + 1") == parse("a + 1")
    assert len({parse("a + 1"), parse("a + 1"), parse("a + 2")}) == 2


def test_expression__assignment__is_refused():
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse("a").source = "b"  # type: ignore[misc]


# --- refusal of everything outside the whitelist


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("x.__class__", "attribute access"),
        ("'a'.upper()", "attribute access"),
        ("x[0]", "subscript"),
        ("x[1:2]", "subscript"),
        ("(lambda: 1)", "lambda"),
        ("[a for a in x]", "comprehension"),
        ("{a for a in x}", "comprehension"),
        ("{a: 1 for a in x}", "comprehension"),
        ("min(a for a in x)", "comprehension"),
        ("2 ** 10", "**"),
        ("{'a': 1}", "dictionary"),
        ("{1, 2}", "set"),
        ("round(x, ndigits=2)", "keyword argument"),
        ("min(*x)", "starred argument"),
        ("(y := 1)", "assignment"),
        ("f'{x}'", "f-string"),
        ("a is None", "is"),
        ("a is not b", "is not"),
        ("a & b", "&"),
        ("~a", "~"),
        ("a @ b", "@"),
        ("None", "answered(x)"),
        ("b'x'", "constant"),
        ("1j", "constant"),
        ("...", "constant"),
        ("min(1, 2)(3)", "function names"),
    ],
)
def test_parse__construct_outside_whitelist__is_refused_naming_it(source, shown):
    error = raises(ErrorCode.EXPR_NOT_ALLOWED, parse, source)
    assert shown in error.message("en")


@pytest.mark.parametrize("source", ["__import__('os')", "eval('1')", "open('/etc/passwd')", "sum(a, b)", "getattr(a, 'b')"])
def test_parse__call_outside_whitelist__is_an_unknown_function(source):
    error = raises(ErrorCode.EXPR_UNKNOWN_FUNCTION, parse, source)
    assert source.split("(")[0] in error.message("en")
    assert "answered" in error.message("en")  # lists what is available


@pytest.mark.parametrize(
    ("source", "expected"),
    [("answered()", "1"), ("answered(a, b)", "1"), ("min(a)", "≥2"), ("coalesce(a)", "≥2"), ("round(a, 1, 2)", "1–2"),
     ("clamp(a, b)", "3"), ("count_if(t, 'c')", "3"), ("days_between(a)", "2")],
)
def test_parse__wrong_argument_count__raises_arity(source, expected):
    error = raises(ErrorCode.EXPR_ARITY, parse, source)
    assert error.problems[0].params["expected"] == expected
    assert source.split("(")[0] in error.message("en")


@pytest.mark.parametrize("source", ["sum_of(households, area)", "max_of(households, 1)", "count_if(households, c, 'x')"])
def test_parse__table_column_not_quoted__raises_type(source):
    raises(ErrorCode.EXPR_TYPE, parse, source)


# --- arithmetic


@pytest.mark.parametrize(
    ("source", "value"),
    [("a + b", 9), ("a - b", 3), ("a * b", 18), ("a / b", 2.0), ("7 / 2", 3.5), ("a // 4", 1), ("a % 4", 2),
     ("-a", -6), ("+a", 6), ("-(a - b) * 2", -6), ("a + b * 2", 12), ("1.5 + a", 7.5)],
)
def test_arithmetic__numbers__computes(source, value):
    assert evaluate(source, a=6, b=3) == value


@pytest.mark.parametrize("source", ["a + n", "n - a", "a * n", "n / a", "a // n", "n % a", "-n", "+n"])
def test_arithmetic__unanswered_operand__is_unanswered(source):
    assert evaluate(source, a=6, n=None) is None


@pytest.mark.parametrize("source", ["a / z", "a // z", "a % z", "a / 0.0"])
def test_arithmetic__division_by_zero__is_unanswered(source):
    assert evaluate(source, a=6, z=0) is None


@pytest.mark.parametrize(("source", "env"), [("a + 1", {"a": "x"}), ("a * 3", {"a": "x"}), ("a + 1", {"a": True}),
                                             ("-a", {"a": "x"}), ("a * 1000000000", {"a": [1]})])
def test_arithmetic__non_number_value__raises_runtime_without_computing(source, env):
    error = raises(ErrorCode.EXPR_RUNTIME, parse(source).evaluate, env)
    assert "needs" in error.message("en")


# --- comparison and membership


@pytest.mark.parametrize(
    ("source", "value"),
    [("a == 6", True), ("a != 6", False), ("a < 7", True), ("a <= 6", True), ("a > 6", False), ("a >= 7", False),
     ("1 < a < 10", True), ("1 < a < 5", False), ("7 < a < 10", False), ("s == 'x'", True), ("s < 'y'", True),
     ("d < e", True), ("a == 6.0", True)],
)
def test_comparison__answered_values__compares(source, value):
    assert evaluate(source, a=6, s="x", d=datetime.date(2026, 1, 1), e=datetime.date(2026, 2, 1)) is value


@pytest.mark.parametrize("source", ["n == 1", "n != 1", "n < 1", "n <= 1", "n > 1", "n >= 1", "1 == n", "n == n",
                                    "n in [1, 2]", "n not in [1, 2]", "'a' in n", "'a' not in n"])
def test_comparison__unanswered_operand__is_unanswered(source):
    assert evaluate(source, n=None) is None


def test_comparison__chain_with_unanswered_middle__is_unanswered():
    assert evaluate("1 < n < 3", n=None) is None


def test_comparison__chain_false_before_unanswered__is_false():
    assert evaluate("5 < a < n", a=1, n=None) is False
    assert evaluate("a < n < 0", a=1, n=None) is None


@pytest.mark.parametrize(
    ("source", "env", "value"),
    [("s in ['a', 'b']", {"s": "a"}, True), ("s in ('a', 'b')", {"s": "c"}, False),
     ("s not in ['a', 'b']", {"s": "c"}, True), ("s not in ['a', 'b']", {"s": "a"}, False),
     ("'noise' in c", {"c": ["noise", "jobs"]}, True), ("'price' in c", {"c": ["noise"]}, False),
     ("'price' not in c", {"c": []}, True), ("'拆迁' in t", {"t": "涉及拆迁安置"}, True), ("'x' in t", {"t": "abc"}, False),
     ("s in [a, b]", {"s": 1, "a": 1, "b": None}, True), ("s in [a, b]", {"s": 2, "a": 1, "b": None}, None),
     ("s not in [a, b]", {"s": 2, "a": 1, "b": None}, None), ("s in [a, b]", {"s": 2, "a": 1, "b": 3}, False)],
)
def test_membership__values__is_kleene(source, env, value):
    assert parse(source).evaluate(env) is value


def test_membership__number_on_the_right__raises_runtime():
    raises(ErrorCode.EXPR_RUNTIME, parse("1 in a").evaluate, {"a": 5})


def test_comparison__ordering_number_with_text__raises_runtime_naming_the_source():
    error = raises(ErrorCode.EXPR_RUNTIME, parse("a < 'x'").evaluate, {"a": 1})
    assert "a < 'x'" in error.message("en")


# --- logic


@pytest.mark.parametrize(("a", "b"), list(itertools.product(KLEENE, KLEENE)))
def test_and__kleene_truth_table(a, b):
    expected = False if False in (a, b) else (None if None in (a, b) else True)
    assert evaluate("a and b", a=a, b=b) is expected


@pytest.mark.parametrize(("a", "b"), list(itertools.product(KLEENE, KLEENE)))
def test_or__kleene_truth_table(a, b):
    expected = True if True in (a, b) else (None if None in (a, b) else False)
    assert evaluate("a or b", a=a, b=b) is expected


@pytest.mark.parametrize(("a", "expected"), [(True, False), (False, True), (None, None)])
def test_not__kleene(a, expected):
    assert evaluate("not a", a=a) is expected


def test_and__three_operands_with_false_last__is_false():
    assert evaluate("a and b and c", a=None, b=True, c=False) is False


def test_or__three_operands_with_true_last__is_true():
    assert evaluate("a or b or c", a=None, b=False, c=True) is True


@pytest.mark.parametrize("source", ["a and b", "a or b", "not a", "b if a else b"])
def test_logic__non_bool_operand__raises_runtime(source):
    raises(ErrorCode.EXPR_RUNTIME, parse(source).evaluate, {"a": 1, "b": True})


def test_logic__lowercase_constants__are_booleans():
    assert evaluate("true and not false") is True
    assert evaluate("True or False") is True


def test_name__missing_from_env__is_unanswered():
    assert evaluate("x") is None
    assert evaluate("x == 1") is None


# --- conditional


@pytest.mark.parametrize(("condition", "value"), [(True, 4), (False, 3), (None, None)])
def test_conditional__condition__chooses_the_branch(condition, value):
    assert evaluate("4 if c else 3", c=condition) == value


def test_conditional__branch_not_taken__is_not_evaluated():
    assert evaluate("1 if c else t + 1", c=True, t="text") == 1


# --- functions


D = datetime.date


@pytest.mark.parametrize(
    ("source", "env", "value"),
    [
        ("answered(x)", {"x": 0}, True),
        ("answered(x)", {"x": False}, True),
        ("answered(x)", {"x": None}, False),
        ("answered(x)", {}, False),
        ("coalesce(x, y, 0)", {"x": None, "y": 5}, 5),
        ("coalesce(x, y, 0)", {"x": 0, "y": 5}, 0),
        ("coalesce(x, y)", {}, None),
        ("selected(c, 'noise')", {"c": ["noise", "jobs"]}, True),
        ("selected(c, 'price')", {"c": ["noise"]}, False),
        ("selected(s, 'oppose')", {"s": "oppose"}, True),
        ("selected(s, 'oppose')", {"s": "support"}, False),
        ("selected(s, 'oppose')", {"s": None}, None),
        ("count_selected(c)", {"c": ["a", "b"]}, 2),
        ("count_selected(c)", {"c": []}, 0),
        ("count_selected(c)", {"c": None}, 0),
        ("count_selected(s)", {"s": "oppose"}, 1),
        ("min(a, b, 3)", {"a": 5, "b": 4}, 3),
        ("min(a, b)", {"a": 5, "b": None}, None),
        ("max(a, b, 3)", {"a": 5, "b": 4}, 5),
        ("max(a, b)", {"a": None, "b": 4}, None),
        ("max(d, e)", {"d": D(2026, 1, 1), "e": D(2025, 1, 1)}, D(2026, 1, 1)),
        ("abs(a)", {"a": -2.5}, 2.5),
        ("abs(a)", {"a": None}, None),
        ("round(a)", {"a": 2.5}, 3),
        ("round(a)", {"a": -2.5}, -3),
        ("round(a)", {"a": 0.5}, 1),
        ("round(a, 2)", {"a": 2.675}, 2.68),
        ("round(a, 1)", {"a": 0.25}, 0.3),
        ("round(a, -2)", {"a": 1250}, 1300),
        ("round(a, 2.0)", {"a": 1.005}, 1.01),
        ("round(a)", {"a": None}, None),
        ("round(a, n)", {"a": 1.5, "n": None}, None),
        ("clamp(a, 1, 5)", {"a": 7}, 5),
        ("clamp(a, 1, 5)", {"a": -1}, 1),
        ("clamp(a, 1, 5)", {"a": 3}, 3),
        ("clamp(a, 1, 5)", {"a": None}, None),
        ("len(t)", {"t": "拆迁安置"}, 4),
        ("len(c)", {"c": ["a", "b"]}, 2),
        ("len(rows)", {"rows": ROWS}, 3),
        ("len(t)", {"t": None}, 0),
        ("days_between(d, e)", {"d": D(2026, 1, 1), "e": D(2026, 3, 1)}, 59),
        ("days_between(e, d)", {"d": D(2026, 1, 1), "e": D(2026, 3, 1)}, -59),
        ("days_between('2026-01-01', e)", {"e": D(2026, 1, 11)}, 10),
        ("days_between(d, e)", {"d": datetime.datetime(2026, 1, 1, 23), "e": D(2026, 1, 2)}, 1),
        ("days_between(d, e)", {"d": None, "e": D(2026, 1, 2)}, None),
        ("count_rows(rows)", {"rows": ROWS}, 3),
        ("count_rows(rows)", {"rows": []}, 0),
        ("count_rows(rows)", {"rows": None}, None),
        ("count_if(rows, 'housing', 'sole')", {"rows": ROWS}, 2),
        ("count_if(rows, 'needs', 'school')", {"rows": ROWS}, 2),
        ("count_if(rows, 'area', v)", {"rows": ROWS, "v": None}, None),
        ("count_if(rows, 'housing', 'sole')", {"rows": None}, None),
        ("sum_of(rows, 'area')", {"rows": ROWS}, 200.5),
        ("sum_of(rows, 'area')", {"rows": []}, 0),
        ("sum_of(rows, 'area')", {"rows": None}, None),
        ("max_of(rows, 'area')", {"rows": ROWS}, 120.5),
        ("max_of(rows, 'moved')", {"rows": ROWS}, D(2024, 6, 30)),
        ("max_of(rows, 'area')", {"rows": [{"area": None}]}, None),
        ("max_of(rows, 'area')", {"rows": None}, None),
    ],
)
def test_function__arguments__gives_value(source, env, value):
    result = parse(source).evaluate(env)
    assert result == value and type(result) is type(value)


@pytest.mark.parametrize(
    ("source", "env"),
    [("abs(a)", {"a": "x"}), ("round(a)", {"a": "x"}), ("round(a, 1.5)", {"a": 1.0}), ("days_between(a, b)", {"a": "soon", "b": "2026-01-01"}),
     ("days_between(a, b)", {"a": 1, "b": 2}), ("len(a)", {"a": 5}), ("count_rows(t)", {"t": 5}), ("count_rows(t)", {"t": [1]}),
     ("selected(a, 'x')", {"a": 5}), ("count_selected(a)", {"a": 5}), ("min(a, b)", {"a": 1, "b": "x"})],
)
def test_function__wrong_value_type__raises_runtime_naming_the_source(source, env):
    error = raises(ErrorCode.EXPR_RUNTIME, parse(source).evaluate, env)
    assert source in error.message("en")


def test_functions__every_one__has_a_consistent_arity():
    for name, fn in FUNCTIONS.items():
        assert fn.signature.startswith(f"{name}(")
        assert fn.max_args is None or fn.min_args <= fn.max_args


# --- static checking


def test_check__valid_rule__returns_inferred_type():
    info = check(parse("4 if ratio < 0.8 else 3"), TYPES, V.NUMBER)
    assert info.kind is V.NUMBER


@pytest.mark.parametrize(
    ("source", "kind"),
    [("ratio", V.NUMBER), ("ratio + 1", V.NUMBER), ("name", V.TEXT), ("flag and ratio > 1", V.BOOL), ("stance", V.CHOICE),
     ("concerns", V.CHOICES), ("households", V.TABLE), ("start", V.DATE), ("max(start, start if flag else start)", V.DATE),
     ("max_of(households, 'moved')", V.DATE), ("max_of(households, 'area')", V.NUMBER), ("coalesce(stance, 'neutral')", V.TEXT),
     ("coalesce(ratio, 0)", V.NUMBER), ("anything", V.ANY), ("anything + 1", V.NUMBER), ("['a', 'b']", V.CHOICES),
     ("stance if flag else stance", V.CHOICE), ("answered(households)", V.BOOL), ("len(households)", V.NUMBER),
     ("days_between(start, '2026-01-01')", V.NUMBER), ("count_if(households, 'housing', 'sole')", V.NUMBER)],
)
def test_check__expression__infers_kind(source, kind):
    assert check(parse(source), TYPES).kind is kind


def test_check__name__returns_the_question_type():
    assert check(parse("stance"), TYPES) == TYPES["stance"]


def test_check__unknown_name__raises_naming_it():
    error = raises(ErrorCode.EXPR_UNKNOWN_NAME, check, parse("relocaton > 1"), TYPES)
    assert "relocaton" in error.message("en") and "relocaton" in error.message("zh")


def test_check__several_problems__are_all_reported_once_each():
    error = raises(ErrorCode.EXPR_UNKNOWN_NAME, check, parse("x > 1 and y > 1 and x < 5 or name + 1 > 0"), TYPES)
    assert codes(error) == [ErrorCode.EXPR_UNKNOWN_NAME, ErrorCode.EXPR_UNKNOWN_NAME, ErrorCode.EXPR_TYPE]


def test_check__unknown_table_column__raises_unknown_name():
    error = raises(ErrorCode.EXPR_UNKNOWN_NAME, check, parse("sum_of(households, 'aera')"), TYPES)
    assert "households.aera" in error.message("en")


@pytest.mark.parametrize(
    "source",
    [
        "ratio > 'high'",  # number vs text
        "ratio == name",
        "flag == 1",  # bool vs number
        "start < ratio",
        "name + 1",  # arithmetic on text
        "flag * 2",  # arithmetic on bool
        "-name",
        "not ratio",  # a number where a bool is expected
        "ratio and flag",
        "flag or name",
        "1 if ratio else 2",
        "4 if flag else 'high'",  # branches differ
        "stance < 'b'",  # ordering on choices
        "flag < true",
        "selected(name, 'x')",  # selected() on a non-choice
        "selected(ratio, 'x')",
        "selected(stance, 1)",
        "count_selected(ratio)",
        "abs(name)",
        "round(ratio, name)",
        "clamp(ratio, 1, flag)",
        "min(ratio, name)",
        "max(start, ratio)",
        "min(name, name)",
        "len(ratio)",
        "len(stance)",
        "days_between(start, ratio)",
        "days_between(start, 'soon')",
        "days_between('2026-02-30', start)",
        "count_rows(concerns)",
        "sum_of(concerns, 'area')",
        "sum_of(households, 'housing')",
        "max_of(households, 'needs')",
        "count_if(households, 'area', 'big')",
        "coalesce(ratio, name)",
        "ratio in name",
        "ratio in concerns",
        "name in ratio",
        "'a' in stance",
        "1 in ['a']",
        "concerns in ['noise']",
    ],
)
def test_check__type_mistake__raises_type(source):
    error = raises(ErrorCode.EXPR_TYPE, check, parse(source), TYPES)
    assert error.message("zh").startswith("类型错误") and error.message("en").startswith("Type error")


def test_check__type_error__message_names_the_operand_in_both_languages():
    error = raises(ErrorCode.EXPR_TYPE, check, parse("ratio + name"), TYPES)
    assert "`name` is text" in error.message("en")
    assert "“name”是文字" in error.message("zh")


@pytest.mark.parametrize(
    ("source", "expect"),
    [("ratio", V.BOOL), ("ratio > 1", V.NUMBER), ("name", V.NUMBER), ("stance == 'oppose'", V.NUMBER), ("start", V.TEXT)],
)
def test_check__result_type_differs_from_expected__raises_type(source, expect):
    raises(ErrorCode.EXPR_TYPE, check, parse(source), TYPES, expect)


@pytest.mark.parametrize(
    ("source", "expect"),
    [("stance", V.TEXT), ("name", V.CHOICE), ("anything", V.BOOL), ("ratio", V.ANY), ("ratio", None), (4, V.NUMBER), (True, V.BOOL)],
)
def test_check__compatible_result__passes(source, expect):
    check(parse(source), TYPES, expect)


@pytest.mark.parametrize(
    "source",
    ["stance == 'opose'", "'opose' == stance", "stance != 'opose'", "stance in ['support', 'opose']", "'opose' in concerns",
     "'jobz' not in concerns", "selected(stance, 'opose')", "selected(concerns, 'jobz')", "concerns == ['noise', 'jobz']",
     "count_if(households, 'housing', 'sol')", "count_if(households, 'needs', 'scool')", "(stance if flag else stance) == 'opose'"],
)
def test_check__unknown_choice_literal__raises_unknown_choice_naming_it(source):
    error = raises(ErrorCode.EXPR_UNKNOWN_CHOICE, check, parse(source), TYPES)
    problem = next(p for p in error.problems if p.code is ErrorCode.EXPR_UNKNOWN_CHOICE)
    assert problem.params["value"] in source
    assert problem.params["value"] in error.message("en")


def test_check__unknown_choice__message_lists_the_choices_and_question():
    error = raises(ErrorCode.EXPR_UNKNOWN_CHOICE, check, parse("stance == 'opose'"), TYPES)
    assert error.message("en") == "'opose' is not a choice of question stance (choices: neutral, oppose, support) (EXPR-107)"


@pytest.mark.parametrize(
    "source",
    ["stance == 'oppose'", "stance in ['support', 'oppose']", "'noise' in concerns", "selected(concerns, 'jobs')",
     "count_if(households, 'housing', 'sole') > 1", "name == 'opose'", "stance == name", "'x' in name",
     "sum_of(households, 'area') > 100", "days_between(start, '2026-01-01') > 0", "0 < ratio <= 1",
     "coalesce(flag, false) == false", "not answered(flag) or flag == False", "anything + 1 > anything",
     "selected(anything, 'x')", "len(anything) > 0", "count_rows(households) + len(concerns) >= count"],
)
def test_check__valid_expression__passes(source):
    check(parse(source), TYPES)


def test_check__everything_any__is_permissive():
    types = {name: TypeInfo(V.ANY) for name in "abcd"}
    check(parse("(a + b > c and d) or selected(a, 'x') or sum_of(a, 'col') > max(b, c)"), types, V.BOOL)


def test_check__table_without_declared_columns__is_permissive():
    check(parse("sum_of(t, 'anything') > 1"), {"t": TypeInfo(V.TABLE)})


# --- templates


def test_template__format_spec__is_applied():
    template = parse_template("补偿标准为当地基准的{compensation_ratio:.0%}")
    assert template.render({"compensation_ratio": 0.85}, "zh") == "补偿标准为当地基准的85%"
    assert template.names == frozenset({"compensation_ratio"})


@pytest.mark.parametrize(("lang", "text"), [("zh", "比例：未填写"), ("en", "比例：not answered")])
def test_template__unanswered__renders_words_ignoring_spec(lang, text):
    assert parse_template("比例：{r:.0%}").render({}, lang) == text


@pytest.mark.parametrize(("value", "zh", "en"), [(True, "是", "yes"), (False, "否", "no"), (["a", "b"], "a、b", "a, b"),
                                                 ([True, None], "是、未填写", "yes, not answered")])
def test_template__bool_and_list__render_per_language(value, zh, en):
    template = parse_template("{x}")
    assert template.render({"x": value}, "zh") == zh
    assert template.render({"x": value}, "en") == en


@pytest.mark.parametrize(("spec", "value", "text"), [(".0%", "abc", "abc"), (",.2f", "n/a", "n/a"), ("%Y年", 5, "5"), ("d", 1.5, "1.5")])
def test_template__spec_not_fitting_value__falls_back_to_plain_text(spec, value, text):
    assert parse_template("{x:" + spec + "}").render({"x": value}, "en") == text


def test_template__dates_numbers_and_braces__render():
    template = parse_template("{d:%Y年%m月%d日} {n:,.2f} {{literal}} {n}")
    assert template.render({"d": datetime.date(2026, 3, 1), "n": 1234.5}, "zh") == "2026年03月01日 1,234.50 {literal} 1234.5"


def test_template__same_source__equal_and_hashable():
    assert parse_template("{a}") == parse_template("{a}")
    assert len({parse_template("{a}"), parse_template("{a}")}) == 1


@pytest.mark.parametrize(
    "text",
    ["{x.__class__}", "{x.__init__.__globals__}", "{x[0]}", "{x['k']}", "{x!r}", "{x!s:>3}", "{}", "{0}", "{x:{y}}",
     "{x:999999999}", "{x:.500f}", "{", "}", "a {b", "{x:>{w}}"],
)
def test_parse_template__field_beyond_a_plain_name__is_refused(text):
    error = raises(ErrorCode.EXPR_TEMPLATE, parse_template, text)
    assert error.message("zh").startswith("说明文字模板错误")


def test_parse_template__attribute_field__message_shows_it():
    error = raises(ErrorCode.EXPR_TEMPLATE, parse_template, "值为{x.__class__}")
    assert "{x.__class__}" in error.message("en")


@pytest.mark.parametrize("text", [None, 5, ["a"]])
def test_parse_template__not_text__is_refused(text):
    raises(ErrorCode.EXPR_TEMPLATE, parse_template, text)


@pytest.mark.parametrize(("value", "zh", "en"), [
    (386500, "386,500", "386,500"), (1352, "1352", "1,352"), (152000.0, "152,000", "152,000"), (2.0, "2", "2"),
    (0.1 + 0.2, "0.3", "0.3"), (-12345.678, "-12,345.678", "-12,345.678"), (0.00012, "0.0001", "0.0001"), (0.00001, "1e-05", "1e-05"),
])
def test_template__number_without_spec__whole_floats_whole_and_large_ones_grouped(value, zh, en):
    template = parse_template("{n}")
    assert (template.render({"n": value}, "zh"), template.render({"n": value}, "en")) == (zh, en)


@pytest.mark.parametrize(("n", "text"), [(1, "1 petition"), (2, "2 petitions"), (0, "0 petitions"), (1.0, "1 petition"),
                                         (1500, "1,500 petitions"), (None, "not answered")])
def test_template__plural_words__follow_the_number(n, text):
    assert parse_template("{n:|petition|petitions}").render({"n": n}, "en") == text


def test_template__plural_words_with_a_format__both_apply():
    assert parse_template("{n:,.1f|tonne|tonnes}").render({"n": 1234.56}, "en") == "1,234.6 tonnes"


@pytest.mark.parametrize("text", ["{n:|one}", "{n:|a|b|c}", "{n:||b}", "{n:| |b}"])
def test_parse_template__plural_words_not_two__refused(text):
    raises(ErrorCode.EXPR_TEMPLATE, parse_template, text)


@pytest.mark.parametrize(("division", "zh", "en"), [(True, "无法计算（除数为零）", "cannot be computed (division by zero)"),
                                                    (False, "无法计算", "cannot be computed")])
def test_template__uncomputable_value__says_what_it_is_not_unanswered(division, zh, en):
    template = parse_template("{r:.0%}")
    assert template.render({"r": Uncomputable(division)}, "zh") == zh
    assert template.render({"r": Uncomputable(division)}, "en") == en


@pytest.mark.parametrize(("field", "name"), [
    ("{ratio:.0q}", "ratio"), ("{name:.0%}", "name"), ("{ratio:%Y}", "ratio"), ("{flag:.0%}", "flag"),
    ("{concerns:>5}", "concerns"), ("{name:|a|b}", "name"), ("{start:,.2f}", "start"), ("{households:d}", "households"),
])
def test_template_problems__format_not_fitting_the_type__reported_naming_the_field(field, name):
    problems = parse_template("前" + field + "后").problems(TYPES)
    assert [p.code for p in problems] == [ErrorCode.EXPR_TEMPLATE]
    assert field in problems[0].message("zh") and field in problems[0].message("en")


@pytest.mark.parametrize("text", ["{ratio:.0%}", "{count:,.2f}", "{count:d}", "{name:>10}", "{start:%Y年%m月}", "{flag}",
                                  "{count:,|household|households}", "{anything:.0q}", "{unknown:.0q}", "{stance:^8}"])
def test_template_problems__format_fitting_the_type__none(text):
    assert parse_template(text).problems(TYPES) == []


# --- what a level expression can give


@pytest.mark.parametrize(("source", "found"), [
    ("6 if ratio < 0.8 else 3", ["6"]),
    ("5 if flag else (0 if ratio > 1 else 3)", ["0"]),
    ("min(ratio, 0)", ["min(ratio, 0)"]),
    ("max(count, 6)", ["max(count, 6)"]),
    ("clamp(ratio, 6, 9)", ["clamp(ratio, 6, 9)"]),
    ("2.5", ["2.5"]),
    ("3 + 4", ["3 + 4"]),
    ("-1", ["-1"]),
    ("max(1, 2.5)", ["max(1, 2.5)"]),
    ("7 if flag else 0", ["7", "0"]),
])
def test_out_of_range__a_result_certainly_outside_1_to_5__found(source, found):
    assert [snippet for snippet, _, _ in out_of_range(parse(source), 1, 5)] == found


@pytest.mark.parametrize("source", [
    "4 if ratio < 0.8 else 3", "clamp(2 + count, 1, 5)", "min(5, 2 + count_selected(concerns))", "ratio",
    "round(ratio * 5)", "5 if flag else 1", "max(1, min(5, count))", "count * 0 + 3", "6 - count",
])
def test_out_of_range__results_that_may_be_levels__not_found(source):
    assert out_of_range(parse(source), 1, 5) == []


def test_out_of_range__constant_beyond_any_float__reported_not_a_crash():
    big = "9" * 400
    assert out_of_range(parse(f"{big} if ratio > 0 else 3"), 1, 5) == [(big, float("inf"), float("inf"))]
    assert out_of_range(parse(f"min(ratio, 3) * {big} - {big}"), 1, 5) == []


def test_out_of_range__interval__reported_with_the_snippet():
    assert out_of_range(parse("min(count, 0)"), 1, 5) == [("min(count, 0)", -float("inf"), 0)]


# --- properties

VALID = [
    "a + b * c", "a - b / c", "a // b + c % a", "-a + +b", "a < b < c", "a == b or b != c", "a >= b and not (c <= a)",
    "round(a, 2) + abs(b)", "clamp(a, b, c)", "min(a, b, c) + max(a, b)", "coalesce(a, b, 0) * 2",
    "4 if a < 0.8 else (3 if b > 0 else 1)", "answered(a) and a > 0", "a in [b, c, 1]",
    "round(a) if a > b else c / 3",
]
NUMBERS = st.one_of(
    st.none(),
    st.integers(min_value=-10**12, max_value=10**12),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
)


@given(st.sampled_from(VALID), NUMBERS, NUMBERS, NUMBERS)
def test_property__valid_expression_on_numbers_or_unanswered__never_raises(source, a, b, c):
    parse(source).evaluate({"a": a, "b": b, "c": c})


@given(st.sampled_from(KLEENE), st.sampled_from(KLEENE))
def test_property__de_morgan__holds_under_kleene(a, b):
    env = {"a": a, "b": b}
    assert evaluate("not (a and b)", **env) is evaluate("not a or not b", **env)
    assert evaluate("not (a or b)", **env) is evaluate("not a and not b", **env)


@given(st.sampled_from(KLEENE), st.sampled_from(KLEENE), st.sampled_from(KLEENE))
def test_property__and_or__commute_associate_and_stay_three_valued(a, b, c):
    env = {"a": a, "b": b, "c": c}
    assert evaluate("a and b", **env) is evaluate("b and a", **env)
    assert evaluate("a or b", **env) is evaluate("b or a", **env)
    assert evaluate("(a and b) and c", **env) is evaluate("a and (b and c)", **env)
    assert evaluate("a and (b or c)", **env) is evaluate("(a and b) or (a and c)", **env)
    assert evaluate("not not a", **env) is a


@given(st.text(max_size=60))
def test_property__any_text__parses_or_raises_wenping_error(text):
    try:
        parse(text)
    except WenpingError as error:
        assert error.problems[0].code.code.startswith("EXPR-")


ANY_VALUE = st.one_of(NUMBERS, st.booleans(), st.text(max_size=5), st.lists(st.text(max_size=3), max_size=3),
                      st.dates(), st.lists(st.dictionaries(st.sampled_from(["area", "housing"]), NUMBERS), max_size=3))
WIDE = VALID + [
    "selected(a, 'x') or count_selected(b) > 1", "len(a) + len(b)", "days_between(a, b) > 3", "sum_of(a, 'area') + count_rows(b)",
    "count_if(a, 'housing', b) + max_of(c, 'area')", "'x' in a", "a == 'x' and not b", "a if b else c",
]


@given(st.sampled_from(WIDE), ANY_VALUE, ANY_VALUE, ANY_VALUE)
def test_property__any_values__evaluate_or_raise_wenping_error(source, a, b, c):
    try:
        parse(source).evaluate({"a": a, "b": b, "c": c})
    except WenpingError as error:
        assert [p.code for p in error.problems] == [ErrorCode.EXPR_RUNTIME]


@given(st.text(max_size=40))
def test_property__any_template_text__parses_or_raises_template_error(text):
    try:
        template = parse_template(text)
    except WenpingError as error:
        assert codes(error) == [ErrorCode.EXPR_TEMPLATE]
    else:
        assert isinstance(template.render({}, "zh"), str)

