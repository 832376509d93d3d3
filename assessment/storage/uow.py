"""Unit of work: one transaction, the repositories on its session, and the clock."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from assessment.errors import ErrorCode, WenpingError
from assessment.storage import db
from assessment.storage.repositories import (
    AuditTrail,
    FollowUps,
    Matters,
    Outcomes,
    Reviews,
    Revisions,
    Units,
    Users,
)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """Naive UTC: what every DateTime column holds, on both back ends."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Database:
    """One per process: the engine (a pool, thread-safe) and a factory of units of work."""

    def __init__(self, url: str | None = None, *, clock: Clock = utcnow, engine: Engine | None = None):
        self.engine = engine or db.make_engine(url)
        self.url = self.engine.url.render_as_string(hide_password=True)
        self.clock = clock
        self._writer = db.make_session_factory(self.engine)
        self._reader = db.make_session_factory(db.read_only(self.engine))

    def uow(self, *, read_only: bool = False) -> "UnitOfWork":
        return UnitOfWork(self._reader if read_only else self._writer, clock=self.clock)

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """``with uow: …; uow.commit()``. Leaving the block without commit rolls everything back."""

    def __init__(self, session_factory: Callable[[], Session], *, clock: Clock = utcnow):
        self._factory = session_factory
        self.clock = clock
        self.session: Session | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self._factory()
        try:
            self.session.begin()
            self.session.connection()  # open now, so a missing database is reported here
        except OperationalError as error:
            self.session.close()
            raise WenpingError.of(ErrorCode.STORE_DB_UNAVAILABLE, url=str(self.session.bind.url),
                                  detail=str(error.orig)) from error
        s = self.session
        self.units, self.users, self.matters = Units(s), Users(s), Matters(s)
        self.revisions, self.reviews = Revisions(s), Reviews(s)
        self.followups, self.outcomes, self.audit = FollowUps(s), Outcomes(s), AuditTrail(s)
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.session.in_transaction():
                self.session.rollback()
        finally:
            self.session.close()

    def now(self) -> datetime:
        return self.clock()

    def flush(self) -> None:
        self.session.flush()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
