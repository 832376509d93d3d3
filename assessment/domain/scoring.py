"""The engine: a pure function from a rule set, answers and measures to an Assessment.

Steps: identify factors by rules → degree from the matrix → weighted composite index → floors →
level before measures; counted measures → residual P and C → level after measures; the four
checks; decision advice. Nothing here reads a clock, a file or a database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from assessment.domain.answers import ValidatedAnswers, is_relevant, validate_answers
from assessment.domain.expressions import Uncomputable
from assessment.domain.i18n_text import I18nText
from assessment.domain.measures import PlannedMeasure, validate_measures
from assessment.domain.result import (
    Assessment,
    DecisionAdvice,
    FactorResult,
    FloorApplied,
    MeasureResult,
    ModelOpinion,
    NatureVerdict,
    RuleSetRef,
    StageResult,
)
from assessment.domain.ruleset import LEVELS, NATURES, CompiledRule, Kind, Level, Raised, RuleSet, Stage
from assessment.errors import ErrorCode, Location, WenpingError


class SecondOpinion(Protocol):
    """A learned model (assessment.model) that gives its opinion on a scored matter; the domain needs no sklearn."""

    def opinion(self, kind: str, values: Mapping[str, Any], assessment: Assessment) -> ModelOpinion: ...


def assess(ruleset: RuleSet, kind_id: str, answers: Mapping[str, Any], measures: Sequence[Mapping[str, Any]] | None,
           *, assessed_at: date, partial: bool = False, model: SecondOpinion | None = None) -> Assessment:
    """Validate raw answers and measures, then score them. Raises WenpingError with every problem found."""
    checked = check_inputs(ruleset, kind_id, answers, measures, partial=partial)
    return score(ruleset, checked.kind, checked.answers.values, checked.measures, assessed_at=assessed_at, model=model)


@dataclass(frozen=True)
class Checked:
    """Answers and measures that passed validation, ready to score (`answers.ignored`: answers to questions
    that do not apply, left out)."""

    kind: Kind
    answers: ValidatedAnswers
    measures: list[PlannedMeasure]


def check_inputs(ruleset: RuleSet, kind_id: str, answers: Mapping[str, Any],
                 measures: Sequence[Mapping[str, Any]] | None, *, partial: bool = False) -> Checked:
    """Validate raw answers and measures; raises WenpingError with every problem found."""
    kind = ruleset.kind(kind_id)
    validated = validate_answers(kind, answers, partial=partial)
    planned, measure_problems = validate_measures(ruleset, measures)
    if validated.problems or measure_problems:
        raise WenpingError(validated.problems + measure_problems)
    return Checked(kind, validated, planned)


@dataclass(frozen=True)
class _Hit:
    rule: CompiledRule
    probability: int
    impact: int


def score(ruleset: RuleSet, kind: Kind, values: Mapping[str, Any], measures: Sequence[PlannedMeasure],
          *, assessed_at: date, model: SecondOpinion | None = None) -> Assessment:
    """Score validated values (see answers.validate_answers) and validated measures; `model` adds its opinion."""
    derived = dict(ruleset.derive(values)) if ruleset.derive else {}
    values = {**values, **derived}
    hits = _identify(ruleset, kind, values)
    raised = ruleset.propagate({f: fired[0].probability for f, fired in hits.items()}) if ruleset.propagate else {}
    measure_results = _measure_results(ruleset, measures, assessed_at)
    drops = _drops(ruleset, measures, measure_results, hits)
    display = _display_values(kind, values)
    factors = sorted(
        (_factor_result(ruleset, factor_id, fired, raised.get(factor_id), drops.get(factor_id), values, display)
         for factor_id, fired in hits.items()),
        key=lambda f: (-f.risk, -f.probability, f.factor),
    )
    before = _stage(ruleset, kind, factors, values, display, "before")
    after = _stage(ruleset, kind, factors, values, display, "after")
    assessment = Assessment(
        kind=kind.id,
        kind_title=kind.title,
        matter_name=values.get("matter_name"),
        assessed_at=assessed_at,
        ruleset=RuleSetRef(id=ruleset.info.id, version=ruleset.info.version, content_hash=ruleset.content_hash),
        answers={k: _jsonable(v) for k, v in values.items() if v is not None and k not in derived},
        derived={k: _jsonable(v) for k, v in derived.items()},
        factors=tuple(factors),
        measures=tuple(measure_results),
        before=before,
        after=after,
        decision=_decision(ruleset, values, after.level),
        caveats=() if ruleset.info.thresholds.confirmed else (ruleset.info.thresholds.note,),
    )
    # The opinion is added beside the rules' result; it never changes a level.
    return assessment.model_copy(update={"model": model.opinion(kind.id, values, assessment)}) if model else assessment


# --- identification


def _identify(ruleset: RuleSet, kind: Kind, values: Mapping[str, Any]) -> dict[str, list[_Hit]]:
    """factor id → the rules that fired for it, strongest first."""
    hits: dict[str, list[_Hit]] = {}
    for rule in kind.rules:
        if rule.when.evaluate(values) is not True:
            continue
        probability = _level(rule, "probability", rule.probability.evaluate(values))
        if probability is None:
            continue
        factor = ruleset.factors[rule.rule.factor]
        impact = _level(rule, "impact", rule.impact.evaluate(values)) if rule.impact else None
        hits.setdefault(factor.id, []).append(_Hit(rule, probability, impact or factor.impact))
    for fired in hits.values():
        fired.sort(key=lambda h: (-(h.probability * h.impact), -h.probability))
    return hits


def _level(rule: CompiledRule, field: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 5 or value != int(value):
        raise WenpingError.of(
            ErrorCode.RULES_RUNTIME, Location(id=rule.rule.id, field=field),
            rule=rule.rule.id, detail=f"{field} 为 {value!r}，不是 1–5 的整数", detail_en=f"{field} = {value!r}, not a whole number from 1 to 5",
        )
    return int(value)


def _factor_result(ruleset: RuleSet, factor_id: str, fired: list[_Hit], raised: Raised | None,
                   drop: tuple[int, int, tuple[int, ...]] | None, values: Mapping[str, Any],
                   display: dict[str, dict[str, Any]]) -> FactorResult:
    factor = ruleset.factors[factor_id]
    top = fired[0]
    probability = raised.level if raised else top.probability
    p_drop, c_drop, numbers = drop or (0, 0, ())
    residual_p, residual_c = max(1, probability - p_drop), max(1, top.impact - c_drop)
    category = ruleset.categories[factor.category]
    return FactorResult(
        factor=factor_id,
        name=factor.name,
        category=category.id,
        category_name=category.label,
        nature=ruleset.nature_of(factor),
        weight=factor.weight,
        rule=top.rule.rule.id,
        also_fired=tuple(h.rule.rule.id for h in fired[1:]),
        because=I18nText(**{lang: top.rule.because[lang].render(display[lang], lang) for lang in ("zh", "en")}),
        evidence={n: _jsonable(values.get(n)) for n in top.rule.reads},
        rule_probability=top.probability,
        raised_by=raised.chain if raised else (),
        raised_because=raised.because if raised else None,
        probability=probability,
        impact=top.impact,
        risk=_risk(ruleset, probability, top.impact),
        degree=ruleset.matrix.degree(probability, top.impact),
        residual_probability=residual_p,
        residual_impact=residual_c,
        residual_risk=_risk(ruleset, residual_p, residual_c),
        residual_degree=ruleset.matrix.degree(residual_p, residual_c),
        measures=numbers,
    )


def _risk(ruleset: RuleSet, probability: int, impact: int) -> float:
    scales = ruleset.info.scales
    return round(scales.probability[probability - 1].value * scales.impact[impact - 1].value, 4)


# --- measures


def _measure_results(ruleset: RuleSet, measures: Sequence[PlannedMeasure], assessed_at: date) -> list[MeasureResult]:
    results = []
    for number, planned in enumerate(measures, start=1):
        library = ruleset.measures.get(planned.measure) if planned.measure else None
        gaps = planned.gaps(assessed_at)
        results.append(MeasureResult(
            number=number,
            measure=planned.measure,
            text=planned.text or library.name,
            factors=planned.factors or tuple(library.lowers),
            unit=planned.unit,
            leader=planned.leader,
            deadline=planned.deadline,
            supporting_units=planned.supporting_units,
            counted=not gaps,
            not_counted_because=tuple(gaps),
        ))
    return results


def _drops(ruleset: RuleSet, planned: Sequence[PlannedMeasure], results: list[MeasureResult],
           hits: Mapping[str, list[_Hit]]) -> dict[str, tuple[int, int, tuple[int, ...]]]:
    """factor id → (probability drop, impact drop, counted measure numbers), capped by the rule set."""
    residual = ruleset.info.residual
    totals: dict[str, list] = {}
    for measure, result in zip(planned, results):
        if not result.counted:
            continue
        for factor_id in result.factors:
            if factor_id not in hits:
                continue
            lowering = _lowering(ruleset, measure, factor_id)
            total = totals.setdefault(factor_id, [0, 0, []])
            total[0] += lowering[0]
            total[1] += lowering[1]
            total[2].append(result.number)
    return {
        f: (min(p, residual.max_probability_drop), min(c, residual.max_impact_drop), tuple(n))
        for f, (p, c, n) in totals.items()
    }


def _lowering(ruleset: RuleSet, measure: PlannedMeasure, factor_id: str) -> tuple[int, int]:
    if measure.measure:
        lowering = ruleset.measures[measure.measure].lowers[factor_id]
        return lowering.probability, lowering.impact
    cap = ruleset.info.residual.custom_measure_max_drop
    lowering = measure.lowers
    return (min(cap, lowering.probability), min(cap, lowering.impact)) if lowering else (min(cap, 1), 0)


# --- stages: index, floors, level, four checks


def _stage(ruleset: RuleSet, kind: Kind, factors: list[FactorResult], values: Mapping[str, Any],
           display: dict[str, dict[str, Any]], stage: Stage) -> StageResult:
    after = stage == "after"
    weights = sum(f.weight for f in factors)
    risks = [(f.weight, f.residual_risk if after else f.risk) for f in factors]
    index = round(sum(w * r for w, r in risks) / weights, 4) if weights else 0.0
    by_index = ruleset.info.thresholds.level_for(index)
    floors = _floors(ruleset, kind, factors, values, display, stage)
    level = max([by_index, *(f.min_level for f in floors)], key=LEVELS.index)
    band = next(b for b in ruleset.info.thresholds.bands if b.level == level)
    return StageResult(
        index=index,
        level_by_index=by_index,
        level=level,
        level_label=band.label,
        floors=tuple(floors),
        natures=tuple(_verdict(ruleset, nature, [f for f in factors if f.nature == nature], after) for nature in NATURES),
    )


def _floors(ruleset: RuleSet, kind: Kind, factors: list[FactorResult], values: Mapping[str, Any],
            display: dict[str, dict[str, Any]], stage: Stage) -> list[FloorApplied]:
    applied = []
    for compiled in kind.floors:
        floor = compiled.floor
        if stage in floor.applies_to and _floor_triggered(ruleset, compiled, factors, values, stage):
            because = I18nText(**{lang: compiled.because[lang].render(display[lang], lang) for lang in ("zh", "en")})
            applied.append(FloorApplied(floor=floor.id, stage=stage, min_level=floor.min_level, because=because, source=floor.source))
    return applied


def _floor_triggered(ruleset: RuleSet, compiled, factors: list[FactorResult], values: Mapping[str, Any], stage: Stage) -> bool:
    floor = compiled.floor
    if floor.type == "condition":
        return compiled.when.evaluate(values) is True
    if floor.type == "critical":
        return any(ruleset.factors[f.factor].critical for f in factors)
    threshold = ruleset.degree_rank(floor.degree)
    reaching = sum(ruleset.degree_rank(f.residual_degree if stage == "after" else f.degree) >= threshold for f in factors)
    return reaching >= floor.count


def _verdict(ruleset: RuleSet, nature: str, mine: list[FactorResult], after: bool) -> NatureVerdict:
    """`mine`: the factors bearing on this check. fail: a critical factor or a 'major' one; concern: any factor
    of degree 'moderate' or above; else pass."""
    degrees = {f.factor: f.residual_degree if after else f.degree for f in mine}
    major, moderate = ruleset.degree_rank("major"), ruleset.degree_rank("moderate")
    failing = [f for f in mine if ruleset.factors[f.factor].critical or ruleset.degree_rank(degrees[f.factor]) >= major]
    concerning = [f for f in mine if ruleset.degree_rank(degrees[f.factor]) >= moderate]
    verdict = "fail" if failing else "concern" if concerning else "pass"
    shown = failing or concerning or mine
    reasons = tuple(_degree_reason(ruleset, f, degrees[f.factor]) for f in shown)
    if not mine:
        reasons = (I18nText(zh="未识别出相关风险因素", en="No related risk factor identified"),)
    return NatureVerdict(nature=nature, label=ruleset.info.natures[nature], verdict=verdict, reasons=reasons,
                         factors=tuple(f.factor for f in shown))


def _degree_reason(ruleset: RuleSet, factor: FactorResult, degree: str) -> I18nText:
    label = ruleset.degree_label(degree)
    return I18nText(zh=f"{factor.name.zh}（风险程度{label.zh}）", en=f"{factor.name.en} (degree: {label.en})")


def _decision(ruleset: RuleSet, values: Mapping[str, Any], level: Level) -> DecisionAdvice:
    decisions = ruleset.info.decisions
    name = "investment" if ruleset.investment_when.evaluate(values) is True else "general"
    policy = getattr(decisions, name)
    advice = policy.advice[level]
    return DecisionAdvice(policy=name, policy_label=policy.label, decision=advice.decision, text=advice.text, source=policy.source)


# --- values for reasons and for the record


def _display_values(kind: Kind, values: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Values as a reader sees them, by language: choice labels instead of choice names, and a calculation
    whose answers are all there but which has no value (a zero divisor) says so rather than "not answered"."""
    uncomputable = {
        compiled.question.name: Uncomputable(compiled.calculation.divides)
        for compiled in kind.calculations
        if (values.get(compiled.question.name) is None and all(values.get(n) is not None for n in compiled.calculation.names)
            and is_relevant(compiled, values))
    }
    return {lang: _Shown(values, kind.choice_labels, lang, uncomputable) for lang in ("zh", "en")}


class _Shown(Mapping):
    """A read-only view of the values in one language, worked out only for the names a text reads."""

    def __init__(self, values: Mapping[str, Any], labels: Mapping[str, Mapping[str, Mapping[str, str]]], lang: str,
                 uncomputable: Mapping[str, Uncomputable]):
        self._values, self._labels, self._lang, self._uncomputable = values, labels, lang, uncomputable

    def __getitem__(self, name: str) -> Any:
        if name in self._uncomputable:
            return self._uncomputable[name]
        value = self._values[name]
        if value is None or name not in self._labels:
            return value
        labels = self._labels[name][self._lang]
        return labels.get(value, value) if isinstance(value, str) else [labels.get(v, v) for v in value]

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value
