"""Local accounts: argon2 hashes, password rules, lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from assessment.errors import ErrorCode, Problem, WenpingError
from assessment.services.permissions import Principal
from assessment.storage.tables import User
from assessment.storage.uow import UnitOfWork

MIN_PASSWORD_LENGTH = 10
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)

# OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 0.15 s here, so a login stays quick under load.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified against when the user name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password-0")


def password_problems(password: str, username: str) -> list[Problem]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(Problem(ErrorCode.AUTH_PASSWORD_SHORT, {"min": MIN_PASSWORD_LENGTH}))
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        problems.append(Problem(ErrorCode.AUTH_PASSWORD_WEAK))
    if username and username.casefold() in password.casefold():
        problems.append(Problem(ErrorCode.AUTH_PASSWORD_NAME))
    return problems


def check_password_rules(password: str, username: str) -> None:
    problems = password_problems(password, username)
    if problems:
        raise WenpingError(problems)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def principal_of(user: User) -> Principal:
    return Principal(username=user.username, role=user.role, user_id=user.id, unit_id=user.unit_id,
                     unit_path=user.unit.path if user.unit else None)


def login(uow: UnitOfWork, username: str, password: str) -> Principal:
    """The principal for a right password. Five failures in a row lock the account for 15 minutes;
    a locked or disabled account is refused even with the right password. That an account is disabled
    is said only to whoever knows its password, so that a wrong guess cannot tell which names exist."""
    with uow:
        user = uow.users.by_username(username, for_update=True)
        if user is None:
            _matches(_DUMMY_HASH, password)
            raise WenpingError.of(ErrorCode.AUTH_BAD_CREDENTIALS)
        now = uow.now()
        if user.locked_until and user.locked_until > now:
            raise WenpingError.of(ErrorCode.AUTH_LOCKED, until=f"{user.locked_until:%Y-%m-%d %H:%M} UTC")
        if not _matches(user.password_hash, password):
            if not user.disabled:
                _count_failure(uow, user, now)
                uow.commit()
            raise WenpingError.of(ErrorCode.AUTH_BAD_CREDENTIALS)
        if user.disabled:
            raise WenpingError.of(ErrorCode.AUTH_DISABLED)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
        principal = principal_of(user)
        uow.commit()
        return principal


def _count_failure(uow: UnitOfWork, user: User, now) -> None:
    user.failed_logins += 1
    details = {"failed_logins": user.failed_logins}
    if user.failed_logins >= MAX_FAILURES:
        user.failed_logins, user.locked_until = 0, now + LOCK_FOR
        details["locked_until"] = user.locked_until.isoformat()
    uow.audit.append(actor=user.username, action="user.login_failed", entity="user", entity_id=user.id,
                     details=details, at=now)


def change_password(uow: UnitOfWork, actor: Principal, old_password: str, new_password: str) -> None:
    """A user changes its own password, proving it knows the current one."""
    check_password_rules(new_password, actor.username)
    with uow:
        user = uow.users.by_username(actor.username, for_update=True)
        if user is None or not _matches(user.password_hash, old_password):
            raise WenpingError.of(ErrorCode.AUTH_BAD_CREDENTIALS)
        user.password_hash = hash_password(new_password)
        uow.audit.append(actor=actor.username, action="user.change_password", entity="user", entity_id=user.id,
                         details={"username": user.username}, at=uow.now())
        uow.commit()
