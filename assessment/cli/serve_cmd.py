"""`wenping serve [--demo] [--port N]`: run the Streamlit app (app.py) on the configured database."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from assessment.cli import main
from assessment.services.demo import DEMO_ENV
from assessment.storage.db import ENV_URL

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
DEMO_URL = f"sqlite:///{ROOT / 'data' / 'demo.db'}"


@main.command("serve")
@click.option("--demo", is_flag=True,
              help="Demo data in data/demo.db (or WENPING_DATABASE_URL), made on first start; "
                   "the login page lists the demo accounts")
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.option("--address", default="localhost", show_default=True, help="Address to listen on")
def serve(demo: bool, port: int, address: str) -> None:
    """Start the app. Without --demo the database must exist at the newest schema (wenping db upgrade)."""
    env = dict(os.environ)
    if demo:
        env.setdefault(ENV_URL, DEMO_URL)
        env[DEMO_ENV] = "1"
        _prepare_demo(env[ENV_URL])
    else:
        env.pop(DEMO_ENV, None)
        _check_schema(env.get(ENV_URL))
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
               "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    os.chdir(ROOT)  # Streamlit reads .streamlit/config.toml from the working directory
    os.execve(sys.executable, command, env)


def _check_schema(url: str | None) -> None:
    from assessment.storage.migrate import require_head
    from assessment.storage.uow import Database

    database = Database(url)
    try:
        require_head(database.engine)
    finally:
        database.dispose()


def _prepare_demo(url: str) -> None:
    """Migrate; on an empty database train a model if there is none, then seed the demo data."""
    from assessment.services import admin, app_admin, demo
    from assessment.services.scoring import RulesScorer, current_advisor
    from assessment.services.permissions import SYSTEM
    from assessment.storage.migrate import upgrade
    from assessment.storage.uow import Database

    database = Database(url)
    try:
        upgrade(database.engine)
        if admin.list_units(database.uow(read_only=True), SYSTEM):
            click.echo(f"Demo database {database.url}: already filled")
            return
        if current_advisor() is None:
            click.echo("Training the learned model on reference data (first start only, about half a minute)…")
            app_admin.retrain_model(database.uow(read_only=True), SYSTEM, with_outcomes=False, today=date.today())
        summary = demo.seed_demo(database, RulesScorer())
        click.echo(f"Demo database {database.url}: {summary.units} units, {len(summary.users)} users, "
                   f"{summary.matters} matters; password of every demo account: {summary.password}")
    finally:
        database.dispose()
