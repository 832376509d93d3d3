"""Reasons: per-feature contributions that add up to the model's log-odds, labelled in zh and en."""

from __future__ import annotations

import numpy as np
import pytest

from assessment.model.estimator import predict, regression, standardise
from assessment.model.explanation import contributions, explain, top_reasons
from assessment.model.features import FEATURE_NAMES, feature_frame
from tests.unit.model_fixtures import source, trained


def test_contributions__plus_intercept__equal_the_regression_log_odds():
    pipeline = trained().pipeline
    frame = feature_frame([source(), source(opposition_rate=0.6, kind="nimby_facility", nearest_housing_m=200)])
    expected = regression(pipeline).decision_function(standardise(pipeline, frame))
    assert np.allclose(regression(pipeline).intercept_[0] + contributions(pipeline, frame).sum(axis=1), expected)
    assert contributions(pipeline, frame).shape == (2, len(FEATURE_NAMES))


def reasons_for(matter, count: int):
    frame = feature_frame([matter])
    return top_reasons(contributions(trained().pipeline, frame)[0], frame.iloc[0], count)


def test_explain__one_pass__same_probabilities_and_contributions_as_the_pipeline():
    pipeline = trained().pipeline
    frame = feature_frame([source(), source(opposition_rate=0.5, petitions_12m=80)])
    probabilities, parts = explain(pipeline, frame)
    assert np.array_equal(probabilities, predict(pipeline, frame))
    assert np.array_equal(parts, contributions(pipeline, frame))


def test_top_reasons__high_opposition__leads_with_opposition_pushing_up():
    reasons = reasons_for(source(opposition_rate=0.9), 5)
    assert reasons[0].feature == "opposition_rate" and reasons[0].contribution > 0
    assert reasons[0].label.zh == "反对率" and reasons[0].label.en == "Opposition rate"
    assert reasons[0].value == pytest.approx(0.9)


def test_top_reasons__count__largest_first_by_size():
    reasons = reasons_for(source(mass_incidents_3y=3, legacy_disputes=True), 4)
    sizes = [abs(r.contribution) for r in reasons]
    assert len(reasons) == 4 and sizes == sorted(sizes, reverse=True)


def test_top_reasons__kind__one_reason_with_the_kind_as_value():
    reasons = reasons_for(source(kind="price_reform"), len(FEATURE_NAMES))
    kind = [r for r in reasons if r.feature == "kind"]
    assert len(kind) == 1 and kind[0].value == "price_reform" and kind[0].label.en == "Kind of matter"
