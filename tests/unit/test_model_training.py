"""Training: the planted signal is learned, probabilities are calibrated, monotone in opposition, reproducible."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.errors import WenpingError
from assessment.model.evaluation import measure
from assessment.model.persistence import canonical_dump
from assessment.model.simulator import simulate
from assessment.model.training import (
    REFERENCE_WEIGHT_IN_RECORDS,
    predict,
    recorded_records,
    reference_records,
    train,
)
from tests.unit.model_fixtures import SEED, TRAINED_ON, labelled, source, trained


def test_train__planted_signal__held_out_auc_at_least_0_8():
    assert trained().card.held_out["reference"].auc >= 0.8


def test_train__planted_signal__held_out_brier_better_than_base_rate():
    metrics = trained().card.held_out["reference"]
    assert metrics.brier < metrics.base_rate_brier


def test_train__fresh_data_from_another_seed__auc_and_brier_hold():
    fresh = simulate(5000, seed=SEED + 100)
    metrics = measure(predict(trained().pipeline, (r.source for r in fresh)), np.array([r.event for r in fresh]))
    assert metrics.auc >= 0.8 and metrics.brier < metrics.base_rate_brier


def test_train__calibration_table__observed_rates_close_to_predicted_where_populated():
    for row in trained().card.held_out["reference"].calibration:
        if row.records >= 100:
            assert abs(row.observed - row.mean_predicted) < 0.1


@settings(max_examples=60, deadline=None)
@given(low=st.floats(0, 1), high=st.floats(0, 1), households=st.integers(0, 10**6),
       kind=st.sampled_from(["land_expropriation", "nimby_facility", "price_reform", "unknown_kind"]),
       petitions=st.integers(0, 500), media=st.sampled_from(["none", "local", "online_hot", "national"]))
def test_predict__more_opposition_otherwise_equal__probability_never_lower(low, high, households, kind, petitions, media):
    low, high = sorted((low, high))
    common = dict(kind=kind, households_affected=households, petitions_12m=petitions, media_attention=media)
    p_low, p_high = predict(trained().pipeline, [source(opposition_rate=low, **common), source(opposition_rate=high, **common)])
    assert p_high >= p_low


def test_card__reference_only__says_monotone_and_every_sign_as_experts_expect():
    card = trained().card
    assert card.monotone_in_opposition and card.calibration_increasing
    assert all(check.ok for check in card.sign_checks)
    assert card.trained_on_simulated_data and card.caveat() is not None


def test_train__same_seed_twice__same_predictions_and_same_file_hash():
    first = train(reference_records(3000, 21), seed=21, created=TRAINED_ON)
    second = train(reference_records(3000, 21), seed=21, created=TRAINED_ON)
    probe = [r.source for r in simulate(200, seed=99)]
    assert np.array_equal(predict(first.pipeline, probe), predict(second.pipeline, probe))
    assert canonical_dump(first.pipeline) == canonical_dump(second.pipeline)
    assert first.card == second.card


def test_train__different_seeds__different_models():
    first = train(reference_records(3000, 21), seed=21, created=TRAINED_ON)
    other = train(reference_records(3000, 22), seed=22, created=TRAINED_ON)
    assert canonical_dump(first.pipeline) != canonical_dump(other.pipeline)


def test_train__recorded_outcomes_merged__reference_set_weighs_as_much_as_200_records():
    recorded = labelled([r.source for r in simulate(100, seed=31)], [i % 4 == 0 for i in range(100)])
    card = train(reference_records(2000, 31) + recorded, seed=31, created=TRAINED_ON).card
    reference, real = (next(s for s in card.sources if s.source == name) for name in ("reference", "recorded"))
    assert reference.weight_each * reference.trained_on == pytest.approx(REFERENCE_WEIGHT_IN_RECORDS, rel=1e-4)
    assert real.weight_each == 1.0 and real.held_out == 20
    assert card.trained_on_simulated_data and "recorded" in card.held_out
    assert str(real.trained_on) in card.caveat().en


def test_train__recorded_outcomes_against_the_prior__card_says_where_and_why_monotonicity_fails():
    sources = [r.source for r in simulate(4000, seed=41)]
    recorded = labelled(sources, [s.values["opposition_rate"] < 0.12 for s in sources])  # more opposition, fewer events
    card = train(reference_records(2000, 41) + recorded, seed=41, created=TRAINED_ON).card
    assert not card.monotone_in_opposition
    assert not next(c for c in card.sign_checks if c.feature == "opposition_rate").ok
    assert any("opposition" in note.en and "prior" in note.en for note in card.notes)


def test_train__a_single_outcome__refused_with_a_clear_message():
    records = labelled([source() for _ in range(50)], [False] * 50)
    with pytest.raises(WenpingError) as raised:
        train(records, seed=1, created=TRAINED_ON)
    assert raised.value.problems[0].code.code == "MODEL-709"


def test_recorded_records__decided_less_than_12_months_ago_without_event__left_out_as_pending():
    today = date(2026, 11, 25)

    def record(days_ago: int, event: bool):
        return SimpleNamespace(result={"kind": "price_reform", "answers": {}, "measures": []},
                               decided_on=today - timedelta(days=days_ago), event_within=lambda days=365: event)

    known, pending = recorded_records([record(400, False), record(100, True), record(100, False)], today)
    assert [r.event for r in known] == [False, True] and pending == 1
    assert all(r.recorded for r in known)
