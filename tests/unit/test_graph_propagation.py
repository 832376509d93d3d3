"""Risk links: loading rules/risk_links.yaml and noisy-OR propagation, computed by hand on small graphs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain.i18n_text import I18nText
from assessment.errors import WenpingError
from assessment.graph import RiskLink, load_risk_links, propagate
from assessment.yaml_lines import load_yaml_text

RULES = Path(__file__).resolve().parents[2] / "rules"
SCALE = [0.2, 0.4, 0.6, 0.8, 1.0]
BECAUSE = I18nText(zh="测试", en="test")


def link(source, target, weight):
    return RiskLink(source=source, target=target, weight=weight, because=BECAUSE)


def test_two_factors__target_raised__by_hand():
    # A at level 4 (0.8) feeds B at level 1 (0.2) with weight 0.5:
    # p' = 1 − (1 − 0.2)(1 − 0.5 × 0.8) = 1 − 0.8 × 0.6 = 0.52 → nearest level 3 (0.6; 0.52 is past 0.5)
    raised = propagate({"A": 4, "B": 1}, (link("A", "B", 0.5),), SCALE)
    assert list(raised) == ["B"]
    assert (raised["B"].level, raised["B"].chain, raised["B"].value) == (3, ("A", "B"), 0.52)


def test_chain_of_three__downstream_uses_upstream_after_propagation():
    # B: 1 − (1 − 0.4)(1 − 0.5 × 0.8) = 1 − 0.6 × 0.6 = 0.64 → nearest level 3 (0.6)
    # C takes B's 0.64, not its 0.4: 1 − (1 − 0.2)(1 − 0.5 × 0.64) = 1 − 0.8 × 0.68 = 0.456 → nearest level 2 (0.4)
    raised = propagate({"A": 4, "B": 2, "C": 1}, (link("B", "C", 0.5), link("A", "B", 0.5)), SCALE)
    assert (raised["B"].level, raised["B"].value) == (3, 0.64)
    assert (raised["C"].level, raised["C"].value, raised["C"].chain) == (2, 0.456, ("A", "B", "C"))


def test_two_sources__combined__chain_follows_the_stronger__reason_names_both():
    # C: 1 − (1 − 0.2)(1 − 0.5 × 0.6)(1 − 0.25 × 0.4) = 1 − 0.8 × 0.7 × 0.9 = 0.496 → nearest level 2 (0.4)
    names = {"A": I18nText(zh="补偿争议", en="Compensation dispute"), "B": I18nText(zh="信访积案", en="Petition history"),
             "C": I18nText(zh="集体上访", en="Collective petition")}
    raised = propagate({"A": 3, "B": 2, "C": 1}, (link("A", "C", 0.5), link("B", "C", 0.25)), SCALE, names=names)
    c = raised["C"]
    assert (c.level, c.value, c.chain) == (2, 0.496, ("A", "C"))  # A gives 0.3, B only 0.1
    assert c.because.zh == "风险传导：补偿争议 → 集体上访；另受“信访积案”影响；按上游风险叠加测算，发生概率约为0.50，可能性等级由1级升至2级"
    assert c.because.en == ("Risk transmission: Compensation dispute → Collective petition; also fed by Petition history; "
                            "combining the upstream risks (noisy-OR) gives about 0.50, so the probability level rises from 1 to 2")


def test_small_push__below_the_midpoint__level_unchanged():
    # 1 − (1 − 0.4)(1 − 0.2 × 0.6) = 1 − 0.6 × 0.88 = 0.472: nearer 0.4 than 0.6, so B stays at level 2
    assert propagate({"A": 3, "B": 2}, (link("A", "B", 0.2),), SCALE) == {}


def test_value_exactly_on_a_level__maps_to_that_level_not_the_next():
    # 1 − (1 − 0.2)(1 − 0.5 × 1.0) = 0.6 exactly → level 3, even if float arithmetic gives 0.6000000000000001
    assert propagate({"A": 5, "B": 1}, (link("A", "B", 0.5),), SCALE)["B"].level == 3


def test_source_not_identified__raises_nothing__target_not_identified__never_appears():
    links = (link("A", "B", 0.5), link("B", "C", 0.5))
    assert propagate({"B": 2}, links, SCALE) == {}
    assert "C" not in propagate({"A": 5, "B": 1}, links, SCALE)


def test_level_five__stays_five__and_zero_weight_raises_nothing():
    assert propagate({"A": 5, "B": 5}, (link("A", "B", 0.5),), SCALE) == {}
    assert propagate({"A": 5, "B": 1}, (link("A", "B", 0.0),), SCALE) == {}


def test_cycle__terminates_at_the_fixed_point_by_hand():
    # A ⇄ B, both 0.4, weight 0.5: x = 1 − 0.6 (1 − 0.5 x) → 0.7 x = 0.4 → x = 4/7 ≈ 0.5714 → level 3
    raised = propagate({"A": 2, "B": 2}, (link("A", "B", 0.5), link("B", "A", 0.5)), SCALE)
    assert {f: (p.level, p.value) for f, p in raised.items()} == {"A": (3, 0.5714), "B": (3, 0.5714)}
    assert raised["A"].chain == ("B", "A") and raised["B"].chain == ("A", "B")


def test_cycle_of_certain_links__stops_within_the_round_cap():
    links = (link("A", "B", 1.0), link("B", "C", 1.0), link("C", "A", 1.0))
    raised = propagate({"A": 1, "B": 1, "C": 1}, links, SCALE)
    assert {p.level for p in raised.values()} == {5}


def test_bad_input__value_error():
    with pytest.raises(ValueError):
        propagate({"A": 6}, (), SCALE)
    with pytest.raises(ValueError):
        propagate({"A": 1}, (), [0.2, 0.4, 0.6])


LEVELS = st.dictionaries(st.sampled_from("ABCDEF"), st.integers(1, 5), max_size=6)
LINKS = st.lists(st.builds(link, st.sampled_from("ABCDEF"), st.sampled_from("ABCDEF"), st.sampled_from([0.1, 0.25, 0.5, 1.0])),
                 max_size=12, unique_by=lambda k: (k.source, k.target))


@settings(max_examples=200, deadline=None)
@given(levels=LEVELS, links=LINKS, data=st.data())
def test_any_input_order__same_output(levels, links, data):
    shuffled = dict(data.draw(st.permutations(list(levels.items()))))
    assert propagate(levels, tuple(links), SCALE) == propagate(shuffled, tuple(data.draw(st.permutations(links))), SCALE)


@settings(max_examples=200, deadline=None)
@given(levels=LEVELS.filter(bool), links=LINKS, data=st.data())
def test_a_higher_input_level__never_lowers_any_output_level(levels, links, data):
    bumped = data.draw(st.sampled_from(sorted(levels)))
    higher = {**levels, bumped: min(5, levels[bumped] + 1)}
    low, high = propagate(levels, tuple(links), SCALE), propagate(higher, tuple(links), SCALE)
    for factor in levels:
        assert _level(high, higher, factor) >= _level(low, levels, factor)


def _level(raised, levels, factor):
    return raised[factor].level if factor in raised else levels[factor]


# --- loading


def test_load__file_line_for_bad_weight_duplicate_and_self_link():
    text = """
