"""The reviewer's side: the queue, start review, comment, return for revision, override the level
(only with a written reason), approve with a decision. Acting on an old version is refused."""

from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from assessment.errors import ErrorCode, WenpingError
from assessment.services._common import (
    acting_user_id,
    check_state,
    check_version,
    current_revision,
    invalid,
    load_matter,
    not_one_of,
    record,
    touch,
)
from assessment.services.permissions import Action, Principal, require
from assessment.services.submissions import list_matters
from assessment.services.views import DECISIONS, LEVELS, MatterSummary, Page
from assessment.storage.repositories import QueueFilter
from assessment.storage.tables import MeasureFollowUp, Review, Revision
from assessment.storage.uow import UnitOfWork

PENDING = ("submitted", "in_review")


def queue(uow: UnitOfWork, actor: Principal, flt: QueueFilter = QueueFilter(), *, limit: int = 50,
          offset: int = 0) -> Page:
    """Submissions waiting for review in the actor's jurisdiction, newest first."""
    require(actor, Action.REVIEW)
    states = tuple(s for s in (flt.states or PENDING) if s in PENDING) or PENDING
    return list_matters(uow, actor, QueueFilter(**{**flt.__dict__, "states": states}), limit=limit, offset=offset)


def _act(uow: UnitOfWork, actor: Principal, matter_id: int, expected_version: int, allowed: tuple[str, ...],
         doing: tuple[str, str]):
    matter, unit = load_matter(uow, actor, matter_id, Action.REVIEW, for_update=True)
    check_version(matter, expected_version)
    check_state(matter, allowed, doing)
    return matter, unit, current_revision(uow, matter, for_update=True)


def _review(uow: UnitOfWork, actor: Principal, matter, revision: Revision, action: str, **fields) -> Review:
    return uow.reviews.add(Review(matter_id=matter.id, revision_id=revision.id, reviewer_id=acting_user_id(uow, actor),
                                  action=action, created_at=uow.now(), **{"comment": "", **fields}))


def start_review(uow: UnitOfWork, actor: Principal, matter_id: int, *, expected_version: int) -> MatterSummary:
    with uow:
        matter, unit, revision = _act(uow, actor, matter_id, expected_version, ("submitted",), ("开始审核", "taken into review"))
        matter.state = revision.state = "in_review"
        review = _review(uow, actor, matter, revision, "start")
        touch(uow, matter)
        record(uow, actor, "review.start", matter, rows=(matter, review), revision=revision.number)
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def comment(uow: UnitOfWork, actor: Principal, matter_id: int, text: str) -> MatterSummary:
    """A comment changes no state, so two reviewers commenting at once both keep their words."""
    if not text.strip():
        raise invalid(("评论", "comment"), ("内容不能为空", "it is empty"))
    with uow:
        matter, unit = load_matter(uow, actor, matter_id, Action.REVIEW)
        check_state(matter, PENDING, ("评论", "commented on"))
        revision = current_revision(uow, matter)
        review = _review(uow, actor, matter, revision, "comment", comment=text.strip())
        record(uow, actor, "review.comment", matter, rows=(review,), revision=revision.number, comment=text.strip())
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def return_for_revision(uow: UnitOfWork, actor: Principal, matter_id: int, *, expected_version: int,
                        reason: str) -> MatterSummary:
    """Send it back: the revision stays as submitted (marked returned) and a new draft starts from it."""
    if not reason.strip():
        raise invalid(("退回理由", "reason"), ("退回时必须写明理由", "a return needs a written reason"))
    with uow:
        matter, unit, revision = _act(uow, actor, matter_id, expected_version, PENDING, ("退回", "returned"))
        revision.state = "returned"
        review = _review(uow, actor, matter, revision, "return", comment=reason.strip())
        now = uow.now()
        draft = uow.revisions.add(Revision(
            matter_id=matter.id, number=revision.number + 1, state="draft", answers=dict(revision.answers),
            measures=list(revision.measures), based_on_id=revision.id, created_by=revision.created_by,
            created_at=now, updated_at=now))
        matter.state, matter.current_revision = "returned", draft.number
        touch(uow, matter)
        record(uow, actor, "review.return", matter, rows=(matter, review), revision=revision.number, reason=reason.strip(),
               new_draft=draft.number)
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def override_level(uow: UnitOfWork, actor: Principal, matter_id: int, *, expected_version: int, level: str,
                   reason: str) -> MatterSummary:
    """Change the effective level. The assessed result stays as it was; the reason goes on record."""
    if level not in LEVELS:
        raise not_one_of(("风险等级", "level"), level, LEVELS)
    if not reason.strip():
        raise WenpingError.of(ErrorCode.STORE_OVERRIDE_REASON)
    with uow:
        matter, unit, revision = _act(uow, actor, matter_id, expected_version, PENDING, ("调整风险等级", "given a new level"))
        old = matter.level
        matter.level = level
        review = _review(uow, actor, matter, revision, "override", comment=reason.strip(), level_from=old, level_to=level)
        touch(uow, matter)
        record(uow, actor, "review.override_level", matter, rows=(matter, review), revision=revision.number, level_from=old,
               level_to=level, reason=reason.strip())
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def approve(uow: UnitOfWork, actor: Principal, matter_id: int, *, expected_version: int, decision: str,
            comment: str = "") -> MatterSummary:
    """Decide (proceed / proceed with conditions / postpone / do not proceed); the measures go to follow-up."""
    if decision not in DECISIONS:
        raise not_one_of(("审定决定", "decision"), decision, DECISIONS)
    with uow:
        matter, unit, revision = _act(uow, actor, matter_id, expected_version, PENDING, ("审定", "approved"))
        now = uow.now()
        matter.state = revision.state = "approved"
        matter.decision, matter.decided_at = decision, now
        review = _review(uow, actor, matter, revision, "approve", comment=comment.strip(), decision=decision)
        # A matter that will not go ahead has no measures to follow up.
        planned = revision.result["measures"] if decision != "do_not_proceed" else []
        followups = [uow.followups.add(_followup(matter.id, revision.id, measure, now)) for measure in planned]
        touch(uow, matter)
        record(uow, actor, "review.approve", matter, rows=(matter, review, *followups), revision=revision.number, decision=decision,
               comment=comment.strip(), level=matter.level)
        summary = MatterSummary.of(matter, unit)
        uow.commit()
        return summary


def _followup(matter_id: int, revision_id: int, measure: Mapping[str, Any], now) -> MeasureFollowUp:
    """One follow-up per measure of the frozen result (MeasureResult as JSON)."""
    deadline = measure.get("deadline")
    return MeasureFollowUp(
        matter_id=matter_id, revision_id=revision_id, position=measure["number"] - 1,
        title=measure["text"]["zh"][:300], responsible_unit=_text(measure.get("unit")),
        responsible_leader=_text(measure.get("leader")), due_date=date.fromisoformat(deadline) if deadline else None,
        status="planned", note="", updated_at=now, version=1)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)[:200]
