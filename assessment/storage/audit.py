"""Append-only, hash-chained audit log.

Each entry stores the previous entry's hash and its own: sha256 over the canonical JSON of its fields
(``prev_hash`` included), so editing, inserting or deleting an entry breaks the chain where it happened.
The single ``audit_head`` row holds the newest entry's number and hash: writers lock it, which orders
appends across app instances, and it reveals deleted newest entries. It proves integrity only against
someone who cannot rewrite the whole chain; record ``head_hash`` elsewhere (paper, a second system)
to anchor it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any, Iterator, Literal, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.errors import ErrorCode, Location, Problem
from assessment.storage.tables import AuditEntry, AuditHead, Base

GENESIS_HASH = "0" * 64
HEAD_ID = 1
HASHED_FIELDS = ("seq", "at", "actor", "action", "entity", "entity_id", "details", "prev_hash")


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """One text for one value: sorted keys, no spaces, UTF-8 kept, no NaN."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False, default=_json_default)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(entry: AuditEntry) -> str:
    return sha256_hex(canonical_json({name: getattr(entry, name) for name in HASHED_FIELDS}))


def utc_text(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds") + "Z"


def append(session: Session, *, actor: str, action: str, entity: str, entity_id: Any,
           details: dict[str, Any], at: datetime, rows: Sequence[Any] = ()) -> AuditEntry:
    """Add an entry in the caller's transaction. Call it after the change it records, so that
    row locks are always taken in the order entity rows → head (no deadlock between writers).
    ``rows``: the watched rows the change wrote; the entry vouches for their state (see row_digest)."""
    session.flush()
    if rows:
        details = {**details, "rows": {row_key(row): row_digest(row) for row in rows}}
    head = session.execute(select(AuditHead).where(AuditHead.id == HEAD_ID).with_for_update()).scalar_one()
    entry = AuditEntry(seq=head.seq + 1, at=utc_text(at), actor=actor, action=action, entity=entity,
                       entity_id=str(entity_id), details=canonical_json(details), prev_hash=head.hash)
    entry.hash = entry_hash(entry)
    session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    session.flush()
    return entry


# Rows whose state the log vouches for: each change records the digest of the rows it wrote, and
# `audit verify` compares every such row with its newest recorded digest, so that a row edited,
# inserted or deleted with raw SQL shows. Users are watched on what grants access: logins change the rest.
WATCHED: dict[str, tuple[str, ...] | None] = {
    "units": None, "users": ("id", "username", "role", "unit_id", "disabled"), "matters": None,
    "reviews": None, "measure_followups": None, "outcomes": None,
}


def row_key(row: Any) -> str:
    return f"{row.__tablename__}/{row.id}"


def row_digest(row: Any) -> str:
    table = row.__table__
    names = WATCHED[table.name] or [column.name for column in table.columns]
    return sha256_hex(canonical_json({name: _plain(getattr(row, name)) for name in names}))


def _plain(value: Any) -> Any:
    return utc_text(value) if isinstance(value, datetime) else value


Damage = Literal["edited", "inserted", "deleted"]


_DAMAGE_ZH = {"edited": "被改动", "inserted": "被插入", "deleted": "被删除"}


@dataclass(frozen=True)
class Finding:
    seq: int
    what: Damage
    detail: str
    detail_zh: str

    def problem(self) -> Problem:
        return Problem(ErrorCode.STORE_AUDIT_BROKEN,
                       {"seq": self.seq, "what": _DAMAGE_ZH[self.what], "what_en": self.what,
                        "detail": self.detail_zh, "detail_en": self.detail},
                       Location(id=f"audit_log.seq={self.seq}"))


@dataclass
class Report:
    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass(frozen=True)
class _Link:
    seq: int
    hash: str


def _entries(session: Session) -> Iterator[AuditEntry]:
    yield from session.execute(select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=2000)).scalars()


def verify(session: Session) -> Report:
    """The chain, then every watched row against the newest digest the chain recorded for it."""
    report = Report()
    before, last = None, _Link(0, GENESIS_HASH)
    recorded: dict[str, tuple[int, str]] = {}  # row key → (seq, digest) of the newest entry naming it
    for entry in _entries(session):
        report.entries += 1
        report.findings.extend(_check_entry(entry, last, before))
        before, last = last, _Link(entry.seq, entry.hash)
        recorded.update((key, (entry.seq, digest)) for key, digest in _recorded_rows(entry).items())
    head = session.get(AuditHead, HEAD_ID)
    if head is None:
        report.findings.append(Finding(last.seq, "deleted", "the chain head row is missing", "链头记录缺失"))
    else:
        report.head_seq, report.head_hash = head.seq, head.hash
        report.findings.extend(_check_head(head, last))
    report.findings.extend(_check_rows(session, recorded))
    return report


