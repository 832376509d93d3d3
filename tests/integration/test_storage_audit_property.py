"""Property: whatever single entry is edited, deleted or forged, `verify` names that entry."""

import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import given, settings, strategies as st
from sqlalchemy import text

from assessment.storage import audit
from assessment.storage.db import make_engine
from assessment.storage.migrate import upgrade
from assessment.storage.tables import AuditEntry
from assessment.storage.uow import Database
from storage_world import lift_audit_guard

FIELDS = ("at", "actor", "action", "entity", "entity_id", "details", "prev_hash", "hash")


def _chain(n: int) -> Database:
    path = Path(tempfile.mkdtemp(prefix="wenping-audit-")) / "a.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    database = Database(engine=engine)
    with database.uow() as uow:
        for i in range(n):
            uow.audit.append(actor=f"u{i % 3}", action="matter.create", entity="matter", entity_id=i,
                             details={"i": i, "标题": "事项"}, at=datetime(2026, 11, 25, 8, 0, i))
        uow.commit()
    return database


def _findings(database: Database) -> set[tuple[int, str]]:
    with database.uow(read_only=True) as uow:
        return {(f.seq, f.what) for f in uow.audit.verify().findings}


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 12), data=st.data())
def test_verify__one_entry_edited_in_any_field__names_it(n, data):
    database = _chain(n)
    seq = data.draw(st.integers(1, n))
    field = data.draw(st.sampled_from(FIELDS))
    with database.engine.begin() as conn:
        lift_audit_guard(conn)
        conn.execute(text(f"UPDATE audit_log SET {field} = {field} || 'x' WHERE seq = :s"), {"s": seq})
    assert (seq, "edited") in _findings(database)
    database.dispose()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 12), data=st.data())
def test_verify__one_entry_deleted__names_its_number(n, data):
    database = _chain(n)
    seq = data.draw(st.integers(1, n))
    with database.engine.begin() as conn:
        lift_audit_guard(conn)
        conn.execute(text("DELETE FROM audit_log WHERE seq = :s"), {"s": seq})
    assert (seq, "deleted") in _findings(database)
    database.dispose()


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 8))
def test_verify__untouched_chain_of_any_length__passes(n):
    database = _chain(n)
    assert _findings(database) == set()
    database.dispose()


def test_entry_hash__covers_every_stored_field():
    entry = AuditEntry(seq=1, at="2026-11-25T08:00:00.000000Z", actor="a", action="x", entity="matter",
                       entity_id="1", details="{}", prev_hash=audit.GENESIS_HASH)
    base = audit.entry_hash(entry)
    for name in audit.HASHED_FIELDS:
        changed = AuditEntry(**{**{f: getattr(entry, f) for f in audit.HASHED_FIELDS},
                                name: getattr(entry, name) + 1 if name == "seq" else getattr(entry, name) + "x"})
        assert audit.entry_hash(changed) != base, name
