"""Builds the report templates: the GB/T 9704-2012 layout of the 社会稳定风险评估报告 as editable Word files.

``report.docx`` (Chinese) and ``report_en.docx`` (English) are what a clerk opens in Word or WPS to
adjust the layout or the fixed wording; this script is how we regenerate them (a test checks that the
committed files are what it makes). After editing this file run

    .venv/bin/python -m assessment.report.templates.build_template

and commit the script and both files. A locality that wants its own wording edits a copy of the .docx
instead and points ``WENPING_REPORT_TEMPLATE`` at it (docs/report.md).

Layout figures (GB/T 9704-2012 §5): A4; margins top 37, bottom 35, left 28, right 26 mm, so the type
area is 156 × 225 mm; 三号 (16 pt) 仿宋 body at a fixed 28.95 pt line pitch (22 lines per page) and 28
characters per line; 二号 小标宋 title; headings "一、" 黑体, "（一）" 楷体, "1." 仿宋 bold; page numbers
"— 1 —" in 四号 宋体, odd pages right-aligned and even pages left-aligned, one character in.

28 characters per line: a 16 pt glyph gives only 27 on a 156 mm line, and Word's character grid
(``w:docGrid w:type="linesAndChars"``) renders wrongly in LibreOffice 7.4 (about 18 characters per
line). A character spacing of −0.25 pt on the Chinese text styles gives 28 in both.

Body text is Word's built-in "Normal" style, which Chinese Word and WPS display as 正文 (a custom style
named 正文 would collide with that reserved name).

HOW THE TEMPLATE IS FILLED
--------------------------
``assessment.report.context.build_context`` makes the data, ``assessment.report.docx.render_docx`` fills a
template with it through docxtpl (Jinja inside the .docx):

* fixed wording (headings, table headers, captions) is written here, per language, in ``WORDS``;
* ``{{ name }}`` paragraphs take one pre-rendered string; ``{{ title.cover }}`` and ``{{ title.body }}`` the
  title broken into lines (assessment/report/layout.py); ``{%p for text in … %}`` repeats a paragraph;
  ``{%p if … %}`` keeps a block only when there is something to say;
* tables use style 稳评表格, a 表格表头 header row repeated on every page and kept with the first row, and
  a ``{%tr for row in … %}`` row loop; their caption (图表标题, "表5-1　…") stands above them, figure
  captions below; a header breaks only where WORDS puts a "\\n";
* charts are ``{{ charts.… }}`` placeholders in an 插图 paragraph, filled with ``docxtpl.InlineImage``.

Only context data comes from users, never template text, and every value is escaped when it is written
(see docx.py): "{{ 7*7 }}" typed into an answer stays those eight characters.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Mm, Pt

HERE = Path(__file__).parent
TEMPLATES = {"zh": HERE / "report.docx", "en": HERE / "report_en.docx"}
TEMPLATE = TEMPLATES["zh"]

# Font sizes by their Chinese names (号).
YIHAO, ERHAO, SANHAO, SIHAO, XIAOSI = Pt(26), Pt(22), Pt(16), Pt(14), Pt(12)
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
TWO_CHARACTERS = Pt(32)
ONE_PAGE_NUMBER_CHARACTER = Pt(14)
CHARACTER_SPACING = -5  # twentieths of a point: 28 characters of 三号 on a 156 mm line
TYPE_AREA_WIDTH_MM = 156

FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
LATIN = "Times New Roman"

TABLE_STYLE = "稳评表格"
TABLE_BORDER = 4  # eighths of a point: a plain 0.5 pt black rule
CELL_MARGIN = 85  # twentieths of a point, left and right of a cell's text
CELL_MARGIN_PT = CELL_MARGIN / 20


@dataclass(frozen=True)
class TextStyle:
    name: str
    east_asian: str = FANGSONG
    size: Length = SANHAO
    bold: bool = False
    italic: bool = False
    # Left, not justified: LibreOffice 7.4 drops a "，。、" that a justified line ends with (neither drawn
    # nor in the PDF's text), and stretches English lines; Chinese lines come out full all the same.
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT
    first_line_indent: Length = TWO_CHARACTERS
    left_indent: Length = Pt(0)
    right_indent: Length = Pt(0)
    line: Length | None = LINE_PITCH  # exact line height; None means single spacing (pictures)
    space_before: Length = Pt(0)
    space_after: Length = Pt(0)
    character_spacing: int = CHARACTER_SPACING
    outline_level: int | None = None  # 0 = first level in Word's navigation pane and table of contents
    keep_with_next: bool = False
    page_break_before: bool = False
    latin: str = LATIN


# Every style states all its properties, so a clerk changing 正文 does not silently move the headings.
STYLES = (
    TextStyle("Normal"),
    TextStyle("文件标题", XIAOBIAOSONG, ERHAO, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0),
              line=Pt(36), space_after=LINE_PITCH, character_spacing=0, keep_with_next=True),
    TextStyle("一级标题", HEITI, outline_level=0, keep_with_next=True),
    TextStyle("二级标题", KAITI, outline_level=1, keep_with_next=True),
    TextStyle("三级标题", bold=True, outline_level=2, keep_with_next=True),
    TextStyle("表格文字", size=XIAOSI, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_indent=Pt(0), line=Pt(20),
              character_spacing=0),
    TextStyle("表格文字居中", size=XIAOSI, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0), line=Pt(20),
              character_spacing=0),
    TextStyle("表格表头", size=XIAOSI, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0),
              line=Pt(20), character_spacing=0),
    # Above a table: it stays with the table; below a figure: the figure stays with it (插图).
    TextStyle("图表标题", HEITI, SIHAO, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0),
              character_spacing=0, keep_with_next=True),
    TextStyle("插图", align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0), line=None, character_spacing=0,
              keep_with_next=True),
    # "附件：1. 名称" two characters in, one blank line below the body; following lines align after
    # "附件：" (GB/T 9704 §7.3.3).
    # It keeps with the signature below, so the signature never stands on a page without text (§7.3.5).
    TextStyle("附件说明", align=WD_ALIGN_PARAGRAPH.LEFT, first_line_indent=Pt(-48), left_indent=Pt(80),
              space_before=LINE_PITCH, keep_with_next=True),
    # Signature and date without a seal: two characters in from the right, one blank line above (§7.3.5.2).
    TextStyle("落款", align=WD_ALIGN_PARAGRAPH.RIGHT, first_line_indent=Pt(0), right_indent=TWO_CHARACTERS,
              character_spacing=0),
    # "附件1" at the top left of each attachment's first page, in 黑体 (§8).
    TextStyle("附件标识", HEITI, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_indent=Pt(0), character_spacing=0,
              keep_with_next=True, page_break_before=True),
    # The cover: the title in 一号, or in 二号 when the matter's name needs more than two lines (so the
    # cover stays one page); the space below the title puts the assessing body low on the page.
    TextStyle("封面标题", XIAOBIAOSONG, YIHAO, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0),
              line=Pt(40), space_before=Pt(150), space_after=Pt(220), character_spacing=0),
    TextStyle("封面长标题", XIAOBIAOSONG, ERHAO, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0),
              line=Pt(32), space_before=Pt(60), space_after=Pt(80), character_spacing=0),
    TextStyle("封面落款", align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0), character_spacing=0),
    TextStyle("页码", SONGTI, SIHAO, align=WD_ALIGN_PARAGRAPH.RIGHT, first_line_indent=Pt(0), line=None,
              character_spacing=0, latin=SONGTI),
)

# English text is set in Times New Roman: no character squeeze, and weight instead of the Chinese
# typefaces to tell headings and titles from the body.
# English words are wider than the columns made for Chinese: tables use 10 pt rather than 小四.
ENGLISH_TABLE = {"size": Pt(10), "line": Pt(14)}
TABLE_SIZE = {"zh": XIAOSI.pt, "en": ENGLISH_TABLE["size"].pt}  # points
ENGLISH = {"文件标题": {"bold": True}, "封面标题": {"bold": True}, "封面长标题": {"bold": True}, "一级标题": {"bold": True},
           "二级标题": {"italic": True}, "附件标识": {"bold": True},
           "表格文字": ENGLISH_TABLE, "表格文字居中": ENGLISH_TABLE, "表格表头": ENGLISH_TABLE,
           # "Attachments: " is about 90 pt wide where "附件：" is 48 pt
           "附件说明": {"first_line_indent": Pt(-90), "left_indent": Pt(122)}}


def styles_for(lang: str) -> tuple[TextStyle, ...]:
    if lang == "zh":
        return STYLES
    return tuple(replace(style, character_spacing=0, **ENGLISH.get(style.name, {})) for style in STYLES)


# --- the fixed wording, per language ------------------------------------------------------------------

WORDS = {
    "zh": {
        "template_title": "社会稳定风险评估报告（模板）",
        "cover_unit": "评估主体：{{ cover.unit }}",
        "cover_implementer": "评估实施单位：{{ cover.implementer }}",
        "cover_ruleset": "评估规则集：{{ cover.ruleset }}",
        "h1": ("一、评估事项概况", "二、评估依据", "三、评估主体、过程和方法", "四、风险调查", "五、风险识别",
               "六、风险估计", "七、防范化解措施", "八、落实措施后的风险等级", "九、评估结论和建议"),
        "overview": ("（一）基本情况", "（二）主要内容", "（三）影响范围和社会环境"),
        "basis": ("（一）法律法规和政策依据", "（二）风险评判标准", "（三）基础资料"),
        "process": ("（一）评估主体", "（二）评估过程", "（三）评估方法"),
        "survey": ("（一）调查范围和方式", "（二）调查结果", "（三）利益相关方分析"),
        "estimation": ("（一）单因素风险估计", "（二）风险矩阵", "（三）风险因素权重和综合风险指数",
                       "（四）合法性、合理性、可行性、可控性分析", "（五）初始风险等级"),
        "measures": ("（一）措施清单", "（二）落实要求", "（三）应急处置准备"),
        "after": ("（一）单因素风险变化", "（二）综合风险等级"),
        "conclusion": ("（一）评估结论", "（二）对策建议", "（三）需要说明的事项", "（四）辅助研判模型参考意见"),
        "t_scales": "表3-1　风险发生概率和影响程度分级标准",
        "c_scales": ("级别", "取值", "发生概率", "影响程度"),
        "t_bands": "表3-2　风险等级划分标准",
        "c_bands": ("风险等级", "综合风险指数", "判定说明"),
        "t_figures": "表4-1　公众参与情况统计表",
        "c_figures": ("调查项目", "结果"),
        "t_groups": "表4-2　利益相关群体情况表",
        "c_groups": ("群体名称", "类别", "人数", "态度", "主要诉求"),
        "t_register": "表5-1　风险因素识别表",
        "c_register": ("序号", "风险类别", "风险因素", "主要表现及识别依据"),
        "t_single": "表6-1　单因素风险估计表",
        "c_single": ("序号", "风险因素", "发生概率", "影响程度", "风险值", "风险程度"),
        "f_matrix": "图6-1　落实措施前风险矩阵",
        "f_matrix_after": "图8-1　落实措施后风险矩阵",
        "t_weights": "表6-2　风险因素权重及综合风险指数计算表",
        "c_weights": ("序号", "风险因素", "权重", "归一化\n权重", "风险值", "加权\n风险值"),
        "total": "合计（综合风险指数 R）",
        "t_natures": "表6-3　合法性、合理性、可行性、可控性分析表",
        "c_natures": ("审查内容", "措施前\n结论", "主要风险因素（措施前风险程度）", "措施后\n结论"),
        "t_measures": "表7-1　防范化解措施表",
        "c_measures": ("序号", "防范化解措施", "针对风险因素", "责任单位", "包案领导", "完成时限"),
        "t_compare": "表8-1　落实措施前后单因素风险对比表",
        "c_compare": ("序号", "风险因素", "措施前\n风险值", "措施前\n风险程度", "措施后\n风险值", "措施后\n风险程度",
                      "对应措施"),
        "t_overall": "表8-2　落实措施前后综合风险等级对比表",
        "c_overall": ("项目", "落实措施前", "落实措施后"),
        "overall_rows": ("综合风险指数 R", "按指数对应等级", "等级底线", "综合风险等级"),
        "attachments": "附件：1. 利益相关者关系图\n2. 应急处置预案要点\n3. 评估所用规则集和模型\n4. 评估事项基本情况表",
        "annex": (("附件1", "利益相关者关系图"), ("附件2", "应急处置预案要点"),
                  ("附件3", "评估所用规则集和模型"), ("附件4", "评估事项基本情况表")),
        "f_stakeholders": "利益相关者关系图",
        "c_item": ("项目", "内容"),
        "c_answers": ("填报项目", "填报内容"),
    },
    "en": {
        "template_title": "Social stability risk assessment report (template)",
        "cover_unit": "Assessing body: {{ cover.unit }}",
        "cover_implementer": "Carried out by: {{ cover.implementer }}",
        "cover_ruleset": "Rule set: {{ cover.ruleset }}",
        "h1": ("1. The matter", "2. Basis of the assessment", "3. Assessing body, process and method",
               "4. Risk survey", "5. Risk identification", "6. Risk estimation", "7. Prevention and mitigation measures",
               "8. Risk level after the measures", "9. Conclusion and recommendations"),
        "overview": ("1.1 Basic facts", "1.2 Content", "1.3 People affected and social setting"),
        "basis": ("2.1 Laws, regulations and policy", "2.2 Grading standard", "2.3 Material used"),
        "process": ("3.1 Assessing body", "3.2 Process", "3.3 Method"),
        "survey": ("4.1 Scope and means", "4.2 Results", "4.3 Stakeholders"),
        "estimation": ("6.1 Single-factor risk", "6.2 Risk matrix", "6.3 Weights and composite index",
                       "6.4 Legality, reasonableness, feasibility and controllability", "6.5 Initial risk level"),
        "measures": ("7.1 Measures", "7.2 Carrying them out", "7.3 Emergency preparedness"),
        "after": ("8.1 Single factors", "8.2 Overall level"),
        "conclusion": ("9.1 Conclusion", "9.2 Recommendations", "9.3 Notes", "9.4 Second opinion of the learned model"),
        "t_scales": "Table 3-1  Probability and impact scales",
        "c_scales": ("Level", "Value", "Probability", "Impact"),
        "t_bands": "Table 3-2  Risk levels",
        "c_bands": ("Level", "Composite index", "Meaning"),
        "t_figures": "Table 4-1  Public participation",
        "c_figures": ("Item", "Result"),
        "t_groups": "Table 4-2  Stakeholder groups",
        "c_groups": ("Group", "Kind", "People", "Stance", "Main demands"),
        "t_register": "Table 5-1  Risk factor register",
        "c_register": ("No.", "Category", "Risk factor", "How it shows and why it was identified"),
        "t_single": "Table 6-1  Single-factor risk",
        "c_single": ("No.", "Risk factor", "Probability", "Impact", "Risk", "Degree"),
        "f_matrix": "Figure 6-1  Risk matrix before the measures",
        "f_matrix_after": "Figure 8-1  Risk matrix after the measures",
        "t_weights": "Table 6-2  Weights and composite risk index",
        "c_weights": ("No.", "Risk factor", "Weight", "Normalised weight", "Risk", "Weighted risk"),
        "total": "Total (composite index R)",
        "t_natures": "Table 6-3  Legality, reasonableness, feasibility and controllability",
        "c_natures": ("Check", "Before measures", "Main risk factors (degree before measures)", "After measures"),
        "t_measures": "Table 7-1  Prevention and mitigation measures",
        "c_measures": ("No.", "Measure", "Risk factors addressed", "Responsible unit", "Responsible leader", "Deadline"),
        "t_compare": "Table 8-1  Single-factor risk before and after the measures",
        "c_compare": ("No.", "Risk factor", "Risk before", "Degree before", "Risk after", "Degree after", "Measures"),
        "t_overall": "Table 8-2  Overall risk level before and after the measures",
        "c_overall": ("Item", "Before measures", "After measures"),
        "overall_rows": ("Composite index R", "Level by the index", "Floors", "Overall risk level"),
        "attachments": "Attachments: 1. Stakeholder map\n2. Outline of the emergency plan\n"
                       "3. Rule set and model used\n4. The answers as filed",
        "annex": (("Attachment 1", "Stakeholder map"), ("Attachment 2", "Outline of the emergency plan"),
                  ("Attachment 3", "Rule set and model used"), ("Attachment 4", "The answers as filed")),
        "f_stakeholders": "Stakeholder map",
        "c_item": ("Item", "Content"),
        "c_answers": ("Question", "Answer"),
    },
}


@dataclass(frozen=True)
class Column:
    header: str
    cell: str  # the placeholder, e.g. "{{ row.name }}"
    width_mm: float
    centred: bool = False


def columns(headers: Sequence[str], spec: Sequence[tuple[str, float, bool]]) -> list[Column]:
    """Headers from WORDS zipped with (placeholder, width, centred); the widths fill the type area."""
    assert sum(width for _, width, _ in spec) == TYPE_AREA_WIDTH_MM, spec
    return [Column(header, cell, width, centred) for header, (cell, width, centred) in zip(headers, spec, strict=True)]


# --- building ---------------------------------------------------------------------------------------


def build(lang: str = "zh") -> DocumentObject:
    words = WORDS[lang]
    doc = Document()
    _set_document_defaults(doc, lang)
    for style in styles_for(lang):
        _define_text_style(doc, style)
    _define_table_style(doc)
    doc.settings.odd_and_even_pages_header_footer = True
    doc.core_properties.title = words["template_title"]
    doc.core_properties.author = "稳评 Wenping"

    cover = doc.sections[0]
    _set_page(cover)
    _cover_page(doc, words)
    body = doc.add_section(WD_SECTION_START.NEW_PAGE)
    _number_pages(body)
    _report_body(doc, words)
    _attachments(doc, words)
    return doc


def _set_document_defaults(doc: DocumentObject, lang: str) -> None:
    """Explicit fonts instead of python-docx's theme fonts, which outrank named fonts in Word.

    Latin text (digits included) is tagged English in the Chinese report too, as Chinese Word does:
    tagged zh-CN, LibreOffice breaks it like Chinese, after any character ("202" | "7年")."""
    language = "en-US" if lang == "zh" else "en-GB"
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    defaults.getparent().replace(defaults, parse_xml(
        f'<w:docDefaults {nsdecls("w")}><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{FANGSONG}" w:cs="{LATIN}"/>'
        f'<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="{language}" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        f'</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>'
        f'<w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>'
    ))
    doc.settings.element.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")


def _define_text_style(doc: DocumentObject, spec: TextStyle) -> None:
    if spec.name in doc.styles:
        style = doc.styles[spec.name]
    else:
        style = doc.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
    style.font.size = spec.size
    style.font.bold = spec.bold
    style.font.italic = spec.italic
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, spec.east_asian, spec.latin)
    _set_character_spacing(rpr, spec.character_spacing)

    fmt = style.paragraph_format
    fmt.alignment = spec.align
    fmt.first_line_indent, fmt.left_indent, fmt.right_indent = spec.first_line_indent, spec.left_indent, spec.right_indent
    fmt.space_before, fmt.space_after = spec.space_before, spec.space_after
    fmt.keep_with_next = spec.keep_with_next
    fmt.page_break_before = spec.page_break_before
    fmt.widow_control = False  # a page holds 22 lines, even where a paragraph breaks across it
    if spec.line is None:
        fmt.line_spacing = 1.0
    else:
        fmt.line_spacing, fmt.line_spacing_rule = spec.line, WD_LINE_SPACING.EXACTLY
    if spec.outline_level is not None:
        style.element.pPr.get_or_add_outlineLvl().set(qn("w:val"), str(spec.outline_level))


def _set_fonts(rpr, east_asian: str, latin: str) -> None:
    fonts = rpr.get_or_add_rFonts()
    fonts.attrib.clear()
    for script in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{script}"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    # Quotes and dashes belong to both scripts; this makes Word take the Chinese font, as LibreOffice does.
    fonts.set(qn("w:hint"), "eastAsia")


def _set_character_spacing(rpr, twentieths: int) -> None:
    # w:spacing must come before w:sz, which every style sets.
    rpr.find(qn("w:sz")).addprevious(parse_xml(f'<w:spacing {nsdecls("w")} w:val="{twentieths}"/>'))


def _define_table_style(doc: DocumentObject) -> None:
    rules = "".join(
        f'<w:{edge} w:val="single" w:sz="{TABLE_BORDER}" w:space="0" w:color="000000"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    doc.styles.element.append(parse_xml(
        f'<w:style {nsdecls("w")} w:type="table" w:customStyle="1" w:styleId="WenpingTable">'
        f'<w:name w:val="{TABLE_STYLE}"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:qFormat/>'
        f'<w:tblPr><w:jc w:val="center"/><w:tblBorders>{rules}</w:tblBorders>'
        f'<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
        f'<w:bottom w:w="57" w:type="dxa"/><w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        f'<w:tcPr><w:vAlign w:val="center"/></w:tcPr></w:style>'
    ))


def _set_page(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The page number's rule sits about 7 mm below the type area (GB/T 9704 §7.5).
    section.footer_distance = Mm(25)


def _cover_page(doc: DocumentObject, words: dict) -> None:
    """The first section: title, assessing body, rule set and date, and no footer, so no page number.
    ``title`` (docx.py) holds the title broken into lines and whether it is long."""
    _when(doc, "title.long")
    doc.add_paragraph("{{ title.cover }}", style="封面长标题")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("{{ title.cover }}", style="封面标题")
    _end_when(doc)
    doc.add_paragraph(words["cover_unit"], style="封面落款")
    _when(doc, "cover.implementer")
    doc.add_paragraph(words["cover_implementer"], style="封面落款")
    _end_when(doc)
    doc.add_paragraph(words["cover_ruleset"], style="封面落款")
    doc.add_paragraph("{{ cover.date }}", style="封面落款")


def _number_pages(section) -> None:
    """The body restarts at page 1, with "— n —" right on odd pages and left on even pages."""
    page_numbering = parse_xml(f'<w:pgNumType {nsdecls("w")} w:start="1"/>')
    section._sectPr.find(qn("w:cols")).addprevious(page_numbering)
    odd, even = section.footer, section.even_page_footer
    odd.is_linked_to_previous = even.is_linked_to_previous = False
    _page_number(odd.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(even.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _page_number(paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    paragraph.style = "页码"
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = ONE_PAGE_NUMBER_CHARACTER
    else:
        fmt.left_indent = ONE_PAGE_NUMBER_CHARACTER
    paragraph.add_run("— ")
    for part in (
        '<w:fldChar w:fldCharType="begin"/>', '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
        '<w:fldChar w:fldCharType="separate"/>', "<w:t>1</w:t>", '<w:fldChar w:fldCharType="end"/>',
    ):
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}>{part}</w:r>'))
    paragraph.add_run(" —")


# --- the nine chapters (DESIGN.md §7) -------------------------------------------------------------------


def _report_body(doc: DocumentObject, w: dict) -> None:
    doc.add_paragraph("{{ title.body }}", style="文件标题")
    _paragraphs(doc, "lead")
    _overview(doc, w)
    _basis(doc, w)
    _process(doc, w)
    _survey(doc, w)
    _identification(doc, w)
    _estimation(doc, w)
    _measures(doc, w)
    _after(doc, w)
    _conclusion(doc, w)
    doc.add_paragraph(w["attachments"], style="附件说明")
    signature = doc.add_paragraph("{{ signature.unit }}", style="落款")
    signature.paragraph_format.space_before = LINE_PITCH
    signature.paragraph_format.keep_with_next = True  # the date under it, on the same page
    doc.add_paragraph("{{ signature.date }}", style="落款")


def _overview(doc: DocumentObject, w: dict) -> None:
    _heading(doc, w["h1"][0])
    for heading, key in zip(w["overview"], ("basic", "content", "environment")):
        _heading(doc, heading, level=2)
        _paragraphs(doc, f"overview.{key}")


def _basis(doc: DocumentObject, w: dict) -> None:
    _heading(doc, w["h1"][1])
    for heading, key in zip(w["basis"], ("sources", "standard", "materials")):
        _heading(doc, heading, level=2)
        _paragraphs(doc, f"basis.{key}")


def _process(doc: DocumentObject, w: dict) -> None:
    _heading(doc, w["h1"][2])
    _heading(doc, w["process"][0], level=2)
    _paragraphs(doc, "process.subject")
    _heading(doc, w["process"][1], level=2)
    _paragraphs(doc, "process.steps")
    _heading(doc, w["process"][2], level=2)
    _paragraphs(doc, "process.method")
    _table(doc, w["t_scales"], "scales", columns(w["c_scales"], (
        ("{{ row.level }}", 14, True), ("{{ row.value }}", 14, True),
        ("{{ row.probability }}", 64, False), ("{{ row.impact }}", 64, False))), fit="rows")
    _table(doc, w["t_bands"], "bands", columns(w["c_bands"], (
        ("{{ row.level }}", 24, True), ("{{ row.range }}", 34, True), ("{{ row.meaning }}", 98, False))), fit="rows")
    _paragraphs(doc, "process.floors")
    _paragraphs(doc, "process.caveats")


def _survey(doc: DocumentObject, w: dict) -> None:
    _heading(doc, w["h1"][3])
    _heading(doc, w["survey"][0], level=2)
    _paragraphs(doc, "survey.scope")
    _heading(doc, w["survey"][1], level=2)
    _paragraphs(doc, "survey.results")
    _table(doc, w["t_figures"], "survey.figures", columns(w["c_figures"], (
        ("{{ row.item }}", 96, False), ("{{ row.value }}", 60, True))), fit="rows")
    _paragraphs(doc, "survey.concerns")
    _heading(doc, w["survey"][2], level=2)
    _paragraphs(doc, "survey.stakeholders")
    _when(doc, "survey.groups")
    _table(doc, w["t_groups"], "survey.groups", columns(w["c_groups"], (
        ("{{ row.name }}", 36, False), ("{{ row.kind }}", 28, True), ("{{ row.size }}", 18, True),
        ("{{ row.stance }}", 16, True), ("{{ row.demands }}", 58, False))), fit="flow")
    _end_when(doc)


def _identification(doc: DocumentObject, w: dict) -> None:
    _heading(doc, w["h1"][4])
    _paragraphs(doc, "identification")
    _table(doc, w["t_register"], "factors", columns(w["c_register"], (
        ("{{ row.no }}", 12, True), ("{{ row.category }}", 26, False), ("{{ row.name }}", 36, False),
        ("{{ row.basis }}", 82, False))), fit="flow")


def _estimation(doc: DocumentObject, w: dict) -> None:
    _heading(doc, w["h1"][5])
    _heading(doc, w["estimation"][0], level=2)
    _paragraphs(doc, "estimation.single")
    _table(doc, w["t_single"], "factors", columns(w["c_single"], (
        ("{{ row.no }}", 12, True), ("{{ row.name }}", 52, False), ("{{ row.probability }}", 24, True),
        ("{{ row.impact }}", 22, True), ("{{ row.risk }}", 22, True), ("{{ row.degree }}", 24, True))), fit="rows")
    _heading(doc, w["estimation"][1], level=2)
    _paragraphs(doc, "estimation.matrix")
    _figure(doc, "charts.matrix_before", w["f_matrix"])
    _heading(doc, w["estimation"][2], level=2)
    _paragraphs(doc, "estimation.index")
    _table(doc, w["t_weights"], "factors", columns(w["c_weights"], (
        ("{{ row.no }}", 12, True), ("{{ row.name }}", 60, False), ("{{ row.weight }}", 18, True),
        ("{{ row.share }}", 22, True), ("{{ row.risk }}", 20, True), ("{{ row.weighted }}", 24, True))),
        total=(w["total"], "{{ weights.total }}", "{{ weights.share }}", "—", "{{ weights.index }}"), fit="rows")
    _heading(doc, w["estimation"][3], level=2)
    _paragraphs(doc, "estimation.natures")
    _table(doc, w["t_natures"], "natures", columns(w["c_natures"], (
        ("{{ row.name }}", 30, True), ("{{ row.before }}", 22, True), ("{{ row.reasons }}", 82, False),
        ("{{ row.after }}", 22, True))), fit="rows")
    _heading(doc, w["estimation"][4], level=2)
    _paragraphs(doc, "estimation.level")


def _measures(doc: DocumentObject, w: dict) -> None:
    _heading(doc, w["h1"][6])
    _heading(doc, w["measures"][0], level=2)
    _paragraphs(doc, "measures_text.intro")
    _table(doc, w["t_measures"], "measures", columns(w["c_measures"], (
        ("{{ row.no }}", 12, True), ("{{ row.text }}", 40, False), ("{{ row.factors }}", 30, False),
        ("{{ row.unit }}", 30, False), ("{{ row.leader }}", 22, True), ("{{ row.deadline }}", 22, True))), fit="flow")
    _paragraphs(doc, "measures_text.notes")
    _heading(doc, w["measures"][1], level=2)
    _paragraphs(doc, "measures_text.requirements")
    _heading(doc, w["measures"][2], level=2)
    _paragraphs(doc, "measures_text.emergency")


def _after(doc: DocumentObject, w: dict) -> None:
    _heading(doc, w["h1"][7])
    _heading(doc, w["after"][0], level=2)
    _paragraphs(doc, "after.factors")
    _table(doc, w["t_compare"], "factors", columns(w["c_compare"], (
        ("{{ row.no }}", 12, True), ("{{ row.name }}", 38, False), ("{{ row.risk }}", 21, True),
        ("{{ row.degree }}", 21, True), ("{{ row.after_risk }}", 21, True), ("{{ row.after_degree }}", 21, True),
        ("{{ row.measures }}", 22, True))), fit="rows")
    _paragraphs(doc, "after.matrix")
    _figure(doc, "charts.matrix_after", w["f_matrix_after"])
    _heading(doc, w["after"][1], level=2)
    _paragraphs(doc, "after.overall")
    rows = [(label, f"{{{{ overall.{key}.before }}}}", f"{{{{ overall.{key}.after }}}}")
            for label, key in zip(w["overall_rows"], ("index", "by_index", "floors", "level"))]
    _table(doc, w["t_overall"], "overall.natures", columns(w["c_overall"], (
        ("{{ row.name }}", 40, True), ("{{ row.before }}", 58, True), ("{{ row.after }}", 58, True))),
        fixed_before=rows, fit="rows")
    _paragraphs(doc, "after.level")


def _conclusion(doc: DocumentObject, w: dict) -> None:
    _heading(doc, w["h1"][8])
    for heading, key in zip(w["conclusion"][:3], ("findings", "advice", "notes")):
        _heading(doc, heading, level=2)
        _paragraphs(doc, f"conclusion.{key}")
    _when(doc, "conclusion.model")
    _heading(doc, w["conclusion"][3], level=2)
    _paragraphs(doc, "conclusion.model")
    _end_when(doc)


def _attachments(doc: DocumentObject, w: dict) -> None:
    (mark1, title1), (mark2, title2), (mark3, title3), (mark4, title4) = w["annex"]
    _annex_start(doc, mark1, title1)
    _when(doc, "charts.stakeholders")
    _figure(doc, "charts.stakeholders", w["f_stakeholders"])
    _end_when(doc)
    _paragraphs(doc, "annex.stakeholders")

    _annex_start(doc, mark2, title2)
    doc.add_paragraph("{%p for part in annex.emergency %}")
    doc.add_paragraph("{{ part.heading }}", style="一级标题")
    doc.add_paragraph("{%p for text in part.paragraphs %}")
    doc.add_paragraph("{{ text }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")

    _annex_start(doc, mark3, title3)
    _table(doc, None, "annex.versions", columns(w["c_item"], (
        ("{{ row.item }}", 48, False), ("{{ row.value }}", 108, False))), fit="rows")
    _paragraphs(doc, "annex.versions_note")

    _annex_start(doc, mark4, title4)
    doc.add_paragraph("{%p for section in annex.answers %}")
    doc.add_paragraph("{{ section.title }}", style="二级标题")
    _table(doc, None, "section.rows", columns(w["c_answers"], (
        ("{{ row.item }}", 64, False), ("{{ row.value }}", 92, False))), fit="flow")
    doc.add_paragraph("{%p endfor %}")


# --- building blocks ------------------------------------------------------------------------------------


def _heading(doc: DocumentObject, text: str, level: int = 1) -> None:
    doc.add_paragraph(text, style="一级标题" if level == 1 else "二级标题")


def _paragraphs(doc: DocumentObject, expression: str, style: str = "Normal") -> None:
    """Body paragraphs, one per string of a list (an empty list leaves nothing behind)."""
    doc.add_paragraph(f"{{%p for text in {expression} %}}")
    doc.add_paragraph("{{ text }}", style=style)
    doc.add_paragraph("{%p endfor %}")


def _when(doc: DocumentObject, expression: str) -> None:
    doc.add_paragraph(f"{{%p if {expression} %}}")


def _end_when(doc: DocumentObject) -> None:
    doc.add_paragraph("{%p endif %}")


def _annex_start(doc: DocumentObject, mark: str, title: str) -> None:
    doc.add_paragraph(mark, style="附件标识")
    doc.add_paragraph(title, style="文件标题")


def _figure(doc: DocumentObject, expression: str, caption: str) -> None:
    doc.add_paragraph(f"{{{{ {expression} }}}}", style="插图")
    caption = doc.add_paragraph(caption, style="图表标题")
    caption.paragraph_format.keep_with_next = False


def _table(doc: DocumentObject, caption: str | None, rows: str, spec: Sequence[Column], *, fit: str,
           total: Sequence[str] | None = None, fixed_before: Sequence[Sequence[str]] = ()) -> None:
    """Caption, header row (repeated on every page), fixed rows, then a docxtpl row loop over ``rows``
    (its {%tr %} rows vanish when rendered), then an optional total row whose first cell spans two columns.

    A table may break across pages, but never between its caption, header and first row. ``fit``: "rows"
    keeps each row whole, "flow" lets rows of free text break too (a row taller than a page could not be
    set otherwise)."""
    if caption:
        doc.add_paragraph(caption, style="图表标题")
    count = 1 + len(fixed_before) + 3 + (1 if total else 0)
    table = doc.add_table(rows=count, cols=len(spec))
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _set_table_width(table)
    header, *rest = table.rows
    header._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    fixed, (loop_start, data, loop_end), tail = rest[:len(fixed_before)], rest[len(fixed_before):][:3], rest[len(fixed_before) + 3:]
    loop_start.cells[0].paragraphs[0].text = f"{{%tr for row in {rows} %}}"
    loop_end.cells[0].paragraphs[0].text = "{%tr endfor %}"
    for column, col in enumerate(spec):
        width = Mm(col.width_mm)
        table.columns[column].width = width
        for row in table.rows:
            row.cells[column].width = width
            row.cells[column].paragraphs[0].style = "表格文字居中" if col.centred else "表格文字"
        header.cells[column].paragraphs[0].text = col.header  # a "\n" in a header is a deliberate line break
        header.cells[column].paragraphs[0].style = "表格表头"
        header.cells[column].paragraphs[0].paragraph_format.keep_with_next = True  # with the first row
        data.cells[column].paragraphs[0].text = col.cell
    for row, texts in zip(fixed, fixed_before):
        for cell, text in zip(row.cells, texts):
            cell.paragraphs[0].text = text
            cell.paragraphs[0].style = "表格文字居中"
    if total:
        _total_row(tail[0], total)
    if fit == "rows":
        for row in table.rows[1:]:
            row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))


def _set_table_width(table) -> None:
    """The full type area, stated: with "auto" a clerk's Word may shrink the table to its content."""
    width = table._tbl.tblPr.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(round(TYPE_AREA_WIDTH_MM / 25.4 * 1440)))


def _total_row(row, texts: Sequence[str]) -> None:
    merged = row.cells[0].merge(row.cells[1])
    merged.paragraphs[0].text = texts[0]
    for extra in merged.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for cell, text in zip(row.cells[2:], texts[1:]):
        cell.paragraphs[0].text = text
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.style = "表格表头"


def main() -> None:
    from assessment.report.docx import stable_zip  # the same bytes each time, so git sees real changes only

    for lang, path in TEMPLATES.items():
        out = io.BytesIO()
        build(lang).save(out)
        path.write_bytes(stable_zip(out.getvalue()))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
