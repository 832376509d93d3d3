"""`wenping` command line: one module per area registers its commands on the group below."""

from __future__ import annotations

import sys

import click

from assessment.errors import WenpingError


class _Group(click.Group):
    """Turns WenpingError into a clear message and exit status 2, never a traceback."""

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


# Each area adds one import line here; the import registers its commands on `main`.
from assessment.cli import db_cmd  # noqa: E402,F401  (db, unit, user, audit)
from assessment.cli import assess_cmd  # noqa: E402,F401  (assess, rules, questionnaire)
from assessment.cli import model_cmd  # noqa: E402,F401  (model train, card, evaluate, explain)
from assessment.cli import demo_cmd  # noqa: E402,F401  (demo seed)
from assessment.cli import submission_cmd  # noqa: E402,F401  (submission export/import, questionnaire excel)
from assessment.cli import serve_cmd  # noqa: E402,F401  (serve)
from assessment.cli import report_cmd  # noqa: E402,F401  (report)
