from datetime import date

import pytest

from assessment.errors import WenpingError
from assessment.services import audit_service, dashboard, followup, review, submissions
from assessment.services.permissions import SYSTEM
from assessment.storage.repositories import QueueFilter
from storage_world import _world_postgres, _world_sqlite, world  # noqa: F401  (fixtures)


def codes(error: WenpingError) -> list[str]:
    return [p.code.code for p in error.problems]


def test_draft__saved_section_by_section__keeps_every_section(world):
    sub = world.who("sub_own")
    m = submissions.create_matter(world.db.uow(), sub, kind="policy", title="停车收费调整")
    submissions.save_draft(world.db.uow(), sub, m.id, {"summary": "调价"}, section="basics")
    submissions.save_draft(world.db.uow(), sub, m.id, {"risk": "medium"}, section="risk")
    assert world.detail(m.id).current.answers == {"summary": "调价", "risk": "medium"}


def test_draft__answer_set_to_none__is_removed(world):
    mid = world.new_matter("draft")
    submissions.save_draft(world.db.uow(), world.who("sub_own"), mid, {"risk": None})
    assert "risk" not in world.detail(mid).current.answers


def test_submit__complete_draft__freezes_result_ruleset_hash_and_level(world):
    mid = world.new_matter("submitted", risk="high")
    detail = world.detail(mid)
    rev = detail.current
    assert detail.summary.state == "submitted" and detail.summary.level == "medium"
    assert rev.state == "submitted" and rev.level_before == "high" and rev.level_after == "medium"
    assert rev.ruleset_hash == "f" * 64 and rev.model_version == "none" and len(rev.content_hash) == 64
    assert rev.result["factors"] == [{"factor": "risk_high"}]


def test_submit__missing_required_answer__is_refused_with_the_question_named(world):
    sub = world.who("sub_own")
    m = submissions.create_matter(world.db.uow(), sub, kind="policy", title="x")
    with pytest.raises(WenpingError) as error:
        submissions.submit(world.db.uow(), sub, m.id, world.scorer)
    assert codes(error.value) == ["ANS-303"] and "summary" in error.value.message("en")
    assert world.detail(m.id).summary.state == "draft"


def test_submitted_revision__edit_attempted__is_refused_and_unchanged(world):
    mid = world.new_matter("submitted")
    before = world.detail(mid).current
    with pytest.raises(WenpingError) as error:
        submissions.save_draft(world.db.uow(), world.who("sub_own"), mid, {"risk": "low"})
    assert codes(error.value) == ["STORE-504"]
    with pytest.raises(WenpingError):
        submissions.save_measures(world.db.uow(), world.who("sub_own"), mid, [])
    assert world.detail(mid).current == before


def test_return__submitted_matter__starts_a_new_draft_from_the_returned_revision(world):
    mid = world.new_matter("returned")
    detail = world.detail(mid)
    assert detail.summary.state == "returned"
    assert [(r.number, r.state) for r in detail.revisions] == [(1, "returned"), (2, "draft")]
    assert detail.revisions[1].answers == detail.revisions[0].answers and detail.revisions[1].based_on == 1
    assert detail.reviews[-1].action == "return" and detail.reviews[-1].comment == "补充材料"


def test_resubmit__after_return__makes_revision_2_and_keeps_revision_1_as_it_was(world):
    mid = world.new_matter("returned", risk="high")
    sub = world.who("sub_own")
    first = world.detail(mid).revisions[0]
    submissions.save_draft(world.db.uow(), sub, mid, {"risk": "low"})
    submissions.submit(world.db.uow(), sub, mid, world.scorer)
    detail = world.detail(mid)
    assert detail.summary.state == "submitted" and detail.summary.current_revision == 2
    assert detail.revisions[0] == first


