"""Every example answer file as a finished PDF report: chapters, levels, factors, measures, pages.

Each example is converted once per session (LibreOffice takes seconds), then many things are checked on
it. Skips without LibreOffice or poppler-utils, fails with CI=true (see ``require``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

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
    def __init__(self, path: Path, lang: str, pdf: Path, assessment, context):
        self.path, self.lang, self.pdf, self.assessment, self.context = path, lang, pdf, assessment, context

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
        pdf.write_bytes(docx_to_pdf(render_docx(context, lang)))
        return Report(path, lang, pdf, assessment, context)

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
