"""`audit verify`: the hash chain, plus every submitted revision against the hash recorded when it froze."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from assessment.errors import ErrorCode, Location, Problem
from assessment.services.permissions import Action, Principal, require
from assessment.storage.audit import GENESIS_HASH, revision_digest
from assessment.storage.uow import UnitOfWork


_REVISION_DAMAGE = {
    "content": ("内容与其哈希值不符", "its content no longer matches its hash"),
    "unrecorded": ("审计日志中没有其提交记录", "the audit log has no record of its submission"),
    "hash": ("哈希值与审计日志记录的不同", "its hash differs from the one the audit log recorded"),
}


@dataclass(frozen=True)
class RevisionFinding:
    matter_id: int
    number: int
    damage: str  # a key of _REVISION_DAMAGE

    def problem(self) -> Problem:
        zh, en = _REVISION_DAMAGE[self.damage]
        return Problem(ErrorCode.STORE_REVISION_CHANGED,
                       {"matter": self.matter_id, "number": self.number, "detail": zh, "detail_en": en},
                       Location(id=f"matter {self.matter_id} revision {self.number}"))


@dataclass
class Verification:
    entries: int = 0
    revisions: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    findings: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def record_model_activation(uow: UnitOfWork, actor: Principal, manifest) -> None:
    """A new learned model became current: which one, its file's digest and what it was trained on."""
    with uow:
        uow.audit.append(actor=actor.username, action="model.activate", entity="model", entity_id=manifest.version,
                         details={"sha256": manifest.sha256, "simulated": manifest.card.trained_on_simulated_data,
                                  "recorded_outcomes": manifest.card.recorded_trained_on}, at=uow.now())
        uow.commit()


def verify(uow: UnitOfWork, actor: Principal) -> Verification:
    require(actor, Action.VERIFY_AUDIT)
    with uow:
        chain = uow.audit.verify()
        result = Verification(chain.entries, 0, chain.head_seq, chain.head_hash, list(chain.findings))
        recorded = _recorded_hashes(uow)
        for revision in uow.revisions.frozen():
            result.revisions += 1
            finding = _check_revision(revision, recorded.get((revision.matter_id, revision.number)))
            if finding:
                result.findings.append(finding)
        return result


def _recorded_hashes(uow: UnitOfWork) -> dict[tuple[int, int], str]:
    hashes = {}
    for entry in uow.audit.by_action("revision.submit"):
        details = json.loads(entry.details)
        hashes[(int(entry.entity_id), int(details["revision"]))] = details.get("content_hash")
    return hashes


def _check_revision(revision, recorded: str | None) -> RevisionFinding | None:
    actual = revision_digest(revision)
    if actual != revision.content_hash:
        return RevisionFinding(revision.matter_id, revision.number, "content")
    if recorded is None:
        return RevisionFinding(revision.matter_id, revision.number, "unrecorded")
    if recorded != revision.content_hash:
        return RevisionFinding(revision.matter_id, revision.number, "hash")
    return None