def _check_entry(entry: AuditEntry, last: _Link, before: _Link | None) -> list[Finding]:
    found = []
    own_ok = entry_hash(entry) == entry.hash
    if not own_ok:
        found.append(Finding(entry.seq, "edited", "its content no longer matches its hash", "内容与其哈希值不符"))
    if entry.prev_hash == last.hash:
        return found
    if before is not None and entry.prev_hash == before.hash:
        found.append(Finding(last.seq, "inserted", f"entry {entry.seq} links past it to entry {before.seq}",
                             f"第 {entry.seq} 条越过它链接到第 {before.seq} 条"))
    elif entry.seq != last.seq + 1:
        missing = f"{last.seq + 1}" if entry.seq == last.seq + 2 else f"{last.seq + 1}–{entry.seq - 1}"
        found.append(Finding(last.seq + 1, "deleted", f"entries {missing} are missing before entry {entry.seq}",
                             f"第 {entry.seq} 条之前缺少第 {missing} 条"))
    elif own_ok:
        found.append(Finding(last.seq, "edited", f"it was rewritten: entry {entry.seq} points to a different hash",
                             f"已被重写：第 {entry.seq} 条指向的哈希值不同"))
    return found


def _recorded_rows(entry: AuditEntry) -> dict[str, str]:
    try:  # an entry edited into something unreadable is already named by its hash
        rows = json.loads(entry.details).get("rows", {})
    except (ValueError, AttributeError):
        return {}
    return rows if isinstance(rows, dict) else {}


_ROW_DAMAGE = {  # what happened to a watched row → (zh, en), over the entry that recorded it last
    "edited": ("与审计日志第 {seq} 条记录的内容不符，被绕过系统改动",
               "differs from what audit entry {seq} recorded: changed outside the application"),
    "inserted": ("审计日志中没有任何记录，是绕过系统添加的", "has no audit record: added outside the application"),
    "deleted": ("已不存在，但审计日志第 {seq} 条记录过它，被绕过系统删除",
                "no longer exists although audit entry {seq} recorded it: deleted outside the application"),
}


@dataclass(frozen=True)
class RowFinding:
    key: str
    what: Damage
    seq: int | None  # the entry that recorded the row last

    def problem(self) -> Problem:
        zh, en = _ROW_DAMAGE[self.what]
        return Problem(ErrorCode.STORE_ROW_CHANGED, {"row": self.key, "detail": zh.format(seq=self.seq),
                                                     "detail_en": en.format(seq=self.seq)}, Location(id=self.key))


def _check_rows(session: Session, recorded: dict[str, tuple[int, str]]) -> list[RowFinding]:
    found, seen = [], set()
    watched = sorted((m.class_ for m in Base.registry.mappers if m.local_table.name in WATCHED), key=lambda c: c.__tablename__)
    for model in watched:
        for row in session.execute(select(model).execution_options(yield_per=2000)).scalars():
            key = row_key(row)
            seen.add(key)
            seq, digest = recorded.get(key, (None, None))
            if digest is None:
                found.append(RowFinding(key, "inserted", None))
            elif digest != row_digest(row):
                found.append(RowFinding(key, "edited", seq))
    found.extend(RowFinding(key, "deleted", seq) for key, (seq, _) in recorded.items() if key not in seen)
    return found


def _check_head(head: AuditHead, last: _Link) -> list[Finding]:
    if head.seq > last.seq:
        missing = f"{last.seq + 1}–{head.seq}" if head.seq > last.seq + 1 else f"{head.seq}"
        return [Finding(last.seq + 1, "deleted", f"the newest entries {missing} are missing", f"缺少最新的第 {missing} 条")]
    if head.seq < last.seq:
        return [Finding(head.seq + 1, "inserted", f"entries {head.seq + 1}–{last.seq} were added outside the log",
                         f"第 {head.seq + 1}–{last.seq} 条是绕过系统添加的")]
    if head.hash != last.hash:
        return [Finding(last.seq, "edited", "the newest entry was rewritten", "最新一条已被重写")]
    return []


# What a submitted revision freezes; its digest is stored with it and recorded in the audit entry.
FROZEN_FIELDS = ("matter_id", "number", "answers", "measures", "result", "ruleset_id", "ruleset_version",
                 "ruleset_hash", "model_version", "level_before", "level_after", "index_after", "submitted_by")


def revision_digest(revision) -> str:
    content = {name: getattr(revision, name) for name in FROZEN_FIELDS}
    content["submitted_at"] = utc_text(revision.submitted_at) if revision.submitted_at else None
    return sha256_hex(canonical_json(content))
