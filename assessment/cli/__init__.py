"""`wenping` command line: one module per area registers its commands on the group below.

A command's module is imported only when that command runs (or help lists it): the storage, report and
model modules import SQLAlchemy, matplotlib and scikit-learn, which `wenping assess` does not need.
"""

from __future__ import annotations

import importlib
import sys

import click

from assessment.errors import WenpingError

# Each area adds its commands here: command name → the modules that register it, in order
# (submission_cmd adds `questionnaire excel` to the group assess_cmd makes). A test checks the map.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "assess": ("assess_cmd",),  # assess, rules, questionnaire show
    "rules": ("assess_cmd",),
    "questionnaire": ("assess_cmd", "submission_cmd"),
    "db": ("db_cmd",),  # db, unit, user, audit
    "unit": ("db_cmd",),
    "user": ("db_cmd",),
    "audit": ("db_cmd",),
    "model": ("model_cmd",),  # model train, card, evaluate, explain
    "demo": ("demo_cmd",),  # demo seed
    "submission": ("submission_cmd",),  # submission export/import
    "serve": ("serve_cmd",),
    "report": ("report_cmd",),
}


class _Group(click.Group):
    """Loads a command's module when the command is asked for, and turns WenpingError into a clear
    message and exit status 2, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        for module in COMMAND_MODULES.get(name, ()):
            importlib.import_module(f"assessment.cli.{module}")
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WenpingError as error:
            lang = (ctx.meta.get("lang") or "zh")
            click.echo(error.message(lang), err=True)
            sys.exit(2)


@click.group(cls=_Group)
def main() -> None:
    """稳评 Wenping: social-stability risk assessment."""
