"""Read models handed to pages and the CLI: plain frozen data, never ORM rows or sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from assessment.domain.ruleset import DECISIONS, LEVELS  # noqa: F401  (pages take them from here)
from assessment.storage.tables import Matter, MeasureFollowUp, Outcome, Review, Revision, Unit

STATES = ("draft", "submitted", "in_review", "returned", "approved")
OPEN_STATUSES = ("planned", "in_progress")  # a measure under follow-up that is still to be done


@dataclass(frozen=True)
class MatterSummary:
    id: int
    unit_id: int
    unit_code: str
    unit_name: str
    kind: str
    title: str
    state: str
    level: str | None
    decision: str | None
    current_revision: int
    submitted_at: datetime | None
    version: int

    @classmethod
    def of(cls, matter: Matter, unit: Unit) -> "MatterSummary":
        return cls(matter.id, matter.unit_id, unit.code, unit.name, matter.kind, matter.title, matter.state,
                   matter.level, matter.decision, matter.current_revision, matter.submitted_at, matter.version)


@dataclass(frozen=True)
class RevisionView:
    number: int
    state: str
    answers: dict[str, Any]
    measures: list[Any]
    result: dict[str, Any] | None
    ruleset_id: str | None
    ruleset_version: str | None
    ruleset_hash: str | None
    model_version: str | None
    level_before: str | None
    level_after: str | None
    content_hash: str | None
    based_on: int | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None

    @classmethod
    def of(cls, rev: Revision, based_on_number: int | None = None) -> "RevisionView":
        return cls(rev.number, rev.state, dict(rev.answers or {}), list(rev.measures or []), rev.result,
                   rev.ruleset_id, rev.ruleset_version, rev.ruleset_hash, rev.model_version, rev.level_before,
                   rev.level_after, rev.content_hash, based_on_number, rev.created_at, rev.updated_at,
                   rev.submitted_at)


@dataclass(frozen=True)
class ReviewView:
    revision: int
    reviewer_id: int
    action: str
    comment: str
    decision: str | None
    level_from: str | None
    level_to: str | None
    at: datetime

    @classmethod
    def of(cls, review: Review, number: int) -> "ReviewView":
        return cls(number, review.reviewer_id, review.action, review.comment, review.decision,
                   review.level_from, review.level_to, review.created_at)


@dataclass(frozen=True)
class FollowUpView:
    id: int
    matter_id: int
    position: int
    title: str
    responsible_unit: str | None
    responsible_leader: str | None
    due_date: date | None
    status: str
    note: str
    overdue: bool
    version: int

    @classmethod
    def of(cls, item: MeasureFollowUp, today: date) -> "FollowUpView":
        overdue = item.status in OPEN_STATUSES and item.due_date is not None and item.due_date < today
        return cls(item.id, item.matter_id, item.position, item.title, item.responsible_unit,
                   item.responsible_leader, item.due_date, item.status, item.note, overdue, item.version)


@dataclass(frozen=True)
class OutcomeView:
    id: int
    matter_id: int
    kind: str
    occurred_on: date
    participants: int | None
    description: str

    @classmethod
    def of(cls, outcome: Outcome) -> "OutcomeView":
        return cls(outcome.id, outcome.matter_id, outcome.kind, outcome.occurred_on, outcome.participants,
                   outcome.description)


@dataclass(frozen=True)
class MatterDetail:
    summary: MatterSummary
    revisions: list[RevisionView]
    reviews: list[ReviewView] = field(default_factory=list)
    followups: list[FollowUpView] = field(default_factory=list)
    outcomes: list[OutcomeView] = field(default_factory=list)

    @property
    def current(self) -> RevisionView:
        return self.revisions[-1]


@dataclass(frozen=True)
class Page:
    items: list[MatterSummary]
    total: int
    offset: int
    limit: int
