"""提交: what still blocks submitting, by section; otherwise the result to confirm, and the submit button."""

import streamlit as st

from app_pages import ui
from app_pages.questions import column_labels
from app_pages.result_panels import levels, measure_labels, responsibility
from assessment.services import app_queries

st.title(ui.t("page.submit"))
matter_id = ui.chosen_matter(states=app_queries.EDITABLE_STATES)
if matter_id is None:
    st.stop()
form = ui.call(app_queries.questionnaire_form, ui.read(), ui.me(), matter_id)
view = ui.call(app_queries.result_view, ui.read(), ui.me(), matter_id, lang=ui.lang())
if form is None or view is None:
    st.stop()
ui.matter_header(form.matter)
if not form.editable:
    st.success(ui.t("submit.already", state=ui.state_text(form.matter.state)), icon=":material/check_circle:")
    ui.link("app_pages/result.py", ui.t("page.result"), matter_id, icon=":material/assessment:")
    st.stop()
ui.matter_steps(matter_id, "app_pages/submit.py")

blocking = [(s, q, p) for s in form.sections if s.relevant for q in s.shown() for p in q.problems]
blocking_measures = [p for p in view.problems if p.where.id == "measures"]
if blocking or form.other_problems or blocking_measures:
    count = len(blocking) + len(form.other_problems) + len(blocking_measures)
    st.error(ui.t("submit.blocked", count=count), icon=":material/block:")
    numbers = {s.id: n for n, s in enumerate(form.sections, start=1)}
    by_section: dict[str, list] = {}
    for section, question, problem in blocking:
        by_section.setdefault(section.id, []).append((question, problem))
    for section_id, items in by_section.items():
        section = form.section(section_id)
        with st.container(border=True):
            st.markdown(f"**{numbers[section.id]}. {ui.text(section.title)}**")
            for question, problem in items:
                shown = ui.problem_text(problem, with_place=False, labels=column_labels(question))
                st.markdown(f"- {ui.plain(ui.text(question.question.label))}{ui.colon()}{ui.plain(shown)}")
            if st.button(ui.t("submit.go_fix"), key=f"fix-{section.id}", icon=":material/edit_note:"):
                st.session_state[f"goto-{matter_id}"] = section.id
                ui.go("app_pages/fill.py", matter_id)
    ui.show_problems(list(form.other_problems))
    ui.show_problems(blocking_measures, labels=measure_labels())
    st.stop()

if view.assessment is not None:
    levels(view.assessment, view)
st.caption(ui.t("submit.measures", count=len(view.revision.measures)))
responsibility(view)
confirmed = st.checkbox(ui.t("submit.confirm"), key=f"confirm-{matter_id}")
if st.button(ui.t("submit.button"), type="primary", disabled=not confirmed, key="submit-button", icon=":material/send:"):
    with st.spinner(ui.t("submit.scoring")):
        done = ui.call(app_queries.submit, ui.uow(), ui.me(), matter_id, expected_version=form.matter.version)
    if done is not None:
        st.session_state[f"submitted-{matter_id}"] = True
        ui.go("app_pages/result.py", matter_id)
