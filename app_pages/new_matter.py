"""新建评估: the kind of matter and its basic facts; the questionnaire follows on the fill page."""

import streamlit as st

from app_pages import ui
from app_pages.questions import section_inputs
from assessment.services import admin, app_queries

me = ui.me()
st.title(ui.t("page.new"))
kinds = app_queries.kind_titles()
kind = st.selectbox(ui.t("new.kind"), list(kinds), format_func=lambda k: ui.text(kinds[k]), key="new-kind")
unit_code = None
if me.role == "admin":  # a department user's matters belong to its own unit
    units = ui.call(admin.list_units, ui.read(), me) or []
    unit_code = st.selectbox(ui.t("admin.unit"), [u.code for u in units if u.kind == "department"],
                             format_func=lambda code: next(u.name for u in units if u.code == code), key="new-unit")

attempt = st.session_state.get("new-attempt")
basics = app_queries.basic_questions(kind, attempt)
st.markdown(f"#### {ui.text(basics.title)}")
asked = {q.name for q in basics.questions}
ui.show_problems([p for p in st.session_state.pop("new-problems", []) if p.where.id not in asked])
with st.form("new-matter"):
    answers = section_inputs(basics, lambda name: f"new-{name}", show_required=attempt is not None)
    create = st.form_submit_button(ui.t("new.create"), type="primary", key="new-create")

if create:
    made = ui.remember_problems("new-problems", app_queries.start_matter, ui.uow(), me, kind, answers,
                                unit_code=unit_code)
    if made is None:  # the problems show at their questions on the next run; the typed answers stay
        st.session_state["new-attempt"] = answers
        st.rerun()
    st.session_state.pop("new-attempt", None)
    ui.go("app_pages/fill.py", made.id)
