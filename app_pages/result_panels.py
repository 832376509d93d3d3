"""An assessment result on screen: levels as badges, the four checks, the factors with their reasons,
the 5×5 matrix, the stakeholders, the learned model's opinion and the measures. Shared by the result
and review pages."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import ui
from assessment.domain.result import Assessment, FactorResult, ModelOpinion
from assessment.services.app_queries import MatrixView, QuestionView, ResultView

CELL_HEIGHT = 64  # pixels per row of the matrix: room for three lines of factor numbers


def show_result(view: ResultView) -> None:
    if view.provisional and view.missing:
        st.warning(ui.t("result.provisional", missing=view.missing), icon=":material/pending:")
    elif view.provisional:
        st.info(ui.t("result.not_submitted"), icon=":material/pending:")
    if view.assessment is None:
        st.error(ui.t("result.cannot_score"), icon=":material/block:")
        ui.show_problems(list(view.problems))
        return
    result = view.assessment
    levels(result, view)
    if view.problems:
        st.warning(ui.t("result.measures_left_out"), icon=":material/warning:")
        ui.show_problems(list(view.problems))
    _natures(result)
    _factors(result, view.matrix)
    _matrices(result, view.matrix)
    _stakeholders(view.stakeholders, view.stakeholder_dot)
    model_opinion(result.model)
    measures_table(result)
    if result.caveats:
        st.subheader(ui.t("result.caveats"), anchor=False)
        for caveat in result.caveats:
            st.caption(ui.plain(ui.text(caveat)))
    st.caption(ui.t("result.ruleset_line", id=result.ruleset.id, version=result.ruleset.version,
                    hash=result.ruleset.content_hash[:12], date=result.assessed_at.isoformat()))


def levels(result: Assessment, view: ResultView) -> None:
    before, after = st.columns(2, border=True)
    for column, stage, key in ((before, result.before, "result.level_before"), (after, result.after, "result.level_after")):
        with column:
            st.caption(ui.t(key))
            ui.level_badge(stage.level)
            st.metric(ui.t("result.index"), f"{stage.index:.4f}", border=False)
            for floor in stage.floors:
                st.caption(f"⤒ {ui.plain(ui.text(floor.because))}")
    if not view.provisional and view.matter.level and view.matter.level != result.after.level:
        st.warning(ui.t("result.overridden", level=ui.t("level." + view.matter.level)), icon=":material/edit:")
    advice = result.decision
    st.info(f"**{ui.t('result.decision')}{ui.colon()}{ui.t('decision.' + advice.decision)}** — {ui.plain(ui.text(advice.text))}"
            f"  \n{ui.plain(ui.text(advice.policy_label))}", icon=":material/flag:")


def _natures(result: Assessment) -> None:
    st.subheader(ui.t("result.natures"), anchor=False)
    after = {n.nature: n for n in result.after.natures}
    ui.static_table([{
        ui.t("result.nature"): ui.text(n.label),
        ui.t("result.before"): ui.t("verdict." + n.verdict),
        ui.t("result.after"): ui.t("verdict." + after[n.nature].verdict) if n.nature in after else "-",
        ui.t("result.factor.because"): ui.clauses(ui.text(r) for r in n.reasons) or "-",
    } for n in result.before.natures])


def _scale(labels, level: int) -> str:
    return ui.text(labels[level - 1]) + ui.paren(level)


def _factors(result: Assessment, matrix: MatrixView) -> None:
    st.subheader(ui.t("result.factors") + ui.paren(len(result.factors)), anchor=False)
    if not result.factors:
        st.caption(ui.t("result.none"))
        return
    degrees = {d: ui.text(label) for d, label, _ in matrix.degrees}
    ui.static_table([{
        ui.t("result.factor.number"): f"F{n}",
        ui.t("result.factors"): ui.text(f.name),
        ui.t("result.factor.category"): ui.text(f.category_name),
        ui.t("result.factor.probability"): _scale(matrix.probability_labels, f.probability),
        ui.t("result.factor.impact"): _scale(matrix.impact_labels, f.impact),
        ui.t("result.factor.degree"): degrees.get(f.degree, f.degree),
        ui.t("result.factor.after"): degrees.get(f.residual_degree, f.residual_degree),
        ui.t("result.factor.because"): ui.text(f.because),
        ui.t("result.factor.rule"): f.rule,
    } for n, f in enumerate(result.factors, start=1)])


def _matrices(result: Assessment, matrix: MatrixView) -> None:
    st.subheader(ui.t("result.matrix"), anchor=False)
    before, after = st.columns(2)
    with before:
        st.altair_chart(matrix_chart(matrix, result.factors, residual=False, title=ui.t("result.level_before")))
    with after:
        st.altair_chart(matrix_chart(matrix, result.factors, residual=True, title=ui.t("result.level_after")))


def matrix_chart(matrix: MatrixView, factors: tuple[FactorResult, ...], *, residual: bool, title: str) -> alt.Chart:
    """The 5×5 grid coloured by degree, each factor's number in its cell (F1 is the factor table's first row)."""
    p_labels = [ui.text(x) for x in matrix.probability_labels]
    c_labels = [ui.text(x) for x in matrix.impact_labels]
    degree_label = {d: ui.text(label) for d, label, _ in matrix.degrees}
    cells = pd.DataFrame([{"P": p_labels[p], "C": c_labels[c], "degree": degree_label[matrix.grid[p][c]]}
                          for p in range(5) for c in range(5)])
    marks: dict[tuple[int, int], list[str]] = {}
    for number, f in enumerate(factors, start=1):
        p, c = (f.residual_probability, f.residual_impact) if residual else (f.probability, f.impact)
        marks.setdefault((p, c), []).append(f"F{number}")
    points = pd.DataFrame([{"P": p_labels[p - 1], "C": c_labels[c - 1], "label": _cell_text(names)}
                           for (p, c), names in marks.items()], columns=["P", "C", "label"])
    x = alt.X("C:O", sort=c_labels, title=ui.t("result.factor.impact"), axis=alt.Axis(labelAngle=0))
    y = alt.Y("P:O", sort=list(reversed(p_labels)), title=ui.t("result.factor.probability"))
    colour = alt.Color("degree:N", title=ui.t("result.factor.degree"),
                       scale=alt.Scale(domain=[degree_label[d] for d, _, _ in matrix.degrees],
                                       range=[colour for _, _, colour in matrix.degrees]),
                       legend=alt.Legend(orient="bottom"))
    grid = alt.Chart(cells).mark_rect(stroke="white", strokeWidth=2).encode(x=x, y=y, color=colour,
                                                                          tooltip=["P", "C", "degree"])
    labels = alt.Chart(points).mark_text(fontWeight="bold", fontSize=11, lineBreak="\n").encode(x=x, y=y, text="label:N")
    return (grid + labels).properties(title=title, width="container", height=alt.Step(CELL_HEIGHT))


def _cell_text(names: list[str]) -> str:
    """Factor numbers in a cell, three to a line."""
    return "\n".join(" ".join(names[i:i + 3]) for i in range(0, len(names), 3))


def _stakeholders(table: QuestionView | None, dot: str | None) -> None:
    st.subheader(ui.t("result.stakeholders"), anchor=False)
    rows = table.value if table is not None and isinstance(table.value, list) else []
    if dot:
        st.graphviz_chart(dot, width="stretch")
    elif rows:
        st.caption(ui.t("result.graph_not_ready"))
    if rows:
        ui.static_table(labelled_rows(table, rows))
    else:
        st.caption(ui.t("result.no_stakeholders"))


def labelled_rows(table: QuestionView, rows: list) -> list[dict]:
    """A table answer with its columns' labels, and choices by their labels rather than their names."""
    columns = table.question.columns or []
    names = {c.name: {choice.name: ui.text(choice.label) for choice in table.column_choices.get(c.name, ())}
             for c in columns}
    return [{ui.text(c.label): names[c.name].get(row.get(c.name), row.get(c.name)) for c in columns}
            for row in rows if isinstance(row, dict)]


