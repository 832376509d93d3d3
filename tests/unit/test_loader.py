"""Loading a rule set: a good one loads; each kind of breakage is reported with file, line and id."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.errors import WenpingError
from assessment.loader import DEFAULT_RULES, load_ruleset
from tests.unit.rule_fixtures import DEMO_QUESTIONNAIRE, DEMO_SCORING, write


def problems_of(root: Path) -> list:
    with pytest.raises(WenpingError) as caught:
        load_ruleset(root)
    return caught.value.problems


def break_scoring(root: Path, old: str, new: str) -> None:
    write(root, "scoring/demo.yaml", DEMO_SCORING.replace(old, new))


def test_default_rules__load__every_kind_has_questions_and_rules():
    ruleset = load_ruleset(DEFAULT_RULES)
    assert ruleset.kinds, "the default rule set has kinds of matter"
    for kind in ruleset.kinds.values():
        assert any(q.question.name == "opposition_rate" for q in kind.questions)
        assert any(not r.rule.id.startswith("CM-") for r in kind.rules), f"{kind.id} has rules of its own"


def test_demo_rules__load__common_part_first_then_kind(demo_ruleset):
    kind = demo_ruleset.kind("demo")
    assert kind.sections[0].id == "matter" and kind.sections[-1].id == "demo_facts"
    assert [r.rule.id for r in kind.rules][-3:] == ["DM-COMP-01", "DM-GRAVE-01", "DM-GRAVE-02"]


def test_content_hash__a_number_changes__hash_changes(rules_dir):
    before = load_ruleset(rules_dir).content_hash
    break_scoring(rules_dir, "impact: 4", "impact: 3")
    assert load_ruleset(rules_dir).content_hash != before


def test_malformed_yaml__reported__with_file_and_line(rules_dir):
    write(rules_dir, "scoring/demo.yaml", "kind: demo\nrules:\n  - id: DM-X-01\n    when: [unclosed\n")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "RULES-201"
    assert problem.where.file.endswith("scoring/demo.yaml") and problem.where.line in (4, 5)


def test_unknown_factor__reported__with_rule_id_and_line(rules_dir):
    break_scoring(rules_dir, "factor: interest_imbalance", "factor: compensation_too_low")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "RULES-204"
    assert (problem.where.id, problem.where.field, problem.where.line) == ("DM-COMP-01", "factor", 4)
    assert "compensation_too_low" in problem.message("en")


def test_unknown_question_in_when__reported__naming_it(rules_dir):
    break_scoring(rules_dir, 'when: "compensation_ratio < 0.9"', 'when: "compensaton_ratio < 0.9"')
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "EXPR-103" and "compensaton_ratio" in problem.message("zh")
    assert (problem.where.id, problem.where.field, problem.where.line) == ("DM-COMP-01", "when", 5)


@pytest.mark.parametrize("value", ["6", "0", "2.5", "true"])
def test_probability_outside_1_to_5__reported(rules_dir, value):
    break_scoring(rules_dir, "probability: 3", f"probability: {value}")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "RULES-207"
    assert (problem.where.id, problem.where.field) == ("DM-GRAVE-01", "probability")


def test_circular_calculation__reported__with_the_cycle(rules_dir):
    text = DEMO_QUESTIONNAIRE + """
      - name: a_value
        type: calculate
        label: {zh: 甲, en: A}
        calculation: "b_value + 1"
      - name: b_value
        type: calculate
        label: {zh: 乙, en: B}
        calculation: "a_value * 2"
"""
    write(rules_dir, "questionnaires/demo.yaml", text)
    problems = problems_of(rules_dir)
    assert [p.code.code for p in problems] == ["RULES-208"]
    assert "a_value" in problems[0].params["cycle"] and "b_value" in problems[0].params["cycle"]
    assert problems[0].where.file.endswith("questionnaires/demo.yaml")


def test_unknown_choice_in_rule__reported(rules_dir):
    write(rules_dir, "scoring/demo.yaml", DEMO_SCORING + """
  - id: DM-CMP-01
    factor: comparison_grievance
    when: "comparison_risk == 'hihg'"
    probability: 3
    because: {zh: 攀比, en: Comparison}
