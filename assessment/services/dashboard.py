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
        # Three passes over the covering index: (state, level, kind) together, then unit, then month.
        combined = uow.matters.count_by(("state", "level", "kind"), scope, flt)
        by_unit_id = uow.matters.count_by(("unit_id",), scope, flt)
        by_month = uow.matters.count_by(("submitted_month",), scope, flt)
        units = uow.units.by_ids(uid for uid, _ in by_unit_id)
        return Dashboard(
            total=sum(n for *_, n in combined),
            by_level=_sum(combined, 1),
            by_kind=_sum(combined, 2),
            by_unit={units[uid].code: n for uid, n in by_unit_id},
            by_month={(month or "-"): n for month, n in by_month},
            by_state=_sum(combined, 0),
        )


def _sum(rows: list[tuple], position: int) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        key = row[position] or "-"
        totals[key] = totals.get(key, 0) + row[-1]
    return dict(sorted(totals.items()))
