"""督查督办: measures under follow-up after the decision, overdue ones first and marked; their status updated."""

import pandas as pd
import streamlit as st

from app_pages import ui
from assessment.services import app_queries, followup

me = ui.me()
st.title(ui.t("page.followup"))
rows = ui.call(app_queries.followups_in_scope, ui.read(), me)
if rows is None:
    st.stop()
if flash := st.session_state.pop("followup-flash", None):
    st.success(flash, icon=":material/check_circle:")
if not rows:
    st.info(ui.t("followup.empty"))
    st.stop()

overdue = [r for r in rows if r.item.overdue]
open_ = [r for r in rows if r.item.status in app_queries.OPEN_STATUSES]
total, opened, late = st.columns(3)
total.metric(ui.t("followup.total"), len(rows))
opened.metric(ui.t("followup.open"), len(open_))
late.metric(ui.t("followup.overdue"), len(overdue))
if overdue:
    st.error(ui.t("followup.overdue_note", count=len(overdue)), icon=":material/alarm:")

only_overdue = st.toggle(ui.t("followup.only_overdue"), key="followup-only-overdue")
listed = overdue if only_overdue else rows
if not listed:
    st.success(ui.t("followup.none_overdue"), icon=":material/check_circle:")
    st.stop()
flag, deadline, state = ui.t("followup.flag"), ui.t("result.measure.deadline"), ui.t("followup.status")
table = pd.DataFrame([{
    flag: ui.t("followup.overdue") if r.item.overdue else "",
    deadline: ui.when(r.item.due_date),
    state: ui.t("followup.status." + r.item.status),
    ui.t("result.measures"): ui.text(r.name),
    ui.t("list.title"): f"#{r.matter.id} {r.matter.title}",
    ui.t("result.measure.unit"): r.item.responsible_unit or "-",
    ui.t("result.measure.leader"): r.item.responsible_leader or "-",
    ui.t("followup.note"): r.item.note,
} for r in listed])
overdue_style = table.style.map(lambda text: "color: #c62828; font-weight: 600" if text else "", subset=[flag])
picked = st.dataframe(overdue_style, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                      key="followup-table", column_config=ui.fitted_columns(table, wide=ui.t("result.measures"), wide_px=240))
if not picked.selection.rows:
    st.caption(ui.t("followup.pick_hint"))
    st.stop()

row = listed[picked.selection.rows[0]]
st.markdown(f"**{ui.plain(ui.text(row.name))}**")
with st.form(f"followup-{row.item.id}"):
    status = st.selectbox(ui.t("followup.status"), followup.FOLLOW_UP_STATUSES,
                          index=followup.FOLLOW_UP_STATUSES.index(row.item.status),
                          format_func=lambda s: ui.t("followup.status." + s), key=f"followup-status-{row.item.id}")
    note = st.text_area(ui.t("followup.note"), value=row.item.note, max_chars=2000, key=f"followup-note-{row.item.id}")
    if st.form_submit_button(ui.t("followup.save"), type="primary", key="followup-save"):
        if ui.call(followup.update_followup, ui.uow(), me, row.item.id, expected_version=row.item.version,
                   status=status, note=note) is not None:
            st.session_state["followup-flash"] = ui.t("followup.saved")
            st.rerun()
