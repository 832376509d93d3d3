"""Matters and their revisions, from the department's side: create, save drafts section by section,
submit (score and freeze), copy into a new draft, read, list, and compare two revisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Mapping, Sequence

from assessment.errors import ErrorCode, WenpingError
from assessment.services._common import (
    acting_user_id,
    check_state,
    check_version,
    current_revision,
    invalid,
    load_matter,
    local_month,
    not_found,
    record,
    touch,
)
from assessment.services.permissions import Action, Principal, require
from assessment.services.scoring import Scorer
from assessment.services.views import (
    MatterDetail,
    MatterSummary,
    OutcomeView,
    Page,
    FollowUpView,
    ReviewView,
    RevisionView,
)
from assessment.storage.audit import canonical_json, revision_digest, sha256_hex
from assessment.storage.repositories import QueueFilter
from assessment.storage.tables import Matter, Revision, Unit
from assessment.storage.uow import UnitOfWork

EDITABLE = ("draft", "returned")  # matter states in which the current revision is a draft


def _target_unit(uow: UnitOfWork, actor: Principal, unit_code: str | None) -> Unit:
    if unit_code is None:
        unit = uow.units.get(actor.unit_id) if actor.unit_id is not None else None
    else:
        unit = uow.units.by_code(unit_code)
    if unit is None:
        raise not_found("unit", unit_code or "-")
    require(actor, Action.DRAFT, unit_id=unit.id, unit_path=unit.path, target=f"unit {unit.code}")
    return unit


def create_matter(uow: UnitOfWork, actor: Principal, *, kind: str, title: str, unit_code: str | None = None,
                  answers: Mapping[str, Any] | None = None, measures: Sequence[Mapping] | None = None) -> MatterSummary:
    """A new matter with an empty (or given) first draft, in the actor's unit unless another is named."""
    require(actor, Action.DRAFT)
    if not title.strip():
        raise invalid(("事项名称", "title"), ("不能为空", "it is empty"))
    with uow:
        unit = _target_unit(uow, actor, unit_code)
        matter, _ = _new_matter(uow, actor, unit, kind=kind, title=title.strip(), answers=jsonable(dict(answers or {})),
                                measures=jsonable(list(measures or [])), based_on=None)
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def _new_matter(uow: UnitOfWork, actor: Principal, unit: Unit, *, kind: str, title: str, answers: dict,
                measures: list, based_on: Revision | None) -> tuple[Matter, Revision]:
    now = uow.now()
    matter = uow.matters.add(Matter(unit_id=unit.id, kind=kind, title=title, state="draft", current_revision=1,
                                    created_by=acting_user_id(uow, actor), created_at=now,
                                    updated_at=now, version=1))
    revision = uow.revisions.add(Revision(matter_id=matter.id, number=1, state="draft", answers=answers,
                                          measures=measures, based_on_id=based_on.id if based_on else None,
                                          created_by=matter.created_by, created_at=now, updated_at=now))
    record(uow, actor, "matter.create", matter, rows=(matter,), unit=unit.code, kind=kind, title=title,
           based_on=[based_on.matter_id, based_on.number] if based_on else None,
           draft=_digest(answers, measures))
    return matter, revision


