"""`wenping model train|card|evaluate|explain`: the learned model (a second opinion beside the rules).

scikit-learn is imported inside the commands, so that other commands do not wait for it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from assessment.cli import main
from assessment.i18n import t

LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Output language")
MODEL_DIR = click.option("--model-dir", type=click.Path(path_type=Path), default=None,
                         help="Model directory (default: $WENPING_MODEL_DIR or data/models)")
VERSION = click.option("--version", "version", default=None, help="Model version (default: the current one)")
SEED = click.option("--seed", type=int, default=None, help="Seed of the simulator and the split")
FROM_DB = click.option("--from-db", is_flag=True,
                       help="Also use the recorded outcomes of decided matters (database: $WENPING_DATABASE_URL)")


def _remember_lang(lang: str) -> None:
    click.get_current_context().find_root().meta["lang"] = lang


@main.group("model")
def model_group() -> None:
    """The learned model: train, show its card, evaluate it, explain an assessment."""


@model_group.command("train")
@click.option("--reference", type=click.IntRange(min=0), default=None,
              help="Reference (simulated) records to include [default: 20000]")
@SEED
@FROM_DB
@MODEL_DIR
@LANG
def train_command(reference: int | None, seed: int | None, from_db: bool, model_dir: Path | None, lang: str) -> None:
    """Train a new model version, save it and make it current."""
    from assessment.model.persistence import model_dir as resolve, save
    from assessment.model.simulator import DEFAULT_SEED
    from assessment.model.training import DEFAULT_REFERENCE, reference_records, train

    _remember_lang(lang)
    seed = DEFAULT_SEED if seed is None else seed
    records = reference_records(DEFAULT_REFERENCE if reference is None else reference, seed)
    if from_db:
        records += _recorded(lang)
    trained = train(records, seed=seed, created=date.today())
    manifest = save(trained.pipeline, trained.card, model_dir)
    click.echo(t("model.train.done", lang, version=manifest.version, dir=resolve(model_dir)))
    _audit_activation(manifest, lang)
    caveat = trained.card.caveat()
    if caveat:
        click.echo(caveat.get(lang))
    _echo_metrics(trained.card.held_out, lang)


@model_group.command("card")
@VERSION
@MODEL_DIR
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@LANG
def card_command(version: str | None, model_dir: Path | None, fmt: str, lang: str) -> None:
    """Print the model card: data, date, AUC, Brier score, calibration, sign checks."""
    from assessment.errors import ErrorCode, WenpingError
    from assessment.model.card import render_card
    from assessment.model.persistence import current_version, model_dir as resolve, read_manifest

    _remember_lang(lang)
    version = version or current_version(model_dir)
    if version is None:
        raise WenpingError.of(ErrorCode.MODEL_NONE, dir=str(resolve(model_dir)))
    manifest = read_manifest(model_dir, version)
    if fmt == "json":
        click.echo(manifest.model_dump_json(indent=2))
    else:
        click.echo(render_card(manifest.card, manifest.version, manifest.libraries, lang), nl=False)


@model_group.command("evaluate")
@VERSION
@click.option("--reference", type=click.IntRange(min=0), default=10_000, show_default=True,
              help="Freshly simulated records to evaluate on (0: none)")
@SEED
@FROM_DB
@MODEL_DIR
@LANG
def evaluate_command(version: str | None, reference: int, seed: int | None, from_db: bool, model_dir: Path | None,
                     lang: str) -> None:
    """Check a model on fresh simulated data (a seed it was not trained with) and/or recorded outcomes."""
    import numpy as np

    from assessment.errors import ErrorCode, WenpingError
    from assessment.model.card import metric_lines
    from assessment.model.evaluation import measure
    from assessment.model.persistence import load
    from assessment.model.training import predict, reference_records

    _remember_lang(lang)
    model = load(model_dir, version)
    seed = model.manifest.card.seed + 1 if seed is None else seed
    sets = []
    if reference:
        sets.append((t("model.evaluate.fresh", lang, seed=seed), reference_records(reference, seed)))
    if from_db:
        sets.append((t("model.source.recorded", lang), _recorded(lang)))
    sets = [(name, records) for name, records in sets if records]
    if not sets:
        raise WenpingError.of(ErrorCode.MODEL_NO_DATA, purpose="检验", purpose_en="evaluate on",
                              detail="未选择任何数据", detail_en="no data chosen (--reference 0 without --from-db)")
    card = model.manifest.card
    click.echo(f"{t('model.opinion.version', lang)}: {model.manifest.version}")
    if card.caveat():
        click.echo(card.caveat().get(lang))
    if from_db and card.recorded_trained_on:
        click.echo(t("model.evaluate.overlap", lang, recorded=card.recorded_trained_on))
    for name, records in sets:
        probabilities = predict(model.pipeline, (r.source for r in records))
        click.echo(f"\n## {name}\n")
        click.echo("\n".join(metric_lines(measure(probabilities, np.array([r.event for r in records])), lang)))


@model_group.command("explain")
@click.argument("answers", type=click.Path(path_type=Path))
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=None,
              help="Rule-set folder (default: $WENPING_RULES or the bundled rules/)")
@VERSION
@MODEL_DIR
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@LANG
def explain_command(answers: Path, rules_dir: Path | None, version: str | None, model_dir: Path | None, fmt: str,
                    lang: str) -> None:
    """Score an answer file with the rules and show the model's opinion beside them."""
    from assessment.cli.assess_cmd import read_and_check
    from assessment.domain.scoring import score
    from assessment.loader import load_ruleset
    from assessment.model.advisor import load_advisor

    _remember_lang(lang)
    ruleset = load_ruleset(rules_dir)
    document, checked = read_and_check(answers, ruleset, lang)
    advisor = load_advisor(model_dir, rules_dir, version)
    result = score(ruleset, checked.kind, checked.answers.values, checked.measures,
                   assessed_at=document.assessed_at or date.today(), model=advisor)
    if fmt == "json":
        opinion = result.model.model_dump(mode="json") if result.model else None
        click.echo(json.dumps(opinion, ensure_ascii=False, indent=2))
        return
    click.echo(f"{t('result.level_before', lang)}: {t('level.' + result.before.level, lang)}")
    click.echo(opinion_text(result.model, lang), nl=False)


