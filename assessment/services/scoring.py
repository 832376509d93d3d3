"""The seam to the scoring core: validate answers and score them, giving the Assessment as a JSON document.

Workflow services take a ``Scorer`` so that they can be tested without the rule set, and so that
what is stored (the Assessment JSON plus a few copied columns) does not depend on the core's classes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

from assessment.errors import ErrorCode, Problem, WenpingError

DEFAULT_RULES = Path("rules")


@dataclass(frozen=True)
class Scored:
    """A result to freeze into a revision, with the columns the queue and dashboard need."""

    result: dict[str, Any]
    ruleset_id: str | None
    ruleset_version: str | None
    ruleset_hash: str | None
    model_version: str | None
    level_before: str | None
    level_after: str | None
    index_after: float | None

    @classmethod
    def from_document(cls, doc: dict[str, Any], model_version: str | None = None) -> "Scored":
        ruleset = doc.get("ruleset") or {}
        model = doc.get("model") or {}
        index_after = doc.get("index_after")
        return cls(result=doc, ruleset_id=ruleset.get("id"), ruleset_version=_text(ruleset.get("version")),
                   ruleset_hash=ruleset.get("content_hash"),
                   model_version=model_version or _text(model.get("version") if isinstance(model, dict) else None),
                   level_before=doc.get("level_before"), level_after=doc.get("level_after"),
                   index_after=float(index_after) if index_after is not None else None)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class Scorer(Protocol):
    def kinds(self) -> list[str]: ...

    def check(self, kind: str, answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        """Clean answers and every problem with them (empty when they may be submitted)."""

    def score(self, kind: str, answers: Mapping[str, Any], measures: Sequence[Mapping[str, Any]],
              at: datetime) -> Scored: ...


class RulesScorer:
    """The scoring core over a rule-set folder (default ``rules/``)."""

    def __init__(self, rules_dir: Path | str = DEFAULT_RULES):
        self.rules_dir = Path(rules_dir)

    def _ruleset(self):
        try:
            from assessment.loader import load_ruleset
        except ImportError as error:  # the core is not installed or not finished
            raise WenpingError.of(ErrorCode.STORE_SCORING_UNAVAILABLE, detail=str(error)) from error
        return load_ruleset(self.rules_dir)

    def questionnaire(self, kind: str):
        ruleset = self._ruleset()
        questionnaires = getattr(ruleset, "questionnaires", {})
        if isinstance(questionnaires, Mapping) and kind in questionnaires:
            return questionnaires[kind]
        for q in (questionnaires.values() if isinstance(questionnaires, Mapping) else questionnaires):
            if getattr(q, "kind", None) == kind or getattr(q, "id", None) == kind:
                return q
        raise WenpingError.of(ErrorCode.RULES_UNKNOWN_KIND, kind=kind, kinds=", ".join(self.kinds()))

    def kinds(self) -> list[str]:
        questionnaires = getattr(self._ruleset(), "questionnaires", {})
        if isinstance(questionnaires, Mapping):
            return sorted(questionnaires)
        return sorted(q.kind or q.id for q in questionnaires)

    def check(self, kind: str, answers: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
        from assessment.domain.answers import validate_answers

        clean, problems = validate_answers(self.questionnaire(kind), answers)
        return dict(clean), list(problems)

    def score(self, kind: str, answers: Mapping[str, Any], measures: Sequence[Mapping[str, Any]],
              at: datetime) -> Scored:
        from assessment.domain.scoring import assess

        assessment = assess(self._ruleset(), {**answers, "kind": kind} if "kind" not in answers else answers,
                            measures, assessed_at=at)
        return Scored.from_document(assessment.model_dump(mode="json"))
