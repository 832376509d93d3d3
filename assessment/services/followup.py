"""After the decision: measure follow-up (督查督办: status, due date, overdue) and outcome records
(collective petitions, incidents, work stopped by protest) that the learned model trains on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from assessment.services._common import (
    acting_user_id,
    check_state,
    conflict,
    invalid,
    load_matter,
    not_found,
    not_one_of,
    record,
    touch,
)
from assessment.services.permissions import Action, Principal, require
from assessment.services.views import FollowUpView, OutcomeView
from assessment.storage.repositories import QueueFilter
from assessment.storage.tables import Outcome
from assessment.storage.uow import UnitOfWork

FOLLOW_UP_STATUSES = ("planned", "in_progress", "done", "dropped")
OUTCOME_KINDS = ("collective_petition", "incident", "work_stopped")
DECIDED = ("approved",)
# Decisions after which the matter went ahead: only these can teach what follows a decision. A matter
# postponed or stopped had no chance to cause an event, so counting it as "no event" would flatter the rules.
WENT_AHEAD = ("proceed", "proceed_with_conditions")


def list_followups(uow: UnitOfWork, actor: Principal, matter_id: int) -> list[FollowUpView]:
    with uow:
        matter, _ = load_matter(uow, actor, matter_id, Action.VIEW)
        today = uow.now().date()
        return [FollowUpView.of(f, today) for f in uow.followups.for_matter(matter.id)]


def overdue(uow: UnitOfWork, actor: Principal) -> list[FollowUpView]:
    """Unfinished measures past their due date, in the actor's scope, oldest first."""
    require(actor, Action.VIEW)
    with uow:
        today = uow.now().date()
        return [FollowUpView.of(f, today) for f in uow.followups.overdue(actor.scope(), today)]


def update_followup(uow: UnitOfWork, actor: Principal, followup_id: int, *, expected_version: int,
                    status: str | None = None, note: str | None = None, due_date: date | None = None) -> FollowUpView:
    if status is not None and status not in FOLLOW_UP_STATUSES:
        raise not_one_of(("落实状态", "status"), status, FOLLOW_UP_STATUSES)
    with uow:
        item = uow.followups.get(followup_id, for_update=True)
        if item is None:
            raise not_found("measure follow-up", followup_id)
        # A deadline set at approval is the supervisor's to move (督办), not the responsible unit's.
        matter, _ = load_matter(uow, actor, item.matter_id, Action.REVIEW if due_date is not None else Action.FOLLOW_UP)
        if item.version != expected_version:
            raise conflict(followup_id, expected_version, item.version, entity="measure follow-up")
        changes = _apply(item, status=status, note=note, due_date=due_date)
        item.updated_at, item.updated_by, item.version = uow.now(), acting_user_id(uow, actor), item.version + 1
        record(uow, actor, "followup.update", matter, rows=(item,), followup=item.id, position=item.position, **changes)
        view = FollowUpView.of(item, uow.now().date())
        uow.commit()
        return view


def _apply(item, **fields: Any) -> dict[str, Any]:
    changes = {}
    for name, value in fields.items():
        if value is not None and getattr(item, name) != value:
            changes[name] = [getattr(item, name), value]
            setattr(item, name, value)
    return changes


def record_outcome(uow: UnitOfWork, actor: Principal, matter_id: int, *, kind: str, occurred_on: date,
                   participants: int | None = None, description: str = "") -> OutcomeView:
    if kind not in OUTCOME_KINDS:
        raise not_one_of(("结果类型", "kind"), kind, OUTCOME_KINDS)
    if participants is not None and participants < 0:
        raise invalid(("参与人数", "participants"), (f"不能为负数（{participants}）", f"cannot be negative ({participants})"))
    with uow:
        matter, _ = load_matter(uow, actor, matter_id, Action.RECORD_OUTCOME, for_update=True)
        check_state(matter, DECIDED, ("登记实际结果", "given an outcome"))
        now = uow.now()
        if occurred_on > now.date():
            raise invalid(("发生日期", "occurred_on"), (f"{occurred_on} 晚于今天", f"{occurred_on} is in the future"))
        outcome = uow.outcomes.add(Outcome(matter_id=matter.id, kind=kind, occurred_on=occurred_on,
                                           participants=participants, description=description.strip(),
                                           recorded_by=acting_user_id(uow, actor), recorded_at=now))
        touch(uow, matter)
        record(uow, actor, "outcome.record", matter, rows=(matter, outcome), outcome=outcome.id, kind=kind, occurred_on=occurred_on,
               participants=participants)
        view = OutcomeView.of(outcome)
        uow.commit()
        return view


@dataclass(frozen=True)
class TrainingRecord:
    """One decided matter for the learned model: its frozen result and what happened after."""

    matter_id: int
    kind: str
    decided_on: date
    result: dict[str, Any]
    outcomes: list[OutcomeView]

    def event_within(self, days: int = 365) -> bool:
        return any(0 <= (o.occurred_on - self.decided_on).days <= days for o in self.outcomes)


def training_records(uow: UnitOfWork, actor: Principal) -> list[TrainingRecord]:
    """Matters in scope that were approved to go ahead, with their outcomes (an empty list: no event recorded)."""
    require(actor, Action.VIEW)
    with uow:
        matters = uow.matters.page(actor.scope(), QueueFilter(states=DECIDED), limit=10**9, offset=0)
        outcomes: dict[int, list[OutcomeView]] = {}
        for o in uow.outcomes.in_scope(actor.scope()):
            outcomes.setdefault(o.matter_id, []).append(OutcomeView.of(o))
        records = []
        for m in (m for m in matters if m.decision in WENT_AHEAD):
            rev = uow.revisions.get(m.id, m.current_revision)
            records.append(TrainingRecord(m.id, m.kind, m.decided_at.date(), rev.result or {}, outcomes.get(m.id, [])))
        return records
