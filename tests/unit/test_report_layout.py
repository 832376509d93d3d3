"""The report's GB/T 9704 layout (the Word template) and its risk-matrix chart, without LibreOffice."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined
from matplotlib import font_manager
from matplotlib.font_manager import FontProperties
from PIL import Image, ImageFont
from tests.conftest import require

from assessment.errors import ErrorCode, WenpingError
from assessment.report import charts
from assessment.report.charts import Degree, risk_matrix_png
from assessment.report.templates.build_template import CELL_MARGIN_PT, TEMPLATE, TEMPLATES, build


def xml_parts(docx: bytes) -> dict[str, str]:
    """Every XML part except docProps (which holds the save time)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()
                if name.endswith(".xml") or name.endswith(".rels")
                if not name.startswith("docProps/")}


def east_asian_font(style) -> str:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


@pytest.fixture(scope="module")
def template():
    return Document(str(TEMPLATE))


@pytest.mark.parametrize("lang", sorted(TEMPLATES))
def test_template__committed_file__is_what_the_generator_makes(lang):
    generated = io.BytesIO()
    build(lang).save(generated)
    committed, fresh = xml_parts(TEMPLATES[lang].read_bytes()), xml_parts(generated.getvalue())
    assert committed.keys() == fresh.keys()
    for name in fresh:
        assert committed[name] == fresh[name], f"{name} differs: run python -m assessment.report.templates.build_template"


def test_template__every_section__a4_with_gbt9704_margins(template):
    assert len(template.sections) == 2  # the cover, then the body
    for section in template.sections:
        assert section.page_width == pytest.approx(Mm(210), abs=635)
        assert section.page_height == pytest.approx(Mm(297), abs=635)
        for margin, mm in (("top_margin", 37), ("bottom_margin", 35), ("left_margin", 28), ("right_margin", 26)):
            assert getattr(section, margin) == pytest.approx(Mm(mm), abs=635)  # within one twip


@pytest.mark.parametrize(("style", "font", "size"), [
    ("Normal", "仿宋_GB2312", 16),  # shown as 正文 in Chinese Word and WPS
    ("文件标题", "方正小标宋简体", 22),
    ("一级标题", "黑体", 16),
    ("二级标题", "楷体_GB2312", 16),
    ("三级标题", "仿宋_GB2312", 16),
    ("表格文字", "仿宋_GB2312", 12),
    ("附件说明", "仿宋_GB2312", 16),
    ("页码", "宋体", 14),
])
def test_template__styles__carry_the_official_east_asian_fonts(template, style, font, size):
    assert east_asian_font(template.styles[style]) == font
    assert template.styles[style].font.size == Pt(size)


def test_template__body_text__exact_28_95_pt_lines_two_character_indent_left_aligned(template):
    body = template.styles["Normal"].paragraph_format
    assert body.line_spacing == Pt(28.95)
    assert body.line_spacing_rule == 4  # WD_LINE_SPACING.EXACTLY
    assert body.first_line_indent == Pt(32)
    # justified, LibreOffice drops the "，。、" a line ends with (test_report_examples checks the PDF)
    assert body.alignment == 0  # WD_ALIGN_PARAGRAPH.LEFT
    # 28 characters per line through character spacing, not the docGrid LibreOffice renders wrongly
    assert template.styles["Normal"].element.rPr.find(qn("w:spacing")).get(qn("w:val")) == "-5"


def test_template__footers__page_numbers_odd_right_even_left_cover_none(template):
    assert template.settings.odd_and_even_pages_header_footer
    cover, body = template.sections
    assert cover._sectPr.find(qn("w:footerReference")) is None
    assert body._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"

    odd, even = body.footer.paragraphs[0], body.even_page_footer.paragraphs[0]
    for paragraph in (odd, even):
        assert paragraph.text == "— 1 —"  # "1" is the PAGE field's stored result
        assert "PAGE" in paragraph._p.xml
    assert (odd.paragraph_format.alignment, odd.paragraph_format.right_indent) == (2, Pt(14))
    assert (even.paragraph_format.alignment, even.paragraph_format.left_indent) == (0, Pt(14))


