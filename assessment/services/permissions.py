"""Who may do what, to which unit's matters.

A submitter acts on its own unit's matters; a reviewer on the units of its jurisdiction (its unit
and every unit below it); an admin on all. The checks live here and services call them on every path.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Literal

from assessment.errors import ErrorCode, WenpingError
from assessment.storage.repositories import Scope

Role = Literal["submitter", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("submitter", "reviewer", "admin")


class Action(Enum):
    VIEW = ("查看", "view")
    DRAFT = ("填报或修改", "draft or change")
    SUBMIT = ("提交", "submit")
    REVIEW = ("审核", "review")
    FOLLOW_UP = ("跟踪措施", "follow up measures of")
    RECORD_OUTCOME = ("登记实际结果", "record the outcome of")
    IMPORT = ("导入到", "import into")
    ADMINISTER = ("管理单位和用户", "manage units and users")
    VERIFY_AUDIT = ("核验审计日志", "verify the audit log")

    @property
    def label(self) -> str:
        return self.value[1]


# Which roles may take each action at all; the unit check comes on top.
ALLOWED: dict[Action, frozenset[str]] = {
    Action.VIEW: frozenset({"submitter", "reviewer", "admin"}),
    Action.DRAFT: frozenset({"submitter", "admin"}),
    Action.SUBMIT: frozenset({"submitter", "admin"}),
    Action.REVIEW: frozenset({"reviewer", "admin"}),
    Action.FOLLOW_UP: frozenset({"submitter", "reviewer", "admin"}),
    Action.RECORD_OUTCOME: frozenset({"submitter", "reviewer", "admin"}),
    Action.IMPORT: frozenset({"submitter", "admin"}),
    Action.ADMINISTER: frozenset({"admin"}),
    Action.VERIFY_AUDIT: frozenset({"admin"}),
}


@dataclass(frozen=True)
class Principal:
    """The person (or the operator's shell) acting. Built from a login or from a user name."""

    username: str
    role: Role
    user_id: int | None = None
    unit_id: int | None = None
    unit_path: str | None = None

    def scope(self) -> Scope:
        if self.role == "admin":
            return Scope.everything()
        if self.role == "reviewer":
            return Scope(path_prefix=self.unit_path or "/nothing/", hide_drafts=True)
        return Scope(unit_id=self.unit_id if self.unit_id is not None else -1)

    def covers(self, unit_id: int, unit_path: str) -> bool:
        if self.role == "admin":
            return True
        if self.role == "reviewer":
            return self.unit_path is not None and unit_path.startswith(self.unit_path)
        return self.unit_id == unit_id


# The operator at the server's shell: the CLI's admin commands act as this principal.
SYSTEM = Principal(username="system", role="admin")


def forbidden(actor: Principal, action: Action, target: str) -> WenpingError:
    # The Chinese message names the action in Chinese (the English one through action_en).
    return WenpingError.of(ErrorCode.AUTH_FORBIDDEN, user=actor.username, role=actor.role,
                           action=action.value[0], action_en=action.label, target=target)


def require(actor: Principal, action: Action, *, unit_id: int | None = None, unit_path: str | None = None,
            target: str = "") -> None:
    """Raise AUTH-607 unless the actor's role may take the action on that unit (if one is given)."""
    if actor.role not in ALLOWED[action]:
        raise forbidden(actor, action, target or action.label)
    if unit_id is not None and not actor.covers(unit_id, unit_path or ""):
        raise forbidden(actor, action, target)
