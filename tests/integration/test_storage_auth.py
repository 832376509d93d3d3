from datetime import datetime, timedelta

import pytest

from assessment.errors import WenpingError
from assessment.services import admin, auth
from assessment.services.permissions import SYSTEM
from storage_world import PASSWORD, _world_postgres, _world_sqlite, world  # noqa: F401  (fixtures)


def codes(error) -> list[str]:
    return [p.code.code for p in error.value.problems]


def _login(world, password, username="sub_own"):
    return auth.login(world.db.uow(), username, password)


def test_login__right_password__gives_the_users_role_and_unit(world):
    principal = _login(world, PASSWORD)
    assert (principal.username, principal.role) == ("sub_own", "submitter")
    assert principal == world.who("sub_own")


def test_login__unknown_user__gets_the_same_answer_as_a_wrong_password(world):
    with pytest.raises(WenpingError) as unknown:
        _login(world, PASSWORD, username="nobody")
    with pytest.raises(WenpingError) as wrong:
        _login(world, "wrong-password-1")
    assert codes(unknown) == codes(wrong) == ["AUTH-601"]


def test_login__five_failures__lock_the_account_for_15_minutes_even_for_the_right_password(world):
    now = datetime(2026, 11, 25, 9, 0)
    world.db.clock = lambda: now
    for _ in range(5):
        with pytest.raises(WenpingError):
            _login(world, "wrong-password-1")
    with pytest.raises(WenpingError) as locked:
        _login(world, PASSWORD)
    assert codes(locked) == ["AUTH-602"]
    now += timedelta(minutes=14)
    with pytest.raises(WenpingError):
        _login(world, PASSWORD)
    now += timedelta(minutes=2)
    assert _login(world, PASSWORD).username == "sub_own"


def test_login__four_failures_then_success__resets_the_count(world):
    for _ in range(4):
        with pytest.raises(WenpingError):
            _login(world, "wrong-password-1")
    _login(world, PASSWORD)
    for _ in range(4):
        with pytest.raises(WenpingError):
            _login(world, "wrong-password-1")
    assert _login(world, PASSWORD).username == "sub_own"


def test_login__disabled_account__is_refused(world):
    admin.set_disabled(world.db.uow(), SYSTEM, "sub_own")
    with pytest.raises(WenpingError) as error:
        _login(world, PASSWORD)
    assert codes(error) == ["AUTH-603"]


def test_login__disabled_account_wrong_password__answers_as_for_an_unknown_name(world):
    admin.set_disabled(world.db.uow(), SYSTEM, "sub_own")
    answers = []
    for username in ("sub_own", "nobody_here"):
        with pytest.raises(WenpingError) as error:
            auth.login(world.db.uow(), username, "wrong-password-1")
        answers.append(codes(error))
    assert answers == [["AUTH-601"], ["AUTH-601"]]


def test_password_reset__by_admin__lifts_a_lock_out(world):
    for _ in range(5):
        with pytest.raises(WenpingError):
            _login(world, "wrong-password-1")
    admin.set_password(world.db.uow(), SYSTEM, "sub_own", "brand-new-pass-9")
    assert _login(world, "brand-new-pass-9").username == "sub_own"


def test_change_password__with_the_wrong_current_password__is_refused(world):
    me = world.who("sub_own")
    with pytest.raises(WenpingError) as error:
        auth.change_password(world.db.uow(), me, "not-my-password-1", "brand-new-pass-9")
    assert codes(error) == ["AUTH-601"]
    auth.change_password(world.db.uow(), me, PASSWORD, "brand-new-pass-9")
    assert _login(world, "brand-new-pass-9").username == "sub_own"


def test_add_user__weak_password__is_refused_and_no_account_made(world):
    with pytest.raises(WenpingError) as error:
        admin.add_user(world.db.uow(), SYSTEM, username="wang", password="wang123", role="submitter", unit_code="D1-ZJ")
    assert set(codes(error)) == {"AUTH-604", "AUTH-606"}
    assert "wang" not in {u.username for u in admin.list_users(world.db.uow(read_only=True), SYSTEM)}


def test_add_user__reviewer_of_a_department__is_refused(world):
    with pytest.raises(WenpingError) as error:
        admin.add_user(world.db.uow(), SYSTEM, username="li", password=PASSWORD, role="reviewer", unit_code="D1-ZJ")
    assert codes(error) == ["AUTH-608"]


def test_add_unit__town_directly_under_a_city__is_refused(world):
    with pytest.raises(WenpingError) as error:
        admin.add_unit(world.db.uow(), SYSTEM, code="TX", name="某镇", kind="town", parent_code="C")
    assert codes(error) == ["STORE-512"]
