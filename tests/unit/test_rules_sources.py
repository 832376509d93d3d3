"""Every number a rule or floor of the default rule set compares against says where it comes from (docs/rules.md §8)."""

from __future__ import annotations

import ast
import re

import pytest
import yaml

from assessment.loader import DEFAULT_RULES

# A published text (《…》, a document number 〔…〕, a standard GB …, an article 第…条) or the design-default note.
CITES = re.compile(r"《|〔|GB|第[一二三四五六七八九十百零〇\d]+条|设计默认值")


def _entries():
    for path in sorted((DEFAULT_RULES / "scoring").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in document.get("rules", []):
            yield path.name, rule, [rule.get("when"), rule.get("probability"), rule.get("impact")]
        for floor in document.get("floors", []):
            yield path.name, floor, [floor.get("when")]


def _numbers(node: ast.AST) -> set[float]:
    return {n.value for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, (int, float)) and not isinstance(n.value, bool)}


def thresholds(expression) -> set[float]:
    """Numbers an expression compares against; 0 and 'at least one' (>= 1) are not thresholds."""
    if not isinstance(expression, str):
        return set()
    found: set[float] = set()
    for compare in (n for n in ast.walk(ast.parse(expression.strip(), mode="eval")) if isinstance(n, ast.Compare)):
        sides = [compare.left, *compare.comparators]
        for op, left, right in zip(compare.ops, sides, sides[1:]):
            at_least_one = isinstance(op, ast.GtE) and isinstance(right, ast.Constant) and right.value == 1
            found |= _numbers(left) | (set() if at_least_one else _numbers(right))
    return found - {0}


ENTRIES = [(file, entry, sorted(set().union(*(thresholds(e) for e in expressions))) + ([entry["count"]] if entry.get("count", 1) > 1 else []))
           for file, entry, expressions in _entries()]
WITH_NUMBERS = [(file, entry, numbers) for file, entry, numbers in ENTRIES if numbers]


def test_thresholds__found_in_comparisons_only():
    assert thresholds("4 if x >= 10 else (3 if y < 0.8 else 2)") == {10, 0.8}
    assert thresholds("x >= 1 and y > 0") == set() and thresholds("clamp(1 + (1 if x else 0), 1, 5)") == set()
    assert thresholds("survey_returned < min(30, households_affected)") == {30}


@pytest.mark.parametrize(("file", "entry", "numbers"), WITH_NUMBERS, ids=[e["id"] for _, e, _ in WITH_NUMBERS])
def test_rule_or_floor_with_a_numeric_threshold__carries_a_source_note(file, entry, numbers):
    source = entry.get("source") or ""
    assert CITES.search(source), (
        f"scoring/{file} [{entry['id']}] compares against {numbers} but its source note "
        f"names neither a published text nor “设计默认值，可调整”: {source!r}")


def test_default_rule_set__has_rules_with_thresholds():
    assert len(WITH_NUMBERS) >= 60


def test_unconfirmed_caveat__covers_thresholds_and_probability_bands():
    ruleset = yaml.safe_load((DEFAULT_RULES / "ruleset.yaml").read_text(encoding="utf-8"))
    note = ruleset["thresholds"]["note"]
    assert ruleset["thresholds"]["confirmed"] is False
    assert "0.64" in note["zh"] and "可能性" in note["zh"] and "20%" in note["zh"]
    assert "0.64" in note["en"] and "probability" in note["en"] and "20%" in note["en"]