""")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "EXPR-107" and problem.where.id == "DM-CMP-01"


def test_duplicate_rule_id__reported__naming_the_first(rules_dir):
    break_scoring(rules_dir, "id: DM-GRAVE-01", "id: DM-COMP-01")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "RULES-206" and problem.params["first"].endswith("scoring/demo.yaml:3")


def test_schema_error__reported__with_field_path(rules_dir):
    break_scoring(rules_dir, "    impact: 4\n", "    impact: 4\n    severity: high\n")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "RULES-202" and problem.where.field == "rules.0.severity"


def test_template_attribute_access__refused(rules_dir):
    break_scoring(rules_dir, "涉及坟墓{graves}座\"", "涉及坟墓{graves.__class__}座\"")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "EXPR-108" and problem.where.id == "DM-GRAVE-01"


def test_several_problems__all_reported_at_once(rules_dir):
    text = DEMO_SCORING.replace("factor: interest_imbalance", "factor: nope").replace("probability: 3", "probability: 9")
    write(rules_dir, "scoring/demo.yaml", text)
    assert {p.code.code for p in problems_of(rules_dir)} == {"RULES-204", "RULES-207"}


def test_scoring_for_unknown_kind__reported(rules_dir):
    write(rules_dir, "scoring/ghost.yaml", "kind: ghost\nrules: []\n")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "RULES-209" and problem.params["kind"] == "ghost"


def test_yaml_merge_key__override__allowed_and_wins():
    from assessment.yaml_lines import load_yaml_text

    data = load_yaml_text("base: &b {a: 1, b: 2}\ncase:\n  <<: *b\n  b: 3\n", "cases.yaml")
    assert data["case"] == {"a": 1, "b": 3}


def test_yaml_duplicate_key__reported_with_line():
    from assessment.yaml_lines import load_yaml_text

    with pytest.raises(WenpingError) as caught:
        load_yaml_text("a: 1\nb: 2\na: 3\n", "x.yaml")
    assert caught.value.problems[0].where.line == 3 and "duplicate key 'a'" in caught.value.message("en")


# --- levels, formats and the matrix, checked when the rule set loads


def line_of_text(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize(("old", "new", "rule", "field", "shown"), [
    ('probability: "4 if compensation_ratio < 0.8 else 3"', 'probability: "6 if compensation_ratio < 0.8 else 3"', "DM-COMP-01", "probability", "6"),
    ("probability: 3\n", 'probability: "min(graves, 0)"\n', "DM-GRAVE-01", "probability", "min(graves, 0)"),
    ("probability: 3\n", 'probability: "clamp(graves, 6, 9)"\n', "DM-GRAVE-01", "probability", "clamp(graves, 6, 9)"),
    ("impact: 4\n", 'impact: "max(1, 2.5)"\n', "DM-COMP-01", "impact", "max(1, 2.5)"),
    ("impact: 4\n", 'impact: "5 if compensation_ratio < 0.5 else (0 if compensation_ratio < 0.7 else 4)"\n', "DM-COMP-01", "impact", "0"),
])
def test_level_expression_proven_outside_1_to_5__reported_at_the_rules_file_and_line(rules_dir, old, new, rule, field, shown):
    break_scoring(rules_dir, old, new)
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "RULES-207" and (problem.where.id, problem.where.field) == (rule, field)
    assert problem.where.file.endswith("scoring/demo.yaml")
    assert problem.where.line == line_of_text(rules_dir / "scoring/demo.yaml", new.strip().split('"')[1] if '"' in new else new.strip())
    assert shown in problem.message("zh") and shown in problem.message("en")


def test_level_expression_that_may_give_levels__accepted(rules_dir):
    break_scoring(rules_dir, "probability: 3\n", 'probability: "clamp(graves // 20, 1, 5)"\n')
    assert load_ruleset(rules_dir).kind("demo")


@pytest.mark.parametrize(("spec", "fragment"), [(".0q", ".0q"), ("%Y年", "%Y年")])
def test_template_format_not_fitting_the_answer__reported_at_the_rule(rules_dir, spec, fragment):
    break_scoring(rules_dir, "{compensation_ratio:.0%}\"", "{compensation_ratio:" + spec + "}\"")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "EXPR-108" and (problem.where.id, problem.where.field) == ("DM-COMP-01", "because")
    assert fragment in problem.message("zh") and problem.where.line == 8


def test_template_format_on_a_yes_no_answer__reported(rules_dir):
    break_scoring(rules_dir, "涉及坟墓{graves}座\"", "涉及坟墓{graves}座{has_graves:.0%}\"")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "EXPR-108" and "{has_graves:.0%}" in problem.message("en")


def test_matrix_degree_falling_as_probability_rises__reported_naming_the_cells(rules_dir):
    matrix = rules_dir / "matrix.yaml"
    text = matrix.read_text(encoding="utf-8")
    matrix.write_text(text.replace("[moderate,   significant,  significant,  major,        major]",
                                   "[moderate,   significant,  significant,  major,        negligible]"), encoding="utf-8")
    [problem] = problems_of(rules_dir)
    assert problem.code.code == "RULES-202" and problem.where.file.endswith("matrix.yaml")
    assert "P5/C5" in problem.message("zh") and "P4/C5" in problem.message("zh")
    assert "must never fall" in problem.message("en") and "must" not in problem.message("zh")


def test_one_bad_factor_file__only_its_own_problem_reported(rules_dir):
    write(rules_dir, "factors/demo.yaml", """
