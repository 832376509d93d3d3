"""The workflow over the real scoring core and the example answer files, one per kind of matter."""

from datetime import date, datetime
from pathlib import Path

import pytest

from assessment.answer_files import read_answer_file
from assessment.errors import WenpingError
from assessment.services import audit_service, bundle, review, submissions
from assessment.services.permissions import SYSTEM
from assessment.services.scoring import RulesScorer
from storage_world import _world_postgres, _world_sqlite, world  # noqa: F401  (fixtures)

EXAMPLES = sorted(Path(__file__).resolve().parents[2].joinpath("examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def scorer():
    return RulesScorer()


def _example_matter(world, scorer, *, submit: bool = False):
    """The first example's answers and measures as a matter of sub_own's unit (submitted if asked)."""
    doc = read_answer_file(EXAMPLES[0])
    sub = world.who("sub_own")
    m = submissions.create_matter(world.db.uow(), sub, kind=doc.kind, title="示例", answers=doc.answers,
                                  measures=doc.measures)
    if submit:
        submissions.submit(world.db.uow(), sub, m.id, scorer)
    return doc, m


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_submit__example_answers__stores_the_same_result_the_core_gives(world, scorer, example):
    doc = read_answer_file(example)
    sub = world.who("sub_own")
    m = submissions.create_matter(world.db.uow(), sub, kind=doc.kind, title=example.stem,
                                  answers=doc.answers, measures=doc.measures)
    submissions.submit(world.db.uow(), sub, m.id, scorer)
    stored = world.detail(m.id).current
    direct = scorer.score(doc.kind, submissions.jsonable(doc.answers), submissions.jsonable(doc.measures),
                          datetime.combine(stored.submitted_at.date(), datetime.min.time()))
    assert (stored.level_before, stored.level_after) == (direct.level_before, direct.level_after)
    assert stored.ruleset_hash == direct.ruleset_hash == scorer.ruleset().content_hash
    assert stored.result["factors"] == direct.result["factors"]
    assert audit_service.verify(world.db.uow(read_only=True), SYSTEM).ok


def test_approve__real_measures__become_follow_ups_with_unit_leader_and_deadline(world, scorer):
    doc, m = _example_matter(world, scorer, submit=True)
    rev = world.who("rev_in")
    review.approve(world.db.uow(), rev, m.id, expected_version=world.version(m.id), decision="proceed_with_conditions")
    items = world.detail(m.id).followups
    assert len(items) == len(doc.measures)
    first = doc.measures[0]
    assert (items[0].responsible_unit, items[0].responsible_leader) == (first["unit"], first["leader"])
    assert items[0].due_date == (first["deadline"] if isinstance(first["deadline"], date) else date.fromisoformat(first["deadline"]))


def test_diff__resubmitted_with_more_opposition__names_the_changed_index_and_answer(world, scorer):
    doc, m = _example_matter(world, scorer, submit=True)
    sub, rev = world.who("sub_own"), world.who("rev_in")
    review.return_for_revision(world.db.uow(), rev, m.id, expected_version=world.version(m.id), reason="请补充反对意见分析")
    more = {**submissions.jsonable(doc.answers), "opposition_rate": 0.4, "support_rate": 0.5}
    submissions.save_draft(world.db.uow(), sub, m.id, more)
    submissions.submit(world.db.uow(), sub, m.id, scorer)
    diff = submissions.diff_revisions(world.db.uow(), rev, m.id, 1, 2)
    changed = {c.key: (c.old, c.new) for c in diff.result}
    old, new = changed["index_before"]
    assert new > old
    assert ("opposition_rate", doc.answers["opposition_rate"], 0.4) in {(c.key, c.old, c.new) for c in diff.answers}


def test_approve__library_measure__follows_up_under_its_library_text(world, scorer):
    doc, m = _example_matter(world, scorer, submit=True)
    rev = world.who("rev_in")
    review.approve(world.db.uow(), rev, m.id, expected_version=world.version(m.id), decision="proceed")
    library = scorer.ruleset().measures[doc.measures[0]["measure"]]
    assert world.detail(m.id).followups[0].title == (doc.measures[0].get("text") or library.name.zh)


def _rehashed(document: dict) -> dict:
    """A bundle edited by hand, its checksum recomputed (which anyone can do)."""
    from assessment.storage.audit import canonical_json, sha256_hex

    body = {k: v for k, v in document.items() if k != "bundle_hash"}
    return {**body, "bundle_hash": sha256_hex(canonical_json(body))}


def _exported_example(world, scorer) -> dict:
    _, m = _example_matter(world, scorer)
    return bundle.export_bundle(world.db.uow(read_only=True), world.who("sub_own"), m.id)


def test_import_bundle__edited_to_an_unknown_kind__is_refused_and_nothing_is_imported(world, scorer):
    exported = _exported_example(world, scorer)
    edited = _rehashed({**exported, "matter": {**exported["matter"], "kind": "no_such_kind"}})
    before = world.audit_count()
    with pytest.raises(WenpingError) as error:
        bundle.import_bundle(world.db.uow(), world.who("sub_own"), edited, scorer)
    assert [p.code.code for p in error.value.problems] == ["STORE-509"]
    assert "no_such_kind" in error.value.message("zh") and world.audit_count() == before


def test_import_bundle__edited_answers_of_the_wrong_type__every_problem_named_and_nothing_imported(world, scorer):
    exported = _exported_example(world, scorer)
    answers = {**exported["revision"]["answers"], "households_affected": "很多", "invented_question": 1}
    edited = _rehashed({**exported, "revision": {**exported["revision"], "answers": answers}})
    before = world.audit_count()
    with pytest.raises(WenpingError) as error:
        bundle.import_bundle(world.db.uow(), world.who("sub_own"), edited, scorer)
    assert {p.where.id for p in error.value.problems} >= {"households_affected", "invented_question"}
    assert world.audit_count() == before
