"""Every example answer file as a finished PDF report: chapters, levels, factors, measures, pages.

Each example is converted once per session (LibreOffice takes seconds), then many things are checked on
it. Skips without LibreOffice or poppler-utils, fails with CI=true (see ``require``).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx import Document

from assessment.answer_files import read_answer_file
from assessment.domain.scoring import assess
from assessment.loader import load_ruleset
from assessment.report.context import build_context
from assessment.report.docx import render_docx
from assessment.report.pdf import docx_to_pdf, libreoffice_available
from assessment.report.templates.build_template import WORDS
from tests.conftest import require

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
CASES = [(path, "zh") for path in EXAMPLES] + [(EXAMPLES[1], "en")]  # land expropriation in English too
IDS = [f"{path.stem}-{lang}" for path, lang in CASES]


class Report:
    def __init__(self, path: Path, lang: str, docx: bytes, pdf: Path, assessment, context):
        self.path, self.lang, self.docx, self.pdf = path, lang, docx, pdf
        self.assessment, self.context = assessment, context

    def text(self, *args: str) -> str:
        return subprocess.run(["pdftotext", *args, str(self.pdf), "-"], capture_output=True, text=True,
                              check=True).stdout

    def flat(self) -> str:
        """The text in drawing order (a table cell's lines stay together), without page numbers (a paragraph
        may run on over a page) or white space (lines break anywhere in Chinese, and words at line ends)."""
        return re.sub(r"\s", "", re.sub(r"—\s*\d+\s*—", "", self.text("-raw")))


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> dict[str, Report]:
    require("LibreOffice", libreoffice_available())
    require("poppler-utils", None if shutil.which("pdftotext") else "pdftotext not found (apt-get install poppler-utils)")
    ruleset = load_ruleset()
    folder = tmp_path_factory.mktemp("reports")

    def make(case: tuple[Path, str]) -> Report:
        path, lang = case
        doc = read_answer_file(path)
        assessment = assess(ruleset, doc.kind, doc.answers, doc.measures, assessed_at=doc.assessed_at)
        context = build_context(assessment, ruleset, lang=lang)
        pdf = folder / f"{path.stem}-{lang}.pdf"
        docx = render_docx(context, lang)
        pdf.write_bytes(docx_to_pdf(docx))
        return Report(path, lang, docx, pdf, assessment, context)

    with ThreadPoolExecutor(max_workers=2) as pool:  # one LibreOffice profile per job, so they may overlap
        return dict(zip(IDS, pool.map(make, CASES)))


@pytest.fixture(params=IDS)
def report(request, reports) -> Report:
    return reports[request.param]


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def test_report_pdf__every_chapter_heading_and_attachment(report):
    words = WORDS[report.lang]
    flat = report.flat()
    for heading in [*words["h1"], *(title for _, title in words["annex"])]:
        assert squeeze(heading) in flat, heading


def test_report_pdf__level_before_and_after_in_the_conclusion(report):
    flat = report.flat()
    assert squeeze(report.context["conclusion"]["findings"][0]) in flat
    levels = {stage: report.context["overall"]["level"][stage] for stage in ("before", "after")}
    assert all(squeeze(level) in flat for level in levels.values())


def test_report_pdf__every_factor_and_every_measure(report):
    flat = report.flat()
    for factor in report.assessment.factors:
        assert squeeze(factor.name.get(report.lang)) in flat, factor.factor
    for measure in report.assessment.measures:
        # Only a measure cell's first line is sure to come out whole: further lines interleave with the
        # row's other cells, and a long row may break over a page. The DOCX tests check the whole text.
        assert squeeze(measure.text.get(report.lang))[:8] in flat, measure.number


def test_report_pdf__page_one__not_blank(report, tmp_path):
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-f", "1", "-l", "1", str(report.pdf), str(tmp_path / "p")],
                   check=True)
    pixels = next(tmp_path.glob("p*.pgm")).read_bytes().split(b"\n", 3)[3]  # after the PGM header
    assert sum(1 for value in pixels if value < 128) > 200


def test_report_pdf__cover_unnumbered_body_numbered_from_one(report):
    number = re.compile(r"—\s*1\s*—")
    assert not number.search(report.text("-f", "1", "-l", "1"))
    assert number.search(report.text("-f", "2", "-l", "2"))


def test_report_pdf__official_fonts__rendered_by_their_stand_ins(report):
    fonts = subprocess.run(["pdffonts", str(report.pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts  # 仿宋, 小标宋 (and the Chinese answers in an English report)
    if report.lang == "zh":
        assert "NotoSansCJK" in fonts and "UKai" in fonts  # 黑体 and 楷体 headings
    assert "WenQuanYi" not in fonts and "DejaVu" not in fonts


LINE_END_MARKS = "，。、；：？！"  # never in a table header, which repeats on every page a table runs over
A4_WIDTH = 595.3
LEFT_EDGE, RIGHT_EDGE = 28 / 25.4 * 72, A4_WIDTH - 26 / 25.4 * 72  # the type area, in points


def docx_text(docx: bytes) -> str:
    """Body paragraphs and every table cell once (a merged cell is listed under each column it spans)."""
    document = Document(io.BytesIO(docx))
    cells = {id(cell._tc): cell for table in document.tables for row in table.rows for cell in row.cells}
    return "\n".join([p.text for p in document.paragraphs] + [cell.text for cell in cells.values()])


def test_report_pdf__punctuation__every_mark_of_the_docx_in_the_pdf(report):
    """Justified, LibreOffice dropped a "，。、" that ended a line: neither drawn nor in the text."""
    pdf, docx = report.text(), docx_text(report.docx)
    assert {m: pdf.count(m) for m in LINE_END_MARKS} == {m: docx.count(m) for m in LINE_END_MARKS}
    assert all(pdf.count(m) >= docx.count(m) for m in "）》”")


def lines_of(report: Report) -> list[tuple[float, float, str]]:
    """(xMin, xMax, text) of every run of text of every page, in reading order; words more than a
    character apart (table cells side by side) are separate runs."""
    xml = report.text("-bbox")
    found = []
    for page in xml.split("<page ")[1:]:
        rows: dict[float, list[tuple[float, float, str]]] = {}
        for x0, y0, x1, text in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<',
                                           page):
            rows.setdefault(round(float(y0)), []).append((float(x0), float(x1), text))
        for _, words in sorted(rows.items()):
            words.sort()
            run = [words[0]]
            for word in words[1:]:
                if word[0] - run[-1][1] > 12:
                    found.append((run[0][0], run[-1][1], "".join(w[2] for w in run)))
                    run = []
                run.append(word)
            found.append((run[0][0], run[-1][1], "".join(w[2] for w in run)))
    return found


def test_report_pdf__numbers__never_broken_across_lines(report):
    """Tagged Chinese, LibreOffice broke numbers anywhere: "202 | 7年", "2 | 024年", "〔201 | 2〕"."""
    lines = lines_of(report)
    broken = [(a[2][-8:], b[2][:8]) for a, b in zip(lines, lines[1:])  # a full line, then one from the margin
              if a[1] > RIGHT_EDGE - 16 and b[0] < LEFT_EDGE + 4 and re.search(r"[0-9]$", a[2]) and re.match(r"[0-9]", b[2])]
    assert broken == []


def test_report_pdf__title__set_in_the_lines_of_the_docx(report):
    """Page 1 starts with the cover title exactly as the DOCX breaks it, so Word's lines are LibreOffice's."""
    cover = Document(io.BytesIO(report.docx)).paragraphs[0].text.split("\n")
    page = [squeeze(line) for line in report.text("-f", "1", "-l", "1").splitlines() if line.strip()]
    assert page[:len(cover)] == [squeeze(line) for line in cover]


def test_report_pdf__signature__on_the_page_of_the_attachment_note_date_included(report):
    """The date once stood alone at the top of a page, its unit at the bottom of the one before."""
    note = WORDS[report.lang]["attachments"].split("\n")[0]
    pages = [squeeze(page) for page in report.text().split("\f")]
    page = next(p for p in pages if squeeze(note) in p)
    signature = report.context["signature"]
    assert squeeze(signature["unit"]) in page and squeeze(signature["date"]) in page
