"""Helpers for the model tests: small trained models, records with chosen answers, a model directory."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from assessment.model.features import FeatureInput
from assessment.model.persistence import Manifest, save
from assessment.model.training import Labelled, Trained, reference_records, train

SEED = 7
TRAINED_ON = date(2026, 11, 25)


@lru_cache(maxsize=4)
def trained(n: int = 8000, seed: int = SEED) -> Trained:
    """A model trained on `n` reference records (cached: training is the slow part of these tests)."""
    return train(reference_records(n, seed), seed=seed, created=TRAINED_ON)


def saved(directory: Path, n: int = 8000, seed: int = SEED) -> Manifest:
    model = trained(n, seed)
    return save(model.pipeline, model.card, directory)


def source(kind: str = "land_expropriation", counted_measures: int = 2, **answers) -> FeatureInput:
    """A FeatureInput with ordinary answers, changed by `answers`."""
    values = {
        "opposition_rate": 0.1, "households_affected": 300, "compensation_ratio": 1.0, "petitions_12m": 3,
        "collective_petitions_3y": 0, "mass_incidents_3y": 0, "media_attention": "local", "negative_online": False,
        "hearing_held": True, "approvals_missing": [], "legacy_disputes": False, "emergency_plan": "approved",
        "funds_secured": "fully", "stakeholders": [],
    }
    values.update(answers)
    return FeatureInput(kind, values, counted_measures)


def labelled(sources: list[FeatureInput], events: list[bool], recorded: bool = True) -> list[Labelled]:
    return [Labelled(s, e, recorded) for s, e in zip(sources, events)]
