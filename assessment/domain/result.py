"""The Assessment: an immutable result that carries every number and the reason behind it.

Serialised with `model_dump(mode="json")`; the same inputs give the same bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from assessment.domain.i18n_text import I18nText
from assessment.domain.ruleset import Decision, Level, Nature, Stage


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RuleSetRef(_Frozen):
    id: str
    version: str
    content_hash: str


class FactorResult(_Frozen):
    """One identified risk factor, before and after measures, and why."""

    factor: str
    name: I18nText
    category: str
    category_name: I18nText
    nature: Nature
    weight: float
    rule: str  # the rule that set P and C (the strongest one that fired)
    also_fired: tuple[str, ...]  # other rules that identified the same factor
    because: I18nText
    evidence: dict[str, Any]  # the answers the rule read
    rule_probability: int  # as the rule gave it, before other factors fed it
    raised_by: tuple[str, ...]  # the chain of factors that raised it, ending with itself; empty if none did
    raised_because: I18nText | None
    probability: int
    impact: int
    risk: float  # P value × C value
    degree: str
    residual_probability: int
    residual_impact: int
    residual_risk: float
    residual_degree: str
    measures: tuple[int, ...]  # numbers (1-based) of the counted measures applied to it


class MeasureResult(_Frozen):
    number: int
    measure: str | None
    text: I18nText
    factors: tuple[str, ...]
    unit: str | None
    leader: str | None
    deadline: date | None
    supporting_units: str | None
    counted: bool
    not_counted_because: tuple[I18nText, ...]


class FloorApplied(_Frozen):
    floor: str
    stage: Stage
    min_level: Level
    because: I18nText
    source: str | None


class NatureVerdict(_Frozen):
    nature: Nature
    label: I18nText
    verdict: str  # pass | concern | fail
    reasons: tuple[I18nText, ...]
    factors: tuple[str, ...]


class StageResult(_Frozen):
    """Composite index and level at one stage (before or after measures)."""

    index: float
    level_by_index: Level
    level: Level
    level_label: I18nText
    floors: tuple[FloorApplied, ...]
    natures: tuple[NatureVerdict, ...]


class DecisionAdvice(_Frozen):
    policy: str
    policy_label: I18nText
    decision: Decision
    text: I18nText
    source: str | None


class ModelReason(_Frozen):
    """One feature's push on the model's estimate (log-odds; positive raises the probability)."""

    feature: str
    label: I18nText
    contribution: float
    value: float | str | None


class ModelOpinion(_Frozen):
    """The learned model's second opinion. It never changes the rules' level; it may flag a disagreement."""

    version: str
    trained_on_simulated_data: bool
    caveat: I18nText | None  # shown wherever the opinion is shown, e.g. "trained on simulated data"
    probability: float  # of a stability event within 12 months
    suggested_level: Level
    reasons: tuple[ModelReason, ...]
    disagreement: I18nText | None


class Assessment(_Frozen):
    kind: str
    kind_title: I18nText
    matter_name: str | None
    assessed_at: date
    ruleset: RuleSetRef
    answers: dict[str, Any]
    derived: dict[str, Any]  # values computed from the answers that rules may read (stakeholder metrics)
    factors: tuple[FactorResult, ...]
    measures: tuple[MeasureResult, ...]
    before: StageResult
    after: StageResult
    decision: DecisionAdvice
    caveats: tuple[I18nText, ...]
    model: ModelOpinion | None = None  # the learned model's opinion, when a model is in use

    @property
    def level_before(self) -> Level:
        return self.before.level

    @property
    def level_after(self) -> Level:
        return self.after.level
