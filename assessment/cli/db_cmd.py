"""`wenping db|unit|user|audit …`: the database, units, accounts and the audit chain.

Commands run as the operator at the server's shell (the `system` admin principal), and take the
database from WENPING_DATABASE_URL (default: sqlite file data/wenping.db).
"""

from __future__ import annotations

import sys

import click

from assessment.cli import main
from assessment.errors import WenpingError
from assessment.services import admin, audit_service
from assessment.services.permissions import SYSTEM
from assessment.storage.migrate import require_head, upgrade
from assessment.storage.uow import Database


def open_database(*, check_schema: bool = True) -> Database:
    database = Database()
    if check_schema:
        require_head(database.engine)
    return database


@main.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.option("--url", help="Database URL; default WENPING_DATABASE_URL or sqlite:///data/wenping.db")
def db_upgrade(url: str | None) -> None:
    """Create or migrate the tables to the newest schema (safe to run again)."""
    database = Database(url)
    upgrade(database.engine)
    click.echo(f"OK: {database.url} is at the newest schema")
    database.dispose()


@main.group("unit")
def unit_group() -> None:
    """Units: the jurisdiction tree (市 → 区县 → 镇街) and departments."""


@unit_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(admin.UNIT_KINDS))
@click.option("--parent", "parent_code", help="Code of the unit above it")
def unit_add(code: str, name: str, kind: str, parent_code: str | None) -> None:
    view = admin.add_unit(open_database().uow(), SYSTEM, code=code, name=name, kind=kind, parent_code=parent_code)
    click.echo(f"OK: unit {view.code} ({view.kind}) id {view.id}")


@unit_group.command("list")
def unit_list() -> None:
    for unit in admin.list_units(open_database().uow(read_only=True), SYSTEM):
        click.echo(f"{'  ' * unit.depth}{unit.code}\t{unit.name}\t{unit.kind}")


@main.group("user")
def user_group() -> None:
    """User accounts (argon2 hashes; 5 failed logins lock an account for 15 minutes)."""


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_group.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(("submitter", "reviewer", "admin")))
@click.option("--unit", "unit_code", help="Unit code: the submitter's unit or the reviewer's jurisdiction")
@click.option("--name", "display_name", help="Display name")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin")
def user_add(username: str, role: str, unit_code: str | None, display_name: str | None, password_stdin: bool) -> None:
    password = _read_password(password_stdin)
    view = admin.add_user(open_database().uow(), SYSTEM, username=username, password=password, role=role,
                          unit_code=unit_code, display_name=display_name)
    click.echo(f"OK: user {view.username} ({view.role}, unit {view.unit_code or '-'})")


@user_group.command("list")
def user_list() -> None:
    for user in admin.list_users(open_database().uow(read_only=True), SYSTEM):
        status = "disabled" if user.disabled else ("locked" if user.locked_until else "active")
        click.echo(f"{user.username}\t{user.role}\t{user.unit_code or '-'}\t{status}\t{user.display_name}")


@user_group.command("disable")
@click.argument("username")
def user_disable(username: str) -> None:
    admin.set_disabled(open_database().uow(), SYSTEM, username, True)
    click.echo(f"OK: user {username} disabled")


@user_group.command("enable")
@click.argument("username")
def user_enable(username: str) -> None:
    admin.set_disabled(open_database().uow(), SYSTEM, username, False)
    click.echo(f"OK: user {username} enabled")


@user_group.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin")
def user_passwd(username: str, password_stdin: bool) -> None:
    """Set a new password (also lifts a lock-out)."""
    admin.set_password(open_database().uow(), SYSTEM, username, _read_password(password_stdin))
    click.echo(f"OK: password of {username} changed")


@main.group("audit")
def audit_group() -> None:
    """The hash-chained audit log."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Check every entry's hash and link, and every submitted revision against its recorded hash."""
    result = audit_service.verify(open_database().uow(read_only=True), SYSTEM)
    if not result.ok:
        raise WenpingError([f.problem() for f in result.findings])
    click.echo(f"OK: {result.entries} entries, {result.revisions} submitted revisions; "
               f"head {result.head_seq} {result.head_hash}")
