"""填写问卷: one form per section, saved to the draft on each submit; problems show at their questions."""

import streamlit as st

from app_pages import ui
from app_pages.questions import entered_answers, section_inputs, widget_key
from assessment.services import app_queries

STATUS_ICONS = {"done": ":green[:material/check_circle:]", "todo": ":orange[:material/pending:]",
                "problems": ":red[:material/error:]"}  # sections that apply; the others are named under the list

st.title(ui.t("page.fill"))
matter_id = ui.chosen_matter(states=app_queries.EDITABLE_STATES)
if matter_id is None:
    st.stop()
form = ui.call(app_queries.questionnaire_form, ui.read(), ui.me(), matter_id)
if form is None:
    st.stop()

ui.matter_header(form.matter)
ui.matter_steps(matter_id, "app_pages/fill.py")
if form.returned_because:
    st.warning(ui.t("fill.returned", reason=ui.plain(form.returned_because)), icon=":material/undo:")
done, total = form.progress
st.progress(done / total if total else 1.0, text=ui.t("fill.progress", done=done, total=total))
if not form.editable:
    st.info(ui.t("fill.not_editable"), icon=":material/lock:")
ui.show_problems(list(form.other_problems))

section_key, saved_key, flash_key = f"section-{matter_id}", f"saved-{matter_id}", f"flash-{matter_id}"
problems_key, goto_key = f"fill-problems-{matter_id}", f"goto-{matter_id}"
shown = [s for s in form.sections if s.relevant]
if goto_key in st.session_state:  # set by the submit page's "fix this section"
    st.session_state[section_key] = st.session_state.pop(goto_key)
if st.session_state.get(section_key) not in {s.id for s in shown}:
    st.session_state[section_key] = next((s.id for s in shown if s.status != "done"), shown[0].id)

nav, body = st.columns([1.25, 3.4], gap="medium")
numbers = {s.id: n for n, s in enumerate(form.sections, start=1)}
current = st.session_state[section_key]


def open_section(section_id: str) -> None:
    st.session_state[section_key] = section_id


with nav:
    st.caption(ui.t("fill.sections"))
    with st.container(gap="xxsmall", key="section-nav"):
        # A list reads from the left: section titles that wrap stay left-aligned (buttons centre by default).
        st.html("<style>.st-key-section-nav button, .st-key-section-nav button div {justify-content: flex-start;"
                " text-align: left;}</style>")
        for s in shown:  # one line per section: its state as an icon, the open one framed
            st.button(f"{STATUS_ICONS[s.status]} {numbers[s.id]}. {ui.text(s.title)}", key=f"{section_key}-{s.id}",
                      type="secondary" if s.id == current else "tertiary", on_click=open_section, args=(s.id,),
                      help=ui.t("fill.status." + s.status), wrap=True)
    skipped = [s for s in form.sections if not s.relevant]
    if skipped:
        st.caption(ui.t("fill.skipped", sections=ui.listed(ui.text(s.title) for s in skipped)))
    st.caption(ui.t("fill.save_before_switching"))


def save(section) -> None:
    """The save button's callback: runs before the page is drawn again, so one run shows the outcome."""
    key_of = lambda name: widget_key(matter_id, form.revision, name, ui.lang())  # noqa: E731
    after = ui.remember_problems(problems_key, app_queries.save_section, ui.uow(), ui.me(), matter_id, section.id,
                                 entered_answers(section, key_of), expected_version=form.matter.version)
    if after is None:
        return  # the problem shows on the page; what was typed stays in the form
    st.session_state[saved_key] = section.id
    now = after.section(section.id)
    appeared = [q for q in now.shown() if q.name not in {v.name for v in section.shown()}]
    if appeared:
        st.session_state[flash_key] = ui.t("fill.appeared", count=len(appeared))
    elif now.status == "done":
        order = [s.id for s in after.sections if s.relevant]
        later = order[order.index(section.id) + 1:] + order[:order.index(section.id)]
        rest = [sid for sid in later if after.section(sid).status != "done"]
        st.session_state[flash_key] = ui.t("fill.saved_next") if rest else ui.t("fill.saved_all")
        if rest:
            st.session_state[section_key] = rest[0]
    else:
        st.session_state[flash_key] = ui.t("fill.saved_with_problems")


with body:
    section = form.section(current)
    st.markdown(f"#### {numbers[section.id]}. {ui.text(section.title)}")
    if section.description:
        st.caption(ui.text(section.description))
    ui.shown_problems(problems_key)
    if flash := st.session_state.pop(flash_key, None):
        st.success(flash, icon=":material/check_circle:")
    with st.form(f"form-{matter_id}-{section.id}"):
        section_inputs(section, lambda name: widget_key(matter_id, form.revision, name, ui.lang()),
                       show_required=st.session_state.get(saved_key) == section.id)
        st.form_submit_button(ui.t("fill.save"), type="primary", disabled=not form.editable,
                              key=f"save-{matter_id}-{section.id}", on_click=save, args=(section,))
    if done == total and form.problem_count == 0:
        ui.link("app_pages/result.py", ui.t("fill.all_done"), matter_id, icon=":material/arrow_forward:")
