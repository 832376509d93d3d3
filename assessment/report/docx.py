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
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from assessment.domain.i18n_text import Lang
from assessment.errors import ErrorCode, WenpingError
from assessment.report import charts
from assessment.report.context import stakeholder_graph
from assessment.report.templates.build_template import TEMPLATES

TEMPLATE_ENV = "WENPING_REPORT_TEMPLATE"  # a folder with report.docx and/or report_en.docx of a locality's own
# Everything outside XML 1.0's Char production (tab, newline and carriage return are allowed).
NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CORE_PROPERTY_LIMIT = 255
ZIP_TIME = (2000, 1, 1, 0, 0, 0)  # fixed, so that the same report gives the same bytes (the PDF cache key)


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
    values = {**context, "charts": _charts(template, context["charts"], lang)}
    try:
        template.render(values, jinja_env=_ENVIRONMENT, autoescape=True)
    except TemplateError as error:
        raise WenpingError.of(ErrorCode.REPORT_TEMPLATE, path=str(path), detail=str(error)) from None
    _release_last_rows(template.docx)
    # The file's title property (shown by Explorer and Word's Info pane) holds at most 255 characters.
    template.docx.core_properties.title = xml_text(context["cover"]["title"])[:CORE_PROPERTY_LIMIT]
    out = io.BytesIO()
    template.save(out)
    return stable_zip(out.getvalue())


def _release_last_rows(document) -> None:
    """Rows of a table kept on one page keep with the next row; the last one must not also pull the
    caption and rows of the following table along (the template cannot tell the last row of a loop)."""
    for table in document.tables:
        for cell in table.rows[-1].cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = None


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

    def draw(before: list, after: list) -> InlineImage:
        png = charts.risk_matrix_png(before, after, lang=lang, degree_of=lambda p, c: grid[p - 1][c - 1],
                                     degrees=degrees)
        return _image(template, png)

    return {"matrix_before": draw(matrix["before"], []), "matrix_after": draw([], matrix["after"]),
            "stakeholders": _stakeholder_map(template, spec, lang)}


def _stakeholder_map(template: DocxTemplate, spec: dict[str, Any], lang: Lang) -> InlineImage | str:
    """The map when there are groups and the graph layer is installed; "" leaves the slot out."""
    graph = stakeholder_graph()
    tables = spec["stakeholders"]
    if graph is None or tables is None:
        return ""
    return _image(template, graph.stakeholder_png((tables["groups"], tables["relations"]), lang=lang))


def _image(template: DocxTemplate, png: bytes) -> InlineImage:
    return InlineImage(template, io.BytesIO(png), width=Mm(charts.WIDTH_MM))


def stable_zip(docx: bytes, time: tuple[int, ...] = ZIP_TIME) -> bytes:
    """The same archive with every entry dated ``time``: python-docx stamps the current time."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            stamped = zipfile.ZipInfo(entry.filename, date_time=time)
            stamped.compress_type = entry.compress_type
            stamped.external_attr = entry.external_attr
            target.writestr(stamped, source.read(entry))
    return out.getvalue()

