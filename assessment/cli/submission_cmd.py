"""`wenping submission export|import` and `wenping questionnaire excel`.

Without --as, commands act as the operator at the server's shell (the `system` admin principal);
with --as USER they act with that user's permissions.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from assessment.cli import main
from assessment.cli.assess_cmd import questionnaire_group
from assessment.cli.db_cmd import open_database
from assessment.errors import ErrorCode, WenpingError
from assessment.services import admin, bundle, workbook
from assessment.services.permissions import SYSTEM
from assessment.services.scoring import RulesScorer

_as_option = click.option("--as", "as_user", help="Act as this user (its permissions apply); default: system")
_rules_option = click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                             help="Rule-set folder (default: WENPING_RULES or rules/)")


def _actor(database, as_user: str | None):
    return admin.principal_for(database.uow(read_only=True), as_user) if as_user else SYSTEM


@main.group("submission")
def submission_group() -> None:
    """Move one submission in and out as a JSON bundle (or import a filled Excel workbook)."""


@submission_group.command("export")
@click.argument("matter_id", type=int)
@click.option("-r", "--revision", type=int, help="Revision number (default: the newest submitted one)")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout)")
@_as_option
def submission_export(matter_id: int, revision: int | None, output: Path | None, as_user: str | None) -> None:
    """Write the bundle (format wenping.submission-bundle v1, see assessment/services/bundle.py)."""
    database = open_database()
    data = bundle.export_bundle(database.uow(read_only=True), _actor(database, as_user), matter_id, revision)
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"OK: matter {matter_id} revision {data['revision']['number']} → {output}")
    else:
        click.echo(text)


@submission_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", help="Unit to import into (default: the acting user's unit)")
@click.option("--title", help="Title of the new matter")
@_as_option
@_rules_option
def submission_import(path: Path, unit_code: str | None, title: str | None, as_user: str | None,
                      rules_dir: Path | None) -> None:
    """Make a new draft from a JSON bundle (.json) or a filled questionnaire workbook (.xlsx)."""
    database = open_database()
    actor = _actor(database, as_user)
    if path.suffix.lower() == ".xlsx":
        scorer = RulesScorer(rules_dir)
        summary = workbook.import_workbook(database.uow(), actor, scorer.ruleset(), path, scorer, title=title,
                                           unit_code=unit_code)
    else:
        summary = bundle.import_bundle(database.uow(), actor, _read_json(path), RulesScorer(rules_dir),
                                       unit_code=unit_code, title=title)
    click.echo(f"OK: new draft matter {summary.id} ({summary.kind}) in unit {summary.unit_code}: {summary.title}")


def _read_json(path: Path):
    if path.stat().st_size > bundle.MAX_BUNDLE_BYTES:
        raise WenpingError.of(ErrorCode.STORE_BUNDLE, detail="larger than 20 MB")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WenpingError.of(ErrorCode.STORE_BUNDLE, detail=f"not UTF-8 JSON: {error}") from None


@questionnaire_group.command("excel")  # the group is the scoring core's (`questionnaire show`)
@click.argument("kind")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
@_rules_option
def questionnaire_excel(kind: str, output: Path, rules_dir: Path | None) -> None:
    """Write an Excel workbook of KIND's questionnaire to fill offline (then: wenping submission import)."""
    output.write_bytes(workbook.build_workbook(RulesScorer(rules_dir).ruleset(), kind))
    click.echo(f"OK: {output}")
