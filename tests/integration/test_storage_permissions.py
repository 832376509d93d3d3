"""Every service use case against every role: allowed ones take effect, denied ones change nothing.

The matter under test belongs to D1-ZJ (a department of district D1 in city C). sub_own is a submitter of
D1-ZJ, sub_other of D2-ZJ; rev_in reviews D1, rev_city reviews the whole city, rev_out reviews D2.
"""

import io
from datetime import date

import pytest

from assessment.errors import WenpingError
from assessment.services import admin, audit_service, bundle, dashboard, followup, review, submissions, workbook
from assessment.services.scoring import RulesScorer
from assessment.storage.repositories import QueueFilter
from storage_world import PASSWORD, _world_postgres, _world_sqlite, world  # noqa: F401  (fixtures)

ACTORS = ("sub_own", "sub_other", "rev_in", "rev_city", "rev_out", "admin")
SUBMITTER_SIDE = {"sub_own", "admin"}
REVIEWER_SIDE = {"rev_in", "rev_city", "admin"}
EVERYONE_ENTITLED = {"sub_own", "rev_in", "rev_city", "admin"}
ADMIN_ONLY = {"admin"}


def _v(w, mid):
    return w.version(mid)


# name → (state the matter starts in, who may, action(world, actor, matter_id), check(world, matter_id))
CASES = {
    "create_matter": ("draft", SUBMITTER_SIDE,
                      lambda w, a, m: submissions.create_matter(w.db.uow(), a, kind="policy", title="新事项", unit_code="D1-ZJ"),
                      None),
    "save_draft": ("draft", SUBMITTER_SIDE,
                   lambda w, a, m: submissions.save_draft(w.db.uow(), a, m, {"risk": "low"}),
                   lambda w, m: w.detail(m).current.answers["risk"] == "low"),
    "save_measures": ("draft", SUBMITTER_SIDE,
                      lambda w, a, m: submissions.save_measures(w.db.uow(), a, m, []),
                      lambda w, m: w.detail(m).current.measures == []),
    "submit": ("draft", SUBMITTER_SIDE,
               lambda w, a, m: submissions.submit(w.db.uow(), a, m, w.scorer),
               lambda w, m: w.detail(m).summary.state == "submitted"),
    "get_matter": ("submitted", EVERYONE_ENTITLED,
                   lambda w, a, m: submissions.get_matter(w.db.uow(read_only=True), a, m), None),
    "copy_to_new_draft": ("approved", SUBMITTER_SIDE,
                          lambda w, a, m: submissions.copy_to_new_draft(w.db.uow(), a, m, unit_code="D1-ZJ"), None),
    "diff_revisions": ("submitted", EVERYONE_ENTITLED,
                       lambda w, a, m: submissions.diff_revisions(w.db.uow(read_only=True), a, m, 1, 1), None),
    "start_review": ("submitted", REVIEWER_SIDE,
                     lambda w, a, m: review.start_review(w.db.uow(), a, m, expected_version=_v(w, m)),
                     lambda w, m: w.detail(m).summary.state == "in_review"),
    "comment": ("in_review", REVIEWER_SIDE,
                lambda w, a, m: review.comment(w.db.uow(), a, m, "请补充听证记录"),
                lambda w, m: w.detail(m).reviews[-1].comment == "请补充听证记录"),
    "return_for_revision": ("in_review", REVIEWER_SIDE,
                            lambda w, a, m: review.return_for_revision(w.db.uow(), a, m, expected_version=_v(w, m), reason="补充"),
                            lambda w, m: w.detail(m).summary.state == "returned"),
    "override_level": ("in_review", REVIEWER_SIDE,
                       lambda w, a, m: review.override_level(w.db.uow(), a, m, expected_version=_v(w, m), level="high", reason="信访量上升"),
                       lambda w, m: w.detail(m).summary.level == "high"),
    "approve": ("in_review", REVIEWER_SIDE,
                lambda w, a, m: review.approve(w.db.uow(), a, m, expected_version=_v(w, m), decision="postpone"),
                lambda w, m: w.detail(m).summary.decision == "postpone"),
    "list_followups": ("approved", EVERYONE_ENTITLED,
                       lambda w, a, m: followup.list_followups(w.db.uow(read_only=True), a, m), None),
    "update_followup": ("approved", EVERYONE_ENTITLED,
                        lambda w, a, m: followup.update_followup(w.db.uow(), a, w.detail(m).followups[0].id,
                                                                 expected_version=1, status="done"),
                        lambda w, m: w.detail(m).followups[0].status == "done"),
    "record_outcome": ("approved", EVERYONE_ENTITLED,
                       lambda w, a, m: followup.record_outcome(w.db.uow(), a, m, kind="incident", occurred_on=date(2026, 1, 2)),
                       lambda w, m: len(w.detail(m).outcomes) == 1),
    "export_bundle": ("submitted", EVERYONE_ENTITLED,
                      lambda w, a, m: bundle.export_bundle(w.db.uow(read_only=True), a, m), None),
    "import_bundle": ("submitted", SUBMITTER_SIDE,
                      lambda w, a, m: bundle.import_bundle(w.db.uow(), a, _exported(w, m), w.scorer, unit_code="D1-ZJ"), None),
    "add_unit": ("draft", ADMIN_ONLY,
                 lambda w, a, m: admin.add_unit(w.db.uow(), a, code="T9", name="新街道", kind="town", parent_code="D1"), None),
    "add_user": ("draft", ADMIN_ONLY,
                 lambda w, a, m: admin.add_user(w.db.uow(), a, username="newbie", password=PASSWORD, role="submitter",
                                                unit_code="D1-ZJ"), None),
    "list_users": ("draft", ADMIN_ONLY, lambda w, a, m: admin.list_users(w.db.uow(read_only=True), a), None),
    "disable_user": ("draft", ADMIN_ONLY, lambda w, a, m: admin.set_disabled(w.db.uow(), a, "sub_other"), None),
    "enable_user": ("draft", ADMIN_ONLY, lambda w, a, m: admin.set_disabled(w.db.uow(), a, "sub_other", False), None),
    "import_workbook": ("draft", SUBMITTER_SIDE,
                        lambda w, a, m: workbook.import_workbook(w.db.uow(), a, RULES.ruleset(), _blank_workbook(), RULES,
                                                                 unit_code="D1-ZJ"), None),
    "reset_password": ("draft", ADMIN_ONLY,
                       lambda w, a, m: admin.set_password(w.db.uow(), a, "sub_other", "another-pass-77"), None),
    "audit_verify": ("draft", ADMIN_ONLY, lambda w, a, m: audit_service.verify(w.db.uow(read_only=True), a), None),
}


