"""Why the model says what it says: per-feature contributions to the log-odds.

For the logistic regression, a feature's contribution is its coefficient × its standardised value,
so it is measured against an average matter of the training data (contribution 0) and the
contributions plus the intercept add up to the model's log-odds before calibration. The one-hot
columns of the kind of matter are summed into one contribution.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from assessment.domain.result import ModelReason
from assessment.model.estimator import kind_columns, regression, standardise
from assessment.model.features import FEATURE_NAMES, KIND, NUMERIC_NAMES, label_of


def explain(pipeline: Pipeline, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Calibrated probabilities and contributions, from one pass through the preprocessing (the slow part)."""
    standardised = standardise(pipeline, frame)
    return pipeline[-1].predict_proba(standardised)[:, 1], _contributions(pipeline, standardised)


def contributions(pipeline: Pipeline, frame: pd.DataFrame) -> np.ndarray:
    """rows × FEATURE_NAMES: each feature's push on the log-odds (positive raises the probability)."""
    return _contributions(pipeline, standardise(pipeline, frame))


def top_reasons(parts: np.ndarray, row: pd.Series, count: int) -> tuple[ModelReason, ...]:
    """The `count` largest of one matter's contributions (by size, either sign), largest first."""
    order = sorted(range(len(FEATURE_NAMES)), key=lambda i: (-abs(parts[i]), FEATURE_NAMES[i]))
    return tuple(_reason(FEATURE_NAMES[i], float(parts[i]), row[FEATURE_NAMES[i]]) for i in order[:count])


def _contributions(pipeline: Pipeline, standardised: np.ndarray) -> np.ndarray:
    parts = standardised * regression(pipeline).coef_[0]
    kind = parts[:, kind_columns(pipeline)].sum(axis=1, keepdims=True)
    return np.hstack([parts[:, : len(NUMERIC_NAMES)], kind])


def _reason(name: str, contribution: float, value) -> ModelReason:
    shown = str(value) if name == KIND else round(float(value), 4)
    return ModelReason(feature=name, label=label_of(name), contribution=round(contribution, 4), value=shown)
