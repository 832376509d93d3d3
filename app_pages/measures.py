"""措施: pick measures from the library or write one, each with 责任单位, 包案领导 and 时限; the residual risk
is scored again on every save, and each measure says whether it counts and why not."""

import pandas as pd
import streamlit as st

from app_pages import ui
from app_pages.result_panels import counted_text, levels, measure_labels, responsibility
from assessment.services import app_queries

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"

st.title(ui.t("page.measures"))
matter_id = ui.chosen_matter(states=app_queries.EDITABLE_STATES)
if matter_id is None:
    st.stop()
view = ui.call(app_queries.result_view, ui.read(), ui.me(), matter_id, lang=ui.lang())
if view is None:
    st.stop()
options = app_queries.measure_options(view)
ui.matter_header(view.matter)
ui.matter_steps(matter_id, "app_pages/measures.py")
editable = view.matter.state in app_queries.EDITABLE_STATES
current = [dict(m) for m in view.revision.measures]
library = {o.id: o for o in options.library}
problems_key, warning_key, flash_key = (f"measure-problems-{matter_id}", f"measure-warning-{matter_id}",
                                        f"measure-flash-{matter_id}")


def aimed_at(measure: dict) -> str:
    known = library.get(measure.get("measure") or "")
    factors = measure.get("factors") or (known.factors if known else ())
    return ui.listed(ui.text(options.factors[f]) if f in options.factors else f for f in factors)


def row_status(row: app_queries.MeasureRow) -> str:
    """Whether the measure counts toward the residual risk, and if not, why."""
    if row.problems:
        return ui.t("measures.invalid") + ui.colon() + ui.clauses(
            ui.problem_text(p, with_place=False, labels=measure_labels()) for p in row.problems)
    return counted_text(row.result) if row.result is not None else "-"


def save_table(edited: dict, form: list[dict]) -> None:
    """The planned table's save button's callback: apply the edits and removals, then save."""
    changes = edited.get("edited_rows") or {}
    kept = []
    for position, measure in enumerate(form):
        row = {**measure, **changes.get(position, changes.get(str(position), {}))}
        if not row.get("remove"):
            kept.append({**current[position], **{k: (row.get(k) or "").strip() or None
                                                 for k in ("unit", "leader", "deadline", "supporting_units")}})
    if ui.remember_problems(problems_key, app_queries.save_measures, ui.uow(), ui.me(), matter_id, kept,
                            expected_version=view.matter.version) is not None:
        st.session_state[flash_key] = ui.t("measures.saved", count=len(kept))


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
        state[flash_key] = ui.t("measures.added", name=app_queries.measure_name(measure, ui.lang()))


def library_measure(state) -> dict | None:
    picked = state.get("library-pick")
    if picked is None:
        state[warning_key] = ui.t("measures.pick_first")
        return None
    return {"measure": picked, "factors": list(library[picked].factors),
            "unit": state["library-unit"].strip() or None, "leader": state["library-leader"].strip() or None,
            "deadline": state["library-deadline"].strip() or None}


def own_measure(state) -> dict | None:
    words = state["own-text"].strip()
    if not words:
        state[warning_key] = ui.t("measures.text_first")
        return None
    if not state["own-factors"]:
        state[warning_key] = ui.t("measures.factors_first")
        return None
    return {"text": {"zh": words, "en": words}, "factors": list(state["own-factors"]),
            "lowers": {"probability": state["own-p"], "impact": state["own-c"]},
            "unit": state["own-unit"].strip() or None, "leader": state["own-leader"].strip() or None,
            "deadline": state["own-deadline"].strip() or None}


if view.assessment is not None:
    levels(view.assessment, view)
if not editable:
    st.info(ui.t("fill.not_editable"), icon=":material/lock:")
if flash := st.session_state.pop(flash_key, None):
    st.success(flash, icon=":material/check_circle:")
ui.shown_problems(problems_key)
if warning := st.session_state.pop(warning_key, None):
    st.warning(warning, icon=":material/warning:")