def opinion_text(opinion, lang: str) -> str:
    """A ModelOpinion (or None) as plain text."""
    if opinion is None:
        return t("model.opinion.none", lang) + "\n"
    lines = [f"== {t('model.opinion.title', lang)} =="]
    if opinion.caveat:
        lines.append(f"!! {opinion.caveat.get(lang)}")
    lines += [
        f"{t('model.opinion.version', lang)}: {opinion.version}",
        f"{t('model.opinion.probability', lang)}: {opinion.probability:.1%}",
        f"{t('model.opinion.suggested', lang)}: {t('level.' + opinion.suggested_level, lang)}",
        f"{t('model.opinion.reasons', lang)}:",
        *(f"  {r.contribution:+.2f}  {r.label.get(lang)} = {r.value}" for r in opinion.reasons),
        f"{t('model.opinion.disagreement', lang)}: "
        + (opinion.disagreement.get(lang) if opinion.disagreement else t("model.opinion.agrees", lang)),
    ]
    return "\n".join(lines) + "\n"


def _audit_activation(manifest, lang: str) -> None:
    """Record the new current model in the audit log of the configured database, when there is one."""
    from assessment.cli.db_cmd import open_database
    from assessment.errors import WenpingError
    from assessment.services.audit_service import record_model_activation
    from assessment.services.permissions import SYSTEM
    from assessment.storage.db import database_exists

    try:
        database = open_database() if database_exists() else None
    except WenpingError:  # a schema not yet created or migrated
        database = None
    if database is None:
        click.echo(t("model.train.not_audited", lang))
        return
    try:
        record_model_activation(database.uow(), SYSTEM, manifest)
    finally:
        database.dispose()


def _recorded(lang: str):
    """Usable recorded outcomes from the database, with a line on what was left out."""
    from assessment.cli.db_cmd import open_database
    from assessment.model.training import recorded_records
    from assessment.services.followup import training_records
    from assessment.services.permissions import SYSTEM

    database = open_database()
    try:
        known, pending = recorded_records(training_records(database.uow(read_only=True), SYSTEM), date.today())
    finally:
        database.dispose()
    click.echo(t("model.train.recorded", lang, known=len(known), pending=pending) if known or pending
               else t("model.train.no_recorded", lang))
    return known


def _echo_metrics(held_out, lang: str) -> None:
    for source, metrics in held_out.items():
        auc = "-" if metrics.auc is None else f"{metrics.auc:.3f}"
        click.echo(f"{t('model.card.metrics', lang)} ({t('model.source.' + source, lang)}): AUC {auc}, "
                   f"Brier {metrics.brier:.4f} ({t('model.card.base_rate_brier', lang)} {metrics.base_rate_brier:.4f})")
