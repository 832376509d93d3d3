"""The app's own use cases (services/app_queries.py, app_admin.py): what they give and whom they refuse."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from assessment.errors import WenpingError
from assessment.services import app_admin, app_queries, followup, submissions
from assessment.services.permissions import SYSTEM
from tests.app.conftest import (
    ADMIN,
    DEPARTMENT,
    OTHER_DEPARTMENT,
    OTHER_REVIEWER,
    REVIEWER,
    detail,
    matter_of,
    who,
)


def _codes(error: WenpingError) -> list[str]:
    return [p.code.code for p in error.problems]


def test_form__draft__lays_answers_over_the_questionnaire_with_relevance_and_required_flags(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    form = app_queries.questionnaire_form(app_db.uow(), who(app_db, DEPARTMENT), matter)
    population = form.section("population")
    names = {q.name: q for q in population.questions}
    assert form.editable and names["households_affected"].required and names["households_affected"].value == 486
    assert names["vulnerable_support"].relevant  # vulnerable_households > 0 in the example
    assert form.progress[0] == form.progress[1] and form.problem_count == 0


def test_form__other_units_matter__is_refused(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    with pytest.raises(WenpingError) as error:
        app_queries.questionnaire_form(app_db.uow(), who(app_db, OTHER_DEPARTMENT), matter)
    assert _codes(error.value) == ["AUTH-607"]


def test_save_section__wrong_value__is_saved_and_reported_at_its_question(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    version = detail(app_db, matter).summary.version
    form = app_queries.save_section(app_db.uow(), who(app_db, DEPARTMENT), matter, "population",
                                    {"people_affected": 3}, expected_version=version)
    question = next(q for q in form.section("population").questions if q.name == "people_affected")
    assert [p.code.code for p in question.problems] == ["ANS-307"] and question.value == 3
    assert form.section("population").status == "problems"


def test_save_section__answer_of_another_section__is_refused(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    with pytest.raises(WenpingError) as error:
        app_queries.save_section(app_db.uow(), who(app_db, DEPARTMENT), matter, "population",
                                 {"decision_body": "x"}, expected_version=detail(app_db, matter).summary.version)
    assert _codes(error.value) == ["STORE-512"]


def test_save_section__reviewer__is_refused(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    with pytest.raises(WenpingError) as error:
        app_queries.save_section(app_db.uow(), who(app_db, REVIEWER), matter, "population",
                                 {"people_affected": 3000}, expected_version=detail(app_db, matter).summary.version)
    assert _codes(error.value) == ["AUTH-607"]


def test_start_matter__missing_basic_fact__creates_nothing(app_db):
    before = submissions.list_matters(app_db.uow(), SYSTEM).total
    with pytest.raises(WenpingError) as error:
        app_queries.start_matter(app_db.uow(), who(app_db, DEPARTMENT), "price_reform", {"matter_name": "调价"})
    assert "ANS-303" in _codes(error.value)
    assert submissions.list_matters(app_db.uow(), SYSTEM).total == before


def test_start_matter__reviewer__is_refused(app_db):
    with pytest.raises(WenpingError) as error:
        app_queries.start_matter(app_db.uow(), who(app_db, REVIEWER), "price_reform", {"matter_name": "调价"})
    assert _codes(error.value) == ["AUTH-607"]


def test_result__submitted_revision__is_the_frozen_one(app_db):
    matter = matter_of(app_db, "land_expropriation", "submitted")
    view = app_queries.result_view(app_db.uow(), who(app_db, REVIEWER), matter)
    assert not view.provisional and view.assessment.after.level == view.revision.level_after
    assert view.stakeholder_dot.startswith("digraph")


def test_result__draft_with_a_wrong_value__cannot_be_scored_and_says_why(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    app_queries.save_section(app_db.uow(), who(app_db, DEPARTMENT), matter, "population", {"people_affected": 3},
                             expected_version=detail(app_db, matter).summary.version)
    view = app_queries.result_view(app_db.uow(), who(app_db, DEPARTMENT), matter)
    assert view.provisional and view.assessment is None and [p.code.code for p in view.problems] == ["ANS-307"]


def test_result__draft_with_a_wrong_measure__is_scored_without_it_and_that_row_says_why(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    measures = detail(app_db, matter).current.measures + [{"measure": "M-NOT-THERE"}]
    view = app_queries.save_measures(app_db.uow(), who(app_db, DEPARTMENT), matter, measures,
                                     expected_version=detail(app_db, matter).summary.version)
    assert view.assessment is not None and len(view.assessment.measures) == len(measures) - 1
    assert [p.where.row for p in view.problems] == [len(measures)]
    *good, bad = view.measure_rows
    assert bad.problems and bad.result is None
    assert all(not r.problems and r.result is not None for r in good)


def test_result__measure_rows__say_which_count_and_why_the_others_do_not(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    measures = [{**detail(app_db, matter).current.measures[0], "leader": None}]
    view = app_queries.save_measures(app_db.uow(), who(app_db, DEPARTMENT), matter, measures,
                                     expected_version=detail(app_db, matter).summary.version)
    (row,) = view.measure_rows
    assert not row.result.counted and "未明确包案领导" in [r.zh for r in row.result.not_counted_because]


def test_measure_options__library_measures_for_identified_factors__come_first_and_other_kinds_are_left_out(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    view = app_queries.result_view(app_db.uow(), who(app_db, DEPARTMENT), matter)
    options = app_queries.measure_options(view)
    aimed = [o for o in options.library if o.factors]
    assert aimed and options.library[:len(aimed)] == tuple(aimed)
    assert all(f in options.factors for o in aimed for f in o.factors)
    ids = {o.id for o in options.library}
    assert "M-LA-05" in ids and "M-ER-04" not in ids  # severance for workers: enterprise restructuring's


def test_result__responsibility__gaps_without_counted_measures_are_reported(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    view = app_queries.save_measures(app_db.uow(), who(app_db, DEPARTMENT), matter, [],
                                     expected_version=detail(app_db, matter).summary.version)
    serious = {f.factor for f in view.assessment.factors if f.degree in ("moderate", "significant", "major")}
    assert serious and {g.factor for g in view.responsibility.gaps} == serious


def test_result__renamed_matter__is_titled_by_its_current_name(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    submissions.save_draft(app_db.uow(), who(app_db, DEPARTMENT), matter, {"matter_name": "城东片区改造（调整后）"},
                           expected_version=detail(app_db, matter).summary.version)
    view = app_queries.result_view(app_db.uow(), who(app_db, DEPARTMENT), matter)
    form = app_queries.questionnaire_form(app_db.uow(), who(app_db, DEPARTMENT), matter)
    assert view.matter.title == form.matter.title == "城东片区改造（调整后）"


def test_can_view__missing_and_other_units_matters__give_the_same_answer(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    assert app_queries.can_view(app_db.uow(), who(app_db, DEPARTMENT), matter)
    assert not app_queries.can_view(app_db.uow(), who(app_db, OTHER_DEPARTMENT), matter)
    assert not app_queries.can_view(app_db.uow(), who(app_db, DEPARTMENT), 999_999)


def test_followups_in_scope__reviewer_sees_its_jurisdiction_with_overdue_first_and_names_not_ids(app_db):
    matter = matter_of(app_db, "land_expropriation", "approved")
    item = followup.list_followups(app_db.uow(), SYSTEM, matter)[-1]
    followup.update_followup(app_db.uow(), SYSTEM, item.id, expected_version=item.version,
                             due_date=date.today() - timedelta(days=1))
    rows = app_queries.followups_in_scope(app_db.uow(), who(app_db, REVIEWER))
    assert rows[0].item.id == item.id and rows[0].item.overdue
    assert {r.matter.unit_code for r in rows} <= {"JC-JB-ZJJ", "JC-JB-CD-DZB"}
    assert not any(r.name.zh.startswith("M-") for r in rows)
    assert app_queries.followups_in_scope(app_db.uow(), who(app_db, OTHER_REVIEWER))
    assert not {r.item.id for r in app_queries.followups_in_scope(app_db.uow(), who(app_db, OTHER_REVIEWER))} & \
        {r.item.id for r in rows}


def test_download__json_of_the_submitted_result__only_for_those_who_may_see_it(app_db):
    matter = matter_of(app_db, "land_expropriation", "submitted")
    report = app_queries.download(app_db.uow(), who(app_db, REVIEWER), matter, "json")
    assert report.filename.endswith(".json") and report.mime == "application/json" and b'"ruleset"' in report.content
    with pytest.raises(WenpingError) as error:
        app_queries.download(app_db.uow(), who(app_db, OTHER_REVIEWER), matter, "json")
    assert _codes(error.value) == ["AUTH-607"]


def test_download__draft_only__has_nothing_to_download(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    with pytest.raises(WenpingError) as error:
        app_queries.download(app_db.uow(), who(app_db, DEPARTMENT), matter, "json")
    assert _codes(error.value) == ["REPORT-406"]


def test_user_names__of_a_matter_the_actor_cannot_see__are_refused(app_db):
    matter = matter_of(app_db, "land_expropriation", "approved")
    ids = [r.reviewer_id for r in detail(app_db, matter).reviews]
    assert set(app_queries.user_names(app_db.uow(), who(app_db, REVIEWER), matter, ids).values())
    with pytest.raises(WenpingError):
        app_queries.user_names(app_db.uow(), who(app_db, OTHER_DEPARTMENT), matter, ids)


def test_submit__scores_with_the_rules_and_freezes(app_db):
    matter = matter_of(app_db, "land_expropriation", "draft")
    summary = app_queries.submit(app_db.uow(), who(app_db, DEPARTMENT), matter,
                                 expected_version=detail(app_db, matter).summary.version)
    assert summary.state == "submitted" and detail(app_db, matter).current.result["model"] is None


def test_admin_services__only_for_admins(app_db):
    for service in (lambda actor: app_admin.ruleset_status(actor), lambda actor: app_admin.model_status(actor)):
        with pytest.raises(WenpingError) as error:
            service(who(app_db, REVIEWER))
        assert _codes(error.value) == ["AUTH-607"]
    status = app_admin.ruleset_status(who(app_db, ADMIN))
    assert status.cases > 0 and not status.problems and "land_expropriation" in status.kinds
    assert app_admin.model_status(who(app_db, ADMIN)).version is None
