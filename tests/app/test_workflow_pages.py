"""Result, measures, submit and review pages driven as a user would."""

from __future__ import annotations

import pytest

from app_pages import ui
from assessment.domain.i18n_text import I18nText
from assessment.domain.result import ModelOpinion, ModelReason
from assessment.i18n import t
from assessment.services import app_queries, submissions
from tests.app.conftest import DEPARTMENT, REVIEWER, codes, detail, has_button, matter_of, no_crash, open_page, who


class SimulatedModel:
    """A second opinion as the learned model gives it when trained on simulated data."""

    def opinion(self, kind, values, assessment) -> ModelOpinion:
        return ModelOpinion(version="test-1", trained_on_simulated_data=True,
                            caveat=I18nText(zh="本模型以模拟数据训练", en="Trained on simulated data"),
                            probability=0.42, suggested_level="high",
                            reasons=(ModelReason(feature="opposition_rate", label=I18nText(zh="反对率", en="Opposition"),
                                                 contribution=0.8, value=0.3),),
                            disagreement=I18nText(zh="模型与规则不一致", en="The model disagrees"))


def test_result__draft__is_provisional_with_levels_factors_matrix_and_stakeholder_graph(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    at = no_crash(open_page("app_pages/result.py", who(app_db, DEPARTMENT), matter=matter))
    headings = [s.value for s in at.subheader]
    assert any(t("result.factors", "zh") in h for h in headings) and t("result.matrix", "zh") in headings
    assert t("result.not_submitted", "zh") in [i.value for i in at.info]
    assert len(at.get("vega_lite_chart")) == 2 and at.get("graphviz_chart")
    assert t("result.model.none", "zh") in [c.value for c in at.caption]


def test_result__with_a_model_trained_on_simulated_data__shows_the_opinion_with_the_label(app_db, monkeypatch):
    monkeypatch.setattr(app_queries, "current_advisor", lambda rules_dir=None: SimulatedModel())
    matter = matter_of(app_db, "land_expropriation", "draft")
    at = no_crash(open_page("app_pages/result.py", who(app_db, DEPARTMENT), matter=matter))
    warning = next(w.value for w in at.warning if t("result.model.simulated", "zh") in w.value)
    assert "本模型以模拟数据训练" in warning
    assert "### 42.0%" in [m.value for m in at.markdown]
    assert "模型与规则不一致" in [e.value for e in at.error]
    reasons = next(table.value for table in at.table if t("result.model.push", "zh") in table.value.columns)
    answered = detail(app_db, matter).current.answers["opposition_rate"]
    shown = app_queries.answer_text("land_expropriation", "zh").text("opposition_rate", answered)
    assert shown.endswith("%") and list(reasons[t("result.model.value", "zh")]) == [ui.plain(shown)]


def test_measures__library_measure_added__is_saved_with_its_responsibility(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    before = len(detail(app_db, matter).current.measures)
    at = no_crash(open_page("app_pages/measures.py", who(app_db, DEPARTMENT), matter=matter))
    at.selectbox(key="library-pick").set_value("M-LA-05")
    at.text_input(key="library-unit").input("江北区住房和城乡建设局")
    at.text_input(key="library-leader").input("张敏")
    at.text_input(key="library-deadline").input("2027-06-30")
    at = no_crash(at.button(key="library-add").click().run())
    added = detail(app_db, matter).current.measures[-1]
    assert len(detail(app_db, matter).current.measures) == before + 1
    assert (added["measure"], added["unit"], added["leader"], added["deadline"]) == (
        "M-LA-05", "江北区住房和城乡建设局", "张敏", "2027-06-30")
    assert at.text_input(key="library-leader").value == ""  # the add form is empty again


@pytest.mark.parametrize("typed, missing", [
    ({"own-leader": "张敏"}, "measures.text_first"),  # no words
    ({"own-text": "设立现场接访点", "own-leader": "张敏"}, "measures.factors_first"),  # no factor it addresses
])
def test_measures__own_measure_missing_what_it_needs__is_not_added_and_says_why(app_db, typed, missing):
    matter = matter_of(app_db, "land_expropriation", "draft")
    before = len(detail(app_db, matter).current.measures)
    at = no_crash(open_page("app_pages/measures.py", who(app_db, DEPARTMENT), matter=matter))
    for key, words in typed.items():
        (at.text_area if key == "own-text" else at.text_input)(key=key).input(words)
    at = no_crash(at.button(key="own-add").click().run())
    assert len(detail(app_db, matter).current.measures) == before
    assert t(missing, "zh") in [w.value for w in at.warning]
    assert at.text_input(key="own-leader").value == "张敏"  # what was typed stays


def test_submit__complete_draft__is_submitted_and_the_result_shown(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    at = no_crash(open_page("app_pages/submit.py", who(app_db, DEPARTMENT), matter=matter))
    assert at.button(key="submit-button").disabled
    at.checkbox(key=f"confirm-{matter}").check().run()
    at = no_crash(at.button(key="submit-button").click().run())
    assert detail(app_db, matter).summary.state == "submitted"
    assert at.title[0].value == t("page.result", "zh")
    assert t("submit.done", "zh") in [s.value for s in at.success]


def test_submit__incomplete_draft__lists_what_is_missing_by_section(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    version = detail(app_db, matter).summary.version
    submissions.save_draft(app_db.uow(), who(app_db, DEPARTMENT), matter, {"decision_body": None},
                           expected_version=version)
    at = no_crash(open_page("app_pages/submit.py", who(app_db, DEPARTMENT), matter=matter))
    assert t("submit.blocked", "zh", count=1) in [e.value for e in at.error]
    assert has_button(at, "fix-matter") and not has_button(at, "submit-button")


def _review_page(app_db, state: str = "submitted"):
    matter = matter_of(app_db, "land_expropriation", state)
    return no_crash(open_page("app_pages/review.py", who(app_db, REVIEWER), matter=matter)), matter


def test_review__return_with_a_comment__sends_it_back_with_the_reason(app_db):
    at, matter = _review_page(app_db)
    at.text_area(key="review-return-reason").input("请补充听证会记录。")
    at = no_crash(at.button(key="review-return-send").click().run())
    found = detail(app_db, matter)
    assert found.summary.state == "returned" and found.reviews[-1].comment == "请补充听证会记录。"
    assert t("review.returned", "zh") in [s.value for s in at.success]


def test_review__return_without_a_reason__is_refused_and_nothing_changes(app_db):
    at, matter = _review_page(app_db)
    at = no_crash(at.button(key="review-return-send").click().run())
    assert "STORE-512" in codes(at) and detail(app_db, matter).summary.state == "submitted"


def test_review__override_without_a_reason__is_refused(app_db):
    at, matter = _review_page(app_db)
    at.selectbox(key="review-level").set_value("high")
    at = no_crash(at.button(key="review-override-send").click().run())
    assert "STORE-505" in codes(at) and detail(app_db, matter).summary.level != "high"


@pytest.mark.parametrize("decision", ["proceed_with_conditions", "postpone"])
def test_review__approve__records_the_decision(app_db, decision):
    at, matter = _review_page(app_db, "in_review")
    at.selectbox(key="review-decision").set_value(decision)
    at = no_crash(at.button(key="review-approve-send").click().run())
    assert (detail(app_db, matter).summary.state, detail(app_db, matter).summary.decision) == ("approved", decision)


def test_review__resubmitted_matter__shows_what_changed_since_the_returned_revision(app_db):
    matter = matter_of(app_db, "land_expropriation", "returned")
    department = who(app_db, DEPARTMENT)
    submissions.save_draft(app_db.uow(), department, matter, {"petitions_12m": 12},
                           expected_version=detail(app_db, matter).summary.version)
    app_queries.submit(app_db.uow(), department, matter, expected_version=detail(app_db, matter).summary.version)
    at = no_crash(open_page("app_pages/review.py", who(app_db, REVIEWER), matter=matter))
    assert t("review.changes", "zh", old=1, new=2) in [s.value for s in at.subheader]
    label = app_queries.answer_labels("land_expropriation").questions["petitions_12m"].zh
    changes = at.table[1].value  # the review history comes first, then the changes
    row = changes[changes[t("review.item", "zh")] == label]
    assert list(row[t("review.new", "zh")]) == ["12件次"]  # worded like the answer, with its unit


@pytest.mark.parametrize("fmt", ["json", "docx"])
def test_review__download__is_prepared_then_offered(app_db, fmt):
    at, matter = _review_page(app_db)
    at = no_crash(at.button(key=f"make-{fmt}").click().run())
    assert any(d.proto.label == t("review.download", "zh", fmt=fmt.upper()) for d in at.get("download_button"))


def test_queue__filters_by_kind_and_state(app_db):
    at = no_crash(open_page("app_pages/queue.py", who(app_db, "demo_city_reviewer")))  # the whole city
    everything = len(at.dataframe[0].value)
    at = no_crash(at.multiselect(key="queue-kinds").select("land_expropriation").run())
    land = at.dataframe[0].value
    assert 0 < len(land) < everything
    at = no_crash(at.button_group(key="queue-states").select("in_review").run())
    assert list(at.dataframe[0].value[t("list.state", "zh")]) == [t("state.in_review", "zh")]


def test_review__comment__is_kept_in_the_history_without_changing_the_state(app_db):
    at, matter = _review_page(app_db)
    at.text_area(key="review-comment-text").input("补偿标准的测算依据请附后。")
    at = no_crash(at.button(key="review-comment-send").click().run())
    found = detail(app_db, matter)
    assert found.summary.state == "submitted" and found.reviews[-1].comment == "补偿标准的测算依据请附后。"
    assert "补偿标准的测算依据请附后。" in at.table[0].value[t("review.detail", "zh")].iloc[-1]