def jsonable(value: Any) -> Any:
    """Answers and measures are stored as JSON: dates (YAML gives them) become ISO text."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _digest(answers: Any, measures: Any) -> str:
    return sha256_hex(canonical_json({"answers": answers, "measures": measures}))


def save_draft(uow: UnitOfWork, actor: Principal, matter_id: int, answers: Mapping[str, Any], *,
               section: str | None = None, expected_version: int | None = None) -> MatterSummary:
    """Merge one section's answers into the current draft (a value of None removes that answer)."""
    with uow:
        matter, unit, revision = _editable(uow, actor, matter_id, expected_version)
        merged = {**revision.answers, **jsonable(dict(answers))}
        merged = {k: v for k, v in merged.items() if v is not None}
        changed = sorted(k for k in set(revision.answers) | set(answers) if revision.answers.get(k) != merged.get(k))
        revision.answers, revision.updated_at = merged, uow.now()
        name = merged.get("matter_name")
        if isinstance(name, str) and name.strip():  # lists, downloads and the report cover say the same name
            matter.title = name.strip()[:300]
        touch(uow, matter)
        record(uow, actor, "revision.save_draft", matter, rows=(matter,), revision=revision.number, section=section,
               changed=changed, draft=_digest(merged, revision.measures))
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def save_measures(uow: UnitOfWork, actor: Principal, matter_id: int, measures: Sequence[Mapping[str, Any]], *,
                  expected_version: int | None = None) -> MatterSummary:
    """Replace the draft's measures (each with 责任单位, 包案领导, 时限)."""
    with uow:
        matter, unit, revision = _editable(uow, actor, matter_id, expected_version)
        revision.measures, revision.updated_at = jsonable([dict(m) for m in measures]), uow.now()
        touch(uow, matter)
        record(uow, actor, "revision.save_measures", matter, rows=(matter,), revision=revision.number, count=len(measures),
               draft=_digest(revision.answers, revision.measures))
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def _editable(uow: UnitOfWork, actor: Principal, matter_id: int, expected_version: int | None):
    matter, unit = load_matter(uow, actor, matter_id, Action.DRAFT, for_update=True)
    check_version(matter, expected_version)
    revision = current_revision(uow, matter)
    if revision.state != "draft":
        raise WenpingError.of(ErrorCode.STORE_FROZEN, number=revision.number)
    return matter, unit, revision


def submit(uow: UnitOfWork, actor: Principal, matter_id: int, scorer: Scorer, *,
           expected_version: int | None = None) -> MatterSummary:
    """Validate and score the draft, then freeze it as submitted.

    Scoring runs between two transactions (it may take a while and needs no lock); the freeze then
    checks that the draft did not change meanwhile.
    """
    with uow:
        matter, _ = load_matter(uow, actor, matter_id, Action.SUBMIT)
        check_version(matter, expected_version)
        check_state(matter, EDITABLE, ("提交", "submitted"))
        seen_version, kind, at = matter.version, matter.kind, uow.now()
        revision = current_revision(uow, matter)
        answers, measures = dict(revision.answers), list(revision.measures)
    clean, problems = scorer.check(kind, answers)
    if problems:
        raise WenpingError(problems)
    scored = scorer.score(kind, clean, measures, at)
    with uow:
        matter, unit = load_matter(uow, actor, matter_id, Action.SUBMIT, for_update=True)
        check_version(matter, seen_version)
        revision = current_revision(uow, matter)
        _freeze(revision, scored, clean, actor, at, uow)
        matter.state, matter.level = "submitted", scored.level_after
        matter.submitted_at, matter.submitted_month = at, local_month(at)
        touch(uow, matter)
        record(uow, actor, "revision.submit", matter, rows=(matter,), revision=revision.number, content_hash=revision.content_hash,
               level_after=scored.level_after, ruleset_hash=scored.ruleset_hash)
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def _freeze(revision: Revision, scored, clean: dict, actor: Principal, at, uow: UnitOfWork) -> None:
    revision.answers, revision.result, revision.state = clean, scored.result, "submitted"
    revision.ruleset_id, revision.ruleset_version = scored.ruleset_id, scored.ruleset_version
    revision.ruleset_hash, revision.model_version = scored.ruleset_hash, scored.model_version
    revision.level_before, revision.level_after = scored.level_before, scored.level_after
    revision.index_after = scored.index_after
    revision.submitted_by = actor.user_id or revision.created_by
    revision.submitted_at = revision.updated_at = at
    uow.flush()
    revision.content_hash = revision_digest(revision)


