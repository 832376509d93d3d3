"""Helpers shared by the workflow services: load-and-authorise, version checks, audit records."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from assessment.errors import ErrorCode, WenpingError
from assessment.services.permissions import Action, Principal, forbidden, require
from assessment.storage.tables import Matter, Revision, Unit
from assessment.storage.uow import UnitOfWork

# Months on the dashboard are local months (a submission at 20:00 UTC on the 30th is the 1st in Beijing).
LOCAL_TZ = ZoneInfo(os.environ.get("WENPING_TIMEZONE", "Asia/Shanghai"))


def local_month(moment: datetime) -> str:
    return moment.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ).strftime("%Y-%m")


def load_matter(uow: UnitOfWork, actor: Principal, matter_id: int, action: Action, *,
                for_update: bool = False) -> tuple[Matter, Unit]:
    matter = uow.matters.get(matter_id, for_update=for_update)
    if matter is None:
        raise WenpingError.of(ErrorCode.STORE_NOT_FOUND, entity="matter", id=matter_id)
    unit = uow.units.get(matter.unit_id)
    require(actor, action, unit_id=unit.id, unit_path=unit.path, target=f"matter {matter_id}")
    if matter.state == "draft" and actor.scope().hide_drafts:  # a draft is its unit's own business until submitted
        raise forbidden(actor, action, f"matter {matter_id}")
    return matter, unit


def check_version(matter: Matter, expected: int | None) -> None:
    """Optimistic check: the caller acted on what it saw; if someone changed it since, nothing is saved."""
    if expected is not None and matter.version != expected:
        raise conflict(matter.id, expected, matter.version)


def conflict(matter_id: int, expected: Any, actual: Any) -> WenpingError:
    return WenpingError.of(ErrorCode.STORE_CONFLICT, entity="matter", id=matter_id, expected=expected, actual=actual)


def check_state(matter: Matter, allowed: tuple[str, ...], doing: str) -> None:
    if matter.state not in allowed:
        raise WenpingError.of(ErrorCode.STORE_BAD_STATE, entity="matter", id=matter.id, state=matter.state,
                              action=doing)


def current_revision(uow: UnitOfWork, matter: Matter, *, for_update: bool = False) -> Revision:
    return uow.revisions.get(matter.id, matter.current_revision, for_update=for_update)


def touch(uow: UnitOfWork, matter: Matter) -> None:
    """Mark the matter changed: a new version, so that a concurrent writer of the old one is refused."""
    matter.version += 1
    matter.updated_at = uow.now()


def record(uow: UnitOfWork, actor: Principal, action: str, matter: Matter, *, rows: Sequence[Any] = (),
           **details: Any) -> None:
    """Audit a change to a matter. ``rows``: the watched rows it wrote, each locked or new in this
    transaction (a stale copy would be recorded as the truth and flag the real row as edited)."""
    uow.audit.append(actor=actor.username, action=action, entity="matter", entity_id=matter.id,
                     details=details, at=uow.now(), rows=rows)


def acting_user_id(uow: UnitOfWork, actor: Principal) -> int:
    """Rows name a user; the shell operator (no account) acts through the first admin account."""
    if actor.user_id is not None:
        return actor.user_id
    user_id = uow.users.first_admin_id()
    if user_id is None:
        raise WenpingError.of(ErrorCode.AUTH_ROLE_UNIT, role=actor.role, need="admin account (wenping user add --role admin)")
    return user_id
