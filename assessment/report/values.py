"""Answers as a reader of the report sees them: choice labels, units, percentages and dates in zh or en."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from assessment.domain.i18n_text import Lang
from assessment.domain.questionnaire import Question
from assessment.domain.ruleset import Kind

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
LIST_SEPARATOR = {"zh": "、", "en": ", "}
NONE = {"zh": "无", "en": "none"}
# A calculated answer is a share, and shown as a percentage, when its label says so.
SHARE_WORDS = ("率", "比例", "占比", "幅度")
# Chinese amounts in 万元 read in English as yuan: "CNY 1.86 billion", not "186000 10k yuan".
TEN_THOUSAND_YUAN = "万元"
SCALES_EN = ((1e9, "billion"), (1e6, "million"))
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")


def tidy(text: str) -> str:
    """Without the spaces that line folding leaves between Chinese characters: Chinese text has none,
    and they would show as gaps. Everything else stays as typed."""
    return _CJK_GAP.sub("", text)


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def format_date(value: Any, lang: Lang, *, narrow: bool = False) -> str:
    """2026年11月20日 (Arabic numerals, GB/T 9704 §7.3.5) or 20 November 2026; text that is no date as is.
    ``narrow``: for a table column too narrow for the whole date, which breaks it after the year, not
    inside the month ("2027年2" | "月28日")."""
    day = as_date(value)
    if day is None:
        return str(value)
    if lang == "zh":
        line_break = "\n" if narrow else ""
        return f"{day.year}年{line_break}{day.month}月{day.day}日"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.4g}"


def format_percent(value: float) -> str:
    """94%, 95.3%, 0.048%: as many digits as a reader needs, no more."""
    percent = value * 100
    if abs(percent) >= 1 or percent == 0:
        return f"{percent:.1f}".rstrip("0").rstrip(".") + "%"
    return f"{percent:.2g}%"


def format_yuan(yuan: float) -> str:
    """CNY 1.86 billion, CNY 4.2 million, CNY 35,000."""
    for size, word in SCALES_EN:
        if abs(yuan) >= size:
            return f"CNY {f'{yuan / size:.3f}'.rstrip('0').rstrip('.')} {word}"
    return f"CNY {yuan:,.0f}"


def singular(noun: str) -> str:
    """The English unit for a count of one: households → household, copies → copy, batches → batch."""
    if noun == "people":
        return "person"
    for plural, one in (("ies", "y"), ("ches", "ch"), ("shes", "sh"), ("sses", "ss"), ("xes", "x"), ("s", "")):
        if noun.endswith(plural) and not noun.endswith("ss"):
            return noun[: -len(plural)] + one
    return noun


def inline_label(label: str) -> str:
    """A choice's English label inside a sentence: "Mixed sources" → "mixed sources", "NDRC" stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


class AnswerText:
    """Formats the answers of one kind of matter; questions unknown to the rule set show their raw value."""

    def __init__(self, kind: Kind | None, lang: Lang):
        self.kind = kind
        self.lang = lang

    def question(self, name: str) -> Question | None:
        compiled = self.kind.question(name) if self.kind else None
        return compiled.question if compiled else None

    def label(self, name: str) -> str:
        question = self.question(name)
        return question.label.get(self.lang) if question else name

    def text(self, name: str, value: Any, *, inline: bool = False) -> str:
        """The answer as a table shows it; ``inline`` for inside a sentence (English choice labels in lower case)."""
        return self._value(self.question(name), value, inline=inline)

    def cell(self, table: str, column: str, value: Any) -> str:
        """One cell of a table question (a stakeholder's stance, say), formatted like an answer."""
        question = self.question(table)
        columns = {c.name: c for c in (question.columns or ())} if question else {}
        return self._value(columns.get(column), value)

    def _value(self, question: Question | None, value: Any, *, inline: bool = False) -> str:
        if value is None or value == "":
            return "—"
        if question is None:
            return self._plain(value)
        kind = question.type
        if kind == "yes_no":
            return YES_NO[self.lang][0 if value else 1]
        if kind in ("single_choice", "multiple_choice"):
            return self._choices(question, value, inline)
        if kind == "table":
            return self._table(question, value)
        if kind == "date":
            return format_date(value, self.lang)
        if kind == "text" and isinstance(value, str):
            return tidy(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self._plain(value)
        if kind == "percent" or (kind == "calculate" and any(w in question.label.zh for w in SHARE_WORDS)):
            return format_percent(value)
        return self._quantity(question, value)

    def _quantity(self, question: Question, value: float) -> str:
        if self.lang == "zh" or not question.unit:
            return f"{format_number(value)}{question.unit.zh if question.unit else ''}"
        if question.unit.zh == TEN_THOUSAND_YUAN:
            return format_yuan(value * 10_000)
        unit = question.unit.en
        return f"{format_number(value)} {singular(unit) if value == 1 else unit}"

    def _choices(self, question: Question, value: Any, inline: bool) -> str:
        labels = {c.name: c.label.get(self.lang) for c in self.kind.choices_of(question)}
        if inline and self.lang == "en":
            labels = {name: inline_label(label) for name, label in labels.items()}
        chosen = value if isinstance(value, list) else [value]
        return LIST_SEPARATOR[self.lang].join(labels.get(v, str(v)) for v in chosen) or NONE[self.lang]

    def _table(self, question: Question, rows: Any) -> str:
        """One line per row: "column: value; column: value"."""
        if not isinstance(rows, Sequence) or not rows:
            return NONE[self.lang]
        columns = {c.name: c for c in question.columns or ()}
        separator, colon = ("；", "：") if self.lang == "zh" else ("; ", ": ")
        lines = []
        for row in rows:
            cells = row.items() if isinstance(row, Mapping) else ()
            lines.append(separator.join(
                f"{columns[k].label.get(self.lang) if k in columns else k}{colon}{self._value(columns.get(k), v)}"
                for k, v in cells if v is not None
            ))
        return "\n".join(lines)

    def _plain(self, value: Any) -> str:
        if isinstance(value, bool):
            return YES_NO[self.lang][0 if value else 1]
        if isinstance(value, float):
            return format_number(value)
        if isinstance(value, list):
            return LIST_SEPARATOR[self.lang].join(self._plain(v) for v in value) or NONE[self.lang]
        return str(value)
