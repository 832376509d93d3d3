"""Answer validation: types, ranges, required-when-relevant, constraints, unknown keys; all problems at once.

An unanswered question is None. A question that is not relevant is treated as unanswered, whatever
was entered for it, so that answers to questions that do not apply change nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from assessment.domain.questionnaire import Question
from assessment.domain.ruleset import CompiledQuestion, Kind
from assessment.domain.validation_text import shown
from assessment.errors import ErrorCode, Location, Problem

_PERCENT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*%\s*$")
_YES = {"yes", "true", "是", "y", "1"}
_NO = {"no", "false", "否", "n", "0"}
MAX_MAGNITUDE = 10**15  # no count or amount comes near it; beyond it a float no longer holds every whole unit
TYPE_NAMES = {
    "integer": ("整数", "a whole number"),
    "number": ("数字", "a number"),
    "money": ("金额（数字）", "an amount (a number)"),
    "percent": ("百分比（0–1 的小数或“12%”）", "a percentage (a fraction 0–1 or '12%')"),
    "text": ("文字", "text"),
    "date": ("日期（YYYY-MM-DD）", "a date (YYYY-MM-DD)"),
    "yes_no": ("是或否", "yes or no"),
    "single_choice": ("一个选项", "one choice"),
    "multiple_choice": ("选项列表", "a list of choices"),
    "table": ("表格（行的列表）", "a table (a list of rows)"),
}


@dataclass(frozen=True)
class ValidatedAnswers:
    """Values by question name (None when unanswered or not relevant), calculations included."""

    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    ignored: tuple[str, ...] = ()  # answered, but not relevant

    @property
    def ok(self) -> bool:
        return not self.problems


class _Invalid(Exception):
    def __init__(self, code: ErrorCode, **params: Any):
        self.code, self.params = code, params


def validate_answers(kind: Kind, raw: Mapping[str, Any], *, partial: bool = False) -> ValidatedAnswers:
    """Check `raw` against the kind's questionnaire. `partial` skips required checks (drafts, rule tests)."""
    problems: list[Problem] = []
    names = kind.questions_by_name
    for key in raw:
        if key not in names or names[key].question.type == "calculate":
            problems.append(Problem(ErrorCode.ANS_UNKNOWN_QUESTION, {"question": _name(key)}, Location(id=_name(key))))
    values: dict[str, Any] = {}
    value_problems: dict[str, list[Problem]] = {}
    for compiled in kind.questions:
        question = compiled.question
        if question.type != "calculate" and question.name in raw:
            found: list[Problem] = []
            values[question.name] = _coerce(question, raw[question.name], kind, found)
            if found:
                value_problems[question.name] = found
    return _apply_logic(kind, values, value_problems, problems, partial)


def _apply_logic(kind: Kind, entered: dict[str, Any], value_problems: dict[str, list[Problem]],
                 problems: list[Problem], partial: bool) -> ValidatedAnswers:
    invalid = set(value_problems)  # given but rejected: not also reported as missing
    values: dict[str, Any] = {}
    ignored, applying = [], []
    for compiled in kind.questions:  # evaluation order: what a condition reads is already settled
        name = compiled.question.name
        if not is_relevant(compiled, values):
            values[name] = None
            if entered.get(name) is not None or name in invalid:
                ignored.append(name)  # whatever was entered, right or wrong, changes nothing
            continue
        applying.append(compiled)  # settled: nothing later changes what its conditions read
        problems.extend(value_problems.get(name, ()))
        values[name] = compiled.calculation.evaluate(values) if compiled.calculation else entered.get(name)
    for compiled in applying:
        name = compiled.question.name
        if values[name] is None and compiled.calculation is None:
            if not partial and name not in invalid and compiled.required.evaluate(values) is True:
                problems.append(Problem(ErrorCode.ANS_REQUIRED, {}, _where(compiled)))
        elif compiled.constraint is not None and compiled.constraint.evaluate(values) is False:
            message = compiled.question.constraint_message
            params = {"message": message.zh if message else compiled.constraint.source}
            problems.append(Problem(ErrorCode.ANS_CONSTRAINT, params | _en(message, compiled), _where(compiled)))
    return ValidatedAnswers(values=values, problems=problems, ignored=tuple(ignored))


def _en(message, compiled: CompiledQuestion) -> dict[str, Any]:
    # The catalogue's ANS_CONSTRAINT template is "{message}" in both languages; keep both texts.
    return {"message_en": message.en if message else compiled.constraint.source}


def _name(key: Any) -> str:
    """An unknown key as shown in a message: a 10 MB key is cut short."""
    text = str(key)
    return text if len(text) <= 60 else text[:59] + "…"


def is_relevant(compiled: CompiledQuestion, values: Mapping[str, Any]) -> bool:
    """Only a definite true shows a question: an unknown condition hides it."""
    return all(c is None or c.evaluate(values) is True for c in (compiled.section_relevant, compiled.relevant))


def _where(compiled: CompiledQuestion, row: int | None = None, column: str | None = None) -> Location:
    return Location(id=compiled.question.name, field=column, row=row)


def _coerce(question: Question, value: Any, kind: Kind, problems: list[Problem], row: int | None = None,
            table: str | None = None) -> Any:
    """The value converted to the question's type, or None with a problem recorded."""
    if value is None or (isinstance(value, str) and not value.strip() and question.type != "text"):
        return None
    try:
        if question.type == "table":
            return _table(question, value, kind, problems)
        converted = _CONVERTERS[question.type](question, value, kind)
        _check_range(question, converted)
        return converted
    except _Invalid as invalid:
        where = Location(id=table or question.name, field=question.name if table else None, row=row)
        problems.append(Problem(invalid.code, invalid.params, where))
        return None


