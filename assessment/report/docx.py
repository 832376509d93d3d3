"""The report as a Word file: the template filled with a context from context.py, through docxtpl.

User text reaches the file only as context *values*, never as template source, and every value is
escaped as it is written out:

* autoescape turns ``<``, ``>`` and ``&`` into XML entities;
* ``{`` and ``}`` become character references, because docxtpl rewrites "{_{" to "{{" in its output;
* characters XML 1.0 forbids are dropped (they would corrupt the file; docxtpl also reads \\a and \\f as
  paragraph and page breaks), and line breaks become Word line breaks, so long texts keep their lines.

The Jinja environment is sandboxed and strict: a clerk's template cannot reach Python internals, and a
misspelt placeholder is an error (REPORT-409) rather than a silent gap in a formal document.
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from assessment.domain.i18n_text import Lang
from assessment.errors import ErrorCode, WenpingError
from assessment.report import charts
from assessment.report.context import stakeholder_graph
from assessment.report.templates.build_template import (
    CHARACTER_SPACING, SANHAO, TEMPLATES, TWO_CHARACTERS, TYPE_AREA_WIDTH_MM,
)
from assessment.report.titles import Title, set_title
from assessment.report.titles import width as title_width

TEMPLATE_ENV = "WENPING_REPORT_TEMPLATE"  # a folder with report.docx and/or report_en.docx of a locality's own
# Everything outside XML 1.0's Char production (tab, newline and carriage return are allowed).
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CORE_PROPERTY_LIMIT = 255
ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so that the same report gives the same bytes (the PDF cache key)
# Title lines, in characters of the title's size on the 156 mm line: 二号 (22 pt) in the body and on a
# long cover, 一号 (26 pt) on the cover; a name longer than TITLE_LINES lines is cut there.
TITLE_PER_LINE, COVER_PER_LINE = 20, 16.5
COVER_LINES, TITLE_LINES = 3, 6  # 一号 cover: two lines of name and the "社会稳定风险评估报告" line
SIGNATURE_STYLE = "落款"


def template_path(lang: Lang) -> Path:
    """The locality's template when ``WENPING_REPORT_TEMPLATE`` names a folder holding one, else the built-in."""
    own = os.environ.get(TEMPLATE_ENV)
    if own:
        candidate = Path(own) / TEMPLATES[lang].name
        if candidate.is_file():
            return candidate
    return TEMPLATES[lang]


def render_docx(context: dict[str, Any], lang: Lang) -> bytes:
    """The filled report. ``context`` comes from build_context in the same language."""
    path = template_path(lang)
    template = DocxTemplate(io.BytesIO(path.read_bytes()))
    values = {**context, "charts": _charts(template, context["charts"], lang), "title": _title(context["cover"], lang)}
    try:
        template.render(values, jinja_env=_ENVIRONMENT, autoescape=True)
    except TemplateError as error:
        raise WenpingError.of(ErrorCode.REPORT_TEMPLATE, path=str(path), detail=str(error)) from None
    _place_signature(template.docx, lang)
    # The file's title property (shown by Explorer and Word's Info pane) holds at most 255 characters.
    template.docx.core_properties.title = xml_text(context["cover"]["title"])[:CORE_PROPERTY_LIMIT]
    out = io.BytesIO()
    template.save(out)
    return stable_zip(out.getvalue())


def _title(cover: dict[str, str], lang: Lang) -> dict[str, Any]:
    """The title in lines for the cover (一号, or 二号 when the name needs more than two lines) and the
    body (二号)."""
    def lines(per_line: float) -> Title:
        return set_title(cover["matter"], cover["report"], per_line=per_line, max_lines=TITLE_LINES,
                         suffix_first=lang == "en")

    body = lines(TITLE_PER_LINE)
    cover_title = lines(COVER_PER_LINE)
    long = cover_title.shortened or len(cover_title.lines) > COVER_LINES
    return {"cover": (body if long else cover_title).text(), "body": body.text(), "long": long}