factors:
  - id: demo_factor
    category: policy_procedure
    name: {zh: 演示因素, en: Demo factor}
    weight: 2
    impact: 3
""")
    common = rules_dir / "factors/common.yaml"
    text = common.read_text(encoding="utf-8")
    common.write_text(text.replace("weight: 5", "weight: -3", 1), encoding="utf-8")
    [problem] = problems_of(rules_dir)  # not also every category, rule, measure and link naming its factors
    assert problem.code.code == "RULES-202" and problem.where.file.endswith("factors/common.yaml")
    assert problem.where.field.endswith("weight") and "应大于 0，实际为 -3" in problem.message("zh")


def test_schema_error__message_in_the_language_asked(rules_dir):
    break_scoring(rules_dir, "    impact: 4\n", "    impact: 4\n    severity: high\n")
    [problem] = problems_of(rules_dir)
    assert "不允许此字段" in problem.message("zh") and "Extra inputs" not in problem.message("zh")
    assert "not allowed" in problem.message("en")


def test_bad_date_in_ruleset__reported_at_the_field(rules_dir):
    info = rules_dir / "ruleset.yaml"
    info.write_text(info.read_text(encoding="utf-8").replace("effective: 2026-11-25", "effective: 2026-13-45"), encoding="utf-8")
    [problem] = problems_of(rules_dir)
    assert (problem.code.code, problem.where.field, problem.where.line) == ("RULES-202", "effective", 5)
    assert "应为日期" in problem.message("zh") and "2026-13-45" in problem.message("zh")


def test_yaml_alias_bomb_in_a_rule_file__refused_quickly(rules_dir):
    import time

    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    write(rules_dir, "scoring/demo.yaml", "\n".join(lines) + "\n")
    start = time.perf_counter()
    [problem] = problems_of(rules_dir)
    assert time.perf_counter() - start < 5
    assert problem.code.code == "RULES-201" and "1,000,000" in problem.message("en")


def test_yaml_syntax_error__explained_in_chinese(rules_dir):
    write(rules_dir, "scoring/demo.yaml", "kind: demo\nrules:\n  - id: DM-X-01\n    when: [unclosed\n")
    [problem] = problems_of(rules_dir)
    assert "方括号不成对" in problem.message("zh") and "did not find expected" in problem.message("en")
