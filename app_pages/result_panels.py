"""An assessment result on screen: levels as badges, the four checks, the factors with their reasons (and the
chain of risks that raised one), the 5×5 matrix, the stakeholders, the learned model's opinion, the measures,
the responsibility check and the review history. Shared by the result, measures, submit and review pages."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import ui
from assessment.domain.result import Assessment, FactorResult
from assessment.services import app_queries
from assessment.services.app_queries import MatrixView, QuestionView, ResultView

CELL_HEIGHT = 64  # pixels per row of the matrix: room for three lines of factor numbers
# The stakeholder graph's legend, in Streamlit's colours nearest to graph.STANCE_COLOUR and RELATION_COLOUR.
STANCE_MARK = {"oppose": "red", "neutral": "gray", "support": "green"}
RELATION_MARK = {"ally": "green", "conflict": "red", "represents": "blue", "informs": "gray"}


def show_result(view: ResultView) -> None:
    if view.provisional and view.missing:
        st.warning(ui.t("result.provisional", missing=view.missing), icon=":material/pending:")
    elif view.provisional:
        st.info(ui.t("result.not_submitted"), icon=":material/pending:")
    if view.assessment is None:
        st.error(ui.t("result.cannot_score"), icon=":material/block:")
        ui.show_problems(list(view.problems), labels=measure_labels())
        return
    result = view.assessment
    levels(result, view)
    if view.problems:
        st.warning(ui.t("result.measures_left_out"), icon=":material/warning:")
        ui.show_problems(list(view.problems), labels=measure_labels())
    _natures(result)
    _factors(result, view)
    _matrices(result, view.matrix)
    _stakeholders(view)
    model_opinion(result)
    measures_table(result)
    responsibility(view)
    if result.caveats:
        st.subheader(ui.t("result.caveats"), anchor=False)
        for caveat in result.caveats:
            st.caption(ui.plain(ui.text(caveat)))
    st.caption(ui.t("result.ruleset_line", id=result.ruleset.id, version=result.ruleset.version,
                    hash=result.ruleset.content_hash[:12], date=result.assessed_at.isoformat()))


def measure_labels() -> dict[str, str]:
    """A planned measure's fields by their labels, to place a problem in the list of measures."""
    return {"measure": ui.t("result.measures"), "text": ui.t("measures.text"), "factors": ui.t("measures.factors"),
            "unit": ui.t("result.measure.unit"), "leader": ui.t("result.measure.leader"),
            "deadline": ui.t("result.measure.deadline"), "supporting_units": ui.t("measures.supporting")}


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


def _factors(result: Assessment, view: ResultView) -> None:
    st.subheader(ui.t("result.factors") + ui.paren(len(result.factors)), anchor=False)
    if not result.factors:
        st.caption(ui.t("result.none"))
        return
    matrix = view.matrix
    degrees = {d: ui.text(label) for d, label, _ in matrix.degrees}
    ui.static_table([{
        ui.t("result.factor.number"): f"F{n}",
        ui.t("result.factors"): ui.text(f.name) + (ui.paren(ui.t("result.factor.raised")) if f.raised_by else ""),
        ui.t("result.factor.category"): ui.text(f.category_name),
        ui.t("result.factor.probability"): _probability(f, matrix),
        ui.t("result.factor.impact"): _scale(matrix.impact_labels, f.impact),
        ui.t("result.factor.degree"): degrees.get(f.degree, f.degree),
        ui.t("result.factor.after"): degrees.get(f.residual_degree, f.residual_degree),
        ui.t("result.factor.because"): reason(f),
        ui.t("result.factor.rule"): f.rule,
    } for n, f in enumerate(result.factors, start=1)])
    if view.risk_link_dot:
        with st.expander(ui.t("result.chains"), icon=":material/account_tree:"):
            st.caption(ui.t("result.chains_note"))
            st.graphviz_chart(view.risk_link_dot)


def _probability(factor: FactorResult, matrix: MatrixView) -> str:
    """The probability level; raised by risk links, the rule's own level first (中等(3) → 较高(4))."""
    now = _scale(matrix.probability_labels, factor.probability)
    return f"{_scale(matrix.probability_labels, factor.rule_probability)} → {now}" if factor.raised_by else now


def reason(factor: FactorResult) -> str:
    """Why the factor was identified, and, when other factors raised it, the chain that did."""
    raised = ui.text(factor.raised_because) if factor.raised_by and factor.raised_because else ""
    return ui.clauses(part for part in (ui.text(factor.because), raised) if part)


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
                       legend=alt.Legend(orient="bottom", columns=3))  # wraps, so that no degree is cut off
    grid = alt.Chart(cells).mark_rect(stroke="white", strokeWidth=2).encode(x=x, y=y, color=colour,
                                                                          tooltip=["P", "C", "degree"])
    labels = alt.Chart(points).mark_text(fontWeight="bold", fontSize=11, lineBreak="\n").encode(x=x, y=y, text="label:N")
    return (grid + labels).properties(title=title, width="container", height=alt.Step(CELL_HEIGHT))


def _cell_text(names: list[str]) -> str:
    """Factor numbers in a cell, three to a line."""
    return "\n".join(" ".join(names[i:i + 3]) for i in range(0, len(names), 3))


