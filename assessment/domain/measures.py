"""Planned measures: a library measure or one written by the department, with who, and by when.

A measure counts toward residual risk only when it names a responsible unit (责任单位), a responsible
leader (包案领导) and a deadline (时限) no earlier than the assessment date: one problem, one leader,
one plan, followed to closure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessment.domain.i18n_text import I18nText
from assessment.domain.ruleset import Lowering, RuleSet
from assessment.domain.validation_text import describe
from assessment.errors import ErrorCode, Location, Problem

MAX_MEASURES = 300


class PlannedMeasure(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    measure: str | None = Field(None, description="A library measure id; None for a measure written by the department")
    text: I18nText | None = Field(None, description="The measure in words; a library measure's name by default")
    factors: tuple[str, ...] = Field((), description="Factors it is applied to; default: all its library entry lowers")
    lowers: Lowering | None = Field(None, description="For a written measure: levels it lowers, capped by the rule set")
    unit: str | None = Field(None, max_length=200, description="责任单位")
    leader: str | None = Field(None, max_length=100, description="包案领导")
    deadline: date | None = Field(None, description="时限")
    supporting_units: str | None = Field(None, max_length=300, description="协助单位")

    def gaps(self, assessed_on: date) -> list[I18nText]:
        """Why the measure does not count (empty when it does)."""
        reasons = []
        if not self.unit:
            reasons.append(I18nText(zh="未明确责任单位", en="no responsible unit"))
        if not self.leader:
            reasons.append(I18nText(zh="未明确包案领导", en="no responsible leader"))
        if self.deadline is None:
            reasons.append(I18nText(zh="未明确完成时限", en="no deadline"))
        elif self.deadline < assessed_on:
            reasons.append(I18nText(zh="完成时限早于评估日期", en="the deadline is before the assessment date"))
        return reasons


def validate_measures(ruleset: RuleSet, raw: Sequence[Mapping[str, Any]] | None) -> tuple[list[PlannedMeasure], list[Problem]]:
    """Planned measures from answer files or forms; all problems at once, each naming the measure's row."""
    if raw is None:
        return [], []
    if not isinstance(raw, (list, tuple)):
        return [], [Problem(ErrorCode.ANS_MEASURE, {"row": 0, "detail": "应为措施列表", "detail_en": "expected a list of measures"})]
    if len(raw) > MAX_MEASURES:
        return [], [Problem(ErrorCode.ANS_TOO_MANY_ROWS, {"rows": len(raw), "limit": MAX_MEASURES}, Location(id="measures"))]
    planned, problems = [], []
    for row, item in enumerate(raw, start=1):
        measure = _one(item, row, problems)
        if measure is not None and _references_ok(ruleset, measure, row, problems):
            planned.append(measure)
    return planned, problems


def _one(item: Any, row: int, problems: list[Problem]) -> PlannedMeasure | None:
    if isinstance(item, Mapping) and isinstance(item.get("text"), str):
        item = {**item, "text": {"zh": item["text"], "en": item["text"]}}
    if isinstance(item, Mapping) and isinstance(item.get("deadline"), datetime):
        item = {**item, "deadline": item["deadline"].date()}
    try:
        return PlannedMeasure.model_validate(item)
    except ValidationError as error:
        for e in error.errors():
            field = ".".join(str(p) for p in e["loc"]) or "(row)"
            zh, en = describe(e)
            params = {"row": row, "detail": f"{field}：{zh}", "detail_en": f"{field}: {en}"}
            problems.append(Problem(ErrorCode.ANS_MEASURE, params, Location(id="measures", row=row, field=field)))
        return None


def _references_ok(ruleset: RuleSet, measure: PlannedMeasure, row: int, problems: list[Problem]) -> bool:
    before = len(problems)
    where = Location(id="measures", row=row)
    library = ruleset.measures.get(measure.measure) if measure.measure else None
    if measure.measure and library is None:
        problems.append(Problem(ErrorCode.ANS_UNKNOWN_MEASURE, {"measure": measure.measure}, where))
    if not measure.measure and (measure.text is None or not measure.factors):
        problems.append(Problem(ErrorCode.ANS_MEASURE, {"row": row, "detail": "自拟措施须写明措施内容（text）和针对的风险因素（factors）", "detail_en": "a measure of your own needs its text and the factors it addresses"}, where))
    for factor in measure.factors:
        if factor not in ruleset.factors:
            problems.append(Problem(ErrorCode.ANS_UNKNOWN_FACTOR, {"factor": factor}, where))
        elif library is not None and factor not in library.lowers:
            problems.append(Problem(ErrorCode.ANS_MEASURE, {"row": row, "detail": f"措施 {library.id} 不针对风险因素 {factor}", "detail_en": f"measure {library.id} does not address factor {factor}"}, where))
    return len(problems) == before
