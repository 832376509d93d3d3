"""Builds ``report.docx``: the GB/T 9704-2012 layout of the 社会稳定风险评估报告 as an editable Word template.

The committed ``report.docx`` is what a clerk opens in Word or WPS to adjust the layout; this script is
how we regenerate it (a test checks the two agree). After editing this file run

    .venv/bin/python -m assessment.report.templates.build_template

and commit both files.

Layout figures (GB/T 9704-2012 §5): A4; margins top 37, bottom 35, left 28, right 26 mm, so the type
area is 156 × 225 mm; 三号 (16 pt) 仿宋 body at a fixed 28.95 pt line pitch (22 lines per page) and 28
characters per line; 二号 小标宋 title; headings "一、" 黑体, "（一）" 楷体, "1." 仿宋 bold; page numbers
"— 1 —" in 四号 宋体, odd pages right-aligned and even pages left-aligned, one character in.

28 characters per line: a 16 pt glyph gives only 27 on a 156 mm line, and Word's character grid
(``w:docGrid w:type="linesAndChars"``) renders wrongly in LibreOffice 7.4 (about 18 characters per
line). A character spacing of −0.25 pt on the text styles gives 28 in both.

Body text is Word's built-in "Normal" style, which Chinese Word and WPS display as 正文 (a custom style
named 正文 would collide with that reserved name).

HOW THE CONTENT ISSUE ADDS CHAPTERS
-----------------------------------
``_demonstration_body`` below shows each layout element once with docxtpl placeholders: the cover
(``{{ cover.title }}``, ``{{ cover.unit }}``, ``{{ cover.date }}``), the title, chapter 一 with its
paragraphs, a factor table in chapter 五, the risk-matrix figure in chapter 六 and the attachment note.
To build the real report, replace it with the nine chapters of DESIGN.md §7, each as:

* a heading paragraph with its fixed text in style 一级标题 ("一、评估事项概况") or 二级标题 ("（一）…");
* body paragraphs in 正文 (Normal) holding one placeholder each, or a ``{%p for text in … %}`` loop;
* tables in table style 稳评表格 with a 表格表头 header row and a ``{%tr for row in … %}`` row loop
  whose cells use 表格文字, with a 图表标题 caption above ("表1　…");
* charts as ``{{ … }}`` placeholders in an 插图 paragraph filled with ``docxtpl.InlineImage`` (PNG from
  ``assessment.report.charts``, 156 mm wide at most), with a 图表标题 caption below ("图1　…").

Only context data comes from users, never template text: render with
``DocxTemplate.render(context, autoescape=True)`` so that "<" or "&" in an answer stays text.
Keep the fixed wording here, in the template, where a clerk can edit it; keep the numbers in rules/.
"""

from __future__ import annotations

from dataclasses import dataclass
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

TEMPLATE = Path(__file__).with_name("report.docx")

# Font sizes by their Chinese names (号).
YIHAO, ERHAO, SANHAO, SIHAO, XIAOSI = Pt(26), Pt(22), Pt(16), Pt(14), Pt(12)
LINE_PITCH = Pt(28.95)  # 225 mm / 22 lines
TWO_CHARACTERS = Pt(32)
ONE_PAGE_NUMBER_CHARACTER = Pt(14)
CHARACTER_SPACING = -5  # twentieths of a point: 28 characters of 三号 on a 156 mm line

FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
LATIN = "Times New Roman"

TABLE_STYLE = "稳评表格"
TABLE_BORDER = 4  # eighths of a point: a plain 0.5 pt black rule


@dataclass(frozen=True)
class TextStyle:
    name: str
    east_asian: str = FANGSONG
    size: Length = SANHAO
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY
    first_line_indent: Length = TWO_CHARACTERS
    left_indent: Length = Pt(0)
    line: Length | None = LINE_PITCH  # exact line height; None means single spacing (pictures)
    space_before: Length = Pt(0)
    space_after: Length = Pt(0)
    character_spacing: int = CHARACTER_SPACING
    outline_level: int | None = None  # 0 = first level in Word's navigation pane and table of contents
    keep_with_next: bool = False
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
    TextStyle("表格表头", size=XIAOSI, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0),
              line=Pt(20), character_spacing=0),
    TextStyle("图表标题", HEITI, SIHAO, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0),
              character_spacing=0),
    TextStyle("插图", align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0), line=None, character_spacing=0,
              keep_with_next=True),
    # "附件：1. 名称" two characters in, one blank line below the body; following lines align after
    # "附件：" (GB/T 9704 §7.3.3).
    TextStyle("附件说明", first_line_indent=Pt(-48), left_indent=Pt(80), space_before=LINE_PITCH),
    TextStyle("封面标题", XIAOBIAOSONG, YIHAO, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0),
              line=Pt(40), space_before=Pt(150), character_spacing=0),
    TextStyle("封面落款", align=WD_ALIGN_PARAGRAPH.CENTER, first_line_indent=Pt(0), character_spacing=0),
    TextStyle("页码", SONGTI, SIHAO, align=WD_ALIGN_PARAGRAPH.RIGHT, first_line_indent=Pt(0), line=None,
              character_spacing=0, latin=SONGTI),
)


