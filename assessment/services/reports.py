"""Downloading a submission's report (DOCX, PDF or JSON), for anyone who may view the submission."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assessment.domain.i18n_text import I18nText, Lang
from assessment.domain.result import Assessment
from assessment.errors import ErrorCode, WenpingError
from assessment.i18n import t
from assessment.loader import load_ruleset
from assessment.report.export import check_format, default_cache_dir, report_bytes
from assessment.services._common import load_matter, numbered
from assessment.services.permissions import Action, Principal
from assessment.storage.tables import Matter, Revision
from assessment.storage.uow import UnitOfWork

TITLE_IN_FILENAME = 60  # characters of the matter's title kept in the file name
UNSAFE_IN_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def generate_report(uow: UnitOfWork, user: Principal, submission_id: int, *, fmt: str = "docx", lang: Lang = "zh",
                    revision: int | None = None, rules_dir: Path | str | None = None,
                    cache_dir: Path | None = None) -> tuple[str, bytes]:
    """(file name, content) of the report of matter ``submission_id``: its latest submitted revision, or
    ``revision``. Checks that ``user`` may view the matter (AUTH-607 otherwise). ``cache_dir`` defaults to
    WENPING_CACHE_DIR or data/cache."""
    check_format(fmt)
    with uow:
        matter, unit = load_matter(uow, user, submission_id, Action.VIEW)
        scored = _scored_revision(uow, matter, revision)
        result, number = dict(scored.result), scored.number
        notes = _override_notes(uow, matter, scored)
        title, unit_name = matter.title, unit.name
    assessment = _assessment(result, submission_id, number)
    info = {"id": submission_id, "title": title, "unit": unit_name, "revision": number}
    content = report_bytes(assessment, load_ruleset(rules_dir), fmt=fmt, lang=lang, unit_name=unit_name,
                           notes=notes, matter=info, cache_dir=cache_dir or default_cache_dir())
    return report_filename(title, number, fmt, lang), content


def report_filename(title: str, revision: int, fmt: str, lang: Lang) -> str:
    """"<title>-社会稳定风险评估报告-第2版.pdf": the title without characters file systems refuse."""
    safe = UNSAFE_IN_FILENAME.sub("_", title).strip(" ._")[:TITLE_IN_FILENAME] or "report"
    if lang == "zh":
        return f"{safe}-社会稳定风险评估报告-第{revision}版.{fmt}"
    return f"{safe}-stability-risk-report-rev{revision}.{fmt}"


def _scored_revision(uow: UnitOfWork, matter: Matter, number: int | None) -> Revision:
    revisions = uow.revisions.for_matter(matter.id)
    candidates = [numbered(revisions, number, matter.id)] if number is not None else list(reversed(revisions))
    scored = next((r for r in candidates if r.result), None)
    if scored is None:
        raise WenpingError.of(ErrorCode.REPORT_NOT_SCORED, matter=matter.id, number=number or matter.current_revision)
    return scored


def _assessment(result: dict[str, Any], matter_id: int, number: int) -> Assessment:
    try:
        return Assessment.model_validate(result)
    except ValidationError as error:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()[:3])
        raise WenpingError.of(ErrorCode.REPORT_RESULT_UNREADABLE, matter=matter_id, number=number,
                              detail=detail) from None


def _override_notes(uow: UnitOfWork, matter: Matter, revision: Revision) -> list[I18nText]:
    """A reviewer's change of the level is stated in the report, with its reason: never silent."""
    notes = []
    for review in uow.reviews.for_matter(matter.id):
        if review.revision_id != revision.id or review.action != "override":
            continue
        day = review.created_at.date()
        notes.append(I18nText(
            zh=f"审核机关于{day.year}年{day.month}月{day.day}日将风险等级由{t(f'level.{review.level_from}', 'zh')}"
               f"调整为{t(f'level.{review.level_to}', 'zh')}，理由：{review.comment}",
            en=f"On {day.isoformat()} the reviewer changed the risk level from {t(f'level.{review.level_from}', 'en')}"
               f" to {t(f'level.{review.level_to}', 'en')}, because: {review.comment}",
        ))
    return notes
