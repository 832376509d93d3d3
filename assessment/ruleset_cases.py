"""Rule-set test cases in YAML (in the manner of OpenFisca's): answers in, expected factors and levels out.

A file `tests/<name>.yaml` in the rule-set folder holds `kind`, optional `defaults` (answers shared by
every case) and `cases`. Required questions are not enforced in cases; types and ranges are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessment.domain.result import Assessment
from assessment.domain.ruleset import Decision, Level, RuleSet
from assessment.domain.scoring import assess
from assessment.errors import ErrorCode, Location, Problem, WenpingError
from assessment.yaml_lines import line_of, load_yaml_file, schema_problems

CASE_DATE = date(2026, 11, 25)


class Expect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    factors: list[str] = []
    absent: list[str] = []
    degrees: dict[str, str] = {}
    residual_degrees: dict[str, str] = {}
    level_before: Level | None = None
    level_after: Level | None = None
    floors: list[str] = []
    decision: Decision | None = None


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str | None = None
    answers: dict[str, Any] = {}
    measures: list[dict[str, Any]] = []
    assessed_at: date = CASE_DATE
    expect: Expect


class CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str
    defaults: dict[str, Any] = {}
    cases: list[Case] = Field(min_length=1)


@dataclass(frozen=True)
class CaseRun:
    file: str
    line: int | None
    case: Case
    kind: str
    failures: tuple[str, ...]


def case_files(root: Path) -> list[Path]:
    return sorted((root / "tests").glob("*.yaml"))


def run_cases(ruleset: RuleSet, root: Path) -> list[CaseRun]:
    return [run for path in case_files(root) for run in run_case_file(ruleset, path)]


def run_case_file(ruleset: RuleSet, path: Path) -> Iterator[CaseRun]:
    data = load_yaml_file(path)
    try:
        file = CaseFile.model_validate(data)
    except ValidationError as error:
        raise WenpingError(schema_problems(error, data, str(path))) from None
    for index, case in enumerate(file.cases):
        line, _ = line_of(data, ("cases", index))
        yield CaseRun(str(path), line, case, file.kind, tuple(_failures(ruleset, file, case)))


def _failures(ruleset: RuleSet, file: CaseFile, case: Case) -> Iterator[str]:
    try:
        result = assess(ruleset, file.kind, {**file.defaults, **case.answers}, case.measures,
                        assessed_at=case.assessed_at, partial=True)
    except WenpingError as error:
        yield f"the case does not score: {error.message('en')}"
        return
    yield from _compare(result, case.expect)


def _compare(result: Assessment, expect: Expect) -> Iterator[str]:
    found = {f.factor: f for f in result.factors}
    for factor in expect.factors:
        if factor not in found:
            yield f"factor {factor} expected, not identified (identified: {', '.join(found) or 'none'})"
    for factor in expect.absent:
        if factor in found:
            yield f"factor {factor} identified by {found[factor].rule}, expected absent"
    for label, expected, actual_of in (
        ("degree", expect.degrees, lambda f: f.degree),
        ("residual degree", expect.residual_degrees, lambda f: f.residual_degree),
    ):
        for factor, degree in expected.items():
            actual = actual_of(found[factor]) if factor in found else "(not identified)"
            if actual != degree:
                yield f"{label} of {factor}: expected {degree}, got {actual}"
    checks = (
        ("level before measures", expect.level_before, result.before.level, f" (R = {result.before.index})"),
        ("level after measures", expect.level_after, result.after.level, f" (R = {result.after.index})"),
        ("decision", expect.decision, result.decision.decision, ""),
    )
    for label, expected, actual, extra in checks:
        if expected is not None and expected != actual:
            yield f"{label}: expected {expected}, got {actual}{extra}"
    applied = {f.floor for f in (*result.before.floors, *result.after.floors)}
    for floor in expect.floors:
        if floor not in applied:
            yield f"floor {floor} expected, not applied (applied: {', '.join(sorted(applied)) or 'none'})"


def failures_as_problems(runs: list[CaseRun]) -> list[Problem]:
    return [
        Problem(ErrorCode.RULES_CASE_FAILED, {"case": run.case.name, "detail": "; ".join(run.failures)},
                Location(file=run.file, line=run.line, id=run.kind))
        for run in runs if run.failures
    ]
