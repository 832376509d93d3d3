"""Export and import of one submission as a JSON bundle.

Format ``wenping.submission-bundle``, version 1 (UTF-8 JSON object)::

    format          "wenping.submission-bundle"
    format_version  1
    exported_at     ISO 8601 UTC time, e.g. "2026-11-25T08:00:00.000000Z"
    exported_by     user name of the exporter
    matter          {id, kind, title, unit: {code, name}, state, level, decision}
    revision        {number, state, answers: {question: value}, measures: [measure, …],
                     result: Assessment JSON or null for a draft, ruleset: {id, version, content_hash},
                     model_version, level_before, level_after, submitted_at, content_hash}
    reviews         [{revision, action, comment, decision, level_from, level_to, at}, …]
    bundle_hash     sha256 (hex) of the canonical JSON (sorted keys, no spaces, UTF-8) of every
                    other field: a checksum that refuses a damaged or hand-edited file, not a
                    signature (anyone can recompute it)

Importing makes a NEW matter with a draft holding the bundle's answers and measures, in the
importer's unit (or the unit named), after checking them against the local rule set as a draft is
checked (kind, question ids, types, measures); it is scored again when submitted. The source
(matter, revision, content hash, bundle hash) is recorded in the audit log.
"""

from __future__ import annotations

from typing import Any, Mapping

from assessment.errors import ErrorCode, WenpingError
from assessment.services._common import load_matter, numbered, record
from assessment.services.permissions import Action, Principal, require
from assessment.services.scoring import Scorer
from assessment.services.submissions import _new_matter, _target_unit, jsonable
from assessment.services.views import MatterSummary
from assessment.storage.audit import canonical_json, sha256_hex, utc_text
from assessment.storage.uow import UnitOfWork

FORMAT = "wenping.submission-bundle"
FORMAT_VERSION = 1
MAX_BUNDLE_BYTES = 20 * 1024 * 1024


def export_bundle(uow: UnitOfWork, actor: Principal, matter_id: int, revision: int | None = None) -> dict[str, Any]:
    """The bundle of one revision (default: the newest submitted one, else the current draft)."""
    with uow:
        matter, unit = load_matter(uow, actor, matter_id, Action.VIEW)
        revisions = uow.revisions.for_matter(matter.id)
        rev = _pick_revision(revisions, revision, matter_id)
        numbers = {r.id: r.number for r in revisions}
        body = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "exported_at": utc_text(uow.now()),
            "exported_by": actor.username,
            "matter": {"id": matter.id, "kind": matter.kind, "title": matter.title,
                       "unit": {"code": unit.code, "name": unit.name}, "state": matter.state,
                       "level": matter.level, "decision": matter.decision},
            "revision": {"number": rev.number, "state": rev.state, "answers": rev.answers, "measures": rev.measures,
                         "result": rev.result,
                         "ruleset": {"id": rev.ruleset_id, "version": rev.ruleset_version,
                                     "content_hash": rev.ruleset_hash},
                         "model_version": rev.model_version, "level_before": rev.level_before,
                         "level_after": rev.level_after,
                         "submitted_at": utc_text(rev.submitted_at) if rev.submitted_at else None,
                         "content_hash": rev.content_hash},
            "reviews": [{"revision": numbers[r.revision_id], "action": r.action, "comment": r.comment,
                         "decision": r.decision, "level_from": r.level_from, "level_to": r.level_to,
                         "at": utc_text(r.created_at)} for r in uow.reviews.for_matter(matter.id)],
        }
        return {**body, "bundle_hash": sha256_hex(canonical_json(body))}


def _pick_revision(revisions, number: int | None, matter_id: int):
    if number is not None:
        return numbered(revisions, number, matter_id)
    submitted = [r for r in revisions if r.content_hash]
    return submitted[-1] if submitted else revisions[-1]


def import_bundle(uow: UnitOfWork, actor: Principal, bundle: Any, scorer: Scorer, *, unit_code: str | None = None,
                  title: str | None = None) -> MatterSummary:
    """A new draft from a bundle, or every problem with it at once and nothing saved."""
    require(actor, Action.IMPORT)
    _check_bundle(bundle)
    matter_doc, rev = bundle["matter"], bundle["revision"]
    _check_content(scorer, matter_doc["kind"], rev)
    with uow:
        unit = _target_unit(uow, actor, unit_code)
        require(actor, Action.IMPORT, unit_id=unit.id, unit_path=unit.path, target=f"unit {unit.code}")
        matter, _ = _new_matter(uow, actor, unit, kind=matter_doc["kind"], title=title or matter_doc["title"],
                                answers=jsonable(dict(rev["answers"])), measures=jsonable(list(rev["measures"])),
                                based_on=None)
        record(uow, actor, "matter.import", matter, source_matter=matter_doc.get("id"),
               source_unit=(matter_doc.get("unit") or {}).get("code"), source_revision=rev.get("number"),
               source_content_hash=rev.get("content_hash"), bundle_hash=bundle["bundle_hash"])
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def _bad(zh: str, en: str) -> WenpingError:
    return WenpingError.of(ErrorCode.STORE_BUNDLE, detail=zh, detail_en=en)


def _check_bundle(bundle: Any) -> None:
    if not isinstance(bundle, Mapping):
        raise _bad("最外层应为 JSON 对象", "the top level must be a JSON object")
    if bundle.get("format") != FORMAT:
        raise _bad(f"format 应为“{FORMAT}”", f"format must be '{FORMAT}'")
    if bundle.get("format_version") != FORMAT_VERSION:
        version = bundle.get("format_version")
        raise _bad(f"不支持 format_version {version!r}（应为 {FORMAT_VERSION}）",
                   f"format_version {version!r} is not supported (expected {FORMAT_VERSION})")
    body = {k: v for k, v in bundle.items() if k != "bundle_hash"}
    if bundle.get("bundle_hash") != sha256_hex(canonical_json(body)):
        raise _bad("bundle_hash 与内容不符，文件在导出后被改动或损坏",
                   "bundle_hash does not match the content: the file was changed or damaged after export")
    matter, rev = bundle.get("matter"), bundle.get("revision")
    if not isinstance(matter, Mapping) or not isinstance(matter.get("kind"), str) or not isinstance(matter.get("title"), str):
        raise _bad("matter 须有 kind 和 title", "matter must have a kind and a title")
    if not isinstance(rev, Mapping) or not isinstance(rev.get("answers"), Mapping) or not isinstance(rev.get("measures"), list):
        raise _bad("revision 须有 answers（对象）和 measures（列表）", "revision must have answers (an object) and measures (a list)")


def _check_content(scorer: Scorer, kind: str, revision: Mapping[str, Any]) -> None:
    """The answers and measures as the local rule set would take them in a draft."""
    if kind not in scorer.kinds():
        raise _bad(f"本地规则集中没有事项类型“{kind}”", f"the local rule set has no kind of matter '{kind}'")
    problems = scorer.check(kind, revision["answers"], partial=True)[1] + scorer.check_measures(revision["measures"])
    if problems:
        raise WenpingError(problems)
