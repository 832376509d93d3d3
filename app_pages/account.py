"""Login (local accounts, or OIDC through Streamlit when a provider is configured), the language switch
and the signed-in user's sidebar."""

from __future__ import annotations

import streamlit as st

from app_pages import ui
from assessment.errors import WenpingError
from assessment.services import admin, auth, demo
from assessment.services.permissions import Principal

LANGUAGES = {"zh": "中文", "en": "English"}


def language_switch() -> None:
    def _switch() -> None:
        st.session_state["lang"] = st.session_state["lang-switch"] or "zh"

    st.segmented_control(ui.t("app.language"), list(LANGUAGES), default=ui.lang(), format_func=LANGUAGES.get,
                         key="lang-switch", on_change=_switch, label_visibility="collapsed")


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def signed_in() -> Principal | None:
    """The principal of this session: from the local login, or from the OIDC identity's account."""
    if ui.principal() is not None:
        return _as_it_is_now(ui.principal())
    if not (oidc_configured() and st.user.get("is_logged_in", False)):
        return None
    email = str(st.user.get("email", ""))
    try:
        who = admin.principal_for(ui.read(), email)
    except WenpingError:  # no such account, or it is disabled
        st.error(ui.t("login.oidc_no_account", email=email))
        st.button(ui.t("login.logout"), on_click=st.logout)
        st.stop()
    st.session_state["principal"] = who
    return who


def _as_it_is_now(who: Principal) -> Principal | None:
    """The account's role, unit and disabled flag as they are now, not as they were at login: an admin's
    change takes effect on the user's next click."""
    try:
        current = admin.principal_for(ui.read(), who.username)
    except WenpingError as error:  # disabled since, or gone
        st.session_state.pop("principal", None)
        ui.show_problems(error.problems)
        return None
    st.session_state["principal"] = current
    return current


def login_form() -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        language_switch()
        st.title(ui.t("app.name"), anchor=False)
        st.caption(ui.t("app.tagline"))
        with st.form("login"):
            username = st.text_input(ui.t("login.username"), key="login-username")
            password = st.text_input(ui.t("login.password"), type="password", key="login-password")
            submitted = st.form_submit_button(ui.t("login.submit"), type="primary", key="login-submit")
        if submitted:
            who = ui.call(auth.login, ui.uow(), username.strip(), password)
            if who is not None:
                st.session_state["principal"] = who
                st.rerun()
        if oidc_configured():
            st.button(ui.t("login.oidc"), on_click=st.login, icon=":material/badge:")
        if ui.demo_mode():
            _demo_accounts()


def _demo_accounts() -> None:
    st.info(ui.t("login.demo", password=demo.DEMO_PASSWORD), icon=":material/info:")
    unit_names = {code: name for code, name, _, _ in demo.UNITS}
    rows = [{ui.t("login.username"): username, ui.t("admin.role"): ui.t("role." + role),
             ui.t("admin.unit"): unit_names.get(unit, "-"), ui.t("admin.display_name"): display}
            for username, role, unit, display in demo.demo_accounts()]
    ui.static_table(rows)


def sidebar(who: Principal, pages: dict[str, st.Page]) -> None:
    with st.sidebar:
        ui.menu(pages, who.role)
        st.divider()
        st.markdown(f"**{ui.plain(who.username)}** · {ui.t('role.' + who.role)}")
        language_switch()
        with st.expander(ui.t("login.change_password")):
            _change_password(who)
        if st.button(ui.t("login.logout"), icon=":material/logout:", key="logout"):
            st.session_state.pop("principal", None)
            if oidc_configured() and st.user.get("is_logged_in", False):
                st.logout()
            st.rerun()


def _change_password(who: Principal) -> None:
    with st.form("change-password", clear_on_submit=True):
        old = st.text_input(ui.t("login.old_password"), type="password")
        new = st.text_input(ui.t("login.new_password"), type="password")
        changed = st.form_submit_button(ui.t("login.change_password"))
    if changed and ui.call(lambda: auth.change_password(ui.uow(), who, old, new) or True):
        st.success(ui.t("login.password_changed"))
