"""Layout that depends on the text a report is filled with, which a Word template cannot say: where its
title breaks, which table rows stay whole, what keeps the signature company, where the signature starts.

docx.py asks for the title lines before it fills the template and finishes the filled document here.
The document is read as XML (python-docx's style lookups would take most of the time).
"""

from __future__ import annotations

import math
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from assessment.domain.i18n_text import Lang
from assessment.report.templates.build_template import (
    CELL_MARGIN_PT, CHARACTER_SPACING, SANHAO, TABLE_SIZE, TWO_CHARACTERS, TYPE_AREA_WIDTH_MM,
)
from assessment.report.titles import set_title, width

# Title lines, in characters of the title's size on the 156 mm line: 二号 (22 pt) in the body and on a
# long cover, 一号 (26 pt) on the cover; a name longer than TITLE_LINES lines is cut there.
TITLE_PER_LINE, COVER_PER_LINE = 20, 16.5
COVER_LINES, TITLE_LINES = 3, 6  # 一号 cover: two lines of name and the "社会稳定风险评估报告" line
SIGNATURE_STYLE, NOTE_STYLE = "落款", "附件说明"
SHORT_ROW = 8  # lines: a table row this short is never broken across pages
LINE_POINTS = TYPE_AREA_WIDTH_MM / 25.4 * 72
P, R, T, BR, TBL, TR, TC = (qn(f"w:{tag}") for tag in ("p", "r", "t", "br", "tbl", "tr", "tc"))


def title_lines(matter: str, report: str, lang: Lang) -> dict[str, Any]:
    """The title in lines for the cover (一号, or 二号 when the name needs more than two lines, so the
    cover stays one page) and above the body (二号)."""
    def lines(per_line: float):
        return set_title(matter, report, per_line=per_line, max_lines=TITLE_LINES, suffix_first=lang == "en")

    body, cover = lines(TITLE_PER_LINE), lines(COVER_PER_LINE)
    long = cover.shortened or len(cover.lines) > COVER_LINES
    return {"cover": (body if long else cover).text(), "body": body.text(), "long": long}


def finish(document, lang: Lang) -> None:
    _keep_short_rows(document, lang)
    _keep_text_with_signature(document)
    _place_signature(document, lang)


def _keep_short_rows(document, lang: Lang) -> None:
    """A row of free text may break across pages, as a row taller than a page must; one of a few lines
    should not ("…重大固定资产投 | 资项目" over two pages). Rows whose cells, by their text and width, need
    at most SHORT_ROW lines are kept whole."""
    size = TABLE_SIZE[lang]
    latin = 0.5 if lang == "zh" else 0.55  # a Latin letter's width in the table's size, on average
    for table in document.element.body.iter(TBL):
        for row in table.findall(TR)[1:]:
            properties = row.get_or_add_trPr()
            if properties.find(qn("w:cantSplit")) is None and max(
                    (_lines(cell, size, latin) for cell in row.iter(TC)), default=0) <= SHORT_ROW:
                properties.append(OxmlElement("w:cantSplit"))


def _lines(cell, size: float, latin: float) -> int:
    """How many lines the cell's text takes at ``size`` points in its width (an estimate)."""
    cell_width = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
    room = int(cell_width.get(qn("w:w"))) / 20 - 2 * CELL_MARGIN_PT if cell_width is not None else LINE_POINTS
    per_line = max(room / size, 1)
    return sum(max(1, math.ceil(width(line, latin) / per_line)) for p in cell.iter(P) for line in _text(p).split("\n"))


def _text(paragraph) -> str:
    return "".join(node.text or "" if node.tag == T else "\n" for node in paragraph.iter(T, BR))


def _styled(document, name: str) -> list:
    """The body's paragraphs of the style named ``name`` (none if the template has no such style)."""
    style = next((s for s in document.styles if s.name == name), None)
    if style is None:
        return []
    return document.element.body.xpath(f'.//w:p[w:pPr/w:pStyle/@w:val="{style.style_id}"]')


def _keep_text_with_signature(document) -> None:
    """The attachment note keeps with the signature (the template says so); the last paragraph of text
    keeps with the note, so the signature never stands on a page without text (GB/T 9704 §7.3.5). The
    template cannot say it: that paragraph is the last of a loop."""
    note = next(iter(_styled(document, NOTE_STYLE)), None)
    if note is None:
        return
    text = next((p for p in note.itersiblings(P, preceding=True) if _text(p).strip()), None)
    if text is not None:
        Paragraph(text, None).paragraph_format.keep_with_next = True


def _place_signature(document, lang: Lang) -> None:
    """GB/T 9704 §7.3.5.2, without a seal: the unit two characters in from the right, the date under it
    starting two characters further right; if the date is the longer, the date two characters in from
    the right and the unit starting two characters left of it. The template sets both 落款 paragraphs
    right-aligned two characters in; the start of the one below or above is set here."""
    signature = _styled(document, SIGNATURE_STYLE)
    if len(signature) != 2:  # a locality's template laid out its own way
        return
    unit, day = (_text(p) for p in signature)
    spacing = 0 if lang == "en" else CHARACTER_SPACING / 20

    def points(text: str) -> float:
        return width(text, latin=0.5) * SANHAO.pt + len(text) * spacing

    two = TWO_CHARACTERS.pt
    if points(day) + two <= points(unit):
        shifted, start = signature[1], LINE_POINTS - points(unit)
    else:
        shifted, start = signature[0], LINE_POINTS - 2 * two - points(day)
    fmt = Paragraph(shifted, None).paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.right_indent = Pt(0)
    fmt.left_indent = Pt(max(0.0, start))