links:
  - {source: a, target: b, weight: 0.3, because: {zh: 甲, en: A}}
  - {source: a, target: b, weight: 0.2, because: {zh: 甲, en: A}}
  - {source: c, target: c, weight: 0.2, because: {zh: 丙, en: C}}
"""
    with pytest.raises(WenpingError) as caught:
        load_risk_links(load_yaml_text(text, "links.yaml"), file="links.yaml")
    assert [(p.code.code, p.where.file, p.where.line, p.where.id) for p in caught.value.problems] == [
        ("RULES-206", "links.yaml", 4, "a → b"), ("RULES-211", "links.yaml", 5, "c → c")]

    with pytest.raises(WenpingError) as caught:
        load_risk_links(load_yaml_text("links:\n  - {source: a, target: b, weight: 1.5, because: {zh: 甲, en: A}}\n", "x"), file="x")
    [problem] = caught.value.problems
    assert problem.code.code == "RULES-202" and problem.where.line == 2 and "weight" in problem.params["field"]


def test_default_risk_links__known_factors__design_weights__both_languages():
    links = load_risk_links(load_yaml_text((RULES / "risk_links.yaml").read_text(encoding="utf-8"), "risk_links.yaml"))
    factor_ids = {f["id"] for path in (RULES / "factors").glob("*.yaml")
                  for f in yaml.safe_load(path.read_text(encoding="utf-8"))["factors"]}
    assert {end for k in links for end in (k.source, k.target)} <= factor_ids
    assert 20 <= len(links) <= 40
    assert all(0.1 <= k.weight <= 0.5 and k.because.zh and k.because.en and k.source_note for k in links)
    targets = {k.target for k in links}
    assert {"collective_petition", "negative_publicity", "mass_incident"} <= targets
