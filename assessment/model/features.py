"""The model's features: the one place that defines them.

Each feature has a name, a zh/en label, a description of how it is computed, the direction experts
expect (+1: more of it raises the risk, -1: lowers it) and a function over a FeatureInput: the
validated answers plus what the Assessment adds (the kind of matter, the measures that count).
Questions a kind does not ask, and unanswered ones, give the neutral value the description names.
docs/model.md's feature table is checked against this list by a test.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from assessment.domain.i18n_text import I18nText
from assessment.domain.result import Assessment

KIND = "kind"  # the one categorical feature (one-hot encoded in the pipeline)
KIND_LABEL = I18nText(zh="事项类型", en="Kind of matter")


@dataclass(frozen=True)
class FeatureInput:
    """What the features read: the kind of matter, validated answer values, counted measures."""

    kind: str
    values: Mapping[str, Any] = field(default_factory=dict)
    counted_measures: int = 0

    @classmethod
    def of(cls, kind: str, values: Mapping[str, Any], assessment: Assessment) -> "FeatureInput":
        return cls(kind, values, sum(1 for m in assessment.measures if m.counted))

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> "FeatureInput":
        """From a stored Assessment JSON document (its `answers` are the validated values)."""
        measures = doc.get("measures") or []
        return cls(str(doc.get("kind", "")), doc.get("answers") or {}, sum(1 for m in measures if m.get("counted")))


@dataclass(frozen=True)
class Feature:
    name: str
    label: I18nText
    description: str
    direction: int  # expected sign of its effect: +1 raises the risk, -1 lowers it
    compute: Callable[[FeatureInput], float]
    answer: str | None = None  # the one answer it is computed from, which screens show instead of the feature's value


def _number(source: FeatureInput, name: str) -> float | None:
    value = source.values.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _count(source: FeatureInput, name: str, cap: float) -> float:
    return min(max(_number(source, name) or 0.0, 0.0), cap)


def _log_count(source: FeatureInput, name: str) -> float:
    return math.log10(1.0 + max(_number(source, name) or 0.0, 0.0))


def _yes(source: FeatureInput, name: str) -> float:
    return 1.0 if source.values.get(name) is True else 0.0


def _ordinal(source: FeatureInput, name: str, order: tuple[str, ...]) -> float:
    value = source.values.get(name)
    return float(order.index(value)) if value in order else 0.0


def _compensation_shortfall(source: FeatureInput) -> float:
    ratio = _number(source, "compensation_ratio")
    return 0.0 if ratio is None else min(max(1.0 - ratio, 0.0), 1.0)


def _housing_proximity(source: FeatureInput) -> float:
    distance = _number(source, "nearest_housing_m")
    return 0.0 if distance is None else min(max(1.0 - distance / 1000.0, 0.0), 1.0)


def _approvals_missing(source: FeatureInput) -> float:
    selected = source.values.get("approvals_missing")
    return float(min(len(selected), 7)) if isinstance(selected, (list, tuple)) else 0.0


def _intense_opposing_groups(source: FeatureInput) -> float:
    rows = source.values.get("stakeholders")
    if not isinstance(rows, (list, tuple)):
        return 0.0
    count = sum(1 for r in rows if isinstance(r, Mapping) and r.get("stance") == "oppose" and r.get("intensity") == "high")
    return float(min(count, 10))


def _label(zh: str, en: str) -> I18nText:
    return I18nText(zh=zh, en=en)


FEATURES: tuple[Feature, ...] = (
    Feature("opposition_rate", _label("反对率", "Opposition rate"),
            "opposition_rate as a fraction 0–1 (unanswered: 0)", +1,
            lambda s: min(max(_number(s, "opposition_rate") or 0.0, 0.0), 1.0), answer="opposition_rate"),
    Feature("households_log10", _label("受影响户数（对数）", "Households affected (log scale)"),
            "log10(1 + households_affected): each tenfold adds one", +1,
            lambda s: _log_count(s, "households_affected"), answer="households_affected"),
    Feature("compensation_shortfall", _label("补偿低于市场评估价的幅度", "Compensation below the market valuation"),
            "max(0, 1 − compensation_ratio), capped at 1 (kinds without compensation_ratio: 0)", +1,
            _compensation_shortfall, answer="compensation_ratio"),
    Feature("petitions_12m_log10", _label("近12个月相关信访（对数）", "Petitions in the last 12 months (log scale)"),
            "log10(1 + petitions_12m)", +1,
            lambda s: _log_count(s, "petitions_12m"), answer="petitions_12m"),
    Feature("collective_petitions_3y", _label("近三年同类集体访批次", "Collective petitions on similar matters, 3 years"),
            "collective_petitions_3y, capped at 10", +1,
            lambda s: _count(s, "collective_petitions_3y", 10), answer="collective_petitions_3y"),
    Feature("mass_incidents_3y", _label("近三年同类群体性事件起数", "Mass incidents on similar matters, 3 years"),
            "mass_incidents_3y, capped at 5", +1,
            lambda s: _count(s, "mass_incidents_3y", 5), answer="mass_incidents_3y"),
    Feature("media_attention", _label("媒体和网络关注程度", "Media and online attention"),
            "media_attention as 0 none, 1 local, 2 hot online, 3 national (unanswered: 0)", +1,
            lambda s: _ordinal(s, "media_attention", ("none", "local", "online_hot", "national")), answer="media_attention"),
    Feature("negative_online", _label("已出现负面网络舆情", "Negative posts already online"),
            "1 if negative_online is yes, else 0", +1,
            lambda s: _yes(s, "negative_online"), answer="negative_online"),
    Feature("hearing_held", _label("已召开听证会", "Hearing held"),
            "1 if hearing_held is yes, else 0", -1,
            lambda s: _yes(s, "hearing_held"), answer="hearing_held"),
    Feature("approvals_missing", _label("尚未办结的法定前置手续数", "Statutory approvals missing"),
            "number of approvals_missing selected, capped at 7", +1,
            _approvals_missing, answer="approvals_missing"),
    Feature("housing_proximity", _label("设施距最近住宅的近邻程度", "Closeness of the facility to homes"),
            "max(0, 1 − nearest_housing_m / 1000): 1 at the fence, 0 from 1 km (kinds without it: 0)", +1,
            _housing_proximity, answer="nearest_housing_m"),
    Feature("legacy_disputes", _label("存在历史遗留问题或信访积案", "Legacy disputes or unresolved petitions"),
            "1 if legacy_disputes is yes, else 0", +1,
            lambda s: _yes(s, "legacy_disputes"), answer="legacy_disputes"),
    Feature("emergency_plan", _label("应急预案完备程度", "Emergency plan readiness"),
            "emergency_plan as 0 none, 1 being drafted, 2 approved, 3 approved and drilled (unanswered: 0)", -1,
            lambda s: _ordinal(s, "emergency_plan", ("none", "drafting", "approved", "drilled")), answer="emergency_plan"),
    Feature("funds_gap", _label("资金落实缺口", "Funding gap"),
            "funds_secured as 0 fully, 1 partly, 2 not yet (unanswered: 0)", +1,
            lambda s: _ordinal(s, "funds_secured", ("fully", "partly", "not_yet")), answer="funds_secured"),
    Feature("intense_opposing_groups", _label("诉求强烈的反对群体数", "Opposing groups with intense demands"),
            "stakeholder rows with stance oppose and intensity high, capped at 10", +1,
            _intense_opposing_groups),
    Feature("counted_measures", _label("计入的防范化解措施数", "Mitigation measures that count"),
            "measures of the Assessment that count (unit, leader and deadline named), capped at 10", -1,
            lambda s: float(min(max(s.counted_measures, 0), 10))),
)
NUMERIC_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
FEATURE_NAMES: tuple[str, ...] = (*NUMERIC_NAMES, KIND)
BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES}


def label_of(name: str) -> I18nText:
    return KIND_LABEL if name == KIND else BY_NAME[name].label


def feature_frame(sources: Iterable[FeatureInput]) -> pd.DataFrame:
    """One row per input, the columns in FEATURE_NAMES order (what the pipeline is fitted on)."""
    sources = list(sources)
    columns: dict[str, Any] = {f.name: np.array([f.compute(s) for s in sources], dtype=np.float64) for f in FEATURES}
    columns[KIND] = np.array([s.kind for s in sources], dtype=object)
    return pd.DataFrame(columns, columns=list(FEATURE_NAMES))
