"""Follow-up (overdue measures marked), outcomes, statistics and administration pages."""

from __future__ import annotations

from datetime import date, timedelta

from app_pages.ui import plain
from assessment.i18n import t
from assessment.services import admin, app_queries, followup, submissions
from assessment.services.permissions import SYSTEM
from assessment.services.runtime import QueueFilter
from tests.app.conftest import ADMIN, DEPARTMENT, REVIEWER, codes, detail, matter_of, no_crash, open_page, who


def _overdue(app_db) -> list:
    return [r for r in app_queries.followups_in_scope(app_db.uow(read_only=True), SYSTEM) if r.item.overdue]


def _make_overdue(app_db, matter: int) -> None:
    item = next(i for i in followup.list_followups(app_db.uow(read_only=True), SYSTEM, matter) if i.status != "done"
                and not i.overdue)
    followup.update_followup(app_db.uow(), SYSTEM, item.id, expected_version=item.version, status="in_progress",
                             due_date=date.today() - timedelta(days=10))


def _finish_overdue(app_db) -> None:
    for row in _overdue(app_db):
        followup.update_followup(app_db.uow(), SYSTEM, row.item.id, expected_version=row.item.version, status="done")


def test_demo__has_overdue_measures_and_a_high_matter__so_both_marks_can_be_seen(app_db):
    assert _overdue(app_db)
    high = submissions.list_matters(app_db.uow(read_only=True), SYSTEM, QueueFilter(levels=("high",)))
    assert high.total >= 1


def test_followup__overdue_measure__is_counted_and_marked(app_db):
    _finish_overdue(app_db)
    _make_overdue(app_db, matter_of(app_db, "land_expropriation", "approved"))
    at = no_crash(open_page("app_pages/followup.py", who(app_db, REVIEWER)))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("followup.overdue", "zh")] == "1"
    assert t("followup.overdue_note", "zh", count=1) in [e.value for e in at.error]
    flags = list(at.dataframe[0].value[t("followup.flag", "zh")])
    assert flags[0] == t("followup.overdue", "zh") and not any(flags[1:])


def test_followup__only_overdue_switch__lists_the_overdue_ones(app_db):
    _finish_overdue(app_db)
    _make_overdue(app_db, matter_of(app_db, "land_expropriation", "approved"))
    at = open_page("app_pages/followup.py", who(app_db, DEPARTMENT))
    at = no_crash(at.toggle(key="followup-only-overdue").set_value(True).run())
    assert len(at.dataframe[0].value) == 1


def test_followup__only_overdue_switch_with_nothing_overdue__says_so(app_db):
    _finish_overdue(app_db)
    at = open_page("app_pages/followup.py", who(app_db, DEPARTMENT))
    at = no_crash(at.toggle(key="followup-only-overdue").set_value(True).run())
    assert t("followup.none_overdue", "zh") in [s.value for s in at.success] and not at.dataframe


def test_tracking__outcome_recorded__is_listed(app_db):
    matter = matter_of(app_db, "land_expropriation", "approved")
    before = len(detail(app_db, matter).outcomes)
    at = no_crash(open_page("app_pages/tracking.py", who(app_db, DEPARTMENT), matter=matter))
    at.selectbox(key="outcome-kind").set_value("incident")
    at.number_input(key="outcome-participants").set_value(40)
    at.text_area(key="outcome-description").input("部分住户聚集阻工。")
    at = no_crash(at.button(key="outcome-save").click().run())
    outcomes = detail(app_db, matter).outcomes
    assert len(outcomes) == before + 1 and (outcomes[-1].kind, outcomes[-1].participants) == ("incident", 40)
    assert t("tracking.saved", "zh") in [s.value for s in at.success]


def test_tracking__matter_not_decided__offers_no_form(app_db):
    matter = matter_of(app_db, "land_expropriation", "submitted")
    at = no_crash(open_page("app_pages/tracking.py", who(app_db, DEPARTMENT), matter=matter))
    assert t("tracking.not_decided", "zh") in [i.value for i in at.info]


def test_stats__counts_by_level_kind_unit_and_month__as_charts(app_db):
    at = no_crash(open_page("app_pages/stats.py", who(app_db, ADMIN)))
    assert len(at.get("vega_lite_chart")) == 4
    assert {m.label for m in at.metric} >= {t("stats.total", "zh")}


def test_admin__unit_added__is_listed(app_db):
    at = no_crash(open_page("app_pages/admin.py", who(app_db, ADMIN)))
    at.text_input(key="unit-code").input("JC-JB-XFJ")
    at.text_input(key="unit-name").input("江北区信访局")
    at.selectbox(key="unit-kind").set_value("department")
    at.selectbox(key="unit-parent").set_value("JC-JB")
    at = no_crash(at.button(key="unit-add-send").click().run())
    assert "JC-JB-XFJ" in [u.code for u in admin.list_units(app_db.uow(read_only=True), SYSTEM)]
    assert t("admin.unit_added", "zh", code=plain("JC-JB-XFJ")) in [s.value for s in at.success]


def test_admin__user_with_a_weak_password__is_refused_with_the_rules(app_db):
    at = no_crash(open_page("app_pages/admin.py", who(app_db, ADMIN)))
    at.text_input(key="user-name").input("new_user")
    at.selectbox(key="user-unit").set_value("JC-JB-ZJJ")
    at.text_input(key="user-password").input("short1")
    at = no_crash(at.button(key="user-add-send").click().run())
    assert "AUTH-604" in codes(at)
    assert "new_user" not in [u.username for u in admin.list_users(app_db.uow(read_only=True), SYSTEM)]


def test_admin__user_disabled__cannot_log_in(app_db):
    at = no_crash(open_page("app_pages/admin.py", who(app_db, ADMIN)))
    at.selectbox(key="user-change-name").set_value(DEPARTMENT)
    no_crash(at.button(key="user-disable").click().run())
    users = {u.username: u for u in admin.list_users(app_db.uow(read_only=True), SYSTEM)}
    assert users[DEPARTMENT].disabled


def test_admin__rule_set_tab__shows_the_check_passing_and_the_model_tab_no_model(app_db):
    at = no_crash(open_page("app_pages/admin.py", who(app_db, ADMIN)))
    assert any(s.value.startswith(t("admin.rules_ok", "zh", cases=0)[:6]) for s in at.success)
    assert t("result.model.none", "zh") in [i.value for i in at.info]


def test_admin__model_file_tampered__model_tab_says_it_is_refused(app_db, tmp_path):
    from tests.unit.model_fixtures import saved

    manifest = saved(tmp_path / "models", n=2000)  # app_db points WENPING_MODEL_DIR here
    (tmp_path / "models" / manifest.file).write_bytes(b"changed by someone")
    at = no_crash(open_page("app_pages/admin.py", who(app_db, ADMIN)))
    assert t("result.model.refused", "zh") in [e.value for e in at.error]
    assert "MODEL-704" in codes(at)


def test_admin__retrained__the_activation_is_in_the_audit_log(app_db):
    from assessment.services import app_admin

    version = app_admin.retrain_model(app_db.uow(), who(app_db, ADMIN), with_outcomes=False, today=date(2026, 12, 6))
    with app_db.uow(read_only=True) as uow:
        entries = [(e.entity_id, e.actor) for e in uow.audit.by_action("model.activate")]
    assert entries == [(version, ADMIN)]