def test_diff__between_two_revisions__lists_changed_answers_and_result(world):
    mid = world.new_matter("returned", risk="high")
    sub = world.who("sub_own")
    submissions.save_draft(world.db.uow(), sub, mid, {"risk": "low", "hearing": True})
    submissions.submit(world.db.uow(), sub, mid, world.scorer)
    diff = submissions.diff_revisions(world.db.uow(), sub, mid, 1, 2)
    assert {(c.key, c.old, c.new) for c in diff.answers} == {("risk", "high", "low"), ("hearing", None, True)}
    result = {c.key: (c.old, c.new) for c in diff.result}
    assert result["level_after"] == ("medium", "low") and result["factors"] == (["risk_high"], ["risk_low"])
    assert diff.measures == []


def test_copy__earlier_assessment__becomes_a_new_draft_with_the_same_answers(world):
    mid = world.new_matter("approved")
    sub = world.who("sub_own")
    copy = submissions.copy_to_new_draft(world.db.uow(), sub, mid, title="二期改造")
    detail = world.detail(copy.id)
    assert detail.summary.state == "draft" and detail.summary.title == "二期改造"
    assert detail.current.answers == world.detail(mid).current.answers
    assert detail.current.measures == world.detail(mid).current.measures


def test_override__without_a_reason__is_refused(world):
    mid = world.new_matter("in_review")
    with pytest.raises(WenpingError) as error:
        review.override_level(world.db.uow(), world.who("rev_in"), mid, expected_version=world.version(mid),
                              level="high", reason="  ")
    assert codes(error.value) == ["STORE-505"]
    assert world.detail(mid).summary.level == "medium"


def test_override__with_a_reason__changes_the_level_but_not_the_frozen_result(world):
    mid = world.new_matter("in_review")
    review.override_level(world.db.uow(), world.who("rev_in"), mid, expected_version=world.version(mid),
                          level="high", reason="群众反映强烈，信访量上升")
    detail = world.detail(mid)
    assert detail.summary.level == "high" and detail.current.level_after == "medium"
    last = detail.reviews[-1]
    assert (last.action, last.level_from, last.level_to, last.comment) == ("override", "medium", "high",
                                                                          "群众反映强烈，信访量上升")


def test_approve__with_a_decision__records_it_and_opens_measure_follow_up(world):
    mid = world.new_matter("approved")
    detail = world.detail(mid)
    assert detail.summary.state == "approved" and detail.summary.decision == "proceed_with_conditions"
    assert [(f.title, f.responsible_leader, f.due_date, f.status) for f in detail.followups] == [
        ("提高补偿标准", "张三", date(2026, 12, 31), "planned")]


def test_approve__unknown_decision__is_refused(world):
    mid = world.new_matter("in_review")
    with pytest.raises(WenpingError) as error:
        review.approve(world.db.uow(), world.who("rev_in"), mid, expected_version=world.version(mid), decision="maybe")
    assert codes(error.value) == ["STORE-512"]


def test_approve__a_returned_matter__is_refused_for_its_state_in_both_languages(world):
    mid = world.new_matter("returned")
    with pytest.raises(WenpingError) as error:
        review.approve(world.db.uow(), world.who("rev_in"), mid, expected_version=world.version(mid), decision="proceed")
    assert codes(error.value) == ["STORE-503"]
    assert "当前状态为“已退回”，不能审定" in error.value.message("zh")
    assert "is 'Returned'; it cannot be approved" in error.value.message("en")


def test_return__without_a_reason__is_refused_with_a_chinese_message(world):
    mid = world.new_matter("in_review")
    with pytest.raises(WenpingError) as error:
        review.return_for_revision(world.db.uow(), world.who("rev_in"), mid, expected_version=world.version(mid), reason=" ")
    assert error.value.message("zh").startswith("退回理由无效：退回时必须写明理由")
    assert "reason is invalid: a return needs a written reason" in error.value.message("en")


