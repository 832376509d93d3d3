"""Counts for the dashboard: matters in the actor's scope by level, kind, unit and month."""

from __future__ import annotations

from dataclasses import dataclass

from assessment.services.permissions import Action, Principal, require
from assessment.storage.repositories import QueueFilter
from assessment.storage.uow import UnitOfWork


@dataclass(frozen=True)
class Dashboard:
    total: int
    by_level: dict[str, int]
    by_kind: dict[str, int]
    by_unit: dict[str, int]  # unit code → count
    by_month: dict[str, int]  # "2026-11" (local month of submission) → count
    by_state: dict[str, int]


def dashboard(uow: UnitOfWork, actor: Principal, flt: QueueFilter = QueueFilter()) -> Dashboard:
    """Submitted matters only (drafts are nobody's business but their unit's)."""
    require(actor, Action.VIEW)
    if not flt.states:
        flt = QueueFilter(**{**flt.__dict__, "states": ("submitted", "in_review", "approved", "returned")})
    with uow:
        scope = actor.scope()
        count = lambda column: uow.matters.count_by(column, scope, flt)  # noqa: E731
        by_unit_id = count("unit_id")
        units = uow.units.by_ids(uid for uid, _ in by_unit_id)
        by_state = {k: n for k, n in count("state")}
        return Dashboard(
            total=sum(by_state.values()),
            by_level={(k or "-"): n for k, n in count("level")},
            by_kind={k: n for k, n in count("kind")},
            by_unit={units[k].code: n for k, n in by_unit_id},
            by_month={(k or "-"): n for k, n in count("submitted_month")},
            by_state=by_state,
        )