st.subheader(ui.t("measures.planned") + ui.paren(len(current)), anchor=False)
if current:
    status = {r.row: row_status(r) for r in view.measure_rows}
    rows = [{
        "measure": app_queries.measure_name(m, ui.lang()),
        "factors": aimed_at(m),
        "unit": m.get("unit") or "", "leader": m.get("leader") or "", "deadline": str(m.get("deadline") or ""),
        "counted": status.get(n, "-"), "remove": False,
        "supporting_units": m.get("supporting_units") or "",
    } for n, m in enumerate(current, start=1)]
    table_key = f"measure-table-{matter_id}-{view.matter.version}"  # a new table after each save
    with st.form(f"measures-{matter_id}"):
        st.data_editor(pd.DataFrame(rows), hide_index=True, width="stretch", key=table_key, placeholder="",
                       disabled=["measure", "factors", "counted"] if editable else True, column_config={
                           "measure": st.column_config.TextColumn(ui.t("result.measures"), width=200),
                           "factors": st.column_config.TextColumn(ui.t("measures.factors"), width=120),
                           "unit": st.column_config.TextColumn(ui.t("result.measure.unit") + " *", max_chars=200,
                                                               width=130),
                           "leader": st.column_config.TextColumn(ui.t("result.measure.leader") + " *", max_chars=100,
                                                                 width=110),
                           "deadline": st.column_config.TextColumn(ui.t("result.measure.deadline") + " *", width=96,
                                                                   validate=DATE_PATTERN, help="YYYY-MM-DD"),
                           "counted": st.column_config.TextColumn(ui.t("result.measure.counted"), width=130),
                           "supporting_units": st.column_config.TextColumn(ui.t("measures.supporting"), max_chars=300,
                                                                           width=120),
                           "remove": st.column_config.CheckboxColumn(ui.t("measures.remove"), width=72),
                       })
        st.form_submit_button(ui.t("measures.save"), type="primary", disabled=not editable, key="measures-save",
                              on_click=lambda: save_table(st.session_state.get(table_key) or {}, rows))
    st.caption(ui.t("measures.counted_rule"))
else:
    st.caption(ui.t("result.no_measures"))

if editable:
    from_library, own = st.columns(2, border=True)
    with from_library:
        st.markdown(f"**{ui.t('measures.from_library')}**")
        with st.form(f"library-{matter_id}"):
            def library_label(measure_id: str) -> str:
                option = library[measure_id]
                aimed = ui.listed(ui.text(options.factors[f]) for f in option.factors)
                return ui.text(option.name) + (ui.paren(ui.t("measures.aims", factors=aimed)) if aimed else "")

            st.selectbox(ui.t("measures.library_measure") + " :red[*]", list(library), index=None,
                         format_func=library_label, placeholder=ui.t("form.pick_one"), key="library-pick")
            st.text_input(ui.t("result.measure.unit") + " :red[*]", max_chars=200, key="library-unit",
                          placeholder=ui.t("measures.unit_placeholder"))
            st.text_input(ui.t("result.measure.leader") + " :red[*]", max_chars=100, key="library-leader")
            st.text_input(ui.t("result.measure.deadline") + " :red[*]", placeholder="YYYY-MM-DD", max_chars=10,
                          key="library-deadline")
            st.form_submit_button(ui.t("measures.add"), key="library-add", on_click=add,
                                  args=(library_measure, LIBRARY_FORM))
    with own:
        st.markdown(f"**{ui.t('measures.own')}**")
        with st.form(f"own-{matter_id}"):
            st.text_area(ui.t("measures.text") + " :red[*]", max_chars=1000, key="own-text")
            st.multiselect(ui.t("measures.factors") + " :red[*]", list(options.factors),
                           format_func=lambda f: ui.text(options.factors[f]), placeholder=ui.t("form.pick_many"),
                           key="own-factors", select_all=False)
            drops = list(range(options.max_custom_drop + 1))
            st.selectbox(ui.t("measures.lowers_probability"), drops, index=len(drops) - 1, key="own-p")
            st.selectbox(ui.t("measures.lowers_impact"), drops, index=0, key="own-c")
            st.text_input(ui.t("result.measure.unit") + " :red[*]", max_chars=200, key="own-unit",
                          placeholder=ui.t("measures.unit_placeholder"))
            st.text_input(ui.t("result.measure.leader") + " :red[*]", max_chars=100, key="own-leader")
            st.text_input(ui.t("result.measure.deadline") + " :red[*]", placeholder="YYYY-MM-DD", max_chars=10,
                          key="own-deadline")
            st.form_submit_button(ui.t("measures.add"), key="own-add", on_click=add, args=(own_measure, OWN_FORM))
    st.caption(ui.t("measures.required_note"))

responsibility(view)
ui.link("app_pages/submit.py", ui.t("measures.next"), matter_id, icon=":material/arrow_forward:")
