"""措施: pick measures from the library or write one, each with 责任单位, 包案领导 and 时限; the residual risk
is scored again on every save."""

import pandas as pd
import streamlit as st

from app_pages import ui
from app_pages.result_panels import levels, measures_table
from assessment.services import app_queries

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

st.title(ui.t("page.measures"))
matter_id = ui.chosen_matter(states=app_queries.EDITABLE_STATES)
if matter_id is None:
    st.stop()
view = ui.call(app_queries.result_view, ui.read(), ui.me(), matter_id, lang=ui.lang())
options = ui.call(app_queries.measure_options, ui.read(), ui.me(), matter_id)
if view is None or options is None:
    st.stop()
ui.matter_header(view.matter)
ui.matter_steps(matter_id, "app_pages/measures.py")
editable = view.matter.state in app_queries.EDITABLE_STATES
current = [dict(m) for m in view.revision.measures]
library = {o.id: o for o in options.library}


def measure_text(measure: dict) -> str:
    words = measure.get("text")
    if isinstance(words, dict):
        return words.get(ui.lang()) or words.get("zh") or ""
    if isinstance(words, str):
        return words
    known = library.get(measure.get("measure") or "")
    return ui.text(known.name) if known else str(measure.get("measure") or "")


def aimed_at(measure: dict) -> str:
    known = library.get(measure.get("measure") or "")
    factors = measure.get("factors") or (known.factors if known else ())
    return ui.listed(ui.text(options.factors[f]) if f in options.factors else f for f in factors)


def save(measures: list[dict]) -> None:
    if ui.call(app_queries.save_measures, ui.uow(), ui.me(), matter_id, measures,
               expected_version=view.matter.version) is not None:
        st.rerun()


LIBRARY_FORM = {"library-pick": None, "library-unit": "", "library-leader": "", "library-deadline": ""}
OWN_FORM = {"own-text": "", "own-factors": [], "own-unit": "", "own-leader": "", "own-deadline": ""}


def add(measure_of, form: dict) -> None:
    """An add button's callback: save the list with the new measure; on success empty the form (setting the
    widgets' values, so that the browser shows them empty too), on a refusal keep what was typed."""
    state = st.session_state
    measure = measure_of(state)
    if measure is None:
        return
    saved = ui.remember_problems(problems_key, app_queries.save_measures, ui.uow(), ui.me(), matter_id,
                                 current + [measure], expected_version=view.matter.version)
    if saved is not None:
        state.update(form)


def library_measure(state) -> dict | None:
    picked = state.get("library-pick")
    if picked is None:
        state[warning_key] = ui.t("measures.pick_first")
        return None
    option = library[picked]
    return {"measure": picked, "factors": list(option.factors),
            "unit": state["library-unit"].strip() or (ui.text(option.typical_unit) if option.typical_unit else None),
            "leader": state["library-leader"].strip() or None, "deadline": state["library-deadline"].strip() or None}


def own_measure(state) -> dict | None:
    words = state["own-text"].strip()
    if not words:
        state[warning_key] = ui.t("measures.text_first")
        return None
    return {"text": {"zh": words, "en": words}, "factors": list(state["own-factors"]),
            "lowers": {"probability": state["own-p"], "impact": state["own-c"]},
            "unit": state["own-unit"].strip() or None, "leader": state["own-leader"].strip() or None,
            "deadline": state["own-deadline"].strip() or None}


problems_key, warning_key = f"measure-problems-{matter_id}", f"measure-warning-{matter_id}"
if view.assessment is not None:
    levels(view.assessment, view)
ui.show_problems(list(view.problems))
if not editable:
    st.info(ui.t("fill.not_editable"), icon=":material/lock:")

