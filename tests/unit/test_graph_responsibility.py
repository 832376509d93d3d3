"""One problem, one leader, one plan: gaps for factors of degree 一般 or above, and overloaded leaders."""

from __future__ import annotations

from datetime import date

from assessment.domain.i18n_text import I18nText
from assessment.domain.result import FactorResult, MeasureResult
from assessment.graph import responsibility_check


def factor(factor_id, degree, name="集体上访"):
    return FactorResult(
        factor=factor_id, name=I18nText(zh=name, en=name), category="social_environment",
        category_name=I18nText(zh="社会", en="Society"), nature="controllability", weight=4, rule="T-1", also_fired=(),
        because=I18nText(zh="因", en="because"), evidence={}, rule_probability=3, raised_by=(), raised_because=None,
        probability=3, impact=3, risk=0.36, degree=degree, residual_probability=3, residual_impact=3,
        residual_risk=0.36, residual_degree=degree, measures=(),
    )


def measure(number, factors, leader="王建国（副区长）", counted=True, why=()):
    return MeasureResult(
        number=number, measure=None, text=I18nText(zh="措施", en="measure"), factors=tuple(factors),
        unit="区信访局" if counted else None, leader=leader, deadline=date(2027, 3, 31), supporting_units=None,
        counted=counted, not_counted_because=tuple(why),
    )


NO_UNIT = I18nText(zh="未明确责任单位", en="no responsible unit")


def test_moderate_factor_without_measure__gap__minor_factor__none():
    report = responsibility_check([factor("collective_petition", "moderate"), factor("low_awareness", "minor")], [])
    assert [g.factor for g in report.gaps] == ["collective_petition"] and not report.ok
    assert report.gaps[0].text.zh == "“集体上访”（风险程度一般）尚无明确责任单位、包案领导和时限的措施"
    assert report.gaps[0].text.en == "'集体上访' (degree: moderate) has no measure with a responsible unit, leader and deadline"


def test_counted_measure__closes_the_gap():
    report = responsibility_check([factor("collective_petition", "major")], [measure(1, ["collective_petition"])])
    assert report.gaps == () and report.ok


def test_measure_without_unit__gap__names_the_measure_and_why():
    report = responsibility_check([factor("mass_incident", "significant", "群体性事件")],
                                  [measure(2, ["mass_incident"], counted=False, why=[NO_UNIT])])
    [gap] = report.gaps
    assert gap.uncounted == (2,)
    assert gap.text.zh.endswith("（措施2未计入：未明确责任单位）")
    assert gap.text.en.endswith("(measure 2 does not count: no responsible unit)")


def test_gaps__highest_degree_first__whatever_the_order_given():
    factors = [factor("a", "moderate"), factor("b", "major"), factor("c", "significant")]
    assert [g.factor for g in responsibility_check(factors, []).gaps] == ["b", "c", "a"]
    assert responsibility_check(factors[::-1], []) == responsibility_check(factors, [])


def test_leader_with_six_measures__overloaded__title_variants_are_one_person():
    measures = [measure(n, ["x"], leader="王建国（副区长）" if n % 2 else " 王建国 ") for n in range(1, 7)]
    measures.append(measure(7, ["x"], leader="刘志强"))
    report = responsibility_check([], measures)
    [load] = report.overloaded
    assert (load.leader, load.measures) == ("王建国", (1, 2, 3, 4, 5, 6))
    assert "负责6项措施" in load.text.zh and "上限" in load.text.zh and "6 measures" in load.text.en
    assert responsibility_check([], measures[::-1]) == report


def test_leader_at_the_limit__not_overloaded__limit_configurable():
    measures = [measure(n, ["x"]) for n in range(1, 6)]
    assert responsibility_check([], measures).overloaded == ()
    assert len(responsibility_check([], measures, max_per_leader=4).overloaded) == 1
