"""Concurrency and crashes: optimistic versions between reviewers, many writers, a writer killed mid-transaction."""

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assessment.errors import WenpingError
from assessment.services import audit_service, review, submissions
from assessment.services.permissions import SYSTEM
from storage_world import _world_postgres, _world_sqlite, world  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]


def _race(*calls):
    """Run the calls at the same moment in threads; return (results, errors) in call order."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i):
        barrier.wait()
        try:
            outcomes[i] = ("ok", calls[i]())
        except WenpingError as error:
            outcomes[i] = ("error", error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


@pytest.mark.parametrize("round_", range(3))
def test_two_reviewers__acting_at_once_on_one_submission__one_wins_the_other_is_told(world, round_):
    mid = world.new_matter("in_review")
    seen = world.version(mid)
    a, b = world.who("rev_in"), world.who("rev_city")
    audit_before = world.audit_count()
    outcomes = _race(
        lambda: review.approve(world.db.uow(), a, mid, expected_version=seen, decision="proceed", comment="同意"),
        lambda: review.return_for_revision(world.db.uow(), b, mid, expected_version=seen, reason="补充听证材料"),
    )
    kinds = sorted(kind for kind, _ in outcomes)
    assert kinds == ["error", "ok"]
    loser = next(value for kind, value in outcomes if kind == "error")
    assert [p.code.code for p in loser.problems] == ["STORE-502"]
    winner = 0 if outcomes[0][0] == "ok" else 1
    detail = world.detail(mid)
    assert detail.summary.state == ("approved" if winner == 0 else "returned")
    assert [r.action for r in detail.reviews].count("approve" if winner == 0 else "return") == 1
    assert {"approve", "return"} & {r.action for r in detail.reviews} == {"approve" if winner == 0 else "return"}
    assert world.audit_count() == audit_before + 1
    assert audit_service.verify(world.db.uow(read_only=True), SYSTEM).ok


def test_two_reviewers__commenting_at_once__both_comments_are_kept(world):
    mid = world.new_matter("in_review")
    a, b = world.who("rev_in"), world.who("rev_city")
    outcomes = _race(lambda: review.comment(world.db.uow(), a, mid, "意见一"),
                     lambda: review.comment(world.db.uow(), b, mid, "意见二"))
    assert [kind for kind, _ in outcomes] == ["ok", "ok"]
    assert {r.comment for r in world.detail(mid).reviews if r.action == "comment"} == {"意见一", "意见二"}


def test_many_writers__1000_submissions_from_8_threads__are_all_there_and_the_chain_holds(world):
    sub = world.who("sub_own")
    before = world.audit_count()

    def write(i):
        m = submissions.create_matter(world.db.uow(), sub, kind="policy", title=f"事项 {i}",
                                      answers={"summary": f"第 {i} 件", "risk": "low"})
        submissions.submit(world.db.uow(), sub, m.id, world.scorer)
        return m.id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(write, range(1000)))
    assert len(set(ids)) == 1000
    page = submissions.list_matters(world.db.uow(read_only=True), SYSTEM, limit=1)
    assert page.total == 1000
    result = audit_service.verify(world.db.uow(read_only=True), SYSTEM)
    assert result.ok and result.revisions == 1000
    assert world.audit_count() == before + 2000


def _writer(url: str, mode: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(Path(__file__).parent)])}
    return subprocess.Popen([sys.executable, str(Path(__file__).with_name("storage_writer.py")), url, mode],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)


def _read_until(proc: subprocess.Popen, prefix: str, timeout: float = 60) -> list[str]:
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if line.startswith(prefix):
            return lines
    raise AssertionError(f"writer never printed {prefix}: {lines}")


def test_writer_killed__mid_transaction__leaves_no_half_written_revision_and_the_chain_verifies(world):
    audit_before = world.audit_count()
    proc = _writer(world.db.engine.url.render_as_string(hide_password=False), "hold")
    lines = _read_until(proc, "READY")
    matter_id = int(next(line for line in lines if line.startswith("MATTER")).split()[1])
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    detail = world.detail(matter_id)
    assert detail.summary.state == "draft" and detail.current.state == "draft" and detail.current.result is None
    assert world.audit_count() == audit_before + 1  # the committed create only
    assert audit_service.verify(world.db.uow(read_only=True), SYSTEM).ok


def test_writer_killed__while_submitting_in_a_loop__every_committed_submission_is_whole(world):
    proc = _writer(world.db.engine.url.render_as_string(hide_password=False), "loop")
    _read_until(proc, "DONE")
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    result = audit_service.verify(world.db.uow(read_only=True), SYSTEM)
    assert result.ok and result.revisions >= 1
    for summary in submissions.list_matters(world.db.uow(read_only=True), SYSTEM, limit=500).items:
        current = world.detail(summary.id).current
        assert (summary.state, current.state) in {("draft", "draft"), ("submitted", "submitted")}
        assert (current.content_hash is None) == (summary.state == "draft")
