"""Engine and session factory.

SQLite by default (a file under ``data/``, WAL, foreign keys on); PostgreSQL when
``WENPING_DATABASE_URL`` says ``postgresql+psycopg://…``, for several app instances on one database.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

ENV_URL = "WENPING_DATABASE_URL"
DEFAULT_SQLITE_FILE = Path("data") / "wenping.db"
# Writers wait this long for the SQLite write lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000


# SQLAlchemy drops table hints on SQLite; SQLite's own syntax is exactly "<table> INDEXED BY <index>",
# so render them as given (used by the review queue and dashboard; PostgreSQL ignores SQLite hints).
SQLiteCompiler.get_from_hint_text = lambda self, table, text: text


def database_url(url: str | None = None) -> str:
    return url or os.environ.get(ENV_URL) or f"sqlite:///{DEFAULT_SQLITE_FILE}"


def database_exists(url: str | None = None) -> bool:
    """False for a SQLite file that is not there yet (opening it would create it); other servers: True."""
    parsed = make_url(database_url(url))
    return parsed.get_backend_name() != "sqlite" or not parsed.database or Path(parsed.database).is_file()


def make_engine(url: str | None = None, **kwargs) -> Engine:
    url = database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, **kwargs)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: services hand detached read models to callers after commit.
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def _sqlite_engine(url, **kwargs) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    # Take transaction control from the sqlite3 module so that we can say BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_on_begin(connection) -> None:
    # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when another
    # writer got in between; taking the write lock up front makes writers queue instead.
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def read_only(engine: Engine) -> Engine:
    """The same pool, but SQLite transactions start deferred so readers never wait for writers."""
    return engine.execution_options(sqlite_begin="DEFERRED")
