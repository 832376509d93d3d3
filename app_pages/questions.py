"""Questionnaire questions as widgets, and what the widgets hold given back as answers."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.ui import colon, lang, paren, plain, problem_text, t, text, text_px
from assessment.domain.questionnaire import Question
from assessment.errors import ErrorCode
from assessment.services.app_queries import QuestionView, SectionView, answer_text

SHORT_CHOICE_LIST = 4  # up to this many choices show as radio buttons, more as a drop-down


def widget_key(matter_id: int | str, revision: int, name: str, lang: str) -> str:
    """A question's widget. The language is part of it: a choice widget holds its option as shown, so after a
    switch of language it would show nothing chosen (and save nothing); new widgets start from the draft."""
    return f"q-{lang}-{matter_id}-{revision}-{name}"


def section_inputs(section: SectionView, key_of, *, show_required: bool) -> dict[str, Any]:
    """Draw the section's questions that apply, each with its problems under it; give the answers entered."""
    answers = {}
    for view in section.shown():
        if view.question.type == "calculate":
            _calculated(view, section.kind)
            continue
        answers[view.name] = answer_input(view, key_of(view.name))
        for problem in view.problems:
            if show_required or problem.code is not ErrorCode.ANS_REQUIRED or problem.where.row is not None:
                st.error(problem_text(problem, with_place=False, labels=column_labels(view)), icon=":material/error:")
    return answers


def column_labels(view: QuestionView) -> dict[str, str]:
    """A table question's column names → their labels, to place a problem in a row by its column."""
    return {c.name: text(c.label) for c in view.question.columns or ()}


def entered_answers(section: SectionView, key_of) -> dict[str, Any]:
    """In a form's callback (before the page is drawn again): the answers its widgets hold."""
    answers = {}
    for view in section.shown():
        if view.question.type == "table":
            answers[view.name] = _edited_table(view, st.session_state.get(key_of(view.name)) or {})
        elif view.question.type != "calculate":
            answers[view.name] = as_answer(view, st.session_state.get(key_of(view.name)))
    return answers


def as_answer(view: QuestionView, held: Any) -> Any:
    """What a (non-table) widget holds, as the question's answer; None when empty."""
    kind = view.question.type
    if held is None or held == [] or (isinstance(held, str) and not held.strip()):
        return None
    if kind == "integer":
        return int(held)
    if kind in ("number", "money"):
        return round(float(held), 6)
    if kind == "percent":
        return round(float(held) / 100, 6)  # answered 0–100, stored as a fraction
    return held.strip() if kind == "date" else held


def _label(view: QuestionView) -> str:
    question = view.question
    unit = paren(text(question.unit)) if question.unit else ""
    percent = paren("%") if question.type == "percent" else ""
    return f"{text(question.label)}{unit}{percent}" + (" :red[*]" if view.required else "")


def answer_input(view: QuestionView, key: str) -> Any:
    """Draw the question's widget; give its content as an answer (None when empty)."""
    question, label, hint = view.question, _label(view), text(view.question.hint) or None
    kind = question.type
    if kind in ("integer", "number", "money", "percent"):
        return _number(view, key, label, hint)
    if kind == "text":
        return as_answer(view, _text(question, view.value, key, label, hint))
    if kind == "date":
        value = view.value.isoformat() if isinstance(view.value, date) else (view.value or "")
        entered = st.text_input(label, value=str(value), key=key, help=hint, placeholder="YYYY-MM-DD", max_chars=10)
        return as_answer(view, entered)
    if kind == "yes_no":
        index = {True: 0, False: 1}.get(view.value) if isinstance(view.value, bool) else None
        return st.radio(label, [True, False], index=index, key=key, help=hint, horizontal=True,
                        format_func=lambda v: t("form.yes") if v else t("form.no"))
    if kind == "single_choice":
        return _one_choice(view, key, label, hint)
    if kind == "multiple_choice":
        names = {c.name: text(c.label) for c in view.choices}
        chosen = [v for v in view.value or [] if v in names] if isinstance(view.value, list) else []
        picked = st.multiselect(label, list(names), default=chosen, format_func=names.get, key=key, help=hint,
                                placeholder=t("form.pick_many"), select_all=False)
        return as_answer(view, picked)
    return _table(view, key, label, hint)


def _number(view: QuestionView, key: str, label: str, hint: str | None) -> int | float | None:
    question = view.question
    scale = 100 if question.type == "percent" else 1  # a percent is answered 0–100, stored as a fraction
    whole = question.type == "integer"
    value = view.value if isinstance(view.value, (int, float)) and not isinstance(view.value, bool) else None
    # Streamlit wants value and bounds of one numeric type: int for whole numbers, float otherwise.
    shown = None if value is None else (int(value) if whole else round(float(value) * scale, 6))
    low, high = (None if b is None else (int(b) if whole else float(b) * scale) for b in (question.min, question.max))
    if question.type == "percent":
        low, high = (0.0 if low is None else low), (100.0 if high is None else high)
    entered = st.number_input(label, value=shown, min_value=low, max_value=high, step=1 if whole else None,
                              format=None if whole else "%.2f", key=key, help=hint, placeholder=t("form.empty"))
    return as_answer(view, entered)


def _text(question: Question, value: Any, key: str, label: str, hint: str | None) -> str:
    value = value if isinstance(value, str) else ("" if value is None else str(value))
    widget = st.text_area if question.multiline else st.text_input
    return widget(label, value=value, key=key, help=hint, max_chars=question.max_length)


