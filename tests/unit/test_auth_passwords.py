import pytest

from assessment.services.auth import hash_password, password_problems


def codes(password: str, username: str = "zhangsan") -> list[str]:
    return [p.code.code for p in password_problems(password, username)]


def test_password__ten_chars_with_letters_and_digits__is_accepted():
    assert codes("river-stone-42") == []


@pytest.mark.parametrize("password, expected", [
    ("short1", ["AUTH-604"]),
    ("onlyletterslong", ["AUTH-605"]),
    ("1234567890123", ["AUTH-605"]),
    ("", ["AUTH-604", "AUTH-605"]),
])
def test_password__breaking_a_rule__names_the_rule(password, expected):
    assert codes(password) == expected


def test_password__containing_the_user_name_in_any_case__is_refused():
    assert codes("ZhangSan2026xx") == ["AUTH-606"]


def test_hash__same_password_twice__gives_different_argon2_hashes():
    a, b = hash_password("river-stone-42"), hash_password("river-stone-42")
    assert a != b and a.startswith("$argon2id$")