def _type_error(question: Question, value: Any) -> _Invalid:
    return _Invalid(ErrorCode.ANS_TYPE, expected=TYPE_NAMES[question.type][0], got=shown(value), expected_en=TYPE_NAMES[question.type][1])


def _number(question: Question, value: Any, _kind=None) -> int | float:
    if isinstance(value, bool):
        raise _type_error(question, value)
    if isinstance(value, str):
        value = _parse_number(question, value)
    if not isinstance(value, (int, float)):
        raise _type_error(question, value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _Invalid(ErrorCode.ANS_NOT_FINITE)
    if abs(value) > MAX_MAGNITUDE:  # an int of hundreds of digits would overflow every float it meets
        raise _too_large(value)
    return value


def _parse_number(question: Question, text: str) -> int | float:
    """Text such as "152,000" or "3.5": a whole number written without a fraction stays whole."""
    try:
        number = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        raise _type_error(question, text) from None
    if not number.is_finite():
        raise _Invalid(ErrorCode.ANS_NOT_FINITE)
    if abs(number) > MAX_MAGNITUDE:
        raise _too_large(text.strip())
    return int(number) if number.as_tuple().exponent >= 0 else float(number)


def _too_large(value: Any) -> _Invalid:
    return _Invalid(ErrorCode.ANS_TOO_LARGE, value=shown(value), limit="10¹⁵")


def _integer(question: Question, value: Any, _kind=None) -> int:
    number = _number(question, value)
    if number != int(number):
        raise _type_error(question, value)
    return int(number)


def _percent(question: Question, value: Any, _kind=None) -> float:
    if isinstance(value, str) and (match := _PERCENT.match(value)):
        return _number(question, match.group(1)) / 100
    number = _number(question, value)
    if question.max is None and number > 1:  # without a max of its own a percentage is at most 100%
        raise _Invalid(ErrorCode.ANS_RANGE, value=value, range="0–1（或写作“12%”）", range_en="0–1 (or write '12%')")
    return number


def _text(question: Question, value: Any, _kind=None) -> str:
    if not isinstance(value, str):
        raise _type_error(question, value)
    if len(value) > question.max_length:
        raise _Invalid(ErrorCode.ANS_TOO_LONG, length=len(value), limit=question.max_length)
    return value


def _date(question: Question, value: Any, _kind=None) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _type_error(question, value)


def _yes_no(question: Question, value: Any, _kind=None) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    raise _type_error(question, value)


def _choice(question: Question, value: Any, kind: Kind) -> str:
    if isinstance(value, str) and (name := kind.choice_names(question).get(value.strip())) is not None:
        return name  # given by its name, or by its label in either language
    names = [c.name for c in kind.choices_of(question)]
    given = value[:60] if isinstance(value, str) else shown(value)
    raise _Invalid(ErrorCode.ANS_CHOICE, value=given, choices="、".join(names), choices_en=", ".join(names))


def _choices(question: Question, value: Any, kind: Kind) -> list[str]:
    if isinstance(value, str):
        value = [v for v in re.split(r"[,，、;；]", value) if v.strip()]
    if not isinstance(value, (list, tuple)):
        raise _type_error(question, value)
    picked = {_choice(question, v, kind) for v in value}
    return [c.name for c in kind.choices_of(question) if c.name in picked]


def _table(question: Question, value: Any, kind: Kind, problems: list[Problem]) -> list[dict[str, Any]]:
    if not isinstance(value, (list, tuple)):
        raise _type_error(question, value)
    if len(value) > question.max_rows:
        raise _Invalid(ErrorCode.ANS_TOO_MANY_ROWS, rows=len(value), limit=question.max_rows)
    columns = {c.name: c for c in question.columns or []}
    rows = []
    for index, row in enumerate(value, start=1):
        where = Location(id=question.name, row=index)
        if not isinstance(row, Mapping):
            problems.append(Problem(ErrorCode.ANS_TYPE, {"expected": "一行（字段到值的映射）", "expected_en": "a row (a mapping of fields to values)", "got": shown(row)}, where))
            continue
        for key in row.keys() - columns.keys():
            problems.append(Problem(ErrorCode.ANS_UNKNOWN_QUESTION, {"question": _name(key)}, Location(id=question.name, field=_name(key), row=index)))
        cells = {name: _coerce(column, row.get(name), kind, problems, index, question.name) for name, column in columns.items()}
        for name, column in columns.items():
            if column.required is True and cells[name] is None and row.get(name) is None:
                problems.append(Problem(ErrorCode.ANS_REQUIRED, {}, Location(id=question.name, field=name, row=index)))
        rows.append(cells)
    return rows


def _check_range(question: Question, value: Any) -> None:
    low = question.min if question.min is not None else -math.inf
    high = question.max if question.max is not None else math.inf
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not low <= value <= high:
        raise _Invalid(ErrorCode.ANS_RANGE, value=value, **_range_text(question.min, question.max))


def _range_text(low: float | None, high: float | None) -> dict[str, str]:
    text = f"{low:g}–{high:g}" if low is not None and high is not None else f"≥ {low:g}" if low is not None else f"≤ {high:g}"
    return {"range": text, "range_en": text}


_CONVERTERS = {
    "integer": _integer,
    "number": _number,
    "money": _number,
    "percent": _percent,
    "text": _text,
    "date": _date,
    "yes_no": _yes_no,
    "single_choice": _choice,
    "multiple_choice": _choices,
}
