"""The report in each format (DOCX, PDF, JSON) from an Assessment, with a cache so a second download is instant.

Two caches live under the cache folder: ``reports/`` keyed by everything a report is made from (the
Assessment, the rule set, the language, the template and this code, and for a PDF the converter), so an
unchanged report is neither rebuilt nor converted; and ``pdf/``, docx_to_pdf's own cache keyed by the DOCX
bytes and the converter. Deleting the folder is always safe. The folder is ``WENPING_CACHE_DIR``; else the
app uses ``data/cache`` (beside its database) and the command line the user's cache folder
(``~/.cache/wenping``), so that running ``wenping report`` somewhere leaves no ``data/`` folder there.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from assessment.domain.i18n_text import I18nText, Lang
from assessment.domain.result import Assessment
from assessment.domain.ruleset import RuleSet
from assessment.errors import ErrorCode, WenpingError
from assessment.report.context import build_context
from assessment.report.docx import render_docx, template_path
from assessment.report.pdf import converter_key, docx_to_pdf, write_atomically

FORMATS = ("docx", "pdf", "json")
JSON_FORMAT = "wenping.assessment-report"
JSON_FORMAT_VERSION = 1
CACHE_ENV = "WENPING_CACHE_DIR"
DEFAULT_CACHE_DIR = Path("data/cache")
CODE = Path(__file__).parent


def default_cache_dir() -> Path:
    """The app's cache: WENPING_CACHE_DIR, else data/cache."""
    return Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE_DIR)


def user_cache_dir() -> Path:
    """The command line's cache: WENPING_CACHE_DIR, else the user's cache folder ($XDG_CACHE_HOME/wenping,
    normally ~/.cache/wenping), never the working directory."""
    own = os.environ.get(CACHE_ENV)
    if own:
        return Path(own)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "wenping"


def check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise WenpingError.of(ErrorCode.REPORT_FORMAT, fmt=fmt, formats=", ".join(FORMATS))


def report_bytes(assessment: Assessment, ruleset: RuleSet, *, fmt: str, lang: Lang = "zh",
                 unit_name: str | None = None, notes: Sequence[I18nText] = (), matter: dict[str, Any] | None = None,
                 cache_dir: Path | None = None) -> bytes:
    """The report file. ``matter`` (id, title, unit, revision) goes into the JSON only; ``cache_dir``
    None builds everything afresh."""
    check_format(fmt)
    if fmt == "json":
        return report_json(assessment, ruleset, lang=lang, unit_name=unit_name, notes=notes, matter=matter)
    cached = _cache_file(cache_dir, fmt, assessment, ruleset, lang, unit_name, notes) if cache_dir else None
    if cached and cached.is_file():
        return cached.read_bytes()
    docx = render_docx(build_context(assessment, ruleset, lang=lang, unit_name=unit_name, notes=notes), lang)
    content = docx if fmt == "docx" else docx_to_pdf(docx, cache_dir=cache_dir / "pdf" if cache_dir else None)
    if cached:
        write_atomically(cached, content)
    return content


def report_json(assessment: Assessment, ruleset: RuleSet, *, lang: Lang = "zh", unit_name: str | None = None,
                notes: Sequence[I18nText] = (), matter: dict[str, Any] | None = None) -> bytes:
    """The whole result and the report's text as one JSON document (fields in docs/report.md)."""
    context = build_context(assessment, ruleset, lang=lang, unit_name=unit_name, notes=notes)
    document = {
        "format": JSON_FORMAT,
        "format_version": JSON_FORMAT_VERSION,
        "lang": lang,
        "matter": matter,
        "report_ruleset": {"id": ruleset.info.id, "version": ruleset.info.version,
                           "content_hash": ruleset.content_hash},
        "assessment": assessment.model_dump(mode="json"),
        "report": context,
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False).encode("utf-8") + b"\n"


def _cache_file(cache_dir: Path, fmt: str, assessment: Assessment, ruleset: RuleSet, lang: Lang,
                unit_name: str | None, notes: Sequence[I18nText]) -> Path:
    inputs = {
        "assessment": assessment.model_dump(mode="json"),
        "ruleset": ruleset.content_hash,
        "lang": lang,
        "unit_name": unit_name,
        "notes": [n.model_dump() for n in notes],
        "template": _file_digest(template_path(lang)),
        "code": _code_digest(),
        "converter": converter_key() if fmt == "pdf" else None,
    }
    key = hashlib.sha256(json.dumps(inputs, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return cache_dir / "reports" / f"{key}.{fmt}"


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def _code_digest() -> str:
    """What makes the report besides its inputs: this package, the interface texts, the graph layer.
    A change to any of them (an upgrade) makes new cache keys."""
    root = CODE.parent
    files = sorted([*CODE.rglob("*.py"), *CODE.rglob("*.conf"), *(root / "i18n").glob("*.yaml"),
                    *root.glob("graph.py")])
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
