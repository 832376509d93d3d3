from datetime import datetime

import pytest
from sqlalchemy import text

from assessment.storage import audit
from assessment.storage.tables import AuditEntry
from storage_world import lift_audit_guard


def _log(database, n: int) -> None:
    with database.uow() as uow:
        for i in range(n):
            uow.audit.append(actor="alice", action="matter.create", entity="matter", entity_id=i,
                             details={"title": f"事项 {i}", "n": i}, at=datetime(2026, 11, 25, 8, 0, i))
        uow.commit()


def _verify(database) -> audit.Report:
    with database.uow(read_only=True) as uow:
        return uow.audit.verify()


def _raw(database, sql: str, **params) -> None:
    with database.engine.begin() as conn:
        lift_audit_guard(conn)
        conn.execute(text(sql), params)


def test_verify__untouched_chain__passes_and_reports_the_head(database):
    _log(database, 5)
    report = _verify(database)
    assert report.ok and report.entries == 5 and report.head_seq == 5
    assert len(report.head_hash) == 64


def test_verify__empty_log__passes(database):
    assert _verify(database).ok


def test_verify__details_edited_with_raw_sql__names_that_entry_as_edited(database):
    _log(database, 5)
    _raw(database, "UPDATE audit_log SET details = :d WHERE seq = 3", d='{"n":3,"title":"改过的"}')
    report = _verify(database)
    assert [(f.seq, f.what) for f in report.findings] == [(3, "edited")]
    assert "3" in report.findings[0].problem().message("en")


def test_verify__entry_rewritten_with_a_recomputed_hash__names_it_as_edited(database):
    _log(database, 5)
    _raw(database, "SELECT 1")  # lift the guard, as someone with DDL rights could
    with database.uow() as uow:
        entry = uow.session.get(AuditEntry, 2)
        entry.actor = "mallory"
        entry.hash = audit.entry_hash(entry)
        uow.commit()
    assert [(f.seq, f.what) for f in _verify(database).findings] == [(2, "edited")]


def test_verify__entry_deleted_in_the_middle__names_the_missing_entry(database):
    _log(database, 5)
    _raw(database, "DELETE FROM audit_log WHERE seq = 3")
    assert [(f.seq, f.what) for f in _verify(database).findings] == [(3, "deleted")]


def test_verify__newest_entries_deleted__names_them(database):
    _log(database, 5)
    _raw(database, "DELETE FROM audit_log WHERE seq >= 4")
    assert [(f.seq, f.what) for f in _verify(database).findings] == [(4, "deleted")]


def test_verify__entry_appended_behind_the_logs_back__names_it_as_inserted(database):
    _log(database, 3)
    with database.uow() as uow:
        last = uow.session.get(AuditEntry, 3)
        forged = AuditEntry(seq=4, at=last.at, actor="mallory", action="matter.approve", entity="matter",
                            entity_id="1", details="{}", prev_hash=last.hash)
        forged.hash = audit.entry_hash(forged)
        uow.session.add(forged)
        uow.commit()
    assert [(f.seq, f.what) for f in _verify(database).findings] == [(4, "inserted")]


def test_verify__entry_slipped_between_two_others__names_it_as_inserted(database):
    _log(database, 4)
    # Make room at 3 by moving 3 and 4 up, then forge a 3 that links to 2: entry 4 (was 3) still links to 2.
    _raw(database, "UPDATE audit_log SET seq = seq + 10 WHERE seq >= 3")
    _raw(database, "UPDATE audit_log SET seq = seq - 9 WHERE seq >= 13")
    with database.uow() as uow:
        second = uow.session.get(AuditEntry, 2)
        forged = AuditEntry(seq=3, at=second.at, actor="mallory", action="x", entity="matter", entity_id="9",
                            details="{}", prev_hash=second.hash)
        forged.hash = audit.entry_hash(forged)
        uow.session.add(forged)
        uow.commit()
    found = [(f.seq, f.what) for f in _verify(database).findings]
    assert (3, "inserted") in found


def test_append__rolled_back_transaction__leaves_no_entry_and_a_valid_chain(database):
    _log(database, 2)
    with database.uow() as uow:
        uow.audit.append(actor="a", action="x", entity="matter", entity_id=1, details={}, at=datetime(2026, 1, 1))
        # no commit
    report = _verify(database)
    assert report.ok and report.entries == 2


@pytest.mark.parametrize("value", [{"b": 1, "a": [1.5, "是"]}, {"a": [1.5, "是"], "b": 1}])
def test_canonical_json__key_order__does_not_change_the_text(value):
    assert audit.canonical_json(value) == '{"a":[1.5,"是"],"b":1}'


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET actor = 'mallory' WHERE seq = 2", "DELETE FROM audit_log WHERE seq = 2"])
def test_audit_log__changed_with_raw_sql_while_guarded__the_database_refuses(database, sql):
    _log(database, 3)
    with pytest.raises(Exception, match="append-only"):
        with database.engine.begin() as conn:
            conn.execute(text(sql))
    assert _verify(database).ok