RULES = RulesScorer()


def _blank_workbook() -> io.BytesIO:
    return io.BytesIO(workbook.build_workbook(RULES.ruleset(), "land_expropriation"))


def _exported(world, matter_id):
    from assessment.services.permissions import SYSTEM

    return bundle.export_bundle(world.db.uow(read_only=True), SYSTEM, matter_id)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_use_case__each_role__allowed_only_where_entitled_and_denied_changes_nothing(world, case, actor):
    state, allowed, action, check = CASES[case]
    mid = world.new_matter(state)
    before_audit, before = world.audit_count(), world.detail(mid)
    principal = world.who(actor)
    if actor in allowed:
        action(world, principal, mid)
        if check:
            assert check(world, mid)
    else:
        with pytest.raises(WenpingError) as error:
            action(world, principal, mid)
        assert [p.code.code for p in error.value.problems] == ["AUTH-607"]
        assert world.audit_count() == before_audit
        assert world.detail(mid) == before


# Which matters each role finds in lists, the queue and the dashboard.
VISIBLE = {"sub_own": {"own"}, "sub_other": {"other"}, "rev_in": {"own", "town"}, "rev_city": {"own", "other", "town"},
           "rev_out": {"other"}, "admin": {"own", "other", "town"}}


@pytest.mark.parametrize("actor", ACTORS)
def test_listing__each_role__shows_exactly_the_matters_of_its_unit_or_jurisdiction(world, actor):
    ids = {"own": world.new_matter("submitted", owner="sub_own"),
           "other": world.new_matter("submitted", owner="sub_other")}
    town_user = "sub_town"
    from assessment.services.permissions import SYSTEM

    admin.add_user(world.db.uow(), SYSTEM, username=town_user, password=PASSWORD, role="submitter", unit_code="T1-OFFICE")
    ids["town"] = world.new_matter("submitted", owner=town_user)
    principal = world.who(actor)
    expected = {ids[k] for k in VISIBLE[actor]}
    listed = {m.id for m in submissions.list_matters(world.db.uow(read_only=True), principal).items}
    assert listed == expected
    board = dashboard.dashboard(world.db.uow(read_only=True), principal)
    assert board.total == len(expected)
    if actor.startswith("rev") or actor == "admin":
        queued = {m.id for m in review.queue(world.db.uow(read_only=True), principal, QueueFilter()).items}
        assert queued == expected
    else:
        with pytest.raises(WenpingError):
            review.queue(world.db.uow(read_only=True), principal)


@pytest.mark.parametrize("actor", ["rev_in", "rev_city"])
def test_draft__reviewer_of_the_jurisdiction__neither_lists_nor_opens_nor_exports_it(world, actor):
    draft = world.new_matter("draft")
    principal = world.who(actor)
    assert draft not in {m.id for m in submissions.list_matters(world.db.uow(read_only=True), principal).items}
    for open_it in (lambda: submissions.get_matter(world.db.uow(read_only=True), principal, draft),
                    lambda: bundle.export_bundle(world.db.uow(read_only=True), principal, draft)):
        with pytest.raises(WenpingError) as error:
            open_it()
        assert [p.code.code for p in error.value.problems] == ["AUTH-607"]
    submissions.submit(world.db.uow(), world.who("sub_own"), draft, world.scorer)
    assert submissions.get_matter(world.db.uow(read_only=True), principal, draft).summary.state == "submitted"