def model_opinion(opinion: ModelOpinion | None) -> None:
    st.subheader(ui.t("result.model.title"), anchor=False)
    if opinion is None:
        st.caption(ui.t("result.model.none"))
        return
    if opinion.trained_on_simulated_data:
        st.warning(f"**{ui.t('result.model.simulated')}** {ui.plain(ui.text(opinion.caveat))}", icon=":material/science:")
    probability, level, version = st.columns(3)
    probability.metric(ui.t("result.model.probability"), f"{opinion.probability:.1%}")
    with level:
        st.caption(ui.t("result.model.suggested"))
        ui.level_badge(opinion.suggested_level)
    version.caption(f"{ui.t('result.model.version')}: {opinion.version}")
    if opinion.disagreement:
        st.error(ui.plain(ui.text(opinion.disagreement)), icon=":material/priority_high:")
    else:
        st.caption(ui.t("result.model.agrees"))
    st.caption(ui.t("result.model.reasons"))
    ui.static_table([{ui.t("result.model.reason"): ui.text(r.label),
                      ui.t("result.model.value"): "-" if r.value is None else f"{r.value:g}" if isinstance(r.value, float)
                      else r.value,
                      ui.t("result.model.push"): f"{r.contribution:+.3f}"} for r in opinion.reasons])


def measures_table(result: Assessment) -> None:
    st.subheader(ui.t("result.measures") + ui.paren(len(result.measures)), anchor=False)
    if not result.measures:
        st.caption(ui.t("result.no_measures"))
        return
    ui.static_table([{
        "#": m.number,
        ui.t("result.measures"): ui.text(m.text),
        ui.t("result.measure.unit"): m.unit or "-",
        ui.t("result.measure.leader"): m.leader or "-",
        ui.t("result.measure.deadline"): m.deadline.isoformat() if m.deadline else "-",
        ui.t("result.measure.counted"): ui.t("form.yes") if m.counted
        else ui.t("form.no") + ui.colon() + ui.clauses(ui.text(r) for r in m.not_counted_because),
    } for m in result.measures])