def _stakeholders(view: ResultView) -> None:
    st.subheader(ui.t("result.stakeholders"), anchor=False)
    table = view.stakeholders
    rows = table.value if table is not None and isinstance(table.value, list) else []
    if not rows:
        st.caption(ui.t("result.no_stakeholders"))
        return
    if view.stakeholder_dot:
        st.graphviz_chart(view.stakeholder_dot)  # drawn at its own size: a small map is not blown up
        st.caption(graph_legend(view))
    for line in view.stakeholder_summary:
        st.markdown(f"- {ui.plain(ui.text(line))}")
    ui.static_table(labelled_rows(table, rows))


def graph_legend(view: ResultView) -> str:
    """The stakeholder graph's marks in the questionnaire's words: stance colours, the broker border, relation lines."""
    labels = view.graph_labels
    stances = " ".join(f":{colour}-background[{ui.plain(labels.of_stance(name, ui.lang()))}]"
                       for name, colour in STANCE_MARK.items())
    lines = " ".join(f":{colour}[{app_queries.LEGEND_LINE[name]}] {ui.plain(labels.of_relation(name, ui.lang()))}"
                     for name, colour in RELATION_MARK.items())
    return f"{ui.t('result.legend')}{ui.colon()}{stances} · {ui.t('result.broker_mark')} · {lines}"


def labelled_rows(table: QuestionView, rows: list) -> list[dict]:
    """A table answer with its columns' labels, and choices by their labels rather than their names."""
    columns = table.question.columns or []
    names = {c.name: {choice.name: ui.text(choice.label) for choice in table.column_choices.get(c.name, ())}
             for c in columns}
    return [{ui.text(c.label): names[c.name].get(row.get(c.name), row.get(c.name)) for c in columns}
            for row in rows if isinstance(row, dict)]


def model_opinion(result: Assessment) -> None:
    st.subheader(ui.t("result.model.title"), anchor=False)
    opinion = result.model
    if opinion is None:
        refused = app_queries.model_refused()
        if refused:
            st.warning(ui.t("result.model.refused"), icon=":material/gpp_bad:")
            ui.show_problems(list(refused))
        else:
            st.caption(ui.t("result.model.none"))
        return
    if opinion.trained_on_simulated_data:
        st.warning(f"**{ui.t('result.model.simulated')}** {ui.plain(ui.text(opinion.caveat))}", icon=":material/science:")
    probability, level, version = st.columns([2, 1, 1])
    with probability:
        st.caption(ui.t("result.model.probability"))
        st.markdown(f"### {opinion.probability:.1%}")
    with level:
        st.caption(ui.t("result.model.suggested"))
        ui.level_badge(opinion.suggested_level)
    with version:
        st.caption(ui.t("result.model.version"))
        st.markdown(f"`{opinion.version}`")
    if opinion.disagreement:
        st.error(ui.plain(ui.text(opinion.disagreement)), icon=":material/priority_high:")
    else:
        st.caption(ui.t("result.model.agrees"))
    st.caption(ui.t("result.model.reasons"))
    values = app_queries.model_reason_values(result, ui.lang())
    ui.static_table([{ui.t("result.model.reason"): ui.text(r.label),
                      ui.t("result.model.value"): value,
                      ui.t("result.model.push"): f"{r.contribution:+.3f}"} for r, value in zip(opinion.reasons, values)])


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
        ui.t("result.measure.counted"): counted_text(m),
    } for m in result.measures])


def counted_text(measure) -> str:
    if measure.counted:
        return ui.t("form.yes")
    return ui.t("form.no") + ui.colon() + ui.listed(ui.text(r) for r in measure.not_counted_because)


def responsibility(view: ResultView) -> None:
    """One problem, one leader, one plan: factors of degree 一般 or above without a counted measure, and leaders
    holding more measures than they can follow through."""
    report = view.responsibility
    if report is None:
        return
    st.subheader(ui.t("result.responsibility"), anchor=False)
    if report.ok:
        st.success(ui.t("result.responsibility_ok"), icon=":material/verified_user:")
        return
    if report.gaps:
        st.warning(ui.t("result.responsibility_gaps", count=len(report.gaps)), icon=":material/person_off:")
        for gap in report.gaps:
            st.markdown(f"- {ui.plain(ui.text(gap.text))}")
    for load in report.overloaded:
        st.warning(ui.plain(ui.text(load.text)), icon=":material/group:")


def history(view: ResultView) -> None:
    """The reviewers' actions on the matter: return reasons, comments, level changes with their reasons, the
    decision and its note. The department sees them too."""
    if not view.history:
        return
    st.subheader(ui.t("review.history"), anchor=False)
    ui.static_table([{
        ui.t("review.when"): ui.when(e.review.at),
        ui.t("list.revision"): e.review.revision,
        ui.t("review.who"): e.reviewer,
        ui.t("review.action"): ui.t("review.action." + e.review.action),
        ui.t("review.detail"): _review_detail(e.review),
    } for e in view.history])


def _review_detail(review) -> str:
    parts = []
    if review.decision:
        parts.append(ui.t("review.decided", decision=ui.t("decision." + review.decision)))
    if review.level_to:
        old = ui.t("level." + review.level_from) if review.level_from else "-"
        parts.append(ui.t("review.level_changed", old=old, new=ui.t("level." + review.level_to)))
    if review.comment:
        parts.append(review.comment)
    return ui.clauses(parts) or "-"
