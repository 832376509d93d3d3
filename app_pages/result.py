"""评估结果: the result of the current revision (provisional while it is a draft), or of an earlier one, and what
the reviewers said about it."""

import streamlit as st

from app_pages import ui
from app_pages.result_panels import history, show_result
from assessment.services import app_queries

st.title(ui.t("page.result"))
matter_id = ui.chosen_matter()
if matter_id is None:
    st.stop()
view = ui.call(app_queries.result_view, ui.read(), ui.me(), matter_id, lang=ui.lang())
if view is None:
    st.stop()
ui.matter_header(view.matter)
if st.session_state.pop(f"submitted-{matter_id}", False):
    st.success(ui.t("submit.done"), icon=":material/check_circle:")
if view.matter.state in app_queries.EDITABLE_STATES:
    ui.matter_steps(matter_id, "app_pages/result.py")
history(view)
if view.revision.number > 1:
    numbers = list(range(view.revision.number, 0, -1))
    number = st.selectbox(ui.t("result.revision"), numbers, key=f"result-revision-{matter_id}",
                          format_func=lambda n: ui.t("matter.revision", number=n))
    if number != view.revision.number:
        view = ui.call(app_queries.result_view, ui.read(), ui.me(), matter_id, revision=number,
                       lang=ui.lang())
        if view is None:
            st.stop()
show_result(view)
