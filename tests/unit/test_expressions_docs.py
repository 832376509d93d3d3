"""docs/expressions.md documents everything the expression language allows (lists taken from the module itself)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment.domain.expressions import CONSTANT_NAMES, CONSTRUCTS, FUNCTIONS, OPERATORS
from assessment.errors import ErrorCode

DOC = (Path(__file__).parents[2] / "docs" / "expressions.md").read_text(encoding="utf-8")
HEADINGS = [line.lower() for line in DOC.splitlines() if line.startswith("#")]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_docs__whitelisted_function__has_a_heading_with_its_signature(name):
    assert f"#### `{FUNCTIONS[name].signature}`" in DOC


@pytest.mark.parametrize("symbol", sorted(set(OPERATORS.values())))
def test_docs__allowed_operator__is_documented(symbol):
    assert f"`{symbol}`" in DOC


@pytest.mark.parametrize("construct", sorted(set(CONSTRUCTS.values())))
def test_docs__allowed_construct__has_a_section(construct):
    assert any(construct in heading for heading in HEADINGS)


@pytest.mark.parametrize("name", sorted(CONSTANT_NAMES))
def test_docs__lowercase_constant__is_documented(name):
    assert f"`{name}`" in DOC


@pytest.mark.parametrize("code", [c.code for c in ErrorCode if c.name.startswith("EXPR_")])
def test_docs__expression_error_code__is_explained(code):
    assert re.search(rf"^\| {code} \|", DOC, re.MULTILINE)


def test_docs__documented_functions__all_exist():
    documented = set(re.findall(r"^#### `(\w+)\(", DOC, re.MULTILINE))
    assert documented == set(FUNCTIONS)
