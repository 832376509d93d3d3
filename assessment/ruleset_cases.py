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

from assessment.domain.i18n_text import I18nText
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
    failures: tuple[I18nText, ...]


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


def _failures(ruleset: RuleSet, file: CaseFile, case: Case) -> Iterator[I18nText]:
    try:
        result = assess(ruleset, file.kind, {**file.defaults, **case.answers}, case.measures,
                        assessed_at=case.assessed_at, partial=True)
    except WenpingError as error:
        yield I18nText(zh=f"用例无法评分：{error.message('zh')}", en=f"the case does not score: {error.message('en')}")
        return
    yield from _compare(result, case.expect)


def _listed(items, lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items) or ("无" if lang == "zh" else "none")


def _compare(result: Assessment, expect: Expect) -> Iterator[I18nText]:
    found = {f.factor: f for f in result.factors}
    for factor in expect.factors:
        if factor not in found:
            yield I18nText(zh=f"应识别风险因素 {factor}，实际未识别（已识别：{_listed(found, 'zh')}）",
                           en=f"factor {factor} expected, not identified (identified: {_listed(found, 'en')})")
    for factor in expect.absent:
        if factor in found:
            yield I18nText(zh=f"风险因素 {factor} 不应识别，实际由规则 {found[factor].rule} 识别",
                           en=f"factor {factor} identified by {found[factor].rule}, expected absent")
    for (zh, en), expected, actual_of in (
        (("风险程度", "degree"), expect.degrees, lambda f: f.degree),
        (("措施后风险程度", "residual degree"), expect.residual_degrees, lambda f: f.residual_degree),
    ):
        for factor, degree in expected.items():
            actual = actual_of(found[factor]) if factor in found else None
            if actual != degree:
                yield I18nText(zh=f"{factor} 的{zh}应为 {degree}，实际为 {actual or '（未识别）'}",
                               en=f"{en} of {factor}: expected {degree}, got {actual or '(not identified)'}")
    checks = (
        (("措施前风险等级", "level before measures"), expect.level_before, result.before.level, f" (R = {result.before.index})"),
        (("措施后风险等级", "level after measures"), expect.level_after, result.after.level, f" (R = {result.after.index})"),
        (("决策建议", "decision"), expect.decision, result.decision.decision, ""),
    )
    for (zh, en), expected, actual, extra in checks:
        if expected is not None and expected != actual:
            yield I18nText(zh=f"{zh}应为 {expected}，实际为 {actual}{extra}", en=f"{en}: expected {expected}, got {actual}{extra}")
    applied = sorted({f.floor for f in (*result.before.floors, *result.after.floors)})
    for floor in expect.floors:
        if floor not in applied:
            yield I18nText(zh=f"应适用等级底线 {floor}，实际未适用（已适用：{_listed(applied, 'zh')}）",
                           en=f"floor {floor} expected, not applied (applied: {_listed(applied, 'en')})")


def failures_as_problems(runs: list[CaseRun]) -> list[Problem]:
    return [
        Problem(ErrorCode.RULES_CASE_FAILED,
                {"case": run.case.name, "detail": "；".join(f.zh for f in run.failures), "detail_en": "; ".join(f.en for f in run.failures)},
                Location(file=run.file, line=run.line, id=run.kind))
        for run in runs if run.failures
    ]
