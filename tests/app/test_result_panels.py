"""What the result, measures, submit and review pages tell a user: the chain that raised a factor, the
responsibility check, the reviewers' words for the department, why a measure does not count."""

from __future__ import annotations

from app_pages.ui import plain
from assessment.i18n import t
from assessment.services import app_queries, review, submissions
from tests.app.conftest import DEPARTMENT, REVIEWER, detail, matter_of, no_crash, open_page, who


def _texts(at) -> str:
    """Everything written on the page, tables included, as one string."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success") for e in getattr(at, kind)]
    parts += [str(v) for table in at.table for v in table.value.to_numpy().ravel()]
    return "\n".join(map(str, parts))


def test_result__factor_raised_by_a_risk_link__shows_both_levels_and_the_chain(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    view = app_queries.result_view(app_db.uow(), who(app_db, DEPARTMENT), matter)
    raised = next(f for f in view.assessment.factors if f.raised_by)
    at = no_crash(open_page("app_pages/result.py", who(app_db, DEPARTMENT), matter=matter))
    factors = next(table.value for table in at.table if t("result.factor.rule", "zh") in table.value.columns)
    row = factors[factors[t("result.factor.rule", "zh")] == plain(raised.rule)].iloc[0]
    assert t("result.factor.raised", "zh") in row[t("result.factors", "zh")]
    probability = row[t("result.factor.probability", "zh")]
    before, after = (t("punct.paren", "zh", text=level) for level in (raised.rule_probability, raised.probability))
    assert probability.index(before) < probability.index("→") < probability.index(after)
    assert plain(raised.raised_because.zh) in row[t("result.factor.because", "zh")]
    assert len(at.get("graphviz_chart")) == 2  # the stakeholders and the chain of risks


def test_result__stakeholder_graph__summary_and_legend_under_it(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    view = app_queries.result_view(app_db.uow(), who(app_db, DEPARTMENT), matter)
    at = no_crash(open_page("app_pages/result.py", who(app_db, DEPARTMENT), matter=matter))
    texts = _texts(at)
    assert view.stakeholder_summary and all(plain(line.zh) in texts for line in view.stakeholder_summary)
    assert any(c.value.startswith(t("result.legend", "zh")) for c in at.caption)


def test_result__returned_matter__department_sees_the_reason_and_comments(app_db):
    matter = matter_of(app_db, "land_expropriation", "returned")
    reviews = detail(app_db, matter).reviews
    at = no_crash(open_page("app_pages/result.py", who(app_db, DEPARTMENT), matter=matter))
    history = at.table[0].value
    assert [plain(r.comment) for r in reviews if r.comment] == [c for c in history[t("review.detail", "zh")]
                                                              if c != plain("-")]
    assert t("review.action.return", "zh") in list(history[t("review.action", "zh")])


def test_result__approved_matter__department_sees_the_decision_and_its_note(app_db):
    matter = matter_of(app_db, "land_expropriation", "approved")
    at = no_crash(open_page("app_pages/result.py", who(app_db, DEPARTMENT), matter=matter))
    approval = at.table[0].value.iloc[-1][t("review.detail", "zh")]
    decision = t("decision." + detail(app_db, matter).summary.decision, "zh")
    assert t("review.decided", "zh", decision=decision) in approval and plain("须按期落实") in approval


def test_measures__no_measures__responsibility_gaps_listed_on_measures_and_submit_pages(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    view = app_queries.save_measures(app_db.uow(), who(app_db, DEPARTMENT), matter, [],
                                     expected_version=detail(app_db, matter).summary.version)
    gaps = view.responsibility.gaps
    for page in ("app_pages/measures.py", "app_pages/submit.py"):
        at = no_crash(open_page(page, who(app_db, DEPARTMENT), matter=matter))
        assert t("result.responsibility_gaps", "zh", count=len(gaps)) in [w.value for w in at.warning]
        assert all(plain(g.text.zh) in _texts(at) for g in gaps)


def test_review__complete_measures__responsibility_check_passes_on_screen(app_db):
    matter = matter_of(app_db, "land_expropriation", "submitted")
    at = no_crash(open_page("app_pages/review.py", who(app_db, REVIEWER), matter=matter))
    assert t("result.responsibility_ok", "zh") in [s.value for s in at.success]


def test_measures__library_measure_added__says_so_and_lists_it_with_why_it_does_not_count(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    at = no_crash(open_page("app_pages/measures.py", who(app_db, DEPARTMENT), matter=matter))
    at.selectbox(key="library-pick").set_value("M-LA-05")
    at.text_input(key="library-leader").input("张敏")  # no unit, no deadline
    at = no_crash(at.button(key="library-add").click().run())
    added = detail(app_db, matter).current.measures[-1]
    assert added["measure"] == "M-LA-05" and added["unit"] is None  # no unit is filled in for the department
    name = app_queries.measure_name(added, "zh")
    assert t("measures.added", "zh", name=name) in [s.value for s in at.success]
    view = app_queries.result_view(app_db.uow(), who(app_db, DEPARTMENT), matter)
    last = view.measure_rows[-1].result
    assert not last.counted and {"未明确责任单位", "未明确完成时限"} <= {r.zh for r in last.not_counted_because}


def test_measures__library_options__are_named_without_their_ids(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    at = no_crash(open_page("app_pages/measures.py", who(app_db, DEPARTMENT), matter=matter))
    assert not any(label.startswith("M-") for label in at.selectbox(key="library-pick").options)


def test_review__comment__is_sent_and_the_box_is_empty_again(app_db):
    matter = matter_of(app_db, "land_expropriation", "submitted")
    at = no_crash(open_page("app_pages/review.py", who(app_db, REVIEWER), matter=matter))
    at.text_area(key="review-comment-text").input("请补充听证会记录。")
    at = no_crash(at.button(key="review-comment-send").click().run())
    assert detail(app_db, matter).reviews[-1].comment == "请补充听证会记录。"
    assert at.text_area(key="review-comment-text").value == ""


def test_review__overridden_level__reason_is_in_the_history_the_department_sees(app_db):
    matter = matter_of(app_db, "land_expropriation", "submitted")
    reviewer = who(app_db, REVIEWER)
    version = detail(app_db, matter).summary.version
    review.override_level(app_db.uow(), reviewer, matter, expected_version=version, level="high",
                          reason="近期已发生集体上访。")
    at = no_crash(open_page("app_pages/result.py", who(app_db, DEPARTMENT), matter=matter))
    last = at.table[0].value.iloc[-1][t("review.detail", "zh")]
    assert t("level.high", "zh") in last and plain("近期已发生集体上访。") in last


def test_renamed_matter__header_shows_the_current_name(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    submissions.save_draft(app_db.uow(), who(app_db, DEPARTMENT), matter, {"matter_name": "城东片区改造（调整后）"},
                           expected_version=detail(app_db, matter).summary.version)
    for page in ("app_pages/fill.py", "app_pages/result.py", "app_pages/measures.py"):
        at = no_crash(open_page(page, who(app_db, DEPARTMENT), matter=matter))
        assert at.subheader[0].value == f"\\#{matter} {plain('城东片区改造（调整后）')}"
