"""`wenping report ANSWERS -o report.docx|report.pdf|report.json`: score an answer file and write its report."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

import click

from assessment.cli import main
from assessment.cli.assess_cmd import LANG, RULES, _remember_lang, read_and_check
from assessment.domain.scoring import score
from assessment.errors import ErrorCode, WenpingError
from assessment.loader import load_ruleset
from assessment.report.export import FORMATS, report_bytes, user_cache_dir


@main.command("report")
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Output file; its suffix picks the format: .docx, .pdf or .json")
@RULES
@LANG
@click.option("--with-model", is_flag=True,
              help="Add the learned model's second opinion (when one is trained; see wenping model train)")
def report_command(answers: Path, output: Path, rules_dir: Path | None, lang: str, with_model: bool) -> None:
    """Score an answer file and write the formal assessment report (Word, PDF or JSON)."""
    _remember_lang(lang)
    fmt = output.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise WenpingError.of(ErrorCode.REPORT_FORMAT, fmt=output.suffix or output.name, formats=", ".join(FORMATS))
    ruleset = load_ruleset(rules_dir)
    document, checked = read_and_check(answers, ruleset, lang)
    result = score(ruleset, checked.kind, checked.answers.values, checked.measures,
                   assessed_at=document.assessed_at or date.today(), model=_advisor(rules_dir) if with_model else None)
    content = report_bytes(result, ruleset, fmt=fmt, lang=lang, cache_dir=user_cache_dir())
    output.write_bytes(content)
    click.echo(f"{output} ({len(content) // 1024} KB)")


def _advisor(rules_dir: Path | None):
    """The trained model, if the model layer is installed and a model exists; else no second opinion."""
    try:
        advisor = importlib.import_module("assessment.model.advisor")
    except ImportError:
        return None
    return advisor.load_advisor(rules_dir=rules_dir)
