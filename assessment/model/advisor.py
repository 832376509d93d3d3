"""The model as the scoring core sees it: a SecondOpinion (assessment.domain.scoring) built from a saved model
and the rule set's model policy. `load_advisor` gives None when no model has been trained yet, so that
scoring goes on with the rules alone."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from assessment.domain.result import Assessment, ModelOpinion
from assessment.model.estimator import predict
from assessment.model.explanation import explain, top_reasons
from assessment.model.features import FeatureInput, feature_frame
from assessment.model.persistence import LoadedModel, current_version, load, model_dir
from assessment.model.policy import ModelPolicy, load_policy


class ModelAdvisor:
    def __init__(self, model: LoadedModel, policy: ModelPolicy):
        self.model = model
        self.policy = policy

    @property
    def version(self) -> str:
        return self.model.manifest.version

    def probabilities(self, sources: Iterable[FeatureInput]) -> np.ndarray:
        return predict(self.model.pipeline, feature_frame(sources))

    def opinion(self, kind: str, values: Mapping[str, Any], assessment: Assessment) -> ModelOpinion:
        row = feature_frame([FeatureInput.of(kind, values, assessment)])
        probabilities, parts = explain(self.model.pipeline, row)
        probability = round(float(probabilities[0]), 4)
        suggested = self.policy.level_for(probability)
        card = self.model.manifest.card
        return ModelOpinion(
            version=self.version,
            trained_on_simulated_data=card.trained_on_simulated_data,
            caveat=card.caveat(),
            probability=probability,
            suggested_level=suggested,
            reasons=top_reasons(parts[0], row.iloc[0], self.policy.reasons),
            disagreement=self.policy.disagreement(probability, suggested, assessment.before.level),
        )


def load_advisor(model_directory: Path | str | None = None, rules_dir: Path | str | None = None,
                 version: str | None = None) -> ModelAdvisor | None:
    """The current (or named) model with the rule set's policy; None when no model exists yet.
    A model file that fails its checks raises a MODEL-7xx error rather than being skipped silently."""
    if version is None and current_version(model_directory) is None:
        return None
    return ModelAdvisor(load(model_dir(model_directory), version), load_policy(rules_dir))
