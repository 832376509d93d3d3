"""The seam to the scoring core: validate answers and score them, giving the Assessment as a JSON document.

Workflow services take a ``Scorer`` so that they can be tested without the rule set, and so that
what is stored (the Assessment JSON plus a few copied columns) does not depend on the core's classes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from pathlib import Path
from typing import Any, Mapping, Protocol, Sequence

from assessment.errors import Problem

_log = logging.getLogger(__name__)

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
        """From an Assessment dumped as JSON (``Assessment.model_dump(mode="json")``)."""
        ruleset, before, after = doc["ruleset"], doc["before"], doc["after"]
        model = doc.get("model")
        if model_version is None and isinstance(model, dict):
            model_version = _text(model.get("version"))
        return cls(result=doc, ruleset_id=ruleset["id"], ruleset_version=_text(ruleset["version"]),
                   ruleset_hash=ruleset["content_hash"], model_version=model_version,
                   level_before=before["level"], level_after=after["level"], index_after=float(after["index"]))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


class Scorer(Protocol):
    def kinds(self) -> list[str]: ...

    def check(self, kind: str, answers: Mapping[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], list[Problem]]:
        """The answers to freeze and every problem with them (empty when they may be submitted).
        ``partial`` skips the required checks (a draft may be incomplete)."""

    def check_measures(self, measures: Sequence[Mapping[str, Any]]) -> list[Problem]: ...

    def score(self, kind: str, answers: Mapping[str, Any], measures: Sequence[Mapping[str, Any]],
              at: datetime) -> Scored: ...


class RulesScorer:
    """The scoring core over a rule-set folder (default: WENPING_RULES or the bundled rules/)."""

    def __init__(self, rules_dir: Path | str | None = None):
        self.rules_dir = rules_dir

    def ruleset(self):
        from assessment.loader import load_ruleset

        return load_ruleset(self.rules_dir)

    def kinds(self) -> list[str]:
        return sorted(self.ruleset().kinds)

    def check(self, kind: str, answers: Mapping[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], list[Problem]]:
        """The answers as entered (they are what gets frozen) and every problem that blocks submitting."""
        from assessment.domain.answers import validate_answers

        ruleset = self.ruleset()
        return dict(answers), list(validate_answers(ruleset.kind(kind), answers, partial=partial).problems)

    def check_measures(self, measures: Sequence[Mapping[str, Any]]) -> list[Problem]:
        from assessment.domain.measures import validate_measures

        return list(validate_measures(self.ruleset(), measures)[1])

    def score(self, kind: str, answers: Mapping[str, Any], measures: Sequence[Mapping[str, Any]],
              at: datetime) -> Scored:
        from assessment.domain.scoring import assess

        assessment = assess(self.ruleset(), kind, answers, measures, assessed_at=at.date(), model=self.advisor())
        return Scored.from_document(assessment.model_dump(mode="json"))

    def advisor(self):
        return current_advisor(self.rules_dir)


def current_advisor(rules_dir: Path | str | None = None):
    """The learned second opinion, or None while no model has been trained or the current one is refused
    (see model_refusal); the matter is then scored on the rules alone rather than blocked."""
    advisor, refusal = _current(rules_dir)
    if refusal is not None:
        _log.warning("learned model refused, scoring on rules alone: %s", refusal.message("en"))
    return advisor


def model_refusal(rules_dir: Path | str | None = None):
    """Why the current model file was refused (a WenpingError: tampered, foreign, incompatible), or None."""
    return _current(rules_dir)[1]


def _current(rules_dir: Path | str | None):
    from assessment.model.location import has_current_model

    if not has_current_model():  # checked before importing scikit-learn, which takes seconds
        return None, None
    from assessment.errors import WenpingError
    from assessment.loader import load_ruleset
    from assessment.model.persistence import current_version

    try:
        # Keyed on the rule set's hash too: it covers model_policy.yaml, so an edited policy takes effect.
        return _advisor(current_version(), str(rules_dir or ""), load_ruleset(rules_dir).content_hash), None
    except WenpingError as error:
        return None, error


@lru_cache(maxsize=2)
def _advisor(version: str, rules_dir: str, ruleset_hash: str):
    from assessment.model.advisor import load_advisor

    return load_advisor(None, rules_dir or None, version)
