"""统计: submitted matters in the user's scope by level, kind, unit and month."""

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import ui
from assessment.services import admin, app_queries, dashboard

BAR_COLOUR = "#1f4e79"  # the theme's primary colour

me = ui.me()
st.title(ui.t("page.stats"))
board = ui.call(dashboard.dashboard, ui.read(), me)
if board is None:
    st.stop()
if board.total == 0:
    st.info(ui.t("stats.empty"))
    st.stop()
kinds = app_queries.kind_titles()
units = {u.code: u.name for u in ui.call(admin.list_units, ui.read(), me) or []}
level_colours = {**ui.LEVEL_HEX, "-": "#9e9e9e"}

cols = st.columns(1 + len(board.by_state))
cols[0].metric(ui.t("stats.total"), board.total)
for column, (state, count) in zip(cols[1:], sorted(board.by_state.items())):
    column.metric(ui.state_text(state), count)


def bars(counts: dict, label, title: str, colours: dict | None = None) -> alt.Chart:
    frame = pd.DataFrame([{"name": label(k), "key": k, "count": n} for k, n in counts.items()])
    colour = (alt.Color("name:N", legend=None, scale=alt.Scale(domain=[label(k) for k in colours if k in counts],
                                                                range=[v for k, v in colours.items() if k in counts]))
              if colours else alt.value(BAR_COLOUR))
    return alt.Chart(frame, title=title).mark_bar().encode(
        x=alt.X("count:Q", title=ui.t("stats.count"), axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)), color=colour,
        tooltip=["name", "count"])


left, right = st.columns(2)
left.altair_chart(bars(board.by_level, lambda k: ui.t("level." + k) if k != "-" else ui.t("level.none"),
                       ui.t("stats.by_level"), level_colours))
right.altair_chart(bars(board.by_kind, lambda k: ui.text(kinds.get(k)) or k, ui.t("stats.by_kind")))
left, right = st.columns(2)
left.altair_chart(bars(board.by_unit, lambda k: units.get(k, k), ui.t("stats.by_unit")))
months = pd.DataFrame([{"month": m, "count": n} for m, n in sorted(board.by_month.items())])
right.altair_chart(alt.Chart(months, title=ui.t("stats.by_month")).mark_bar(color=BAR_COLOUR).encode(
    x=alt.X("month:O", title=None), y=alt.Y("count:Q", title=ui.t("stats.count"), axis=alt.Axis(tickMinStep=1)),
    tooltip=["month", "count"]))
