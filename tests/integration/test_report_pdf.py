"""DOCX → PDF through LibreOffice: text, fonts, page numbers, parallel jobs, the cache and the errors.

Tests that need LibreOffice skip on a machine without it and fail with CI=true (see ``require``).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from tests.conftest import require

from assessment.answer_files import read_answer_file
from assessment.domain.scoring import assess
from assessment.errors import ErrorCode, WenpingError
from assessment.loader import load_ruleset
from assessment.report import pdf as pdf_module
from assessment.report.context import build_context
from assessment.report.docx import render_docx
from assessment.report.pdf import docx_to_pdf, libreoffice_available

PARAGRAPH = "社会稳定风险评估应当坚持合法性、合理性、可行性和可控性原则，全面查找项目实施中可能引发群体性事件的风险点。"


@functools.cache
def example_context() -> dict:
    ruleset = load_ruleset()
    doc = read_answer_file(Path(__file__).parents[2] / "examples" / "land_expropriation.yaml")
    return build_context(assess(ruleset, doc.kind, doc.answers, doc.measures, assessed_at=doc.assessed_at), ruleset)


def render(title: str, paragraphs: int = 15) -> bytes:
    """The committed template filled with an example, its first section swapped for enough Chinese text
    to fill whole body pages."""
    context = example_context()
    cover = {**context["cover"], "title": title, "matter": title.removesuffix(context["cover"]["report"])}
    return render_docx({**context, "cover": cover,
                        "overview": {**context["overview"], "basic": [PARAGRAPH * 3] * paragraphs}}, "zh")


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def page_words(pdf: Path, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, xMax, yMin, text) of each word on one page."""
    xml = pdftotext(pdf, "-bbox", "-f", str(page), "-l", str(page))
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(float(x0), float(x1), float(y0), text) for x0, y0, x1, text in re.findall(pattern, xml)]


def footer_line(pdf: Path, page: int) -> tuple[str, float, float]:
    """The lowest line of a page, as (text, xMin, xMax)."""
    words = page_words(pdf, page)
    bottom = max(y for _, _, y, _ in words)
    line = sorted((w for w in words if abs(w[2] - bottom) < 1), key=lambda w: w[0])
    return " ".join(w[3] for w in line), line[0][0], line[-1][1]


@pytest.fixture(scope="module")
def libreoffice() -> None:
    require("LibreOffice", libreoffice_available())
    require("poppler-utils", None if shutil.which("pdftotext") else "pdftotext not found (apt-get install poppler-utils)")