def build() -> DocumentObject:
    doc = Document()
    _set_document_defaults(doc)
    for style in STYLES:
        _define_text_style(doc, style)
    _define_table_style(doc)
    doc.settings.odd_and_even_pages_header_footer = True
    doc.core_properties.title = "社会稳定风险评估报告（模板）"
    doc.core_properties.author = "稳评 Wenping"

    cover = doc.sections[0]
    _set_page(cover)
    _cover_page(doc)
    body = doc.add_section(WD_SECTION_START.NEW_PAGE)
    _number_pages(body)
    _demonstration_body(doc)
    return doc


def _set_document_defaults(doc: DocumentObject) -> None:
    """Explicit fonts instead of python-docx's theme fonts, which outrank named fonts in Word."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    defaults.getparent().replace(defaults, parse_xml(
        f'<w:docDefaults {nsdecls("w")}><w:rPrDefault><w:rPr>'
        f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{FANGSONG}" w:cs="{LATIN}"/>'
        f'<w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
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
    rpr = style.element.get_or_add_rPr()
    _set_fonts(rpr, spec.east_asian, spec.latin)
    _set_character_spacing(rpr, spec.character_spacing)

    fmt = style.paragraph_format
    fmt.alignment = spec.align
    fmt.first_line_indent, fmt.left_indent = spec.first_line_indent, spec.left_indent
    fmt.space_before, fmt.space_after = spec.space_before, spec.space_after
    fmt.keep_with_next = spec.keep_with_next
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
        f'<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        f'<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr>'
        f'<w:tcPr><w:vAlign w:val="center"/></w:tcPr></w:style>'
    ))


def _set_page(section) -> None:
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The page number's rule sits about 7 mm below the type area (GB/T 9704 §7.5).
    section.footer_distance = Mm(25)


def _cover_page(doc: DocumentObject) -> None:
    """The first section: title, unit and date, and no footer, so the cover carries no page number."""
    doc.add_paragraph("{{ cover.title }}", style="封面标题")
    unit = doc.add_paragraph("{{ cover.unit }}", style="封面落款")
    unit.paragraph_format.space_before = Pt(260)
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


def _demonstration_body(doc: DocumentObject) -> None:
    """One of each layout element, with placeholders where content goes (see the module docstring)."""
    doc.add_paragraph("{{ cover.title }}", style="文件标题")
    doc.add_paragraph("一、评估事项概况", style="一级标题")
    doc.add_paragraph("{%p for text in overview %}")
    doc.add_paragraph("{{ text }}")
    doc.add_paragraph("{%p endfor %}")

    doc.add_paragraph("五、风险识别", style="一级标题")
    doc.add_paragraph("（一）风险因素清单", style="二级标题")
    doc.add_paragraph("表1　风险因素清单", style="图表标题").paragraph_format.keep_with_next = True
    _factor_table(doc)

    doc.add_paragraph("六、风险估计", style="一级标题")
    doc.add_paragraph("（一）风险矩阵", style="二级标题")
    doc.add_paragraph("{{ charts.risk_matrix }}", style="插图")
    doc.add_paragraph("图1　落实措施前后的风险矩阵", style="图表标题")

    doc.add_paragraph("附件：{{ attachments }}", style="附件说明")


FACTOR_COLUMNS = (  # header, placeholder, width: 156 mm in all
    ("序号", "{{ row.id }}", Mm(16)),
    ("风险因素", "{{ row.name }}", Mm(62)),
    ("发生概率", "{{ row.probability }}", Mm(26)),
    ("影响程度", "{{ row.impact }}", Mm(26)),
    ("风险程度", "{{ row.degree }}", Mm(26)),
)


def _factor_table(doc: DocumentObject) -> None:
    """Header row repeated on every page, then a docxtpl row loop ({%tr %} rows vanish when rendered)."""
    table = doc.add_table(rows=4, cols=len(FACTOR_COLUMNS))
    table.style = doc.styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    header, loop_start, data, loop_end = table.rows
    header._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    loop_start.cells[0].paragraphs[0].text = "{%tr for row in factors %}"
    loop_end.cells[0].paragraphs[0].text = "{%tr endfor %}"
    for column, (title, placeholder, width) in enumerate(FACTOR_COLUMNS):
        table.columns[column].width = width
        for row in table.rows:
            row.cells[column].width = width
            row.cells[column].paragraphs[0].style = "表格文字"
        header.cells[column].paragraphs[0].text = title
        header.cells[column].paragraphs[0].style = "表格表头"
        data.cells[column].paragraphs[0].text = placeholder


def main() -> None:
    build().save(TEMPLATE)
    print(f"wrote {TEMPLATE}")


if __name__ == "__main__":
    main()
