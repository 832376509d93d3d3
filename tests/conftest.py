"""Shared fixtures. Storage: a real PostgreSQL started by the suite, and `db_url` over both back ends."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

# --- PostgreSQL started by the suite (initdb and pg_ctl as the postgres user, on a free port) ---------


def postgres_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    for path in reversed(candidates):
        if Path(path, "pg_ctl").exists() and Path(path, "initdb").exists():
            return Path(path)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(argv: list[str]) -> list[str]:
    # initdb refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextmanager
def postgres_server(bin_dir: Path) -> Iterator[str]:
    """A throw-away cluster in a temp dir; yields a SQLAlchemy URL to its `postgres` database."""
    root = Path(tempfile.mkdtemp(prefix="wenping-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    port = free_port()
    data, log = root / "data", root / "server.log"
    options = (f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200 "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    try:
        subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                     "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
                       check=True, capture_output=True)
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                                     "-o", options, "start"]), check=True, capture_output=True)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    bin_dir = postgres_bin()
    if bin_dir is None:
        reason = "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    with postgres_server(bin_dir) as url:
        yield url


# --- one migrated template per back end, copied for each test ------------------------------------------

_counter = itertools.count()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory) -> Path:
    from assessment.storage.migrate import upgrade
    from assessment.storage.db import make_engine

    path = tmp_path_factory.mktemp("template") / "wenping.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _with_database(url: str, name: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + name


class PostgresAdmin:
    """Creates and drops databases on the suite's server (a test database is a copy of a template)."""

    def __init__(self, server_url: str):
        self.server_url = server_url

    def _execute(self, sql: str) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.server_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(sql))
        engine.dispose()

    def create(self, name: str, template: str | None = None) -> str:
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
        return _with_database(self.server_url, name)

    def drop(self, name: str) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def fresh_name(self, prefix: str) -> str:
        return f"{prefix}_{os.getpid()}_{next(_counter)}"


@pytest.fixture(scope="session")
def postgres_admin(postgres_url) -> PostgresAdmin:
    return PostgresAdmin(postgres_url)


@pytest.fixture(scope="session")
def _postgres_template(postgres_admin) -> str:
    from assessment.storage.db import make_engine
    from assessment.storage.migrate import upgrade

    engine = make_engine(postgres_admin.create("wenping_template"))
    upgrade(engine)
    engine.dispose()
    return "wenping_template"


@pytest.fixture
def clone_database(backend, tmp_path, request):
    """clone(template) → URL of a fresh copy: of a SQLite file (a Path) or of a PostgreSQL database (a name)."""
    made: list[str] = []

    def clone(template) -> str:
        if backend == "sqlite":
            target = tmp_path / f"db{len(made)}.db"
            shutil.copyfile(template, target)
            made.append(str(target))
            return f"sqlite:///{target}"
        admin = request.getfixturevalue("postgres_admin")
        name = admin.fresh_name("wenping_test")
        made.append(name)
        return admin.create(name, template=template)

    yield clone
    if backend != "sqlite":
        for name in made:
            request.getfixturevalue("postgres_admin").drop(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request) -> str:
    return request.param


@pytest.fixture
def empty_db_url(backend, tmp_path, request) -> Iterator[str]:
    """A URL to an empty database (no tables) on each back end."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin = request.getfixturevalue("postgres_admin")
    name = admin.fresh_name("wenping_empty")
    yield admin.create(name)
    admin.drop(name)


@pytest.fixture
def db_url(backend, clone_database, request) -> str:
    """A URL to a database at the newest schema, fresh for each test, on SQLite and on PostgreSQL."""
    template = "_sqlite_template" if backend == "sqlite" else "_postgres_template"
    return clone_database(request.getfixturevalue(template))


@pytest.fixture
def database(db_url):
    from assessment.storage.uow import Database

    db = Database(db_url)
    yield db
    db.dispose()


# --- optional system components (LibreOffice, chromium …): skip on a laptop, fail in CI ----------------


def require(component: str, reason: str | None) -> None:
    """Call at the top of a test needing ``component``; ``reason`` is None when it is available,
    else why not. The test is skipped with that reason, or fails when CI=true: CI installs everything."""
    if reason is None:
        return
    message = f"{component} is not available: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)
