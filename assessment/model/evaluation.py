"""How good the probabilities are: AUC, Brier score against the base rate, a calibration table."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

from assessment.model.card import CalibrationBin, Metrics

CALIBRATION_BINS = 10


def measure(probabilities: np.ndarray, events: np.ndarray) -> Metrics:
    """Metrics of `probabilities` against what happened. The base-rate Brier score is that of always
    forecasting the observed event rate: a useful model must score lower."""
    events = events.astype(int)
    rate = float(events.mean())
    both = 0 < events.sum() < len(events)
    return Metrics(
        records=len(events),
        events=int(events.sum()),
        auc=round(float(roc_auc_score(events, probabilities)), 4) if both else None,
        brier=round(float(brier_score_loss(events, probabilities)), 4),
        base_rate_brier=round(rate * (1 - rate), 4),
        calibration=_calibration(probabilities, events),
    )


def _calibration(probabilities: np.ndarray, events: np.ndarray) -> list[CalibrationBin]:
    index = np.minimum((probabilities * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    table = []
    for b in range(CALIBRATION_BINS):
        mask = index == b
        if mask.any():
            table.append(CalibrationBin(
                low=b / CALIBRATION_BINS, high=(b + 1) / CALIBRATION_BINS, records=int(mask.sum()),
                mean_predicted=round(float(probabilities[mask].mean()), 4),
                observed=round(float(events[mask].mean()), 4),
            ))
    return table
