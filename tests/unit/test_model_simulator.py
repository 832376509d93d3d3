"""The reference data set: seeded, documented, with a plausible base rate."""

from __future__ import annotations

import re

from assessment.loader import DEFAULT_RULES, load_ruleset
from assessment.model.simulator import EFFECTS, KINDS, simulate
from tests.unit.test_model_features import _docs_section


def test_simulate__same_seed__same_records():
    assert simulate(500, seed=3) == simulate(500, seed=3)


def test_simulate__different_seeds__different_records():
    assert simulate(500, seed=3) != simulate(500, seed=4)


def test_simulate__reference_size__base_rate_between_10_and_25_percent():
    records = simulate(20000, seed=11)
    rate = sum(r.event for r in records) / len(records)
    assert 0.10 <= rate <= 0.25


def test_simulate__kind_specific_questions__asked_only_of_their_kinds():
    for record in simulate(2000, seed=5):
        values = record.source.values
        assert ("compensation_ratio" in values) == (record.source.kind in ("land_expropriation", "village_renovation"))
        assert ("nearest_housing_m" in values) == (record.source.kind == "nimby_facility")


def test_docs_priors__match_simulator():
    documented = dict(re.findall(r"^\| `(\w+)` \| ([+−-]?\d+(?:\.\d+)?) \|", _docs_section("effects"), re.M))
    assert {k: float(v.replace("−", "-")) for k, v in documented.items()} == EFFECTS
    kinds = re.findall(r"^\| `(\w+)` \| (\d+)% \| ([+−-]?\d+(?:\.\d+)?) \|", _docs_section("kinds"), re.M)
    assert {k: (int(share) / 100, float(base.replace("−", "-"))) for k, share, base in kinds} == \
        {k: (p.share, p.base_logit) for k, p in KINDS.items()}


def test_simulator__every_kind_of_the_bundled_rule_set__has_a_prior():
    assert set(load_ruleset(DEFAULT_RULES).kinds) <= set(KINDS)


def test_simulator__kind_shares__add_up_to_one():
    assert abs(sum(p.share for p in KINDS.values()) - 1) < 1e-9
