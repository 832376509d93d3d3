"""`wenping demo seed`: fill a NEW database with demonstration units, accounts and matters."""

from __future__ import annotations

from pathlib import Path

import click

from assessment.cli import main
from assessment.services.demo import EXAMPLES, seed_demo
from assessment.services.scoring import RulesScorer
from assessment.storage.migrate import upgrade
from assessment.storage.uow import Database


@main.group("demo")
def demo_group() -> None:
    """Demonstration data."""


@demo_group.command("seed")
@click.option("--examples", type=click.Path(exists=True, file_okay=False, path_type=Path), default=EXAMPLES,
              show_default=True, help="Folder of example answer files, one per kind")
@click.option("--rules", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Rule-set folder (default: WENPING_RULES or rules/)")
def demo_seed(examples: Path, rules: Path | None) -> None:
    """Create the schema if needed, then demo units, users of every role and matters in every state.

    Refuses a database that already has units or users: demo accounts never go into real data."""
    database = Database()
    upgrade(database.engine)
    summary = seed_demo(database, RulesScorer(rules), examples)
    click.echo(f"OK: {summary.units} units, {len(summary.users)} users, {summary.matters} matters in {database.url}")
    click.echo(f"Demo accounts (password {summary.password}): {', '.join(summary.users)}")
