"""Questionnaires as data, after XLSForm's conventions (type, name, label, relevant, constraint …).

A kind of matter's questionnaire is the common questionnaire's sections followed by its own.
Expressions stay as source text here; the loader parses and checks them once (see loader.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assessment.domain.i18n_text import I18nText
from assessment.domain.validation_text import invalid

QuestionType = Literal[
    "single_choice",
    "multiple_choice",
    "integer",
    "number",
    "percent",
    "money",
    "text",
    "date",
    "yes_no",
    "table",
    "calculate",
]
QUESTION_TYPES: tuple[str, ...] = QuestionType.__args__  # type: ignore[attr-defined]
NUMERIC_TYPES = frozenset({"integer", "number", "percent", "money"})
DEFAULT_TEXT_LIMIT = 2000
DEFAULT_ROW_LIMIT = 500

Expr = str | bool | int | float


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Choice(_Strict):
    name: str
    label: I18nText


class Question(_Strict):
    """One question, or one column of a table question."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Stable id used in answers and expressions")
    type: QuestionType
    label: I18nText
    hint: I18nText | None = None
    required: Expr = False
    relevant: Expr | None = None
    constraint: Expr | None = None
    constraint_message: I18nText | None = None
    calculation: Expr | None = None
    choices: str | list[Choice] | None = Field(None, description="A choice list's name, or the choices inline")
    unit: I18nText | None = None
    min: float | None = None
    max: float | None = None
    max_length: int = DEFAULT_TEXT_LIMIT
    multiline: bool = False
    columns: list["Question"] | None = None
    max_rows: int = DEFAULT_ROW_LIMIT

    @model_validator(mode="after")
    def _fields_fit_type(self) -> "Question":
        choice_type = self.type in ("single_choice", "multiple_choice")
        if choice_type != (self.choices is not None):
            raise invalid("选择题须写 choices，其他题型不得写", "choices are required for choice questions and allowed only for them")
        if (self.type == "table") != (self.columns is not None):
            raise invalid("表格题须写 columns，其他题型不得写", "columns are required for table questions and allowed only for them")
        if (self.type == "calculate") != (self.calculation is not None):
            raise invalid("计算项须写 calculation，其他题型不得写", "calculation is required for calculate questions and allowed only for them")
        if (self.min is not None or self.max is not None) and self.type not in NUMERIC_TYPES:
            raise invalid("只有数值题可以写 min 和 max", "min and max are allowed only for numeric questions")
        if self.columns and any(c.type in ("table", "calculate") for c in self.columns):
            raise invalid("表格的列不能是表格或计算项", "a table column cannot be a table or a calculation")
        return self


class Section(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: I18nText
    description: I18nText | None = None
    relevant: Expr | None = None
    questions: list[Question]


class Questionnaire(_Strict):
    """A questionnaire file: the common one (kind None) or one kind of matter's."""

    id: str
    kind: str | None = None
    title: I18nText
    description: I18nText | None = None
    choice_lists: dict[str, list[Choice]] = {}
    sections: list[Section]

    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]
