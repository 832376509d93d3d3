"""Training: the reference data set, recorded outcomes, their merge, a held-out check and the card.

Merge: alone, the reference records each weigh 1. With recorded outcomes, every recorded matter
weighs 1 and the whole reference set together weighs REFERENCE_WEIGHT_IN_RECORDS, so the expert
prior dominates while real outcomes are few and fades as they accumulate (see docs/model.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

from assessment.domain.i18n_text import I18nText
from assessment.errors import ErrorCode, WenpingError
from assessment.i18n import LANGS, t
from assessment.model.card import DataSource, Metrics, ModelCard, SignCheck
from assessment.model.estimator import ALGORITHM, calibration_slope, fit, numeric_coefficients
from assessment.model.estimator import predict as predict_frame
from assessment.model.evaluation import measure
from assessment.model.features import FEATURES, FeatureInput, feature_frame
from assessment.model.simulator import simulate

REFERENCE_WEIGHT_IN_RECORDS = 200.0
DEFAULT_REFERENCE = 20_000
HELD_OUT_SHARE = 0.2
MIN_RECORDED_TO_HOLD_OUT = 50  # fewer recorded outcomes are all trained on; the card says so
MIN_EACH_OUTCOME = 5  # events and non-events needed, one of each per calibration fold
FOLLOW_UP_DAYS = 365  # the target: a stability event within 12 months of the decision


@dataclass(frozen=True)
class Labelled:
    source: FeatureInput
    event: bool
    recorded: bool  # a real outcome (True) or a reference record from the simulator (False)


class OutcomeRecord(Protocol):
    """A decided matter with its outcomes, as assessment.services.followup.training_records gives it."""

    result: dict[str, Any]
    decided_on: date

    def event_within(self, days: int = 365) -> bool: ...


@dataclass(frozen=True)
class Trained:
    pipeline: Pipeline
    card: ModelCard


def reference_records(n: int, seed: int) -> list[Labelled]:
    return [Labelled(r.source, r.event, recorded=False) for r in simulate(n, seed)]


def recorded_records(records: Iterable[OutcomeRecord], today: date) -> tuple[list[Labelled], int]:
    """Decided matters whose 12 months are over, or that had an event already; and how many are not yet known."""
    known, pending = [], 0
    for record in records:
        event = record.event_within(FOLLOW_UP_DAYS)
        if not event and (today - record.decided_on).days < FOLLOW_UP_DAYS:
            pending += 1
            continue
        known.append(Labelled(FeatureInput.from_document(record.result), event, recorded=True))
    return known, pending


def train(records: Sequence[Labelled], *, seed: int, created: date) -> Trained:
    """Fit on all records but a held-out share of each source, which gives the card's metrics."""
    _require_both_outcomes(records)
    frame = feature_frame(r.source for r in records)
    events = np.array([r.event for r in records], dtype=int)
    train_idx, held = _split(records, seed)
    train_idx = np.random.default_rng(seed).permutation(train_idx)
    chosen = [records[i] for i in train_idx]
    weights = _weights(chosen)
    pipeline = fit(frame.iloc[train_idx].reset_index(drop=True), events[train_idx], weights)
    held_out = {name: measure(predict_frame(pipeline, frame.iloc[idx]), events[idx]) for name, idx in held.items() if len(idx)}
    return Trained(pipeline, _card(pipeline, records, chosen, weights, held, held_out, seed, created))


def predict(pipeline: Pipeline, sources: Iterable[FeatureInput]) -> np.ndarray:
    return predict_frame(pipeline, feature_frame(sources))


def _require_both_outcomes(records: Sequence[Labelled]) -> None:
    events = sum(r.event for r in records)
    if min(events, len(records) - events) < MIN_EACH_OUTCOME:
        raise WenpingError.of(ErrorCode.MODEL_NO_DATA, purpose="训练", purpose_en="train on",
                              detail=f"{len(records)} 条记录，其中 {events} 条发生事件；两种结果各需至少 {MIN_EACH_OUTCOME} 条",
                              detail_en=f"{len(records)} records, {events} with an event; at least {MIN_EACH_OUTCOME} of each outcome are needed")


