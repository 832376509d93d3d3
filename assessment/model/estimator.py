"""The estimator: a scikit-learn Pipeline of feature columns → scaling → logistic regression, calibrated.

A logistic regression keeps the model readable (one coefficient per feature, a reason per feature)
and makes "more opposition never lowers the probability" checkable: it holds exactly when the
opposition coefficient is ≥ 0 and the sigmoid calibration is increasing (see sign_checks).
Calibration uses 5-fold cross-validated predictions of one regression fitted on all the data
(ensemble=False), so there is a single set of coefficients to explain.

The pipeline takes a plain object array in FEATURE_NAMES order (see `matrix`), not a DataFrame:
scikit-learn's column selection on a one-row DataFrame costs about five times as much.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from assessment.i18n import t
from assessment.model.features import FEATURE_NAMES, FEATURES, KIND, NUMERIC_NAMES

ALGORITHM = t("model.card.algorithm_text", "en")  # stored in the card; zh wording in the same catalog entry


def make_pipeline() -> Pipeline:
    columns = ColumnTransformer(
        [("numeric", "passthrough", list(range(len(NUMERIC_NAMES)))),
         (KIND, OneHotEncoder(handle_unknown="ignore", sparse_output=False), [FEATURE_NAMES.index(KIND)])],
    )
    classifier = LogisticRegression(C=1.0, max_iter=1000)
    calibrated = CalibratedClassifierCV(classifier, method="sigmoid", cv=5, ensemble=False)
    return Pipeline([("columns", columns), ("scale", StandardScaler()), ("calibrated", calibrated)])


def matrix(frame: pd.DataFrame) -> np.ndarray:
    """What the pipeline reads: the feature frame as an object array, columns in FEATURE_NAMES order."""
    return frame[list(FEATURE_NAMES)].to_numpy(dtype=object)


def fit(frame: pd.DataFrame, events: np.ndarray, weights: np.ndarray) -> Pipeline:
    # The problem is small: BLAS threads only contend (ten times slower on a busy two-core machine).
    with threadpool_limits(limits=1):
        return make_pipeline().fit(matrix(frame), events.astype(int), calibrated__sample_weight=weights)


def predict(pipeline: Pipeline, frame: pd.DataFrame) -> np.ndarray:
    """The calibrated probability of an event, per row."""
    return pipeline.predict_proba(matrix(frame))[:, 1]


def standardise(pipeline: Pipeline, frame: pd.DataFrame) -> np.ndarray:
    """The regression's input: one-hot kind, every column scaled to the training data."""
    return pipeline[:-1].transform(matrix(frame))


def regression(pipeline: Pipeline) -> LogisticRegression:
    """The fitted logistic regression inside the calibration step."""
    return pipeline.named_steps["calibrated"].calibrated_classifiers_[0].estimator


def calibration_slope(pipeline: Pipeline) -> float:
    """d(calibrated probability)/d(log-odds) has this sign: sklearn's sigmoid is 1 / (1 + exp(a·f + b)), so −a."""
    return -float(pipeline.named_steps["calibrated"].calibrated_classifiers_[0].calibrators[0].a_)


def kind_columns(pipeline: Pipeline) -> slice:
    return pipeline.named_steps["columns"].output_indices_[KIND]


def numeric_coefficients(pipeline: Pipeline) -> dict[str, float]:
    """Per numeric feature, the change in log-odds per unit of the raw feature (before scaling)."""
    coef = regression(pipeline).coef_[0]
    scale = pipeline.named_steps["scale"].scale_
    return {f.name: float(coef[i] / scale[i]) for i, f in enumerate(FEATURES)}
