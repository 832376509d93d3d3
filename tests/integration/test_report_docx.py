"""The report as a Word file (assessment.report.docx): layout kept, user text literal, templates checked.

Charts need the Noto CJK font: without it these tests skip (or fail with CI=true, see ``require``).
"""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from assessment.answer_files import read_answer_file
from assessment.domain.scoring import assess
from assessment.errors import ErrorCode, WenpingError
from assessment.loader import load_ruleset
from assessment.report import charts, docx as docx_module
from assessment.report.context import build_context
from assessment.report.docx import render_docx
from assessment.report.templates.build_template import TEMPLATES
from tests.conftest import require

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
LAND = Path(__file__).parents[2] / "examples" / "land_expropriation.yaml"
OFFICIAL_FONTS = {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"}
# What users may type; each must come out as typed. "$…$" is mathtext to matplotlib, which draws the
# stakeholder names.
HOSTILE = ["{{ 7*7 }}", "{% for x in y %}", "<w:p>", "AT&T & Co", "居民😀👍", "{_{ z }_}", "</w:t></w:r>",
           "每户$5万$补偿", "C:\\数据\\new", "$x^2$"]
HOSTILE_GROUP = "拒绝搬迁住户$\\frac{1}{$"
LONG_NAME = "名" * 2000


@pytest.fixture(scope="module", autouse=True)
def chart_font() -> None:
    try:
        charts._chart_font()
    except WenpingError as error:
        require("Noto Sans CJK SC", error.message("en"))


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset()


def scored(ruleset, path: Path = LAND, answers: dict | None = None, measures: list | None = None):
    doc = read_answer_file(path)
    return assess(ruleset, doc.kind, {**doc.answers, **(answers or {})}, doc.measures if measures is None else measures,
                  assessed_at=doc.assessed_at or date(2026, 11, 20))


def all_text(docx: bytes) -> str:
    """The text of the body and of every table cell, paragraph by paragraph."""
    document = Document(io.BytesIO(docx))
    parts = [p.text for p in document.paragraphs]
    parts += [p.text for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join(parts)


def images(docx: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return [n for n in archive.namelist() if n.startswith("word/media/")]


def hostile_assessment(ruleset):
    """The land example with user text that could pass for template code, XML, mathtext or worse."""
    doc = read_answer_file(LAND)
    text = " ".join(HOSTILE)
    groups = [{"group": name, "kind": "other", "size": 3, "stance": "oppose", "demands": text}
              for name in (HOSTILE[2], HOSTILE_GROUP, HOSTILE[-1])]
    answers = {"main_concerns": text + " a\x07b\x0cc\x00d\x1be", "decision_body": HOSTILE[0], "stakeholders": groups,
               "stakeholder_relations": [{"source": HOSTILE_GROUP, "target": HOSTILE[2], "relation": "ally"}]}
    measures = [*doc.measures, {"text": text, "factors": ["public_opposition"], "unit": HOSTILE[3], "leader": HOSTILE[1],
                                "deadline": "2027-01-01"}]
    return scored(ruleset, answers=answers, measures=measures).model_copy(update={"matter_name": LONG_NAME})


@pytest.fixture(scope="module")
def hostile_docx(ruleset) -> bytes:
    return render_docx(build_context(hostile_assessment(ruleset), ruleset), "zh")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_render_docx__every_example__official_fonts_margins_charts_factors_and_measures(ruleset, example):
    assessment = scored(ruleset, example)
    docx = render_docx(build_context(assessment, ruleset), "zh")
    text = all_text(docx)
    assert all(f.name.zh in text for f in assessment.factors)
    assert all(m.text.zh in text for m in assessment.measures)
    document = Document(io.BytesIO(docx))
    fonts = {s.element.rPr.rFonts.get(qn("w:eastAsia")) for s in document.styles
             if s.type == 1 and s.element.rPr is not None and s.element.rPr.rFonts is not None}
    assert OFFICIAL_FONTS <= fonts
    for section in document.sections:
        for margin, mm in (("top_margin", 37), ("bottom_margin", 35), ("left_margin", 28), ("right_margin", 26)):
            assert getattr(section, margin) == pytest.approx(Mm(mm), abs=635)  # within one twip
    assert len(images(docx)) == 3  # matrix before, after, stakeholder map


def test_render_docx__user_text__comes_out_literally_and_never_runs(hostile_docx):
    text = all_text(hostile_docx)
    for typed in [*HOSTILE, HOSTILE_GROUP]:
        assert typed in text, typed
    assert len(images(hostile_docx)) == 3  # the stakeholder map was drawn: "$" did not crash matplotlib
    assert "由{{ 7*7 }}作出决策" in text and "由49作出决策" not in text  # not evaluated
    assert "abcde" in text  # characters XML forbids are dropped, the rest kept


def test_render_docx__user_markup__adds_no_paragraph_or_table(hostile_docx, ruleset):
    plain = render_docx(build_context(scored(ruleset), ruleset), "zh")
    hostile, reference = Document(io.BytesIO(hostile_docx)), Document(io.BytesIO(plain))
    assert len(hostile.tables) == len(reference.tables)
    assert sum(1 for p in hostile.paragraphs if p.text == "<w:p>") == 0  # stayed inside its sentence


def test_render_docx__2000_character_name__cut_in_the_titles_whole_in_the_text(hostile_docx):
    document = Document(io.BytesIO(hostile_docx))
    cover = document.paragraphs[0]
    assert cover.style.name == "封面长标题"  # 二号, so the cover stays one page
    lines = cover.text.split("\n")
    assert lines[-1] == "社会稳定风险评估报告" and lines[-2].endswith("……") and len(lines) <= 7
    assert all(len(line) <= 20 for line in lines)
    assert f"对“{LONG_NAME}”开展了社会稳定风险评估" in all_text(hostile_docx)  # the whole name, in the lead
    assert len(document.core_properties.title) == 255


@pytest.mark.parametrize(("matter", "style", "lines"), [
    ("江北区城东片区旧城区改建项目国有土地上房屋征收", "封面标题",
     ["江北区城东片区旧城区改建项目", "国有土地上房屋征收", "社会稳定风险评估报告"]),
    ("江北区城东片区旧城区改建项目国有土地上房屋征收补偿安置方案及配套基础设施建设工程（一期）", "封面长标题",
     ["江北区城东片区旧城区改建项目", "国有土地上房屋征收补偿安置方案", "及配套基础设施建设工程（一期）", "社会稳定风险评估报告"]),
])
def test_render_docx__title__broken_between_words_on_the_cover_and_above_the_body(ruleset, matter, style, lines):
    """Once "…国有土 / 地上…" on the cover and "…房 / 屋征收…" in the body (GB/T 9704: 词意完整)."""
    docx = render_docx(build_context(scored(ruleset).model_copy(update={"matter_name": matter}), ruleset), "zh")
    document = Document(io.BytesIO(docx))
    cover = document.paragraphs[0]
    body = next(p for p in document.paragraphs if p.style.name == "文件标题")
    assert cover.style.name == style and cover.text.split("\n") == lines
    assert body.text.split("\n") == lines  # 二号 lines hold these too


def test_render_docx__signature__gbt_9704_without_seal(ruleset):
    """§7.3.5.2: the unit two characters in from the right, the date starting two characters right of it;
    a date longer than the unit: the date two characters in and the unit two characters left of it."""
    def signature(unit: str):
        docx = render_docx(build_context(scored(ruleset, answers={"assessing_body": unit}), ruleset), "zh")
        return [p for p in Document(io.BytesIO(docx)).paragraphs if p.style.name == "落款"]

    unit, day = signature("江北区住房和城乡建设局（区房屋征收部门）")
    assert (unit.paragraph_format.alignment, unit.style.paragraph_format.right_indent) == (None, Pt(32))
    line = 156 / 25.4 * 72
    width = 20 * 15.75  # 20 characters of 三号 less 0.25 pt each
    assert day.paragraph_format.alignment == 0 and day.paragraph_format.left_indent.pt == pytest.approx(
        line - width, abs=1)  # the unit's start, two characters in, is line - 32 - width
    unit, day = signature("江北区信访局")
    assert day.paragraph_format.alignment is None  # right, two characters in: the template's style
    date_width = 8 * 7.75 + 3 * 15.75  # "2026年11月20日": eight digits at half width
    assert unit.paragraph_format.alignment == 0 and unit.paragraph_format.left_indent.pt == pytest.approx(
        line - 64 - date_width, abs=1)


def test_render_docx__same_context_twice__same_bytes(ruleset):
    context = build_context(scored(ruleset), ruleset)
    assert render_docx(context, "zh") == render_docx(context, "zh")


def test_render_docx__english__english_template_and_text(ruleset):
    docx = render_docx(build_context(scored(ruleset), ruleset, lang="en"), "en")
    text = all_text(docx)
    assert "9. Conclusion and recommendations" in text and "九、" not in text
    assert "Attachments: 1. Stakeholder map" in text


def test_render_docx__no_stakeholders__map_slot_left_out(ruleset):
    assessment = scored(ruleset, answers={"stakeholders": [], "stakeholder_relations": []})
    docx = render_docx(build_context(assessment, ruleset), "zh")
    assert len(images(docx)) == 2
    assert "评估主体未填报利益相关群体，未生成利益相关者关系图。" in all_text(docx)


def own_template(folder: Path, replace: str, by: str) -> None:
    """A locality's copy of the Chinese template with one placeholder edited."""
    folder.mkdir(exist_ok=True)
    with zipfile.ZipFile(TEMPLATES["zh"]) as source, zipfile.ZipFile(folder / "report.docx", "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "word/document.xml":
                data = data.replace(replace.encode(), by.encode(), 1)
            target.writestr(entry, data)


def test_render_docx__locality_template__used_instead_of_the_built_in(ruleset, tmp_path, monkeypatch):
    own_template(tmp_path, "一、评估事项概况", "一、拟决策事项基本情况")
    monkeypatch.setenv(docx_module.TEMPLATE_ENV, str(tmp_path))
    text = all_text(render_docx(build_context(scored(ruleset), ruleset), "zh"))
    assert "一、拟决策事项基本情况" in text and "一、评估事项概况" not in text


@pytest.mark.parametrize(("placeholder", "typo"), [
    ("{{ cover.date }}", "{{ cover.dat }}"),  # misspelt: an error, not a silent gap
    ("{{ cover.date }}", "{{ cover.__class__.__mro__ }}"),  # Python internals: refused by the sandbox
    ("{{ cover.date }}", "{{ cover.date "),  # broken tag
])
def test_render_docx__faulty_locality_template__report_409_names_the_file(ruleset, tmp_path, monkeypatch,
                                                                          placeholder, typo):
    own_template(tmp_path, placeholder, typo)
    monkeypatch.setenv(docx_module.TEMPLATE_ENV, str(tmp_path))
    with pytest.raises(WenpingError) as caught:
        render_docx(build_context(scored(ruleset), ruleset), "zh")
    assert caught.value.problems[0].code is ErrorCode.REPORT_TEMPLATE
    assert str(tmp_path) in caught.value.message("zh")


def test_template_path__folder_without_english_template__built_in_english(tmp_path, monkeypatch):
    shutil.copy(TEMPLATES["zh"], tmp_path / "report.docx")
    monkeypatch.setenv(docx_module.TEMPLATE_ENV, str(tmp_path))
    assert docx_module.template_path("zh") == tmp_path / "report.docx"
    assert docx_module.template_path("en") == TEMPLATES["en"]


def test_render_docx__table_rows__short_ones_kept_whole_a_page_long_one_free(ruleset):
    """Rows of a few lines broke across pages ("…重大固定资产投 | 资项目"); a row longer than a page must not
    be kept whole, or Word cuts it off."""
    doc = read_answer_file(LAND)
    long = {"text": "逐户走访并解释补偿政策" * 80, "factors": ["public_opposition"], "unit": "城东街道办事处",
            "leader": "刘志强", "deadline": "2027-01-01"}
    docx = render_docx(build_context(scored(ruleset, measures=[*doc.measures, long]), ruleset), "zh")
    measures = next(t for t in Document(io.BytesIO(docx)).tables if t.rows[0].cells[1].text == "防范化解措施")
    whole = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:cantSplit")) is not None for row in measures.rows[1:]]
    assert whole == [True] * len(doc.measures) + [False]