def test_followup__past_due_and_unfinished__shows_as_overdue_until_done(world):
    mid = world.new_matter("approved")
    world.db.clock = lambda: __import__("datetime").datetime(2027, 1, 5, 9, 0)
    sub = world.who("sub_own")
    overdue = followup.overdue(world.db.uow(read_only=True), world.who("rev_city"))
    assert [(o.matter_id, o.overdue) for o in overdue] == [(mid, True)]
    item = overdue[0]
    followup.update_followup(world.db.uow(), sub, item.id, expected_version=item.version, status="done", note="已兑付")
    assert followup.overdue(world.db.uow(read_only=True), world.who("rev_city")) == []
    assert followup.list_followups(world.db.uow(read_only=True), sub, mid)[0].status == "done"


def test_followup__stale_version__is_refused(world):
    mid = world.new_matter("approved")
    item = followup.list_followups(world.db.uow(read_only=True), SYSTEM, mid)[0]
    followup.update_followup(world.db.uow(), world.who("rev_in"), item.id, expected_version=item.version, status="in_progress")
    with pytest.raises(WenpingError) as error:
        followup.update_followup(world.db.uow(), world.who("sub_own"), item.id, expected_version=item.version,
                                 status="dropped")
    assert codes(error.value) == ["STORE-502"]


def test_outcome__recorded_after_approval__is_listed_with_its_date_for_training(world):
    mid = world.new_matter("approved")
    world.db.clock = lambda: __import__("datetime").datetime(2027, 3, 1, 9, 0)
    followup.record_outcome(world.db.uow(), world.who("rev_in"), mid, kind="collective_petition",
                            occurred_on=date(2027, 2, 10), participants=35, description="35 人到区信访局集体上访")
    assert [(o.kind, o.occurred_on, o.participants) for o in world.detail(mid).outcomes] == [
        ("collective_petition", date(2027, 2, 10), 35)]
    records = followup.training_records(world.db.uow(read_only=True), SYSTEM)
    assert [(r.matter_id, r.event_within(365)) for r in records] == [(mid, True)]


def test_training_records__postponed_matter__is_left_out(world):
    went_ahead = world.new_matter("approved")
    postponed = world.new_matter("in_review")
    review.approve(world.db.uow(), world.who("rev_in"), postponed, expected_version=world.version(postponed), decision="postpone")
    records = followup.training_records(world.db.uow(read_only=True), SYSTEM)
    assert [r.matter_id for r in records] == [went_ahead]


def test_outcome__before_any_decision__is_refused(world):
    mid = world.new_matter("submitted")
    with pytest.raises(WenpingError) as error:
        followup.record_outcome(world.db.uow(), world.who("rev_in"), mid, kind="incident", occurred_on=date(2026, 1, 1))
    assert codes(error.value) == ["STORE-503"]


def test_queue__filtered_by_level__lists_only_pending_matters_of_that_level_newest_first(world):
    a = world.new_matter("submitted", risk="high", title="A")
    b = world.new_matter("submitted", risk="medium", measures=False, title="B")
    c = world.new_matter("in_review", risk="high", title="C")
    world.new_matter("approved", risk="high", title="D")
    world.new_matter("draft", risk="high", title="E")
    page = review.queue(world.db.uow(read_only=True), world.who("rev_in"), QueueFilter(levels=("medium",)))
    assert [m.title for m in page.items] == ["C", "B", "A"] and page.total == 3
    assert {m.id for m in page.items} == {a, b, c}


def test_dashboard__submitted_matters__are_counted_by_level_kind_unit_and_month(world):
    world.new_matter("submitted", risk="high")
    world.new_matter("approved", risk="low")
    world.new_matter("draft")
    board = dashboard.dashboard(world.db.uow(read_only=True), world.who("rev_city"))
    assert board.total == 2
    assert board.by_level == {"low": 1, "medium": 1} and board.by_kind == {"land_acquisition": 2}
    assert board.by_unit == {"D1-ZJ": 2} and sum(board.by_month.values()) == 2