def _one_choice(view: QuestionView, key: str, label: str, hint: str | None) -> str | None:
    names = {c.name: text(c.label) for c in view.choices}
    index = list(names).index(view.value) if view.value in names else None
    if len(names) <= SHORT_CHOICE_LIST:
        return st.radio(label, list(names), index=index, format_func=names.get, key=key, help=hint, horizontal=True)
    return st.selectbox(label, list(names), index=index, format_func=names.get, key=key, help=hint,
                        placeholder=t("form.pick_one"))


def _calculated(view: QuestionView, kind_id: str) -> None:
    shown = "-" if view.value is None else answer_text(kind_id, lang()).text(view.name, view.value)
    st.markdown(f"{text(view.question.label)}{colon()}**{plain(shown)}**")
    st.caption(t("form.calculated"))


# --- table questions: a data editor, one row per entry -----------------------------------------------------

_NUMERIC = ("integer", "number", "money", "percent")


def _table(view: QuestionView, key: str, label: str, hint: str | None) -> list[dict[str, Any]] | None:
    columns = view.question.columns or []
    st.markdown(label)
    if hint:
        st.caption(hint)
    # As wide as its columns (column_width), up to the form's width: a narrow table is not stretched out.
    edited = st.data_editor(_frame(view), key=key, num_rows="dynamic", hide_index=True, width="content",
                            placeholder="", column_order=column_order(columns),
                            column_config={c.name: _column(c, view) for c in columns})
    for note in view.notes:
        st.warning(text(note), icon=":material/link_off:")
    return _answer_rows(edited.to_dict("records"), columns)


def _frame(view: QuestionView) -> pd.DataFrame:
    columns = view.question.columns or []
    rows = [r for r in view.value if isinstance(r, dict)] if isinstance(view.value, list) else []
    frame = pd.DataFrame([{c.name: r.get(c.name) for c in columns} for r in rows], columns=[c.name for c in columns])
    return frame.astype({c.name: _dtype(c) for c in columns})


def _edited_table(view: QuestionView, edits: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The table as the data editor's edits (edited, added and deleted rows) leave it."""
    records = _frame(view).to_dict("records")
    for position, changes in (edits.get("edited_rows") or {}).items():
        records[int(position)].update(changes)
    deleted = {int(p) for p in edits.get("deleted_rows") or ()}
    kept = [r for i, r in enumerate(records) if i not in deleted] + list(edits.get("added_rows") or ())
    return _answer_rows(kept, view.question.columns or [])


def _answer_rows(records: list[dict[str, Any]], columns: list[Question]) -> list[dict[str, Any]] | None:
    entered = [_row(record, columns) for record in records]
    return [row for row in entered if row] or None


def _dtype(column: Question) -> str:
    if column.type in _NUMERIC:
        return "float64"
    return "boolean" if column.type == "yes_no" else "object"


def _column(column: Question, view: QuestionView):
    label = text(column.label) + (" *" if column.required is True else "")
    hint = text(column.hint) or None
    width = column_width(column, label)
    if column.name in view.column_names:  # names another table's rows: pick one of those saved
        typed = [r.get(column.name) for r in view.value or [] if isinstance(r, dict) and r.get(column.name)]
        names = list(dict.fromkeys([*view.column_names[column.name], *typed]))
        return st.column_config.SelectboxColumn(label, help=hint or t("form.saved_names"), options=names, width=width)
    if column.type in ("single_choice", "multiple_choice"):
        names = {c.name: text(c.label) for c in view.column_choices.get(column.name, ())}
        return st.column_config.SelectboxColumn(label, help=hint, options=list(names), format_func=names.get,
                                                width=width)
    if column.type in _NUMERIC:
        return st.column_config.NumberColumn(label, help=hint, step=1 if column.type == "integer" else None,
                                             min_value=column.min, max_value=column.max, width=width)
    if column.type == "yes_no":
        return st.column_config.CheckboxColumn(label, help=hint, width=width)
    return st.column_config.TextColumn(label, help=hint, max_chars=column.max_length, width=width)


LONG_TEXT = 200  # characters: a text column allowed more than this gets the room of a sentence


def column_order(columns: list[Question]) -> list[str]:
    """Required columns first, then long text (a group's demands), then the rest, each in the rule set's order:
    what must be filled in and what needs room are on screen before the table scrolls sideways."""
    def rank(column: Question) -> int:
        if column.required is True:
            return 0
        return 1 if column.type == "text" and (column.max_length or 0) > LONG_TEXT else 2

    return [c.name for c in sorted(columns, key=rank)]  # sorted() keeps the order within a rank


def column_width(column: Question, label: str) -> int:
    """Pixels: room for the label (CJK characters are about twice as wide) and for a typical value."""
    label_px = text_px(label) + 36
    if column.type in _NUMERIC or column.type == "yes_no":
        value_px = 72
    elif column.type in ("single_choice", "multiple_choice"):
        value_px = 88
    else:
        value_px = 200 if (column.max_length or 0) > LONG_TEXT else 120
    return max(label_px, value_px)


def _row(record: dict[str, Any], columns: list[Question]) -> dict[str, Any]:
    """One edited row as answers: blanks dropped, whole numbers as int where the column says integer."""
    row = {}
    for column in columns:
        value = record.get(column.name)
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) or value == "":
            continue
        if hasattr(value, "item"):  # numpy scalars
            value = value.item()
        if column.type == "integer" and isinstance(value, float) and value.is_integer():
            value = int(value)
        row[column.name] = value
    return row
