"""The default rule set's YAML test cases, one pytest case each, plus coverage of every kind."""

from __future__ import annotations

import pytest

from assessment.loader import DEFAULT_RULES, load_ruleset
from assessment.ruleset_cases import case_files, run_case_file

RULESET = load_ruleset(DEFAULT_RULES)
RUNS = [run for path in case_files(DEFAULT_RULES) for run in run_case_file(RULESET, path)]


@pytest.mark.parametrize("run", RUNS, ids=[f"{r.kind}:{r.case.name}" for r in RUNS])
def test_ruleset_case__scored__matches_expectation(run):
    assert not run.failures, f"{run.file}:{run.line}: " + "; ".join(f.en for f in run.failures)


@pytest.mark.parametrize("kind", sorted(RULESET.kinds))
def test_every_kind__has_cases__covering_low_medium_high(kind):
    runs = [r for r in RUNS if r.kind == kind]
    assert len(runs) >= 5, f"{kind} has {len(runs)} cases; at least 5 are needed"
    levels = {r.case.expect.level_before for r in runs}
    assert {"low", "medium", "high"} <= levels, f"{kind} cases cover only {sorted(l for l in levels if l)}"


def test_default_rules__seven_kinds_40_factors_40_measures():
    assert len(RULESET.kinds) >= 7
    assert len(RULESET.factors) >= 40 and len(RULESET.measures) >= 40
    categories_used = {f.category for f in RULESET.factors.values()}
    assert categories_used == set(RULESET.categories), "every category has factors"
