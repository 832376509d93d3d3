"""跟踪: what really happened after the decision (collective petitions, incidents, work stopped by protest)."""

from datetime import date

import pandas as pd
import streamlit as st

from app_pages import ui
from assessment.services import followup, submissions

me = ui.me()
st.title(ui.t("page.tracking"))
st.caption(ui.t("tracking.intro"))
matter_id = ui.chosen_matter(states=followup.DECIDED)
if matter_id is None:
    st.stop()
detail = ui.call(submissions.get_matter, ui.read(), me, matter_id)
if detail is None:
    st.stop()
ui.matter_header(detail.summary)
if flash := st.session_state.pop("tracking-flash", None):
    st.success(flash, icon=":material/check_circle:")

st.subheader(ui.t("tracking.recorded"), anchor=False)
if detail.outcomes:
    st.dataframe(pd.DataFrame([{
        ui.t("tracking.kind"): ui.t("tracking.kind." + o.kind),
        ui.t("tracking.date"): o.occurred_on.isoformat(),
        ui.t("tracking.participants"): "-" if o.participants is None else o.participants,
        ui.t("tracking.description"): o.description,
    } for o in detail.outcomes]), hide_index=True, width="stretch")
else:
    st.caption(ui.t("tracking.none"))

if detail.summary.state not in followup.DECIDED:
    st.info(ui.t("tracking.not_decided"))
    st.stop()
st.subheader(ui.t("tracking.add"), anchor=False)
with st.form(f"outcome-{matter_id}"):
    kind = st.selectbox(ui.t("tracking.kind"), followup.OUTCOME_KINDS, format_func=lambda k: ui.t("tracking.kind." + k),
                        key="outcome-kind")
    occurred = st.date_input(ui.t("tracking.date"), value=date.today(), max_value=date.today(), format="YYYY-MM-DD",
                             key="outcome-date")
    participants = st.number_input(ui.t("tracking.participants"), min_value=0, step=1, value=None,
                                   placeholder=ui.t("form.empty"), key="outcome-participants")
    description = st.text_area(ui.t("tracking.description"), max_chars=2000, key="outcome-description")
    if st.form_submit_button(ui.t("tracking.save"), type="primary", key="outcome-save"):
        if ui.call(followup.record_outcome, ui.uow(), me, matter_id, kind=kind, occurred_on=occurred,
                   participants=None if participants is None else int(participants), description=description) is not None:
            st.session_state["tracking-flash"] = ui.t("tracking.saved")
            st.rerun()
