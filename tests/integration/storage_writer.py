"""A writer process for the crash tests: `python storage_writer.py URL MODE`.

MODE "hold": start a submission, write the frozen revision and its audit entry, print READY, then
wait inside the open transaction (to be killed). MODE "loop": create and submit matters for ever,
printing each committed matter id.
"""

from __future__ import annotations

import sys
import time

from assessment.services import admin, submissions
from assessment.services._common import current_revision, load_matter, record, touch
from assessment.services.permissions import Action
from assessment.storage.uow import Database
from storage_world import FakeScorer


def hold(database: Database, sub) -> None:
    matter = submissions.create_matter(database.uow(), sub, kind="policy", title="半途",
                                       answers={"summary": "x", "risk": "high"})
    print(f"MATTER {matter.id}", flush=True)
    with database.uow() as uow:
        m, _ = load_matter(uow, sub, matter.id, Action.SUBMIT, for_update=True)
        rev = current_revision(uow, m)
        rev.state, rev.result, rev.level_after = "submitted", {"half": True}, "high"
        m.state = "submitted"
        touch(uow, m)
        record(uow, sub, "revision.submit", m, revision=rev.number, content_hash="0" * 64)
        uow.flush()
        print("READY", flush=True)
        time.sleep(600)


def loop(database: Database, sub) -> None:
    scorer = FakeScorer()
    while True:
        m = submissions.create_matter(database.uow(), sub, kind="policy", title="循环",
                                      answers={"summary": "x", "risk": "medium"})
        submissions.submit(database.uow(), sub, m.id, scorer)
        print(f"DONE {m.id}", flush=True)


if __name__ == "__main__":
    url, mode = sys.argv[1], sys.argv[2]
    db = Database(url)
    principal = admin.principal_for(db.uow(read_only=True), "sub_own")
    {"hold": hold, "loop": loop}[mode](db, principal)
