"""The app's composition root: the database its services run on, demo mode, and the few storage names
the pages need (re-exported here, so that app_pages import nothing below assessment.services)."""

from __future__ import annotations

import os

from assessment.services._common import LOCAL_TZ
from assessment.services.demo import DEMO_ENV
from assessment.storage.db import database_url
from assessment.storage.migrate import require_head
from assessment.storage.repositories import QueueFilter
from assessment.storage.uow import Database, UnitOfWork

__all__ = ["LOCAL_TZ", "QueueFilter", "UnitOfWork", "database_url", "demo_mode", "open_database"]


def open_database(url: str | None = None) -> Database:
    """The database at `url` (by default WENPING_DATABASE_URL, else the default SQLite file); a schema that
    is not up to date is refused with its problem (wenping db upgrade)."""
    database = Database(database_url(url))
    require_head(database.engine)
    return database


def demo_mode() -> bool:
    """`wenping serve --demo` sets this: the login page then lists the demo accounts."""
    return os.environ.get(DEMO_ENV) == "1"