def _split(records: Sequence[Labelled], seed: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Indices to train on, and held-out indices per source (a stratified 20% of each source)."""
    train_parts, held = [], {}
    for name, recorded in (("reference", False), ("recorded", True)):
        idx = np.array([i for i, r in enumerate(records) if r.recorded == recorded], dtype=int)
        events = np.array([records[i].event for i in idx], dtype=int)
        if not _can_hold_out(events, MIN_RECORDED_TO_HOLD_OUT if recorded else 10 * MIN_EACH_OUTCOME):
            train_parts.append(idx)
            held[name] = np.array([], dtype=int)
            continue
        kept, out = train_test_split(idx, test_size=HELD_OUT_SHARE, stratify=events, random_state=seed)
        train_parts.append(np.sort(kept))
        held[name] = np.sort(out)
    return np.concatenate(train_parts), held


def _can_hold_out(events: np.ndarray, minimum: int) -> bool:
    """Enough records, with enough of each outcome to keep some on both sides of a stratified split."""
    positives = int(events.sum())
    return len(events) >= minimum and min(positives, len(events) - positives) >= 2 * MIN_EACH_OUTCOME


def _weights(chosen: list[Labelled]) -> np.ndarray:
    recorded = sum(r.recorded for r in chosen)
    reference = len(chosen) - recorded
    if not recorded or not reference:
        return np.ones(len(chosen))
    return np.array([1.0 if r.recorded else REFERENCE_WEIGHT_IN_RECORDS / reference for r in chosen])


def _card(pipeline: Pipeline, records: Sequence[Labelled], chosen: list[Labelled], weights: np.ndarray,
          held: dict[str, np.ndarray], held_out: dict[str, Metrics], seed: int, created: date) -> ModelCard:
    coefficients = numeric_coefficients(pipeline)
    checks = [SignCheck(feature=f.name, expected=f.direction, coefficient=round(coefficients[f.name], 4),
                        ok=coefficients[f.name] * f.direction >= 0) for f in FEATURES]
    increasing = calibration_slope(pipeline) > 0
    monotone = increasing and coefficients["opposition_rate"] >= 0
    sources = [_source(name, records, chosen, weights, len(held[name])) for name in ("reference", "recorded")]
    sources = [s for s in sources if s.records]
    simulated = any(s.source == "reference" for s in sources)
    return ModelCard(
        created=created, seed=seed, algorithm=ALGORITHM, trained_on_simulated_data=simulated,
        reference_weight_in_records=REFERENCE_WEIGHT_IN_RECORDS, sources=sources, held_out=held_out,
        sign_checks=checks, calibration_increasing=increasing, monotone_in_opposition=monotone,
        notes=_notes(checks, increasing, monotone, sources, held_out, coefficients["opposition_rate"]),
    )


def _source(name: str, records: Sequence[Labelled], chosen: list[Labelled], weights: np.ndarray, held_out: int) -> DataSource:
    recorded = name == "recorded"
    mine = [r for r in records if r.recorded == recorded]
    weight = next((float(w) for r, w in zip(chosen, weights) if r.recorded == recorded), 0.0)
    return DataSource(source=name, records=len(mine), events=sum(r.event for r in mine),
                      trained_on=sum(r.recorded == recorded for r in chosen), held_out=held_out, weight_each=round(weight, 6))


def _notes(checks: list[SignCheck], increasing: bool, monotone: bool, sources: list[DataSource],
           held_out: dict[str, Metrics], opposition: float) -> list[I18nText]:
    notes = []
    if not monotone:
        calibration = _text("model.note.increasing" if increasing else "model.note.decreasing")
        notes.append(_text("model.note.not_monotone", coefficient=f"{opposition:+.4f}", calibration=calibration))
    notes += [_text("model.note.sign", feature=c.feature, coefficient=f"{c.coefficient:+.4f}")
              for c in checks if not c.ok and c.feature != "opposition_rate"]
    if any(s.source == "recorded" for s in sources) and "recorded" not in held_out:
        notes.append(_text("model.note.recorded_not_held_out", minimum=MIN_RECORDED_TO_HOLD_OUT))
    return notes


def _text(key: str, **params: Any) -> I18nText:
    """`key` in both languages; I18nText params are given in the matching language."""
    return I18nText(**{lang: t(key, lang, **{k: v.get(lang) if isinstance(v, I18nText) else v for k, v in params.items()})
                       for lang in LANGS})
