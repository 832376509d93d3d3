"""管理: units, users, the rule set in use with its check, and the learned model's card and retraining."""

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import ui
from assessment.services import admin, app_admin
from assessment.services.permissions import ROLES

me = ui.me()
st.title(ui.t("page.admin"))
if flash := st.session_state.pop("admin-flash", None):
    st.success(flash, icon=":material/check_circle:")


def done(result, message: str) -> None:
    if result is not None:
        st.session_state["admin-flash"] = message
        st.rerun()


units_tab, users_tab, rules_tab, model_tab = st.tabs(
    [ui.t("admin.units"), ui.t("admin.users"), ui.t("admin.ruleset"), ui.t("admin.model")])

with units_tab:
    units = ui.call(admin.list_units, ui.read(), me) or []
    st.dataframe(pd.DataFrame([{ui.t("admin.code"): u.code, ui.t("admin.name"): "　" * u.depth + u.name,
                                ui.t("admin.kind"): ui.t("unit_kind." + u.kind), ui.t("admin.parent"): u.parent_code or "-"}
                               for u in units]), hide_index=True, width="stretch")
    with st.form("unit-add"):
        st.markdown(f"**{ui.t('admin.add_unit')}**")
        code, name = st.columns(2)
        new_code = code.text_input(ui.t("admin.code"), max_chars=64, key="unit-code")
        new_name = name.text_input(ui.t("admin.name"), max_chars=200, key="unit-name")
        kind, parent = st.columns(2)
        new_kind = kind.selectbox(ui.t("admin.kind"), admin.UNIT_KINDS, format_func=lambda k: ui.t("unit_kind." + k),
                                  key="unit-kind")
        new_parent = parent.selectbox(ui.t("admin.parent"), [u.code for u in units], index=None,
                                      format_func=lambda c: next(u.name for u in units if u.code == c),
                                      placeholder=ui.t("admin.no_parent"), key="unit-parent")
        if st.form_submit_button(ui.t("admin.add_unit"), type="primary", key="unit-add-send"):
            done(ui.call(admin.add_unit, ui.uow(), me, code=new_code.strip(), name=new_name.strip(), kind=new_kind,
                         parent_code=new_parent), ui.t("admin.unit_added", code=ui.plain(new_code.strip())))

with users_tab:
    users = ui.call(admin.list_users, ui.read(), me) or []
    st.dataframe(pd.DataFrame([{
        ui.t("login.username"): u.username, ui.t("admin.display_name"): u.display_name,
        ui.t("admin.role"): ui.t("role." + u.role), ui.t("admin.unit"): u.unit_code or "-",
        ui.t("admin.status"): ui.t("admin.disabled") if u.disabled else (
            ui.t("admin.locked") if u.locked_until else ui.t("admin.active")),
    } for u in users]), hide_index=True, width="stretch")
    add, change = st.columns(2, border=True)
    with add, st.form("user-add"):
        st.markdown(f"**{ui.t('admin.add_user')}**")
        username = st.text_input(ui.t("login.username"), max_chars=64, key="user-name")
        display = st.text_input(ui.t("admin.display_name"), max_chars=200, key="user-display")
        role = st.selectbox(ui.t("admin.role"), ROLES, format_func=lambda r: ui.t("role." + r), key="user-role")
        unit = st.selectbox(ui.t("admin.unit"), [u.code for u in units], index=None, key="user-unit",
                            format_func=lambda c: next(u.name for u in units if u.code == c),
                            placeholder=ui.t("admin.no_unit"))
        password = st.text_input(ui.t("login.password"), type="password", key="user-password",
                                 help=ui.t("admin.password_rules"))
        if st.form_submit_button(ui.t("admin.add_user"), type="primary", key="user-add-send"):
            done(ui.call(admin.add_user, ui.uow(), me, username=username.strip(), password=password, role=role,
                         unit_code=unit, display_name=display.strip() or None),
                 ui.t("admin.user_added", username=ui.plain(username.strip())))
    with change, st.form("user-change"):
        st.markdown(f"**{ui.t('admin.change_user')}**")
        who = st.selectbox(ui.t("login.username"), [u.username for u in users], key="user-change-name")
        new_password = st.text_input(ui.t("login.new_password"), type="password", key="user-change-password")
        reset, disable, enable = st.columns(3)
        if reset.form_submit_button(ui.t("admin.reset_password"), key="user-reset"):
            done(ui.call(lambda: admin.set_password(ui.uow(), me, who, new_password) or True), ui.t("admin.password_reset"))
        if disable.form_submit_button(ui.t("admin.disable"), key="user-disable"):
            done(ui.call(admin.set_disabled, ui.uow(), me, who, True), ui.t("admin.user_disabled", username=ui.plain(who)))
        if enable.form_submit_button(ui.t("admin.enable"), key="user-enable"):
            done(ui.call(admin.set_disabled, ui.uow(), me, who, False), ui.t("admin.user_enabled", username=ui.plain(who)))

with rules_tab:
    status = ui.call(app_admin.ruleset_status, me)
    if status is not None:
        st.markdown(f"**{ui.text(status.name)}** · {ui.text(status.locality)}")
        facts = st.columns(5)
        facts[0].metric(ui.t("admin.rules_version"), status.version)
        facts[1].metric(ui.t("admin.rules_kinds"), len(status.kinds))
        facts[2].metric(ui.t("admin.rules_factors"), status.factors)
        facts[3].metric(ui.t("admin.rules_rules"), status.rules)
        facts[4].metric(ui.t("admin.rules_cases"), status.cases)
        st.caption(ui.t("admin.rules_where", folder=ui.plain(status.folder), effective=status.effective.isoformat(),
                        hash=status.content_hash))
        if status.problems:
            st.error(ui.t("admin.rules_failed", count=len(status.problems)), icon=":material/error:")
            ui.show_problems(list(status.problems))
        else:
            st.success(ui.t("admin.rules_ok", cases=status.cases), icon=":material/verified:")
        st.dataframe(pd.DataFrame([{ui.t("admin.kind"): k, ui.t("admin.name"): ui.text(v)}
                                   for k, v in status.kinds.items()]), hide_index=True, width="stretch")

with model_tab:
    model = ui.call(app_admin.model_status, me, ui.lang())
    if model is not None and model.version is None:
        st.info(ui.t("result.model.none"), icon=":material/info:")
    elif model is not None and model.refused:
        st.error(ui.t("result.model.refused"), icon=":material/gpp_bad:")
        ui.show_problems(list(model.refused))
    elif model is not None:
        if model.caveat:
            st.warning(f"**{ui.t('result.model.simulated')}** {ui.plain(ui.text(model.caveat))}", icon=":material/science:")
        with st.container(border=True, height=480):
            st.markdown(f"**{ui.plain(model.title)}**")
            st.markdown(model.card_markdown)
    with st.form("retrain"):
        st.markdown(f"**{ui.t('admin.retrain')}**")
        with_outcomes = st.checkbox(ui.t("admin.retrain_with_outcomes"), value=True, key="retrain-outcomes")
        st.caption(ui.t("admin.retrain_note"))
        if st.form_submit_button(ui.t("admin.retrain"), key="retrain-send"):
            with st.spinner(ui.t("admin.retraining")):
                version = ui.call(app_admin.retrain_model, ui.uow(), me, with_outcomes=with_outcomes, today=date.today())
            done(version, ui.t("admin.retrained", version=version))
