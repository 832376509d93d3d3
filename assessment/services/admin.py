"""Units (the jurisdiction tree plus departments) and user accounts. Admin only, except listing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assessment.errors import ErrorCode, WenpingError
from assessment.services._common import duplicate, invalid, not_found, not_one_of
from assessment.services.auth import check_password_rules, hash_password, principal_of
from assessment.services.permissions import ROLES, Action, Principal, require
from assessment.storage.tables import Unit, User
from assessment.storage.uow import UnitOfWork

UNIT_KINDS = ("city", "district", "town", "department")
# A locality sits under the level above it; a department may sit under any locality.
PARENT_KINDS = {"city": {None}, "district": {"city"}, "town": {"district"},
                "department": {"city", "district", "town"}}
JURISDICTIONS = ("city", "district", "town")


@dataclass(frozen=True)
class UnitView:
    id: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    depth: int

    @classmethod
    def of(cls, unit: Unit, parent_code: str | None) -> "UnitView":
        return cls(unit.id, unit.code, unit.name, unit.kind, parent_code, unit.path.count("/") - 2)


@dataclass(frozen=True)
class UserView:
    id: int
    username: str
    display_name: str
    role: str
    unit_code: str | None
    disabled: bool
    locked_until: datetime | None


def _user_view(user: User) -> UserView:
    return UserView(user.id, user.username, user.display_name, user.role,
                    user.unit.code if user.unit else None, user.disabled, user.locked_until)


def add_unit(uow: UnitOfWork, actor: Principal, *, code: str, name: str, kind: str,
             parent_code: str | None = None) -> UnitView:
    require(actor, Action.ADMINISTER)
    if kind not in UNIT_KINDS:
        raise not_one_of(("单位类型", "kind"), kind, UNIT_KINDS)
    with uow:
        if uow.units.by_code(code):
            raise duplicate("unit", code)
        parent = _parent(uow, parent_code)
        if (parent.kind if parent else None) not in PARENT_KINDS[kind]:
            allowed = " / ".join(k or "-" for k in PARENT_KINDS[kind])
            raise invalid(("上级单位", "parent"), (f"{kind} 类单位的上级应为：{allowed}", f"a {kind} sits under: {allowed}"))
        unit = uow.units.add(Unit(code=code, name=name, kind=kind, parent_id=parent.id if parent else None,
                                  created_at=uow.now()), parent)
        uow.audit.append(actor=actor.username, action="unit.add", entity="unit", entity_id=unit.id,
                         details={"code": code, "name": name, "kind": kind, "parent": parent_code}, at=uow.now(),
                         rows=(unit,))
        view = UnitView.of(unit, parent_code)
        uow.commit()
        return view


def _parent(uow: UnitOfWork, parent_code: str | None) -> Unit | None:
    if parent_code is None:
        return None
    parent = uow.units.by_code(parent_code)
    if parent is None:
        raise not_found("unit", parent_code)
    return parent


def list_units(uow: UnitOfWork, actor: Principal) -> list[UnitView]:
    """Every role sees the units it may act on, in tree order."""
    require(actor, Action.VIEW)
    with uow:
        units = uow.units.list(actor.scope())
        codes = uow.units.by_ids(u.parent_id for u in units if u.parent_id)
        return [UnitView.of(u, codes[u.parent_id].code if u.parent_id else None) for u in units]


def add_user(uow: UnitOfWork, actor: Principal, *, username: str, password: str, role: str,
             unit_code: str | None, display_name: str | None = None) -> UserView:
    require(actor, Action.ADMINISTER)
    if role not in ROLES:
        raise not_one_of(("角色", "role"), role, ROLES)
    check_password_rules(password, username)
    with uow:
        if uow.users.by_username(username):
            raise duplicate("user", username)
        unit = _unit_for_role(uow, role, unit_code)
        user = uow.users.add(User(username=username, display_name=display_name or username, role=role,
                                  unit_id=unit.id if unit else None, password_hash=hash_password(password),
                                  failed_logins=0, disabled=False, created_at=uow.now()))
        uow.audit.append(actor=actor.username, action="user.add", entity="user", entity_id=user.id,
                         details={"username": username, "role": role, "unit": unit_code}, at=uow.now(),
                         rows=(user,))
        uow.session.refresh(user)
        view = _user_view(user)
        uow.commit()
        return view


def _unit_for_role(uow: UnitOfWork, role: str, unit_code: str | None) -> Unit | None:
    if role == "admin" and unit_code is None:
        return None
    if unit_code is None:
        raise WenpingError.of(ErrorCode.AUTH_ROLE_UNIT, role=role, need="unit (--unit)")
    unit = _parent(uow, unit_code)
    if role == "reviewer" and unit.kind not in JURISDICTIONS:
        raise WenpingError.of(ErrorCode.AUTH_ROLE_UNIT, role=role, need="city | district | town")
    return unit


def list_users(uow: UnitOfWork, actor: Principal) -> list[UserView]:
    require(actor, Action.ADMINISTER)
    with uow:
        return [_user_view(u) for u in uow.users.list(actor.scope())]


def set_disabled(uow: UnitOfWork, actor: Principal, username: str, disabled: bool = True) -> UserView:
    require(actor, Action.ADMINISTER)
    with uow:
        user = _user(uow, username)
        user.disabled = disabled
        uow.audit.append(actor=actor.username, action="user.disable" if disabled else "user.enable",
                         entity="user", entity_id=user.id, details={"username": username}, at=uow.now(), rows=(user,))
        view = _user_view(user)
        uow.commit()
        return view


def set_password(uow: UnitOfWork, actor: Principal, username: str, password: str) -> None:
    """An admin resets a password (users change their own with auth.change_password). Lifts a lock-out."""
    require(actor, Action.ADMINISTER)
    check_password_rules(password, username)
    with uow:
        user = _user(uow, username)
        user.password_hash, user.failed_logins, user.locked_until = hash_password(password), 0, None
        uow.audit.append(actor=actor.username, action="user.set_password", entity="user", entity_id=user.id,
                         details={"username": username}, at=uow.now())
        uow.commit()


def _user(uow: UnitOfWork, username: str) -> User:
    user = uow.users.by_username(username, for_update=True)
    if user is None:
        raise not_found("user", username)
    return user


def principal_for(uow: UnitOfWork, username: str) -> Principal:
    """The principal of an existing, enabled account (the CLI's --as USER)."""
    with uow:
        user = uow.users.by_username(username)
        if user is None:
            raise not_found("user", username)
        if user.disabled:
            raise WenpingError.of(ErrorCode.AUTH_DISABLED)
        return principal_of(user)