def test_audit__every_change_of_a_full_workflow__is_logged_and_verifies(world):
    before = world.audit_count()
    world.new_matter("approved")
    # create, save_draft, save_measures, submit, start, approve
    assert world.audit_count() - before == 6
    assert audit_service.verify(world.db.uow(read_only=True), SYSTEM).ok


def test_audit_verify__submitted_answers_changed_with_raw_sql__names_the_revision(world):
    mid = world.new_matter("submitted")
    world.tamper("UPDATE revisions SET level_after = 'low' WHERE matter_id = :m", m=mid)
    result = audit_service.verify(world.db.uow(read_only=True), SYSTEM)
    assert [(f.matter_id, f.number) for f in result.findings] == [(mid, 1)]
    assert "STORE-515" in result.findings[0].problem().message("en")


def _row_findings(world) -> set[tuple[str, str]]:
    result = audit_service.verify(world.db.uow(read_only=True), SYSTEM)
    return {(f.key, f.what) for f in result.findings if hasattr(f, "key")}


def test_audit_verify__decision_and_level_changed_with_raw_sql__names_the_matter(world):
    mid = world.new_matter("approved", risk="high")
    world.tamper("UPDATE matters SET level = 'low', decision = 'proceed' WHERE id = :m", m=mid)
    assert _row_findings(world) == {(f"matters/{mid}", "edited")}


def test_audit_verify__review_comment_edited_with_raw_sql__names_the_review(world):
    mid = world.new_matter("approved")
    world.tamper("UPDATE reviews SET comment = '同意' WHERE matter_id = :m AND action = 'approve'", m=mid)
    assert {what for key, what in _row_findings(world) if key.startswith("reviews/")} == {"edited"}


def test_audit_verify__outcome_inserted_and_follow_up_deleted_with_raw_sql__both_named(world):
    mid = world.new_matter("approved")
    followup = world.detail(mid).followups[0].id
    world.tamper("DELETE FROM measure_followups WHERE id = :f", f=followup)
    world.tamper("INSERT INTO outcomes (matter_id, kind, occurred_on, participants, description, recorded_by, recorded_at)"
                 " SELECT :m, 'incident', '2026-12-01', 0, '', created_by, created_at FROM matters WHERE id = :m", m=mid)
    findings = _row_findings(world)
    assert (f"measure_followups/{followup}", "deleted") in findings
    assert any(key.startswith("outcomes/") and what == "inserted" for key, what in findings)


def test_audit_verify__reviewer_made_admin_with_raw_sql__names_the_user(world):
    reviewer = world.who("rev_in")
    world.tamper("UPDATE users SET role = 'admin', unit_id = NULL WHERE username = 'rev_in'")
    assert _row_findings(world) == {(f"users/{reviewer.user_id}", "edited")}


def test_save_draft__matter_name_changed__the_matter_is_listed_under_the_new_name(world):
    mid = world.new_matter("draft", title="旧城改造")
    submissions.save_draft(world.db.uow(), world.who("sub_own"), mid, {"matter_name": "  城东片区旧城区改建项目  "})
    assert world.detail(mid).summary.title == "城东片区旧城区改建项目"


def test_approve__do_not_proceed__opens_no_measure_follow_up(world):
    mid = world.new_matter("in_review")
    review.approve(world.db.uow(), world.who("rev_in"), mid, expected_version=world.version(mid), decision="do_not_proceed")
    assert world.detail(mid).followups == []


def test_followup__submitter_moving_the_deadline__is_refused_and_the_reviewer_may(world):
    mid = world.new_matter("approved")
    item = world.detail(mid).followups[0]
    with pytest.raises(WenpingError) as error:
        followup.update_followup(world.db.uow(), world.who("sub_own"), item.id, expected_version=item.version,
                                 due_date=date(2027, 6, 30))
    assert codes(error.value) == ["AUTH-607"]
    followup.update_followup(world.db.uow(), world.who("rev_in"), item.id, expected_version=item.version,
                             due_date=date(2027, 6, 30))
    assert world.detail(mid).followups[0].due_date == date(2027, 6, 30)
