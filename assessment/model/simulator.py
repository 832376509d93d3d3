"""A seeded simulator of expert priors: the reference data set the model learns from until real outcomes exist.

It draws answers-like records (only the questions the features read) for the kinds of matter below,
then a stability event within 12 months from a logistic model whose effects are the priors in
EFFECTS, stated in the units of the features (features.py). A latent local tension drives several
answers at once (opposition, petitions, media), so the answers are correlated as they are in
practice, and also raises the risk directly without being observed; a further random term stands
for everything the questionnaire does not capture. These numbers are assumptions written down for
review, not estimates from data; docs/model.md lists them and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assessment.model.features import NUMERIC_NAMES, FeatureInput, feature_frame


@dataclass(frozen=True)
class KindPrior:
    share: float  # of all matters assessed
    base_logit: float  # log-odds of an event for a matter with every feature at zero
    median_households: float
    opposition_shift: float  # added to the log-odds of opposing
    hearing_rate: float


KINDS: dict[str, KindPrior] = {
    "land_expropriation": KindPrior(0.20, -4.5, 300, 0.3, 0.35),
    "village_renovation": KindPrior(0.10, -4.6, 400, 0.2, 0.25),
    "nimby_facility": KindPrior(0.15, -4.7, 1500, 0.6, 0.30),
    "transport_infrastructure": KindPrior(0.15, -4.9, 200, 0.0, 0.25),
    "enterprise_restructuring": KindPrior(0.15, -4.5, 500, 0.3, 0.10),
    "price_reform": KindPrior(0.15, -5.8, 50000, 0.2, 0.85),
    "public_policy": KindPrior(0.10, -5.4, 5000, 0.2, 0.40),
}

# Log-odds added per unit of each feature (an odds ratio of exp(effect)).
EFFECTS: dict[str, float] = {
    "opposition_rate": 4.0,  # 10 points more opposed: odds ×1.49
    "households_log10": 0.35,  # ten times the households: odds ×1.42
    "compensation_shortfall": 3.0,  # 10% below the valuation: odds ×1.35
    "petitions_12m_log10": 0.6,
    "collective_petitions_3y": 0.2,
    "mass_incidents_3y": 0.45,
    "media_attention": 0.25,
    "negative_online": 0.45,
    "hearing_held": -0.4,
    "approvals_missing": 0.2,
    "housing_proximity": 1.2,
    "legacy_disputes": 0.5,
    "emergency_plan": -0.15,
    "funds_gap": 0.3,
    "intense_opposing_groups": 0.25,
    "counted_measures": -0.08,
}
OPPOSITION_BAND = 1 / 3  # above a third opposed (a published local band), the risk rises faster …
OPPOSITION_BAND_EFFECT = 2.0  # … by this much more per unit of opposition
TENSION_EFFECT = 0.5  # the unobserved local tension's own effect per standard deviation
NOISE_SD = 0.5  # everything else the questionnaire does not capture
DEFAULT_SEED = 20261125

_APPROVALS = ("planning_siting", "land_preapproval", "eia", "energy_review", "soil_water", "budget_approval", "other")
_MEDIA = ("none", "local", "online_hot", "national")
_PLANS = ("none", "drafting", "approved", "drilled")
_FUNDS = ("fully", "partly", "not_yet")


@dataclass(frozen=True)
class SimulatedRecord:
    source: FeatureInput
    event: bool


def simulate(n: int, seed: int = DEFAULT_SEED) -> list[SimulatedRecord]:
    """`n` records drawn with `seed`; the same seed gives the same records."""
    rng = np.random.default_rng(seed)
    draws = _draw(rng, n)
    columns = {name: values.tolist() for name, values in draws.items()}  # Python values: fast to index, plain in answers
    sources = [_source(columns, i) for i in range(n)]
    logit = _logit(sources, draws)
    events = rng.random(n) < 1.0 / (1.0 + np.exp(-logit))
    return [SimulatedRecord(s, bool(e)) for s, e in zip(sources, events)]


def _draw(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    names = list(KINDS)
    kind = rng.choice(len(names), size=n, p=[KINDS[k].share for k in names])
    prior = [KINDS[names[k]] for k in kind]
    tension = rng.normal(size=n)
    media_score = 0.8 * tension + rng.normal(size=n)
    media = np.digitize(media_score, [0.0, 1.2, 2.2])
    opposition = _sigmoid(-2.0 + np.array([p.opposition_shift for p in prior]) + 0.8 * tension + rng.normal(0, 0.6, n))
    return {
        "kind": np.array([names[k] for k in kind], dtype=object),
        "tension": tension,
        "opposition": np.round(opposition, 3),
        "support": np.round((1 - opposition) * rng.uniform(0.5, 1.0, n), 3),
        "households": np.maximum(1, np.round(rng.lognormal(np.log([p.median_households for p in prior]), 1.0))).astype(int),
        "compensation": np.round(np.clip(rng.normal(1.02 - 0.1 * tension, 0.12), 0.5, 2.0), 2),
        "nearest_m": np.round(np.clip(rng.lognormal(np.log(900), 0.7, n), 30, 20000)).astype(int),
        "petitions": rng.poisson(np.exp(1.0 + 0.6 * tension)),
        "legacy": rng.random(n) < _sigmoid(-1.0 + 0.8 * tension),
        "collective": rng.poisson(np.exp(-0.8 + 0.7 * tension)),
        "incidents": rng.poisson(np.exp(-2.3 + 0.7 * tension)),
        "media": media,
        "negative_online": rng.random(n) < _sigmoid(-1.5 + 0.8 * tension + 0.4 * media),
        "hearing": rng.random(n) < np.array([p.hearing_rate for p in prior]),
        "approvals": rng.random((n, len(_APPROVALS))) < 0.05,
        "plan": rng.choice(len(_PLANS), size=n, p=[0.1, 0.25, 0.45, 0.2]),
        "funds": rng.choice(len(_FUNDS), size=n, p=[0.7, 0.2, 0.1]),
        "intense_groups": np.minimum(rng.poisson(np.exp(-1.0 + 0.6 * tension)), 6),
        "other_groups": rng.integers(1, 4, n),
        "measures": rng.poisson(4, n),
        "noise": rng.normal(0, NOISE_SD, n),
    }


def _source(d: dict[str, list], i: int) -> FeatureInput:
    kind = d["kind"][i]
    households = d["households"][i]
    values = {
        "households_affected": households,
        "people_affected": households * 3,
        "opposition_rate": d["opposition"][i],
        "support_rate": d["support"][i],
        "petitions_12m": d["petitions"][i],
        "legacy_disputes": d["legacy"][i],
        "collective_petitions_3y": d["collective"][i],
        "mass_incidents_3y": d["incidents"][i],
        "media_attention": _MEDIA[d["media"][i]],
        "negative_online": d["negative_online"][i],
        "hearing_held": d["hearing"][i],
        "approvals_missing": [a for a, missing in zip(_APPROVALS, d["approvals"][i]) if missing],
        "emergency_plan": _PLANS[d["plan"][i]],
        "funds_secured": _FUNDS[d["funds"][i]],
        "stakeholders": _stakeholders(d["intense_groups"][i], d["other_groups"][i]),
    }
    if kind in ("land_expropriation", "village_renovation"):
        values["compensation_ratio"] = d["compensation"][i]
    if kind == "nimby_facility":
        values["nearest_housing_m"] = d["nearest_m"][i]
    return FeatureInput(kind, values, d["measures"][i])


def _stakeholders(intense: int, others: int) -> list[dict[str, object]]:
    rows = [{"group": f"反对群体{k + 1}", "kind": "affected_households", "size": 50, "stance": "oppose", "intensity": "high"}
            for k in range(intense)]
    rows += [{"group": f"其他群体{k + 1}", "kind": "nearby_residents", "size": 100, "stance": "neutral", "intensity": "low"}
             for k in range(others)]
    return rows


def _logit(sources: list[FeatureInput], d: dict[str, np.ndarray]) -> np.ndarray:
    """The true log-odds of an event: kind base, feature effects, the opposition band, tension and noise."""
    frame = feature_frame(sources)
    effects = np.array([EFFECTS[name] for name in NUMERIC_NAMES])
    base = np.array([KINDS[k].base_logit for k in d["kind"]])
    band = OPPOSITION_BAND_EFFECT * np.maximum(frame["opposition_rate"].to_numpy() - OPPOSITION_BAND, 0.0)
    return base + frame[list(NUMERIC_NAMES)].to_numpy() @ effects + band + TENSION_EFFECT * d["tension"] + d["noise"]


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
