"""Repositories: the only code that builds queries. Services call them; nothing else does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import ColumnElement, Select, and_, func, select, true
from sqlalchemy.orm import Session

from assessment.storage import audit
from assessment.storage.tables import (
    AuditEntry,
    Matter,
    MeasureFollowUp,
    Outcome,
    Review,
    Revision,
    Unit,
    User,
)


@dataclass(frozen=True)
class Scope:
    """Which units' matters a query may see: all, one unit, or a jurisdiction (a path prefix);
    ``hide_drafts``: not matters that were never submitted (a reviewer's view)."""

    unit_id: int | None = None
    path_prefix: str | None = None
    hide_drafts: bool = False

    @classmethod
    def everything(cls) -> "Scope":
        return cls()

    def matter_filter(self) -> ColumnElement[bool]:
        if self.unit_id is not None:
            return and_(Matter.unit_id == self.unit_id, self.state_filter())
        if self.path_prefix is not None:
            return and_(Matter.unit_id.in_(select(Unit.id).where(Unit.path.startswith(self.path_prefix, autoescape=True))),
                        self.state_filter())
        return self.state_filter()

    def state_filter(self) -> ColumnElement[bool]:
        return Matter.state != "draft" if self.hide_drafts else true()

    def unit_filter(self) -> ColumnElement[bool]:
        if self.unit_id is not None:
            return Unit.id == self.unit_id
        if self.path_prefix is not None:
            return Unit.path.startswith(self.path_prefix, autoescape=True)
        return true()


class Units:
    def __init__(self, session: Session):
        self.session = session

    def add(self, unit: Unit, parent: Unit | None) -> Unit:
        self.session.add(unit)
        self.session.flush()  # the id is part of the path
        unit.path = f"{parent.path if parent else '/'}{unit.id}/"
        return unit

    def get(self, unit_id: int) -> Unit | None:
        return self.session.get(Unit, unit_id)

    def by_code(self, code: str) -> Unit | None:
        return self.session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()

    def list(self, scope: Scope) -> Sequence[Unit]:
        return self.session.execute(select(Unit).where(scope.unit_filter()).order_by(Unit.path)).scalars().all()

    def by_ids(self, ids: Iterable[int]) -> dict[int, Unit]:
        ids = list(set(ids))
        if not ids:
            return {}
        return {u.id: u for u in self.session.execute(select(Unit).where(Unit.id.in_(ids))).scalars()}


class Users:
    def __init__(self, session: Session):
        self.session = session

    def add(self, user: User) -> User:
        self.session.add(user)
        self.session.flush()
        return user

    def get(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    def by_username(self, username: str, *, for_update: bool = False) -> User | None:
        query = select(User).where(User.username == username)
        if for_update:
            # of=User: PostgreSQL refuses to lock the nullable side of the joined unit.
            query = query.with_for_update(of=User).execution_options(populate_existing=True)
        return self.session.execute(query).scalar_one_or_none()

    def first_admin_id(self) -> int | None:
        return self.session.execute(select(User.id).where(User.role == "admin").order_by(User.id).limit(1)).scalar()

    def list(self, scope: Scope) -> Sequence[User]:
        query = select(User).outerjoin(Unit, User.unit_id == Unit.id)
        if scope.unit_id is not None or scope.path_prefix is not None:
            query = query.where(scope.unit_filter())
        return self.session.execute(query.order_by(User.username)).scalars().all()


@dataclass(frozen=True)
class QueueFilter:
    states: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    unit_ids: tuple[int, ...] = ()
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    text: str | None = None


class Matters:
    def __init__(self, session: Session):
        self.session = session

    def add(self, matter: Matter) -> Matter:
        self.session.add(matter)
        self.session.flush()
        return matter

    def get(self, matter_id: int, *, for_update: bool = False) -> Matter | None:
        if not for_update:
            return self.session.get(Matter, matter_id)
        # Lock the row (PostgreSQL): a second writer waits, then sees the first one's new version.
        query = select(Matter).where(Matter.id == matter_id).with_for_update()
        return self.session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()

    def _scope_condition(self, scope: Scope) -> ColumnElement[bool]:
        # A jurisdiction (or everything) becomes its list of unit ids (hundreds at most): both back
        # ends then seek the covering index unit by unit instead of joining on a LIKE or scanning.
        if scope.unit_id is not None:
            return scope.matter_filter()
        ids = self.session.execute(select(Unit.id).where(scope.unit_filter())).scalars().all()
        return and_(Matter.unit_id.in_(ids), scope.state_filter())

    def _filtered(self, query: Select, scope: Scope, flt: QueueFilter) -> Select:
        conditions = [self._scope_condition(scope)]
        if flt.states:
            conditions.append(Matter.state.in_(flt.states))
        if flt.levels:
            conditions.append(Matter.level.in_(flt.levels))
        if flt.kinds:
            conditions.append(Matter.kind.in_(flt.kinds))
        if flt.unit_ids:
            conditions.append(Matter.unit_id.in_(flt.unit_ids))
        if flt.submitted_from:
            conditions.append(Matter.submitted_at >= flt.submitted_from)
        if flt.submitted_to:
            conditions.append(Matter.submitted_at < flt.submitted_to)
        if flt.text:
            conditions.append(Matter.title.contains(flt.text, autoescape=True))
        # SQLite's planner otherwise walks ix_matters_level or ix_matters_submitted_at to save a sort and
        # reads every row to test the jurisdiction: ten times slower at 100,000 matters.
        return query.where(and_(*conditions)).with_hint(Matter, "INDEXED BY ix_matters_scope_cover", "sqlite")

    def page(self, scope: Scope, flt: QueueFilter, *, limit: int, offset: int) -> Sequence[Matter]:
        query = self._filtered(select(Matter), scope, flt)
        order = (Matter.submitted_at.desc().nulls_last(), Matter.id.desc())
        return self.session.execute(query.order_by(*order).limit(limit).offset(offset)).scalars().all()

    def count(self, scope: Scope, flt: QueueFilter) -> int:
        return self.session.execute(self._filtered(select(func.count(Matter.id)), scope, flt)).scalar_one()

    def count_by(self, columns: Sequence[str], scope: Scope, flt: QueueFilter) -> list[tuple[Any, ...]]:
        """Rows of (value of each column …, count)."""
        cols = [getattr(Matter, c) for c in columns]
        query = self._filtered(select(*cols, func.count(Matter.id)), scope, flt).group_by(*cols).order_by(*cols)
        return [tuple(row) for row in self.session.execute(query)]


class Revisions:
    def __init__(self, session: Session):
        self.session = session

    def add(self, revision: Revision) -> Revision:
        self.session.add(revision)
        self.session.flush()
        return revision

    def get(self, matter_id: int, number: int, *, for_update: bool = False) -> Revision | None:
        query = select(Revision).where(Revision.matter_id == matter_id, Revision.number == number)
        if for_update:
            query = query.with_for_update().execution_options(populate_existing=True)
        return self.session.execute(query).scalar_one_or_none()

    def for_matter(self, matter_id: int) -> Sequence[Revision]:
        query = select(Revision).where(Revision.matter_id == matter_id).order_by(Revision.number)
        return self.session.execute(query).scalars().all()

    def frozen(self) -> Iterable[Revision]:
        query = select(Revision).where(Revision.content_hash.is_not(None)).order_by(Revision.id)
        yield from self.session.execute(query.execution_options(yield_per=500)).scalars()


class Reviews:
    def __init__(self, session: Session):
        self.session = session

    def add(self, review: Review) -> Review:
        self.session.add(review)
        return review

    def for_matter(self, matter_id: int) -> Sequence[Review]:
        query = select(Review).where(Review.matter_id == matter_id).order_by(Review.id)
        return self.session.execute(query).scalars().all()


class FollowUps:
    def __init__(self, session: Session):
        self.session = session

    def add(self, item: MeasureFollowUp) -> MeasureFollowUp:
        self.session.add(item)
        return item

    def get(self, item_id: int, *, for_update: bool = False) -> MeasureFollowUp | None:
        if not for_update:
            return self.session.get(MeasureFollowUp, item_id)
        query = select(MeasureFollowUp).where(MeasureFollowUp.id == item_id).with_for_update()
        return self.session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()

    def for_matter(self, matter_id: int) -> Sequence[MeasureFollowUp]:
        query = select(MeasureFollowUp).where(MeasureFollowUp.matter_id == matter_id).order_by(MeasureFollowUp.position)
        return self.session.execute(query).scalars().all()

    def in_scope(self, scope: Scope) -> Sequence[tuple[MeasureFollowUp, Matter]]:
        query = (select(MeasureFollowUp, Matter).join(Matter, Matter.id == MeasureFollowUp.matter_id)
                 .where(scope.matter_filter()).order_by(MeasureFollowUp.due_date, MeasureFollowUp.id))
        return self.session.execute(query).all()

    def overdue(self, scope: Scope, today: date) -> Sequence[MeasureFollowUp]:
        query = (select(MeasureFollowUp).join(Matter, Matter.id == MeasureFollowUp.matter_id)
                 .where(scope.matter_filter(), MeasureFollowUp.due_date < today,
                        MeasureFollowUp.status.in_(("planned", "in_progress")))
                 .order_by(MeasureFollowUp.due_date, MeasureFollowUp.id))
        return self.session.execute(query).scalars().all()


class Outcomes:
    def __init__(self, session: Session):
        self.session = session

    def add(self, outcome: Outcome) -> Outcome:
        self.session.add(outcome)
        self.session.flush()
        return outcome

    def for_matter(self, matter_id: int) -> Sequence[Outcome]:
        query = select(Outcome).where(Outcome.matter_id == matter_id).order_by(Outcome.occurred_on, Outcome.id)
        return self.session.execute(query).scalars().all()

    def in_scope(self, scope: Scope) -> Sequence[Outcome]:
        query = (select(Outcome).join(Matter, Matter.id == Outcome.matter_id).where(scope.matter_filter())
                 .order_by(Outcome.matter_id, Outcome.occurred_on))
        return self.session.execute(query).scalars().all()


class AuditTrail:
    def __init__(self, session: Session):
        self.session = session

    def append(self, **kwargs) -> AuditEntry:
        return audit.append(self.session, **kwargs)

    def verify(self) -> audit.Report:
        return audit.verify(self.session)

    def count(self) -> int:
        return self.session.execute(select(func.count(AuditEntry.seq))).scalar_one()

    def by_action(self, action: str) -> Iterable[AuditEntry]:
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)
        yield from self.session.execute(query.execution_options(yield_per=2000)).scalars()
