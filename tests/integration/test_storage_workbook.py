"""The offline Excel workbook: build it, fill it as a department would, import it as a draft."""

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from assessment.answer_files import read_answer_file
from assessment.errors import WenpingError
from assessment.services import submissions, workbook
from assessment.services.scoring import RulesScorer
from storage_world import _world_postgres, _world_sqlite, world  # noqa: F401  (fixtures)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def scorer():
    return RulesScorer()


def _cell(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(map(str, value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):  # a measure's text in zh and en: the clerk types the Chinese
        return value.get("zh")
    return value


def fill(data: bytes, answers: dict, measures: list) -> io.BytesIO:
    """Type the answers into the workbook the way a clerk would (yes/no as 是/否, choices joined)."""
    book = load_workbook(io.BytesIO(data))
    for sheet in book.worksheets:
        if sheet.title in (workbook.INFO_SHEET, workbook.MEASURES_SHEET) or sheet.title.startswith("表_"):
            continue
        for row in sheet.iter_rows(min_row=2):
            qid, qtype = row[0].value, row[2].value
            if qid not in answers:
                continue
            if qtype != "table":
                row[workbook.ANSWER_COLUMN - 1].value = _cell(answers[qid])
            else:
                table = book[f"表_{qid}"[:31]]
                header = [c.value for c in table[1]]
                for item in answers[qid]:
                    table.append([_cell(item.get(h)) for h in header])
    for m in measures:
        book[workbook.MEASURES_SHEET].append([_cell(m.get(f)) for f in workbook.MEASURE_FIELDS])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


@pytest.mark.parametrize("example", ["land_expropriation", "village_renovation"])
def test_workbook__filled_from_an_example__imports_as_a_draft_equal_to_the_answer_file(world, scorer, example):
    doc = read_answer_file(EXAMPLES / f"{example}.yaml")
    data = workbook.build_workbook(scorer.ruleset(), doc.kind)
    sub = world.who("sub_own")
    m = workbook.import_workbook(world.db.uow(), sub, scorer.ruleset(), fill(data, doc.answers, doc.measures), scorer,
                                 title="离线填报")
    draft = world.detail(m.id).current
    expected = submissions.jsonable(doc.answers)
    assert scorer.check(doc.kind, draft.answers)[1] == []
    assert set(draft.answers) == {k for k, v in expected.items() if v not in ([], None, "")}
    assert len(draft.measures) == len(doc.measures)
    submissions.submit(world.db.uow(), sub, m.id, scorer)
    direct = scorer.score(doc.kind, expected, submissions.jsonable(doc.measures), world.detail(m.id).current.submitted_at)
    assert world.detail(m.id).current.level_after == direct.level_after


def test_workbook__sheets__one_per_section_plus_tables_and_measures(scorer):
    kind = scorer.ruleset().kind("land_expropriation")
    book = load_workbook(io.BytesIO(workbook.build_workbook(scorer.ruleset(), "land_expropriation")))
    assert book.sheetnames[0] == workbook.INFO_SHEET and book.sheetnames[-1] == workbook.MEASURES_SHEET
    assert [s.id for s in kind.sections] == [n for n in book.sheetnames if n not in (workbook.INFO_SHEET,
                                                                                     workbook.MEASURES_SHEET) and not n.startswith("表_")]
    tables = [q.question.name for q in kind.questions if q.question.type == "table"]
    assert {f"表_{t}"[:31] for t in tables} == {n for n in book.sheetnames if n.startswith("表_")}


def test_workbook__bad_answers__are_reported_by_sheet_row_and_question_and_nothing_is_saved(world, scorer):
    doc = read_answer_file(EXAMPLES / "land_expropriation.yaml")
    answers = {**doc.answers, "households_affected": "很多", "people_affected": -5}
    filled = fill(workbook.build_workbook(scorer.ruleset(), doc.kind), answers,
                  [*doc.measures, {"measure": "M-NOPE-1", "unit": "x", "leader": "y", "deadline": "2027-01-01"}])
    book = load_workbook(filled)
    filled.seek(0)
    rows = {row[0].value: (sheet.title, row[0].row) for sheet in book.worksheets for row in sheet.iter_rows(min_row=2)
            if row[0].value in ("households_affected", "people_affected")}
    before = world.audit_count()
    with pytest.raises(WenpingError) as error:
        workbook.import_workbook(world.db.uow(), world.who("sub_own"), scorer.ruleset(), filled, scorer, title="坏表")
    located = {(p.where.sheet, p.where.row, p.where.id) for p in error.value.problems}
    assert (*rows["households_affected"], "households_affected") in located
    assert (*rows["people_affected"], "people_affected") in located
    assert any(p.where.sheet == workbook.MEASURES_SHEET and p.where.row == 2 + len(doc.measures) + 1
               for p in error.value.problems)
    assert world.audit_count() == before


def _blank_row_then(sheet, values) -> int:
    """Leave a blank row, as clerks do between entries, then type a row; returns its sheet row."""
    sheet.append([None])
    sheet.append(values)
    return sheet.max_row


def test_workbook__blank_rows_in_tables_and_measures__errors_name_the_real_sheet_row(world, scorer):
    doc = read_answer_file(EXAMPLES / "land_expropriation.yaml")
    book = load_workbook(fill(workbook.build_workbook(scorer.ruleset(), doc.kind), doc.answers, doc.measures))
    table = book["表_stakeholders"]
    header = [c.value for c in table[1]]
    bad_group = _blank_row_then(table, [{"group": "临时群体", "kind": "workers", "size": "很多", "stance": "oppose"}.get(h)
                                        for h in header])
    bad_measure = _blank_row_then(book[workbook.MEASURES_SHEET], ["M-NOPE-9", None, None, "某单位", "某人", "2027-01-01"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    with pytest.raises(WenpingError) as error:
        workbook.import_workbook(world.db.uow(), world.who("sub_own"), scorer.ruleset(), out, scorer)
    located = {(p.where.sheet, p.where.row, p.where.field) for p in error.value.problems}
    assert ("表_stakeholders", bad_group, "size") in located
    assert any(sheet == workbook.MEASURES_SHEET and row == bad_measure for sheet, row, _ in located)


def test_workbook__unknown_question_and_bad_value__both_reported_in_one_pass(world, scorer):
    doc = read_answer_file(EXAMPLES / "land_expropriation.yaml")
    book = load_workbook(fill(workbook.build_workbook(scorer.ruleset(), doc.kind),
                              {**doc.answers, "households_affected": "很多"}, doc.measures))
    book[book.sheetnames[1]].append(["no_such_question", None, None, None, None, None, "1"])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    with pytest.raises(WenpingError) as error:
        workbook.import_workbook(world.db.uow(), world.who("sub_own"), scorer.ruleset(), out, scorer)
    assert {p.where.id for p in error.value.problems} >= {"no_such_question", "households_affected"}


def test_workbook__reviewer_importing__is_refused_before_the_file_is_read(world, scorer):
    with pytest.raises(WenpingError) as error:
        workbook.import_workbook(world.db.uow(), world.who("rev_in"), scorer.ruleset(), io.BytesIO(b"not a workbook"), scorer)
    assert [p.code.code for p in error.value.problems] == ["AUTH-607"]


def test_workbook__not_a_wenping_workbook__is_refused(world, scorer, tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    with pytest.raises(WenpingError) as error:
        workbook.import_workbook(world.db.uow(), world.who("sub_own"), scorer.ruleset(), path, scorer)
    assert [p.code.code for p in error.value.problems] == ["STORE-510"]


def test_workbook__larger_than_the_limit__is_refused_before_it_is_opened(world, scorer, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_WORKBOOK_BYTES", 2**19)
    data = workbook.build_workbook(scorer.ruleset(), "land_expropriation") + b"\0" * 2**19
    with pytest.raises(WenpingError) as error:
        workbook.import_workbook(world.db.uow(), world.who("sub_own"), scorer.ruleset(), io.BytesIO(data), scorer)
    assert [p.code.code for p in error.value.problems] == ["STORE-510"] and "超过 0.5 MB" in error.value.message("zh")
