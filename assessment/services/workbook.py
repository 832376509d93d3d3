"""An Excel workbook per questionnaire, for a department to fill offline and import as a draft.

Sheets: "说明" (what the workbook is, for which kind and rule set), then one sheet per questionnaire
section with one row per question (id, question, type, choices, required, unit/hint, ANSWER), one sheet
per table question (one column per field, one row per table row), and "措施" for the measures.
Importing checks every sheet first and reports every problem by sheet, row and question; only a
workbook with no problem becomes a draft, in one transaction.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from assessment.errors import ErrorCode, Location, Problem, WenpingError
from assessment.services.permissions import Action, require
from assessment.services.submissions import create_matter
from assessment.services.views import MatterSummary

FORMAT = "wenping.questionnaire-workbook"
INFO_SHEET = "说明"
MEASURES_SHEET = "措施"
SECTION_COLUMNS = ("id", "问题 question", "类型 type", "选项 choices", "必填 required", "单位/提示 unit/hint", "答案 answer")
ANSWER_COLUMN = 7
MEASURE_FIELDS = ("measure", "text", "factors", "unit", "leader", "deadline", "supporting_units")
MEASURE_LABELS = ("措施编号 measure id", "措施内容 text", "针对因素 factors", "责任单位 unit", "包案领导 leader",
                  "完成时限 deadline", "协助单位 supporting units")
MAX_WORKBOOK_BYTES = 20 * 1024 * 1024  # a filled questionnaire is some hundred KB
_FILL = PatternFill("solid", fgColor="FFF2CC")
_BOLD = Font(bold=True)


def _sheet_title(text: str, taken: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ .
    base = re.sub(r"[\[\]:*?/\\]", "_", text)[:31] or "sheet"
    title, n = base, 2
    while title in taken:
        title = f"{base[:28]}~{n}"
        n += 1
    taken.add(title)
    return title


def _zh(text) -> str:
    return "" if text is None else (text.zh if hasattr(text, "zh") else str(text))


def build_workbook(ruleset, kind_id: str) -> bytes:
    kind = ruleset.kind(kind_id)
    book = Workbook()
    info = book.active
    info.title = INFO_SHEET
    taken = {INFO_SHEET, MEASURES_SHEET}
    _write_info(info, ruleset, kind)
    for section in kind.sections:
        sheet = book.create_sheet(_sheet_title(f"{section.id}", taken))
        _write_section(book, sheet, kind, section, taken)
    _write_measures(book.create_sheet(MEASURES_SHEET))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_info(sheet, ruleset, kind) -> None:
    rows = [
        ("format", FORMAT),
        ("kind", kind.id),
        ("事项类型 kind title", _zh(kind.title)),
        ("规则集 rule set", f"{ruleset.info.id} {ruleset.info.version}"),
        ("规则集哈希 rule-set hash", ruleset.content_hash),
        ("事项名称 matter title", ""),
        ("填写说明", "每个问题一行，只填写最后一列“答案”。多选题用顿号或逗号分隔选项编号；是否题填“是”或“否”；日期填 2026-11-25。"
                    "表格题在同名工作表中逐行填写。措施在“措施”工作表中填写，须写明责任单位、包案领导和完成时限。"),
        ("How to fill", "One row per question: fill only the last column, 'answer'. Multiple choices: separate choice ids "
                        "with commas; yes/no: 是 or 否; dates: 2026-11-25. Tables have their own sheets. Measures go "
                        "on the 措施 sheet, each with a responsible unit, leader and deadline."),
    ]
    for row in rows:
        sheet.append(row)
    sheet["B6"].fill = _FILL
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 26, 100
    for cell in sheet["A"]:
        cell.font = _BOLD


def _choices_text(kind, question) -> str:
    return "；".join(f"{c.name}={_zh(c.label)}" for c in kind.choices_of(question))


def _write_section(book, sheet, kind, section, taken: set[str]) -> None:
    sheet.append(SECTION_COLUMNS)
    for cell in sheet[1]:
        cell.font = _BOLD
    for question in section.questions:
        if question.type == "calculate":
            continue
        note = _zh(question.unit) or _zh(question.hint)
        if question.type == "percent":
            note = "；".join(filter(None, (note, "百分比：填 35% 或 0.35")))
        answer = None
        if question.type == "table":
            table_sheet = book.create_sheet(_sheet_title(f"表_{question.name}", taken))
            _write_table(table_sheet, kind, question)
            answer = f"→ {table_sheet.title}"
        required = "是" if question.required is True else ("视情况" if question.required else "")
        choices = _choices_text(kind, question) if question.choices is not None else ""
        sheet.append((question.name, _zh(question.label), question.type, choices, required, note, answer))
        cell = sheet.cell(row=sheet.max_row, column=ANSWER_COLUMN)
        cell.fill = _FILL
        if question.type == "percent":  # shows 0.35 as 35%; "35%" typed in any spreadsheet is stored as 0.35
            cell.number_format = "0%"
        if question.type in ("single_choice", "yes_no"):
            _dropdown(sheet, cell.coordinate, [c.name for c in kind.choices_of(question)] if question.choices else ["是", "否"])
    for column, width in zip("ABCDEFG", (24, 50, 14, 40, 8, 20, 40)):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _dropdown(sheet, coordinate: str, names: list[str]) -> None:
    formula = '"' + ",".join(names) + '"'
    if len(formula) <= 255 and not any("," in n or '"' in n for n in names):
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        sheet.add_data_validation(validation)
        validation.add(coordinate)


def _write_table(sheet, kind, question) -> None:
    sheet.append([c.name for c in question.columns])
    sheet.append([_zh(c.label) + (f"（{_choices_text(kind, c)}）" if c.choices is not None else "") for c in question.columns])
    for cell in sheet[1]:
        cell.font = _BOLD


def _write_measures(sheet) -> None:
    sheet.append(MEASURE_FIELDS)
    sheet.append(MEASURE_LABELS)
    for cell in sheet[1]:
        cell.font = _BOLD


# --- import -----------------------------------------------------------------------------------------


@dataclass
class _Places:
    """Where each answer was read, so that a validation problem points at its sheet and row."""

    questions: dict[str, tuple[str, int]] = field(default_factory=dict)  # question → (sheet, row)
    tables: dict[str, tuple[str, list[int]]] = field(default_factory=dict)  # table → (sheet, row of each table row)
    measures: list[int] = field(default_factory=list)  # sheet row of each measure


def read_workbook(ruleset, source: Path | str | BinaryIO, scorer) -> tuple[str, str | None, dict, list, list[Problem]]:
    """(kind, title, answers, measures, problems); problems name the sheet, row and question."""
    book = _open(source)
    if INFO_SHEET not in book.sheetnames:
        raise WenpingError.of(ErrorCode.STORE_WORKBOOK, Location(sheet=INFO_SHEET), detail="缺少“说明”工作表",
                              detail_en="the 说明 sheet is missing")
    info = {str(r[0].value): r[1].value for r in book[INFO_SHEET].iter_rows(max_col=2) if r[0].value}
    if info.get("format") != FORMAT:
        raise WenpingError.of(ErrorCode.STORE_WORKBOOK, Location(sheet=INFO_SHEET, row=1),
                              detail=f"不是稳评问卷工作簿（format 应为 {FORMAT}）",
                              detail_en=f"not a Wenping questionnaire workbook (format must be {FORMAT})")
    kind = ruleset.kind(str(info.get("kind")))
    problems: list[Problem] = []
    places = _Places()
    answers = _read_sections(book, kind, places, problems)
    measures = _read_measures(book, places, problems)
    # What was read is validated even when some cells could not be read, so that one pass shows every problem.
    problems.extend(_locate(p, places) for p in scorer.check(kind.id, answers, partial=True)[1])
    problems.extend(_locate(p, places) for p in scorer.check_measures(measures))
    title = info.get("事项名称 matter title")
    return kind.id, (str(title).strip() if title else None), answers, measures, problems


def _open(source: Path | str | BinaryIO):
    limit = f"{MAX_WORKBOOK_BYTES / 2**20:g} MB"
    too_big = WenpingError.of(ErrorCode.STORE_WORKBOOK, detail=f"文件超过 {limit}", detail_en=f"the file is larger than {limit}")
    if isinstance(source, (str, Path)):
        if Path(source).stat().st_size > MAX_WORKBOOK_BYTES:
            raise too_big
        data = Path(source).read_bytes()
    else:
        data = source.read(MAX_WORKBOOK_BYTES + 1)
    if len(data) > MAX_WORKBOOK_BYTES:
        raise too_big
    try:
        return load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise WenpingError.of(ErrorCode.STORE_WORKBOOK, detail=f"无法读取工作簿：{error}",
                              detail_en=f"cannot read the workbook: {error}") from None


def _cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_sections(book, kind, places: _Places, problems: list[Problem]) -> dict:
    questions = {q.question.name: q.question for q in kind.questions}
    answers: dict[str, Any] = {}
    section_sheets = [s for s in book.sheetnames if s not in (INFO_SHEET, MEASURES_SHEET) and not s.startswith("表_")]
    for name in section_sheets:
        for row_number, row in enumerate(book[name].iter_rows(min_row=2, values_only=True), start=2):
            qid = row[0] if row else None
            if not qid:
                continue
            qid = str(qid).strip()
            where = Location(sheet=name, row=row_number, id=qid)
            if qid not in questions:
                problems.append(Problem(ErrorCode.ANS_UNKNOWN_QUESTION, {"question": qid}, where))
                continue
            places.questions[qid] = (name, row_number)
            if questions[qid].type == "table":
                rows = _read_table(book, questions[qid], places, problems)
                if rows:
                    answers[qid] = rows
                continue
            value = _cell_value(row[ANSWER_COLUMN - 1] if len(row) >= ANSWER_COLUMN else None)
            if value is not None:
                answers[qid] = value
    return answers


def _read_table(book, question, places: _Places, problems: list[Problem]) -> list[dict]:
    sheet_name = next((s for s in book.sheetnames if s.startswith("表_") and s[2:].startswith(question.name[:29])), None)
    if sheet_name is None:
        return []
    sheet = book[sheet_name]
    header = [str(c).strip() if c else None for c in next(sheet.iter_rows(max_row=1, values_only=True), ())]
    known = {c.name for c in question.columns}
    for col, name in enumerate(header, start=1):
        if name and name not in known:
            problems.append(Problem(ErrorCode.ANS_UNKNOWN_QUESTION, {"question": name},
                                    Location(sheet=sheet_name, row=1, id=question.name, field=name)))
    rows, sheet_rows = [], []
    for row_number, values in enumerate(sheet.iter_rows(min_row=3, values_only=True), start=3):
        cells = {h: _cell_value(v) for h, v in zip(header, values) if h in known}
        if any(v is not None for v in cells.values()):
            rows.append({k: v for k, v in cells.items() if v is not None})
            sheet_rows.append(row_number)
    places.tables[question.name] = (sheet_name, sheet_rows)
    return rows


def _read_measures(book, places: _Places, problems: list[Problem]) -> list[dict]:
    if MEASURES_SHEET not in book.sheetnames:
        return []
    measures = []
    for row_number, values in enumerate(book[MEASURES_SHEET].iter_rows(min_row=3, values_only=True), start=3):
        item = {f: _cell_value(v) for f, v in zip(MEASURE_FIELDS, values)}
        if not any(v is not None for v in item.values()):
            continue
        item = {k: v for k, v in item.items() if v is not None}
        if isinstance(item.get("factors"), str):
            item["factors"] = [f.strip() for f in re.split(r"[,，、;；]", item["factors"]) if f.strip()]
        measures.append(item)
        places.measures.append(row_number)
    return measures


def _locate(problem: Problem, places: _Places) -> Problem:
    """Re-point a validation problem from a question id (or a measure number) to its sheet and row.
    Table rows and measures are numbered from 1 by the validation, skipping blank sheet rows."""
    where = problem.where
    if where.id == "measures" and where.row is not None and 0 < where.row <= len(places.measures):
        return Problem(problem.code, problem.params,
                       Location(sheet=MEASURES_SHEET, row=places.measures[where.row - 1], field=where.field))
    if where.id in places.tables and where.row is not None and 0 < where.row <= len(places.tables[where.id][1]):
        sheet, rows = places.tables[where.id]
        return Problem(problem.code, problem.params, Location(sheet=sheet, row=rows[where.row - 1], id=where.id, field=where.field))
    if where.id in places.questions:
        sheet, row = places.questions[where.id]
        return Problem(problem.code, problem.params, Location(sheet=sheet, row=row, id=where.id, field=where.field))
    return problem


def import_workbook(uow, actor, ruleset, source, scorer, *, title: str | None = None,
                    unit_code: str | None = None) -> MatterSummary:
    """A new draft from a filled workbook, or every problem at once and nothing saved."""
    require(actor, Action.IMPORT)
    kind, book_title, answers, measures, problems = read_workbook(ruleset, source, scorer)
    if problems:
        raise WenpingError(problems)
    name = title or book_title or answers.get("matter_name") or kind
    return create_matter(uow, actor, kind=kind, title=str(name), unit_code=unit_code, answers=answers, measures=measures)