def _place_signature(document, lang: Lang) -> None:
    """GB/T 9704 §7.3.5.2, without a seal: the unit two characters in from the right, the date under it
    starting two characters further right; if the date is the longer, the date two characters in from
    the right and the unit starting two characters left of it. The template sets both 落款 paragraphs
    right-aligned two characters in; the start of the one below or above is set here."""
    signature = [p for p in document.paragraphs if p.style is not None and p.style.name == SIGNATURE_STYLE]
    if len(signature) != 2:  # a locality's template laid out its own way
        return
    unit, day = signature
    size = SANHAO.pt
    spacing = 0 if lang == "en" else CHARACTER_SPACING / 20
    width = {p: title_width(p.text, latin=0.5) * size + len(p.text) * spacing for p in signature}
    line, two = TYPE_AREA_WIDTH_MM / 25.4 * 72, TWO_CHARACTERS.pt
    shifted, start = (day, line - width[unit]) if width[day] + two <= width[unit] else (unit, line - 2 * two - width[day])
    shifted.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    shifted.paragraph_format.right_indent = Pt(0)
    shifted.paragraph_format.left_indent = Pt(max(0.0, start))


def xml_text(value: Any) -> str:
    """A value as text that XML can hold: forbidden characters dropped, line ends unified."""
    text = "" if value is None else str(value)
    return NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _literal(value: Any) -> Any:
    """Jinja's finalize: every ``{{ … }}`` output passes here before it is written into the XML."""
    if hasattr(value, "__html__"):  # an InlineImage: XML we made ourselves
        return value
    escaped = str(escape(xml_text(value)))
    return Markup(escaped.replace("{", "&#123;").replace("}", "&#125;"))


class _Environment(SandboxedEnvironment):
    """Compiles each template part once: docxtpl hands over the same XML for every report from one
    template, and compiling it is most of the time the template fill takes."""

    @functools.lru_cache(maxsize=32)  # noqa: B019  (one environment for the process; the sources are few)
    def from_string(self, source, globals=None, template_class=None):  # noqa: A002  (Jinja's signature)
        return super().from_string(source, globals, template_class)


_ENVIRONMENT = _Environment(autoescape=True, undefined=StrictUndefined, finalize=_literal)


def _charts(template: DocxTemplate, spec: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """Two matrices, before and after, rather than one with arrows: with a dozen factors the arrows
    cross and the numbers collide."""
    matrix = spec["risk_matrix"]
    grid = matrix["grid"]
    degrees = [charts.Degree(d["id"], d["name"], d["colour"]) for d in matrix["degrees"]]

    def draw(points: list, after: bool) -> InlineImage:
        png = charts.risk_matrix_png(points, after=after, lang=lang, degree_of=lambda p, c: grid[p - 1][c - 1],
                                     degrees=degrees)
        return _image(template, png)

    tables = spec["stakeholders"]
    stakeholders = "" if tables is None or stakeholder_graph() is None else _image(
        template, _stakeholder_png(json.dumps(tables, ensure_ascii=False, sort_keys=True), lang))
    return {"matrix_before": draw(matrix["before"], after=False), "matrix_after": draw(matrix["after"], after=True),
            "stakeholders": stakeholders}


@functools.lru_cache(maxsize=32)
def _stakeholder_png(tables: str, lang: Lang) -> bytes:
    """The map of these groups and relations (as JSON), drawn once per process: the same matter's report
    in another format or after a reviewer's note has the same map. "" leaves the slot out."""
    groups = json.loads(tables)
    return stakeholder_graph().stakeholder_png((groups["groups"], groups["relations"]), lang=lang)


def _image(template: DocxTemplate, png: bytes) -> InlineImage:
    return InlineImage(template, io.BytesIO(png), width=Mm(charts.WIDTH_MM))


def stable_zip(docx: bytes, time: tuple[int, ...] = ZIP_TIME) -> bytes:
    """The same archive with every entry dated ``time`` (python-docx stamps the current time), and the
    pictures stored as they are: a PNG is compressed already, deflating it again only costs time."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            stamped = zipfile.ZipInfo(entry.filename, date_time=time)
            stamped.compress_type = zipfile.ZIP_STORED if entry.filename.endswith(".png") else entry.compress_type
            stamped.external_attr = entry.external_attr
            target.writestr(stamped, source.read(entry))
    return out.getvalue()

