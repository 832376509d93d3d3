"""Login with a local account, the demo accounts shown only in demo mode, the language switch."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from assessment.i18n import t
from assessment.services.demo import DEMO_PASSWORD
from tests.app.conftest import APP, DEPARTMENT, codes, no_crash, open_page, who


def _login_page() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60).run()


def _log_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="login-username").input(username)
    at.text_input(key="login-password").input(password)
    return at.button(key="login-submit").click().run()


def test_login__right_password__opens_the_users_home_page(app_db):
    at = _log_in(no_crash(_login_page()), DEPARTMENT, DEMO_PASSWORD)
    assert at.session_state["principal"].username == DEPARTMENT
    assert at.title[0].value == t("page.my_matters", "zh")


def test_login__wrong_password__is_refused_with_its_code(app_db):
    at = _log_in(_login_page(), DEPARTMENT, "not-the-password-1")
    assert "AUTH-601" in codes(at) and "principal" not in at.session_state


def test_login_page__outside_demo_mode__lists_no_accounts(app_db):
    at = no_crash(_login_page())
    assert not at.table and DEMO_PASSWORD not in " ".join(i.value for i in at.info)


def test_login_page__in_demo_mode__lists_the_demo_accounts(app_db, monkeypatch):
    monkeypatch.setenv("WENPING_DEMO", "1")
    at = no_crash(_login_page())
    assert DEPARTMENT.replace("_", "\\_") in list(at.table[0].value[t("login.username", "zh")])
    assert DEMO_PASSWORD in at.info[0].value


def test_address_typed_before_login__opens_after_login(app_db):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.switch_page("app_pages/stats.py")
    at = _log_in(at.run(), DEPARTMENT, DEMO_PASSWORD)
    assert at.title[0].value == t("page.stats", "zh")


def test_language__english__shows_english_titles_and_navigation(app_db):
    at = no_crash(open_page("app_pages/home.py", who(app_db, DEPARTMENT), lang="en"))
    assert at.title[0].value == t("page.my_matters", "en")


def test_logout__forgets_the_user(app_db):
    at = open_page("app_pages/home.py", who(app_db, DEPARTMENT))
    at = at.button(key="logout").click().run()
    assert "principal" not in at.session_state
    assert at.text_input(key="login-username")


def test_single_sign_on__configured__offers_the_button(app_db):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    at = no_crash(at.run())
    assert t("login.oidc", "zh") in [b.label for b in at.button]


def test_single_sign_on__identity_with_an_account__is_that_user(app_db):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    at.user = {"is_logged_in": True, "email": DEPARTMENT}
    at = no_crash(at.run())
    assert at.session_state["principal"].username == DEPARTMENT
    assert at.title[0].value == t("page.my_matters", "zh")


def test_single_sign_on__identity_without_an_account__is_told_to_ask_an_admin(app_db):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    at.user = {"is_logged_in": True, "email": "nobody@example.gov.cn"}
    at = no_crash(at.run())
    assert t("login.oidc_no_account", "zh", email="nobody@example.gov.cn") in [e.value for e in at.error]
    assert "principal" not in at.session_state


def test_session__account_disabled_after_login__next_click_shows_the_login_page(app_db):
    from assessment.services import admin
    from assessment.services.permissions import SYSTEM

    at = _log_in(_login_page(), DEPARTMENT, DEMO_PASSWORD)
    admin.set_disabled(app_db.uow(), SYSTEM, DEPARTMENT)
    at = at.run()
    assert "principal" not in at.session_state and "AUTH-603" in codes(at)
    assert at.text_input(key="login-username") is not None