st.subheader(ui.t("measures.planned"), anchor=False)
if current:
    frame = pd.DataFrame([{
        "measure": measure_text(m),
        "factors": aimed_at(m),
        "unit": m.get("unit") or "", "leader": m.get("leader") or "", "deadline": str(m.get("deadline") or ""),
        "supporting_units": m.get("supporting_units") or "", "remove": False,
    } for m in current])
    with st.form(f"measures-{matter_id}"):
        edited = st.data_editor(frame, hide_index=True, width="stretch", disabled=["measure", "factors"] if editable else True,
                                key=f"measure-table-{matter_id}", column_config={
                                    "measure": st.column_config.TextColumn(ui.t("result.measures"), width="medium"),
                                    "factors": st.column_config.TextColumn(ui.t("measures.factors")),
                                    "unit": st.column_config.TextColumn(ui.t("result.measure.unit") + " *", max_chars=200),
                                    "leader": st.column_config.TextColumn(ui.t("result.measure.leader") + " *", max_chars=100),
                                    "deadline": st.column_config.TextColumn(ui.t("result.measure.deadline") + " *",
                                                                            validate=DATE_PATTERN, help="YYYY-MM-DD"),
                                    "supporting_units": st.column_config.TextColumn(ui.t("measures.supporting"), max_chars=300),
                                    "remove": st.column_config.CheckboxColumn(ui.t("measures.remove")),
                                })
        if st.form_submit_button(ui.t("measures.save"), type="primary", disabled=not editable, key="measures-save"):
            kept = []
            for measure, row in zip(current, edited.to_dict("records")):
                if not row["remove"]:
                    kept.append({**measure, **{k: (row[k] or "").strip() or None
                                               for k in ("unit", "leader", "deadline", "supporting_units")}})
            save(kept)
    st.caption(ui.t("measures.counted_rule"))
else:
    st.caption(ui.t("result.no_measures"))

if editable:
    ui.shown_problems(problems_key)
    if warning := st.session_state.pop(warning_key, None):
        st.warning(warning, icon=":material/warning:")
    from_library, own = st.columns(2, border=True)
    with from_library:
        st.markdown(f"**{ui.t('measures.from_library')}**")
        with st.form(f"library-{matter_id}"):
            def library_label(measure_id: str) -> str:
                option = library[measure_id]
                aimed = ui.listed(ui.text(options.factors[f]) for f in option.factors)
                return f"{measure_id} {ui.text(option.name)}" + (ui.paren(ui.t("measures.aims", factors=aimed)) if aimed else "")

            st.selectbox(ui.t("measures.library_measure"), list(library), index=None, format_func=library_label,
                         placeholder=ui.t("form.pick_one"), key="library-pick")
            st.text_input(ui.t("result.measure.unit"), max_chars=200, key="library-unit",
                          placeholder=ui.t("measures.typical_unit"))
            st.text_input(ui.t("result.measure.leader"), max_chars=100, key="library-leader")
            st.text_input(ui.t("result.measure.deadline"), placeholder="YYYY-MM-DD", max_chars=10, key="library-deadline")
            st.form_submit_button(ui.t("measures.add"), key="library-add", on_click=add,
                                  args=(library_measure, LIBRARY_FORM))
    with own:
        st.markdown(f"**{ui.t('measures.own')}**")
        with st.form(f"own-{matter_id}"):
            st.text_area(ui.t("measures.text"), max_chars=1000, key="own-text")
            st.multiselect(ui.t("measures.factors"), list(options.factors), format_func=lambda f: ui.text(options.factors[f]),
                           placeholder=ui.t("form.pick_many"), key="own-factors")
            drops = list(range(options.max_custom_drop + 1))
            st.selectbox(ui.t("measures.lowers_probability"), drops, index=len(drops) - 1, key="own-p")
            st.selectbox(ui.t("measures.lowers_impact"), drops, index=0, key="own-c")
            st.text_input(ui.t("result.measure.unit"), max_chars=200, key="own-unit")
            st.text_input(ui.t("result.measure.leader"), max_chars=100, key="own-leader")
            st.text_input(ui.t("result.measure.deadline"), placeholder="YYYY-MM-DD", max_chars=10, key="own-deadline")
            st.form_submit_button(ui.t("measures.add"), key="own-add", on_click=add, args=(own_measure, OWN_FORM))

if view.assessment is not None:
    measures_table(view.assessment)
ui.link("app_pages/submit.py", ui.t("measures.next"), matter_id, icon=":material/arrow_forward:")
