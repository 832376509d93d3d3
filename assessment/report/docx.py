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

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from assessment.domain.i18n_text import Lang
from assessment.errors import ErrorCode, WenpingError
from assessment.report import charts, layout
from assessment import graph
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
    values = {**context, "charts": _charts(template, context["charts"], lang),
              "title": layout.title_lines(context["cover"]["matter"], context["cover"]["report"], lang)}
    try:
        template.render(values, jinja_env=_ENVIRONMENT, autoescape=True)
    except TemplateError as error:
        raise WenpingError.of(ErrorCode.REPORT_TEMPLATE, path=str(path), detail=str(error)) from None
    layout.finish(template.docx, lang)
    # The file's title property (shown by Explorer and Word's Info pane) holds at most 255 characters.
    template.docx.core_properties.title = xml_text(context["cover"]["title"])[:CORE_PROPERTY_LIMIT]
    out = io.BytesIO()
    template.save(out)
    return stable_zip(out.getvalue())


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
                                     degrees=degrees, scales=(tuple(matrix["probability_labels"]),
                                                              tuple(matrix["impact_labels"])))
        return _image(template, png)

    tables = spec["stakeholders"]  # no groups: "" leaves the map's slot out
    stakeholders = "" if tables is None else _image(
        template, _stakeholder_png(json.dumps(tables, ensure_ascii=False, sort_keys=True), lang))
    return {"matrix_before": draw(matrix["before"], after=False), "matrix_after": draw(matrix["after"], after=True),
            "stakeholders": stakeholders}


@functools.lru_cache(maxsize=32)
def _stakeholder_png(tables: str, lang: Lang) -> bytes:
    """The map of these groups and relations (as JSON), drawn once per process: the same matter's report
    in another format or after a reviewer's note has the same map."""
    groups = json.loads(tables)
    return graph.stakeholder_png((groups["groups"], groups["relations"]), lang=lang)


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

