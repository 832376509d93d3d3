"""Helpers shared by the workflow services: load-and-authorise, version checks, audit records."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Any, Sequence
from zoneinfo import ZoneInfo

from assessment.errors import ErrorCode, WenpingError
from assessment.i18n import t
from assessment.services.permissions import Action, Principal, forbidden, require
from assessment.storage.tables import Matter, Revision, Unit
from assessment.storage.uow import UnitOfWork

# Months on the dashboard are local months (a submission at 20:00 UTC on the 30th is the 1st in Beijing).
LOCAL_TZ = ZoneInfo(os.environ.get("WENPING_TIMEZONE", "Asia/Shanghai"))


def local_month(moment: datetime) -> str:
    return moment.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ).strftime("%Y-%m")


# Messages name things in the reader's language: the entity, then a state from the interface catalogs.
ENTITY_ZH = {"matter": "事项", "unit": "单位", "user": "用户", "section": "章节", "measure follow-up": "跟踪措施"}


def not_found(entity: str, key: Any) -> WenpingError:
    return WenpingError.of(ErrorCode.STORE_NOT_FOUND, entity=ENTITY_ZH[entity], entity_en=entity, id=key)


def duplicate(entity: str, key: Any) -> WenpingError:
    return WenpingError.of(ErrorCode.STORE_DUPLICATE, entity=ENTITY_ZH[entity], entity_en=entity, key=key)


def invalid(field: tuple[str, str], detail: tuple[str, str]) -> WenpingError:
    """STORE-512; the field and the detail as (zh, en)."""
    return WenpingError.of(ErrorCode.STORE_INVALID, field=field[0], field_en=field[1], detail=detail[0], detail_en=detail[1])


def not_one_of(field: tuple[str, str], value: Any, allowed: Sequence[str]) -> WenpingError:
    return invalid(field, (f"“{value}”不是可选值（{'、'.join(allowed)}）", f"'{value}' is not one of {', '.join(allowed)}"))


def load_matter(uow: UnitOfWork, actor: Principal, matter_id: int, action: Action, *,
                for_update: bool = False) -> tuple[Matter, Unit]:
    matter = uow.matters.get(matter_id, for_update=for_update)
    if matter is None:
        raise not_found("matter", matter_id)
    unit = uow.units.get(matter.unit_id)
    require(actor, action, unit_id=unit.id, unit_path=unit.path, target=f"matter {matter_id}")
    if matter.state == "draft" and actor.scope().hide_drafts:  # a draft is its unit's own business until submitted
        raise forbidden(actor, action, f"matter {matter_id}")
    return matter, unit


def check_version(matter: Matter, expected: int | None) -> None:
    """Optimistic check: the caller acted on what it saw; if someone changed it since, nothing is saved."""
    if expected is not None and matter.version != expected:
        raise conflict(matter.id, expected, matter.version)


def conflict(matter_id: int, expected: Any, actual: Any, entity: str = "matter") -> WenpingError:
    return WenpingError.of(ErrorCode.STORE_CONFLICT, entity=ENTITY_ZH[entity], entity_en=entity, id=matter_id,
                           expected=expected, actual=actual)


def check_state(matter: Matter, allowed: tuple[str, ...], doing: tuple[str, str]) -> None:
    """``doing``: what was tried, as (zh, en), e.g. ("提交", "submitted")."""
    if matter.state not in allowed:
        raise WenpingError.of(ErrorCode.STORE_BAD_STATE, entity=ENTITY_ZH["matter"], entity_en="matter", id=matter.id,
                              state=t(f"state.{matter.state}", "zh"), state_en=t(f"state.{matter.state}", "en"),
                              action=doing[0], action_en=doing[1])


def numbered(revisions: Sequence[Any], number: int, matter_id: int) -> Any:
    """The revision of that number among a matter's revisions (rows or their views)."""
    found = next((r for r in revisions if r.number == number), None)
    if found is None:
        raise WenpingError.of(ErrorCode.STORE_NO_REVISION, matter=matter_id, number=number)
    return found


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
