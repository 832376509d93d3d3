"""The report's GB/T 9704 layout (the Word template) and its risk-matrix chart, without LibreOffice."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined
from tests.conftest import require
from PIL import Image

from assessment.errors import ErrorCode, WenpingError
from assessment.report import charts
from assessment.report.charts import Degree, risk_matrix_png
from assessment.report.templates.build_template import TEMPLATE, TEMPLATES, build


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


def test_template__body_text__exact_28_95_pt_lines_two_character_indent_justified(template):
    body = template.styles["Normal"].paragraph_format
    assert body.line_spacing == Pt(28.95)
    assert body.line_spacing_rule == 4  # WD_LINE_SPACING.EXACTLY
    assert body.first_line_indent == Pt(32)
    assert body.alignment == 3  # WD_ALIGN_PARAGRAPH.JUSTIFY
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
    template.render({**context, "charts": {"matrix_before": "", "matrix_after": "", "stakeholders": ""}},
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


DEGREES = [Degree("low", "较小", "#00ff00"), Degree("high", "重大", "#ff0000")]


@pytest.fixture
def chart_font() -> None:
    try:
        charts._chart_font()
    except WenpingError as error:
        require("Noto Sans CJK SC", error.message("en"))


def test_risk_matrix_png__before_and_after__opaque_png_at_300_dpi_for_the_type_area(chart_font):
    png = risk_matrix_png([("F1", 5, 5), ("F2", 3, 4)], [("F1", 2, 2), ("F2", 3, 4)], lang="zh",
                          degree_of=lambda p, c: "high" if p * c > 9 else "low", degrees=DEGREES)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.mode == "RGB"
    assert image.size[0] == pytest.approx(charts.WIDTH_MM / 25.4 * 300, abs=1)
    assert charts.WIDTH_MM <= 156  # the type area


def test_risk_matrix_png__degree_of__decides_every_cell_colour(chart_font):
    asked = []

    def degree_of(probability: int, impact: int) -> str:
        asked.append((probability, impact))
        return "high"

    png = risk_matrix_png([], [], lang="en", degree_of=degree_of, degrees=DEGREES)
    assert sorted(asked) == [(p, c) for p in range(1, 6) for c in range(1, 6)]
    counts = {colour: count for count, colour in Image.open(io.BytesIO(png)).getcolors(maxcolors=1 << 22)}
    assert max(counts, key=counts.get) == (255, 0, 0)  # the grid, all 重大, fills most of the picture
    assert counts.get((0, 255, 0), 0) < counts[(255, 0, 0)] / 100  # green only in the legend


def test_risk_matrix_png__same_points__same_bytes(chart_font):
    draw = lambda: risk_matrix_png([("F1", 4, 4)], [("F1", 2, 3)], lang="zh",  # noqa: E731
                                   degree_of=lambda p, c: "low", degrees=DEGREES)
    assert draw() == draw()  # so the DOCX, and thus the PDF cache key, is stable too


def test_risk_matrix_png__level_outside_1_to_5__value_error(chart_font):
    with pytest.raises(ValueError, match="1–5"):
        risk_matrix_png([("F1", 6, 1)], [], lang="zh", degree_of=lambda p, c: "low", degrees=DEGREES)


def test_risk_matrix_png__chinese_font_missing__error_names_the_package(monkeypatch):
    monkeypatch.setattr(charts, "CHART_FONT", "No Such Font SC")
    with pytest.raises(WenpingError) as caught:
        risk_matrix_png([], [], lang="zh", degree_of=lambda p, c: "low", degrees=DEGREES)
    assert caught.value.problems[0].code is ErrorCode.REPORT_CHART_FONT
    assert "fonts-noto-cjk" in caught.value.message("zh")