def test_template__rendered_with_an_example__every_placeholder_filled():
    template = DocxTemplate(TEMPLATE)
    context = example_context()
    template.render({**context, "charts": {"matrix_before": "", "matrix_after": "", "stakeholders": ""},
                     "title": {"cover": context["cover"]["title"], "body": context["cover"]["title"], "long": False}},
                    jinja_env=Environment(undefined=StrictUndefined), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    text = "\n".join(p.text for p in Document(out).paragraphs)
    assert context["cover"]["title"] in text and "九、评估结论和建议" in text
    assert "{%" not in text and "{{" not in text


def example_context() -> dict:
    from assessment.answer_files import read_answer_file
    from assessment.domain.scoring import assess
    from assessment.loader import load_ruleset
    from assessment.report.context import build_context

    ruleset = load_ruleset()
    doc = read_answer_file(Path(__file__).parents[2] / "examples" / "land_expropriation.yaml")
    return build_context(assess(ruleset, doc.kind, doc.answers, doc.measures, assessed_at=doc.assessed_at), ruleset)


def header_lines(template_doc) -> list[tuple[str, float]]:
    """(one line of a table header, the width its cell leaves for text in points) for every table."""
    found = []
    for table in template_doc.tables:
        for cell in table.rows[0].cells:
            room = int(cell._tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) / 20 - 2 * CELL_MARGIN_PT
            found += [(line, room) for line in cell.text.split("\n")]
    return found




@pytest.fixture(scope="module")
def latin_bold() -> ImageFont.FreeTypeFont:
    """Times New Roman's stand-in, bold as the header row is, to measure Latin text by."""
    font = FontProperties(family="Liberation Serif", weight="bold")
    try:
        path = font_manager.findfont(font, fallback_to_default=False)
    except ValueError:
        require("Liberation Serif", "fonts-liberation is not installed")
    return ImageFont.truetype(path, 1000)


@pytest.mark.parametrize("lang", sorted(TEMPLATES))
def test_template__table_headers__each_line_or_word_fits_its_column(lang, latin_bold):
    """Chinese headers must not wrap inside a word ("归一化权/重"): each line, deliberate breaks included,
    fits its cell; English ones may wrap between words, but no word is wider than its cell."""
    size = 12 if lang == "zh" else 10

    def text_points(text: str) -> float:  # a Chinese character is one em wide
        return sum(size if unicodedata.east_asian_width(c) in "WF" else latin_bold.getlength(c) * size / 1000
                   for c in text)

    for line, room in header_lines(Document(str(TEMPLATES[lang]))):
        pieces = [line] if lang == "zh" else line.split()
        for piece in pieces:
            assert text_points(piece) <= room, (piece, room)


def test_template__tables__split_across_pages_but_header_stays_with_the_first_row(template):
    for table in template.tables:
        header, *rows = table.rows
        assert all(p.paragraph_format.keep_with_next for c in header.cells for p in c.paragraphs)
        assert not any(p.paragraph_format.keep_with_next for r in rows for c in r.cells for p in c.paragraphs)
        assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page


def test_template__chinese_report__latin_text_tagged_english_so_numbers_stay_whole(template):
    """Tagged zh-CN, LibreOffice breaks Latin text and numbers like Chinese, anywhere ("202" | "7年")."""
    defaults = template.styles.element.find(qn("w:docDefaults"))
    language = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert language.get(qn("w:val")) == "en-US" and language.get(qn("w:eastAsia")) == "zh-CN"


DEGREES = [Degree("low", "较小", "#00ff00"), Degree("high", "重大", "#ff0000")]
SCALES = (("很低", "较低", "中等", "较高", "很高"), ("可忽略", "较小", "中等", "较大", "严重"))


@pytest.fixture
def chart_font() -> None:
    try:
        charts._chart_font()
    except WenpingError as error:
        require("Noto Sans CJK SC", error.message("en"))


def draw(points, *, after=False, lang="zh", degrees=DEGREES, degree_of=lambda p, c: "low") -> bytes:
    return risk_matrix_png(points, after=after, lang=lang, degree_of=degree_of, degrees=degrees, scales=SCALES)


def test_risk_matrix_png__opaque_png_at_300_dpi_for_the_type_area(chart_font):
    image = Image.open(io.BytesIO(draw([("1", 5, 5), ("2", 3, 4)], after=True)))
    assert image.format == "PNG" and image.mode in ("RGB", "P") and "transparency" not in image.info
    assert image.size[0] == pytest.approx(charts.WIDTH_MM / 25.4 * 300, abs=1)
    assert charts.WIDTH_MM <= 156  # the type area


def test_risk_matrix_png__degree_of__decides_every_cell_colour(chart_font):
    asked = []

    def degree_of(probability: int, impact: int) -> str:
        asked.append((probability, impact))
        return "high"

    png = draw([], lang="en", degree_of=degree_of)
    assert sorted(asked) == [(p, c) for p in range(1, 6) for c in range(1, 6)]
    counts = {colour: n for n, colour in Image.open(io.BytesIO(png)).convert("RGB").getcolors(maxcolors=1 << 22)}
    assert max(counts, key=counts.get) == (255, 0, 0)  # the grid, all 重大, fills most of the picture, unshaded
    assert counts.get((0, 255, 0), 0) < counts[(255, 0, 0)] / 100  # green only in the legend


def test_risk_matrix_png__same_points__same_bytes(chart_font):
    assert draw([("1", 4, 4), ("2", 2, 3)]) == draw([("1", 4, 4), ("2", 2, 3)])  # so the PDF cache key holds too
    assert draw([("1", 4, 4)]) != draw([("1", 2, 3)])  # the marks are really drawn on the copy


def test_risk_matrix_png__level_outside_1_to_5__value_error(chart_font):
    with pytest.raises(ValueError, match="1–5"):
        draw([("1", 6, 1)])


def test_risk_matrix_png__chinese_font_missing__error_names_the_package(monkeypatch):
    monkeypatch.setattr(charts, "CHART_FONT", "No Such Font SC")
    with pytest.raises(WenpingError) as caught:
        draw([])
    assert caught.value.problems[0].code is ErrorCode.REPORT_CHART_FONT
    assert "fonts-noto-cjk" in caught.value.message("zh")


@pytest.mark.parametrize("count", [1, 8, 9, 16, 17, 40])
def test_place__factors_sharing_a_cell__each_shown_apart_below_the_degree_name(count):
    """The 9th factor of a cell once took the 1st one's place; now a crowded cell uses small marks and,
    past those, says how many more there are."""
    placed = charts._place([(str(n), 3, 2) for n in range(1, count + 1)])
    positions = [(round(x, 6), round(y, 6)) for x, y, _, _ in placed]
    assert len(set(positions)) == len(positions)  # no mark on top of another
    assert all(abs(x - 3) <= 0.4 and -0.45 <= y - 2 <= 0.2 for x, y in positions)  # inside, under the name
    labels = [label for _, _, label, _ in placed]
    shown = [label for label in labels if not label.startswith("+")]
    assert len(shown) + sum(int(label[1:]) for label in labels if label.startswith("+")) == count
    assert shown == [str(n) for n in range(1, len(shown) + 1)]


@pytest.mark.parametrize(("lang", "after"), [("zh", False), ("en", True)])
def test_risk_matrix_legend__degrees_and_the_one_marker_kind_shown__within_the_picture(chart_font, lang, after):
    degrees = [Degree(str(n), name, "#cccccc") for n, name in enumerate(
        ("negligible", "minor", "moderate", "significant", "major"))]
    grid = tuple(tuple(str(min(4, (p * c) // 5)) for c in range(1, 6)) for p in range(1, 6))
    matrix = charts._background(lang, grid, tuple(degrees), SCALES, after)
    legend = matrix.axes.figure.legends[0]
    labels = [text.get_text() for text in legend.get_texts()]
    words = charts.AXES[lang]
    assert labels == [*(d.name for d in degrees), words["after" if after else "before"]]
    assert legend.get_window_extent().width <= matrix.axes.figure.bbox.width  # not clipped at the edges


def test_risk_matrix_png__dollar_and_backslash_in_names__drawn_as_text(chart_font):
    """Matplotlib reads "$…$" as mathtext; a degree named so must neither crash nor turn into a formula."""
    degrees = [Degree("low", "$\\frac{1}{$", "#00ff00"), Degree("high", "$x^2$ \\ 5万$", "#ff0000")]
    assert draw([("1", 2, 2)], degrees=degrees, degree_of=lambda p, c: "high" if p > 2 else "low").startswith(b"\x89PNG")


def test_risk_matrix__axis_level_names__are_the_rule_sets_scale_labels(chart_font):
    scales = (("p1", "p2", "p3", "p4", "p5"), ("c1", "c2", "c3", "c4", "c5"))
    matrix = charts._background("en", (("low",) * 5,) * 5, tuple(DEGREES), scales, False)
    assert [t.get_text() for t in matrix.axes.get_xticklabels()] == list(scales[0])
    assert [t.get_text() for t in matrix.axes.get_yticklabels()] == list(scales[1])
