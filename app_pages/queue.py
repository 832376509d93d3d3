"""审核队列: submissions waiting for review in the reviewer's jurisdiction, filtered and paginated."""

from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from app_pages import ui
from assessment.services import admin, app_queries, review
from assessment.services.runtime import QueueFilter
from assessment.services.views import LEVELS

PAGE_SIZE = 20

me = ui.me()
st.title(ui.t("page.queue"))
kinds = app_queries.kind_titles()
units = {u.id: u for u in ui.call(admin.list_units, ui.read(), me) or []}

state_col, level_col = st.columns(2)
states = state_col.pills(ui.t("list.states"), review.PENDING, format_func=ui.state_text, key="queue-states",
                         selection_mode="multi")
levels = level_col.pills(ui.t("list.level"), LEVELS, format_func=lambda v: ui.t("level." + v), key="queue-levels",
                         selection_mode="multi")
kind_col, unit_col, date_col = st.columns(3)
picked_kinds = kind_col.multiselect(ui.t("list.kind"), list(kinds), format_func=lambda k: ui.text(kinds[k]),
                                    key="queue-kinds", placeholder=ui.t("list.all"), select_all=False)
picked_units = unit_col.multiselect(ui.t("list.unit"), list(units), format_func=lambda u: units[u].name,
                                    key="queue-units", placeholder=ui.t("list.all"), select_all=False)
dates = date_col.date_input(ui.t("list.submitted_between"), value=(), format="YYYY-MM-DD", key="queue-dates")
start = datetime.combine(dates[0], time.min) if len(dates) >= 1 else None
end = datetime.combine(dates[1], time.min) + timedelta(days=1) if len(dates) == 2 else None

flt = QueueFilter(states=tuple(states), levels=tuple(levels), kinds=tuple(picked_kinds), unit_ids=tuple(picked_units),
                  submitted_from=start, submitted_to=end)
page = ui.call(review.queue, ui.read(), me, flt, limit=PAGE_SIZE, offset=ui.page_offset("queue-page", PAGE_SIZE))
if page is None:
    st.stop()
if not page.items:
    st.info(ui.t("queue.empty"))
    st.stop()
table = pd.DataFrame([{
    "#": m.id,
    ui.t("list.title"): m.title,
    ui.t("list.state"): ui.state_text(m.state),
    ui.t("list.level"): ui.t("level." + m.level) if m.level else "-",
    ui.t("list.submitted_at"): ui.when(m.submitted_at),
    ui.t("list.unit"): m.unit_name,
    ui.t("list.kind"): ui.text(kinds.get(m.kind)) or m.kind,
    ui.t("list.revision"): m.current_revision,
} for m in page.items])
picked = st.dataframe(table, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                      key="queue-table", column_config=ui.fitted_columns(table, wide=ui.t("list.title")))
ui.pager("queue-page", page.total, PAGE_SIZE)
if picked.selection.rows:
    matter = page.items[picked.selection.rows[0]]
    ui.link("app_pages/review.py", ui.t("queue.open", id=matter.id, title=ui.plain(matter.title)), matter.id, icon=":material/gavel:")
else:
    st.caption(ui.t("list.pick_hint"))