@pytest.fixture(scope="module")
def report_pdf(libreoffice, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(docx_to_pdf(render("老城片区改造项目社会稳定风险评估报告")))
    return path


A4_WIDTH = 595.3
LEFT_EDGE, RIGHT_EDGE = 28 / 25.4 * 72, A4_WIDTH - 26 / 25.4 * 72  # the type area, in points
ONE_CHARACTER = 14  # 四号


@pytest.mark.libreoffice
def test_docx_to_pdf__template_with_chinese_text__pdf_has_the_text(report_pdf):
    text = pdftotext(report_pdf)
    assert "老城片区改造项目\n社会稳定风险评估报告" in text  # the fixed part on a line of its own
    assert "一、评估事项概况" in text
    assert "全面查找项目实施中可能引发群体性事件的风险点" in re.sub(r"\s", "", text)


@pytest.mark.libreoffice
def test_docx_to_pdf__official_font_names__render_in_noto_cjk_not_fallbacks(report_pdf):
    fonts = subprocess.run(["pdffonts", str(report_pdf)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts  # 仿宋_GB2312, 方正小标宋简体
    assert "NotoSansCJK" in fonts  # 黑体
    assert "UKai" in fonts  # 楷体_GB2312
    assert "WenQuanYi" not in fonts and "DejaVu" not in fonts


@pytest.mark.libreoffice
def test_docx_to_pdf__first_page__is_not_blank(report_pdf, tmp_path):
    subprocess.run(["pdftoppm", "-r", "30", "-gray", "-f", "1", "-l", "1", str(report_pdf), str(tmp_path / "p")],
                   check=True)
    pixels = next(tmp_path.glob("p*.pgm")).read_bytes().split(b"\n", 3)[3]  # after the PGM header
    assert sum(1 for value in pixels if value < 128) > 200


@pytest.mark.libreoffice
def test_docx_to_pdf__page_numbers__odd_right_and_even_left_one_character_in(report_pdf):
    cover_bottom, _, _ = footer_line(report_pdf, 1)
    assert "—" not in cover_bottom  # the cover carries no page number

    odd, _, odd_right = footer_line(report_pdf, 2)
    assert odd == "— 1 —"
    assert odd_right == pytest.approx(RIGHT_EDGE - ONE_CHARACTER, abs=3)

    even, even_left, _ = footer_line(report_pdf, 3)
    assert even == "— 2 —"
    assert even_left == pytest.approx(LEFT_EDGE + ONE_CHARACTER, abs=3)


@pytest.mark.libreoffice
def test_docx_to_pdf__body_page__22_lines_of_28_characters(report_pdf):
    words = page_words(report_pdf, 3)
    lines: dict[float, str] = {}
    for _, _, y, text in words:
        lines[round(y)] = lines.get(round(y), "") + text
    body = [text for y, text in sorted(lines.items())][:-1]  # the last line is the page number
    assert len(body) == 22
    assert max(len(text.rstrip("，。、")) for text in body) == 28  # closing punctuation may hang
    assert all(x0 >= LEFT_EDGE - 1 for x0, _, _, _ in words)


@pytest.mark.libreoffice
def test_docx_to_pdf__two_threads_at_once__both_succeed(libreoffice, tmp_path):
    titles = ["甲项目社会稳定风险评估报告", "乙项目社会稳定风险评估报告"]
    results: dict[str, bytes] = {}

    def convert(title: str) -> None:
        results[title] = docx_to_pdf(render(title, paragraphs=3))

    threads = [threading.Thread(target=convert, args=(title,)) for title in titles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for title in titles:
        assert results[title].startswith(b"%PDF")
        path = tmp_path / f"{title}.pdf"
        path.write_bytes(results[title])
        assert title in re.sub(r"\s", "", pdftotext(path))


@pytest.mark.libreoffice
def test_docx_to_pdf__same_bytes_twice__second_served_from_cache(libreoffice, tmp_path, monkeypatch):
    runs = []
    real_run = pdf_module._run
    monkeypatch.setattr(pdf_module, "_run", lambda *args: runs.append(args) or real_run(*args))
    docx = render("缓存测试项目社会稳定风险评估报告", paragraphs=3)

    first = docx_to_pdf(docx, cache_dir=tmp_path)
    second = docx_to_pdf(docx, cache_dir=tmp_path)

    assert len(runs) == 1
    assert second == first
    assert [p.suffix for p in tmp_path.iterdir()] == [".pdf"]  # no temp file left behind


def test_docx_to_pdf__soffice_not_on_path__error_names_the_debian_packages(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(WenpingError) as caught:
        docx_to_pdf(b"PK")
    assert caught.value.problems[0].code is ErrorCode.REPORT_NO_LIBREOFFICE
    for message in (caught.value.message("zh"), caught.value.message("en")):
        assert "libreoffice-writer-nogui" in message and "fonts-noto-cjk" in message
    assert "libreoffice-writer-nogui" in libreoffice_available()


def fake_soffice(folder: Path, script: str, monkeypatch) -> None:
    """A stand-in soffice first on PATH, for failures LibreOffice itself will not produce on demand."""
    path = folder / "soffice"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    monkeypatch.setattr(pdf_module, "_fonts_digest", lambda: "fonts")


def test_docx_to_pdf__libreoffice_fails__error_carries_its_output(tmp_path, monkeypatch):
    fake_soffice(tmp_path, 'echo "Error: source file could not be loaded" >&2; exit 0', monkeypatch)
    with pytest.raises(WenpingError) as caught:
        docx_to_pdf(b"PK")
    assert caught.value.problems[0].code is ErrorCode.REPORT_PDF_FAILED
    assert "source file could not be loaded" in caught.value.message("en")


def test_docx_to_pdf__libreoffice_hangs__stopped_at_the_timeout(tmp_path, monkeypatch):
    fake_soffice(tmp_path, 'echo "loading"; exec sleep 60', monkeypatch)
    with pytest.raises(WenpingError) as caught:
        docx_to_pdf(b"PK", timeout=1)
    assert caught.value.problems[0].code is ErrorCode.REPORT_PDF_TIMEOUT
    assert "loading" in caught.value.message("en")


def test_fonts_digest__stand_in_family_missing__error_names_its_package(monkeypatch):
    require("fontconfig", None if shutil.which("fc-list") else "fc-list not found (apt-get install fontconfig)")
    monkeypatch.setitem(pdf_module.FONT_PACKAGES, "No Such Font SC", "fonts-no-such")
    pdf_module._fonts_digest.cache_clear()
    try:
        with pytest.raises(WenpingError) as caught:
            pdf_module._fonts_digest()
    finally:
        pdf_module._fonts_digest.cache_clear()
    assert caught.value.problems[0].code is ErrorCode.REPORT_FONTS_MISSING
    assert "No Such Font SC" in caught.value.message("en") and "fonts-no-such" in caught.value.message("en")


FAKE_CONVERTER = 'while [ $# -gt 0 ]; do [ "$1" = "--outdir" ] && out="$2"; shift; done; ' \
                 'mkdir -p "$out"; echo "%PDF-1.4 $$" > "$out/report.pdf"'


def test_docx_to_pdf__another_libreoffice_or_fonts__converted_again_not_served_stale(tmp_path, monkeypatch):
    """The cache key was the DOCX alone: a PDF made before a LibreOffice or font upgrade was served after it."""
    fake_soffice(tmp_path, FAKE_CONVERTER, monkeypatch)
    runs = []
    real_run = pdf_module._run
    monkeypatch.setattr(pdf_module, "_run", lambda *args: runs.append(args) or real_run(*args))
    cache = tmp_path / "cache"

    docx_to_pdf(b"PK same", cache_dir=cache)
    docx_to_pdf(b"PK same", cache_dir=cache)
    assert len(runs) == 1
    monkeypatch.setattr(pdf_module, "_fonts_digest", lambda: "other fonts")
    pdf_module._converter_digest.cache_clear()
    try:
        docx_to_pdf(b"PK same", cache_dir=cache)
    finally:
        pdf_module._converter_digest.cache_clear()
    assert len(runs) == 2


@pytest.fixture(scope="module")
def hostile_pdf(libreoffice, tmp_path_factory) -> Path:
    from tests.integration.test_report_docx import hostile_assessment

    ruleset = load_ruleset()
    path = tmp_path_factory.mktemp("hostile") / "hostile.pdf"
    path.write_bytes(docx_to_pdf(render_docx(build_context(hostile_assessment(ruleset), ruleset), "zh")))
    return path


@pytest.mark.libreoffice
def test_docx_to_pdf__hostile_user_text__literal_in_the_pdf_emoji_included(hostile_pdf):
    """Emoji were lost ("居民😀👍" came out "居民😀"): the CJK fonts have none, Symbola draws them."""
    from tests.integration.test_report_docx import HOSTILE, HOSTILE_GROUP

    text = re.sub(r"\s", "", pdftotext(hostile_pdf, "-raw"))
    for typed in [*HOSTILE, HOSTILE_GROUP]:
        assert re.sub(r"\s", "", typed) in text, typed
    fonts = subprocess.run(["pdffonts", str(hostile_pdf)], capture_output=True, text=True, check=True).stdout
    assert "Symbola" in fonts


@pytest.mark.libreoffice
def test_docx_to_pdf__2000_character_name__cover_stays_one_page(hostile_pdf):
    cover, body = pdftotext(hostile_pdf, "-f", "1", "-l", "1"), pdftotext(hostile_pdf, "-f", "2", "-l", "2")
    assert "社会稳定风险评估报告" in cover and "2026年11月20日" in re.sub(r"\s", "", cover)  # the date, last on the cover
    assert re.search(r"—\s*1\s*—", body)  # the body starts on page 2
