"""我的事项 (事项一览 for reviewers and admins): the matters the user may see, with state, level and the
measures due; pick one to open it."""

import pandas as pd
import streamlit as st

from app_pages import ui
from assessment.services import app_queries, submissions
from assessment.services.runtime import QueueFilter
from assessment.services.views import STATES

PAGE_SIZE = 20

me = ui.me()
st.title(ui.t("page.my_matters") if me.role == "submitter" else ui.t("page.home"))
kinds = app_queries.kind_titles()

ui.link("app_pages/new_matter.py", ui.t("page.new"), icon=":material/add_circle:")
left, right = st.columns(2, vertical_alignment="bottom")
states = left.pills(ui.t("list.states"), STATES, format_func=ui.state_text, key="home-states", selection_mode="multi")
search = right.text_input(ui.t("list.search"), key="home-search", placeholder=ui.t("list.search_hint"))

flt = QueueFilter(states=tuple(states), text=search.strip() or None)
page = ui.call(submissions.list_matters, ui.read(), me, flt, limit=PAGE_SIZE, offset=ui.page_offset("home-page", PAGE_SIZE))
due = ui.call(app_queries.followups_in_scope, ui.read(), me) or []
if page is None:
    st.stop()
if not page.items:
    st.info(ui.t("list.empty"))
    st.stop()

open_items = app_queries.open_measures(due)
own_unit_only = me.role == "submitter"  # a department sees only its own unit's matters
table = pd.DataFrame([{
    "#": m.id,
    ui.t("list.title"): m.title,
    ui.t("list.state"): ui.state_text(m.state),
    ui.t("list.level"): ui.t("level." + m.level) if m.level else "-",
    **({} if own_unit_only else {ui.t("list.unit"): m.unit_name}),
    ui.t("list.kind"): ui.text(kinds.get(m.kind)) or m.kind,
    ui.t("list.submitted_at"): ui.when(m.submitted_at, with_time=False),
    ui.t("list.measures_due"): f"{open_items[m.id].open} / {open_items[m.id].overdue}" if m.id in open_items else "-",
    ui.t("list.decision"): ui.t("decision." + m.decision) if m.decision else "-",
} for m in page.items])
picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                      key="home-table", column_config=ui.fitted_columns(table, wide=ui.t("list.title")))
ui.pager("home-page", page.total, PAGE_SIZE)

rows = picked.selection.rows
if not rows:
    st.caption(ui.t("list.pick_hint"))
    st.stop()
matter = page.items[rows[0]]
st.markdown(f"**#{matter.id} {ui.plain(matter.title)}**")
actions = st.container(horizontal=True)
with actions:
    if matter.state in app_queries.EDITABLE_STATES:
        ui.link("app_pages/fill.py", ui.t("page.fill"), matter.id, icon=":material/edit_note:")
        ui.link("app_pages/measures.py", ui.t("page.measures"), matter.id, icon=":material/shield:")
        ui.link("app_pages/submit.py", ui.t("page.submit"), matter.id, icon=":material/send:")
    ui.link("app_pages/result.py", ui.t("page.result"), matter.id, icon=":material/assessment:")
    ui.link("app_pages/review.py", ui.t("page.review"), matter.id, icon=":material/gavel:")
    if matter.state == "approved":
        ui.link("app_pages/tracking.py", ui.t("page.tracking"), matter.id, icon=":material/timeline:")