def copy_to_new_draft(uow: UnitOfWork, actor: Principal, matter_id: int, *, revision: int | None = None,
                      title: str | None = None, unit_code: str | None = None) -> MatterSummary:
    """Start a new matter whose first draft copies an earlier revision's answers and measures."""
    with uow:
        source, _ = load_matter(uow, actor, matter_id, Action.VIEW)
        rev = uow.revisions.get(source.id, revision or source.current_revision)
        if rev is None:
            raise WenpingError.of(ErrorCode.STORE_NO_REVISION, matter=matter_id, number=revision)
        unit = _target_unit(uow, actor, unit_code)
        matter, _ = _new_matter(uow, actor, unit, kind=source.kind, title=title or source.title,
                                answers=dict(rev.answers), measures=list(rev.measures), based_on=rev)
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def get_matter(uow: UnitOfWork, actor: Principal, matter_id: int) -> MatterDetail:
    with uow:
        matter, unit = load_matter(uow, actor, matter_id, Action.VIEW)
        revisions = uow.revisions.for_matter(matter.id)
        numbers = {r.id: r.number for r in revisions}
        today = uow.now().date()
        return MatterDetail(
            summary=MatterSummary.of(matter, unit),
            revisions=[RevisionView.of(r, numbers.get(r.based_on_id)) for r in revisions],
            reviews=[ReviewView.of(r, numbers[r.revision_id]) for r in uow.reviews.for_matter(matter.id)],
            followups=[FollowUpView.of(f, today) for f in uow.followups.for_matter(matter.id)],
            outcomes=[OutcomeView.of(o) for o in uow.outcomes.for_matter(matter.id)],
        )


def list_matters(uow: UnitOfWork, actor: Principal, flt: QueueFilter = QueueFilter(), *, limit: int = 50,
                 offset: int = 0, with_total: bool = True) -> Page:
    """The matters the actor may see, newest submission first, filtered (the review queue uses this)."""
    require(actor, Action.VIEW)
    limit = max(1, min(limit, 500))
    with uow:
        scope = actor.scope()
        rows = uow.matters.page(scope, flt, limit=limit, offset=offset)
        units = uow.units.by_ids(m.unit_id for m in rows)
        total = uow.matters.count(scope, flt) if with_total else -1
        return Page([MatterSummary.of(m, units[m.unit_id]) for m in rows], total, offset, limit)


@dataclass(frozen=True)
class Change:
    key: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RevisionDiff:
    matter_id: int
    old: int
    new: int
    answers: list[Change]
    measures: list[Change]
    result: list[Change]

    @property
    def empty(self) -> bool:
        return not (self.answers or self.measures or self.result)


def diff_revisions(uow: UnitOfWork, actor: Principal, matter_id: int, old: int, new: int) -> RevisionDiff:
    """What changed between two revisions: answers by question, measures by position, and the result."""
    with uow:
        matter, _ = load_matter(uow, actor, matter_id, Action.VIEW)
        a, b = (uow.revisions.get(matter.id, n) for n in (old, new))
        for number, rev in ((old, a), (new, b)):
            if rev is None:
                raise WenpingError.of(ErrorCode.STORE_NO_REVISION, matter=matter_id, number=number)
        return RevisionDiff(matter.id, old, new, _dict_changes(a.answers, b.answers),
                            _list_changes(a.measures, b.measures), _result_changes(a, b))


def _dict_changes(old: Mapping, new: Mapping) -> list[Change]:
    return [Change(k, old.get(k), new.get(k)) for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]


def _list_changes(old: Sequence, new: Sequence) -> list[Change]:
    size = max(len(old), len(new))
    pick = lambda seq, i: seq[i] if i < len(seq) else None  # noqa: E731
    return [Change(str(i + 1), pick(old, i), pick(new, i)) for i in range(size) if pick(old, i) != pick(new, i)]


def _factor_ids(result: Mapping | None) -> list[str]:
    return sorted(f["factor"] for f in (result or {}).get("factors", ()))


def _index(result: Mapping | None, stage: str) -> float | None:
    return result[stage]["index"] if result else None


def _result_changes(a: Revision, b: Revision) -> list[Change]:
    fields = {
        "level_before": (a.level_before, b.level_before),
        "level_after": (a.level_after, b.level_after),
        "index_before": (_index(a.result, "before"), _index(b.result, "before")),
        "index_after": (_index(a.result, "after"), _index(b.result, "after")),
        "factors": (_factor_ids(a.result), _factor_ids(b.result)),
        "ruleset_hash": (a.ruleset_hash, b.ruleset_hash),
    }
    return [Change(k, old, new) for k, (old, new) in fields.items() if old != new]
