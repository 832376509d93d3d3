"""The engine: factors and reasons, index and level, floors, measures and residual risk, decision advice."""

from __future__ import annotations

import json
from datetime import date

import pytest

from assessment.domain.scoring import assess
from assessment.errors import WenpingError
from assessment.loader import load_ruleset
from tests.unit.rule_fixtures import CALM_ANSWERS, DEMO_SCORING, write

DAY = date(2026, 11, 25)
OWNED = {"unit": "区住房和城乡建设局", "leader": "王建国（副区长）", "deadline": date(2027, 3, 31)}


def run(ruleset, measures=(), **answers):
    return assess(ruleset, "demo", {**CALM_ANSWERS, **answers}, list(measures), assessed_at=DAY)


def factor(result, factor_id):
    return next(f for f in result.factors if f.factor == factor_id)


def test_calm_matter__scores__low_and_may_proceed(demo_ruleset):
    result = run(demo_ruleset)
    assert result.before.level == result.after.level == "low"
    assert result.decision.decision == "proceed" and result.decision.policy == "general"
    # the survey's opposition is always recorded, at its lowest probability here; with no collective petition in
    # three years and no opposing group, 120 households alone do not identify collective petitions
    assert [(f.factor, f.probability) for f in result.factors] == [("public_opposition", 1)]
    assert {n.nature: n.verdict for n in result.before.natures}["legality"] == "pass"


def test_rule__fires__reason_names_the_answer_formatted(demo_ruleset):
    found = factor(run(demo_ruleset, compensation_ratio=0.78), "interest_imbalance")
    assert (found.probability, found.impact, found.degree, found.rule) == (4, 4, "significant", "DM-COMP-01")
    assert found.because.zh == "补偿标准为市场评估价的78%" and found.because.en == "Compensation is 78% of market value"
    assert found.evidence == {"compensation_ratio": 0.78}


def test_two_rules_one_factor__strongest_sets_p_and_c__other_listed(demo_ruleset):
    found = factor(run(demo_ruleset, compensation_ratio=0.85, majority_interest=False), "interest_imbalance")
    assert (found.rule, found.probability, found.impact) == ("CM-BAL-02", 5, 4)
    assert found.also_fired == ("DM-COMP-01",)


def test_composite_index__weighted_mean_of_identified_factors(demo_ruleset):
    # interest_imbalance 0.8×0.8 (weight 3), public_opposition 0.2×0.6 (5)
    result = run(demo_ruleset, compensation_ratio=0.78)
    assert result.before.index == pytest.approx((3 * 0.64 + 5 * 0.12) / 8, abs=1e-4)
    assert result.before.level_by_index == "low"


def test_major_factor__floor__level_at_least_medium(demo_ruleset):
    # sensitive_timing 5×5 (weight 2), diluted by comparison_grievance, public_opposition and vulnerable_groups
    result = run(demo_ruleset, has_graves=True, graves=120, vulnerable_households=5, vulnerable_support=True)
    assert factor(result, "sensitive_timing").degree == "major"
    assert result.before.level_by_index == "low" and result.before.level == "medium"
    assert [f.floor for f in result.before.floors] == ["FL-MAJOR-FACTOR"]


def test_legality_failure__never_low__even_after_measures(demo_ruleset):
    measure = {"measure": "M-LAW-02", **OWNED}
    result = run(demo_ruleset, [measure], approvals_missing=["eia"])
    assert result.before.level == result.after.level == "medium"
    assert {f.floor for f in result.after.floors} == {"FL-LEGALITY"}
    assert {n.nature: n.verdict for n in result.before.natures}["legality"] == "fail"


def test_majority_opposed__floor__high(demo_ruleset):
    result = run(demo_ruleset, support_rate=0.3, opposition_rate=0.55)
    assert result.before.level == "high" and "FL-OPPOSITION-MAJORITY" in {f.floor for f in result.before.floors}
    assert "55%" in result.before.floors[0].because.zh or any("55%" in f.because.zh for f in result.before.floors)
    assert result.decision.decision == "postpone"


def test_measure__with_unit_leader_deadline__lowers_probability(demo_ruleset):
    result = run(demo_ruleset, [{"measure": "M-BAL-01", **OWNED}], compensation_ratio=0.78)
    found = factor(result, "interest_imbalance")
    assert (found.residual_probability, found.residual_impact, found.residual_degree) == (2, 4, "moderate")
    assert found.measures == (1,) and result.measures[0].counted
    assert result.after.index < result.before.index


@pytest.mark.parametrize(("missing", "reason"), [("unit", "未明确责任单位"), ("leader", "未明确包案领导"), ("deadline", "未明确完成时限")])
def test_measure__missing_owner_or_deadline__not_counted(demo_ruleset, missing, reason):
    measure = {"measure": "M-BAL-01", **{k: v for k, v in OWNED.items() if k != missing}}
    result = run(demo_ruleset, [measure], compensation_ratio=0.78)
    assert factor(result, "interest_imbalance").residual_probability == 4
    assert not result.measures[0].counted and result.measures[0].not_counted_because[0].zh == reason


def test_measure__deadline_before_assessment__not_counted(demo_ruleset):
    result = run(demo_ruleset, [{"measure": "M-BAL-01", **OWNED, "deadline": date(2026, 1, 1)}], compensation_ratio=0.78)
    assert not result.measures[0].counted


def test_measures__stacked__drop_capped_by_rule_set(demo_ruleset):
    measures = [{"measure": "M-BAL-01", **OWNED}, {"measure": "M-CONS-02", **OWNED}, {"measure": "M-PET-03", **OWNED}]
    result = run(demo_ruleset, measures, compensation_ratio=0.78, majority_interest=False)
    found = factor(result, "interest_imbalance")  # 5 - (2 + 1) capped at 2 levels
    assert found.probability == 5 and found.residual_probability == 3 and found.measures == (1, 2)


def test_custom_measure__capped_at_one_level(demo_ruleset):
    custom = {"text": "按市场评估价补足差额", "factors": ["interest_imbalance"], "lowers": {"probability": 3}, **OWNED}
    result = run(demo_ruleset, [custom], compensation_ratio=0.78)
    assert factor(result, "interest_imbalance").residual_probability == 3


def test_bad_measures__all_reported_by_row(demo_ruleset):
    measures = [{"measure": "M-NOPE-01", **OWNED}, {"text": "自拟措施"}, {"measure": "M-BAL-01", "deadline": "soon"}]
    with pytest.raises(WenpingError) as caught:
        run(demo_ruleset, measures)
    assert [(p.where.row, p.code.code) for p in caught.value.problems] == [(1, "ANS-316"), (2, "ANS-312"), (3, "ANS-312")]
    assert "deadline" in caught.value.problems[2].message("zh") and "应为日期" in caught.value.problems[2].message("zh")
    assert "Input should" not in caught.value.message("zh")


def test_investment_project__medium__not_approved(demo_ruleset):
    result = run(demo_ruleset, ndrc_project=True, support_rate=0.6, opposition_rate=0.25)
    assert result.after.level == "medium"
    assert (result.decision.policy, result.decision.decision) == ("investment", "do_not_proceed")


def test_same_inputs__same_bytes__ruleset_recorded(demo_ruleset):
    first = json.dumps(run(demo_ruleset, compensation_ratio=0.7).model_dump(mode="json"), ensure_ascii=False)
    second = json.dumps(run(demo_ruleset, compensation_ratio=0.7).model_dump(mode="json"), ensure_ascii=False)
    assert first == second
    recorded = json.loads(first)["ruleset"]
    assert recorded == {"id": "wenping-default", "version": demo_ruleset.info.version, "content_hash": demo_ruleset.content_hash}


def test_unconfirmed_thresholds__caveat_in_result(demo_ruleset):
    assert any("未见国家层面正式文件" in c.zh for c in run(demo_ruleset).caveats)


def test_rule_result_out_of_range__clear_error_naming_rule(rules_dir):
    write(rules_dir, "scoring/demo.yaml", DEMO_SCORING.replace("probability: 3\n", "probability: \"graves\"\n"))
    with pytest.raises(WenpingError) as caught:
        run(load_ruleset(rules_dir), has_graves=True, graves=12)
    assert caught.value.problems[0].code.code == "RULES-213" and "DM-GRAVE-01" in caught.value.message("en")


def test_unknown_kind__clear_error(demo_ruleset):
    with pytest.raises(WenpingError) as caught:
        assess(demo_ruleset, "moon_base", CALM_ANSWERS, [], assessed_at=DAY)
    assert caught.value.problems[0].code.code == "ANS-315" and "demo" in caught.value.message("en")


def test_three_significant_factors__diluted_index__floor_keeps_medium(demo_ruleset):
    result = run(demo_ruleset, compensation_ratio=0.78, funds_secured="partly", comparison_risk="high",
                 vulnerable_households=5, vulnerable_support=True, burden_increase="slight")
    assert sum(f.degree == "significant" for f in result.factors) == 3
    assert result.before.level_by_index == "low" and result.before.level == "medium"
    assert "FL-SIGNIFICANT-FACTORS" in {f.floor for f in result.before.floors}


def test_two_major_factors__floor__high(demo_ruleset):
    result = run(demo_ruleset, has_graves=True, graves=120, mass_incidents_3y=2, collective_petitions_3y=3)
    assert sum(f.degree == "major" for f in result.factors) == 2
    assert result.before.level == "high" and "FL-MAJOR-FACTORS-SEVERAL" in {f.floor for f in result.before.floors}


ALLIED_OPPONENTS = {
    "stakeholders": [
        {"group": "东片住户", "kind": "affected_households", "size": 300, "stance": "oppose", "intensity": "high", "influence": "medium"},
        {"group": "西片商户", "kind": "enterprises", "size": 40, "stance": "oppose", "intensity": "medium", "influence": "medium"},
        {"group": "社区居委会", "kind": "government", "size": 9, "stance": "support"},
    ],
    "stakeholder_relations": [{"source": "东片住户", "target": "西片商户", "relation": "ally"}],
}


def test_stakeholder_metrics__read_by_rules__and_recorded(demo_ruleset):
    result = run(demo_ruleset, **ALLIED_OPPONENTS)
    organised = factor(result, "organised_opposition")
    assert (organised.rule, organised.probability) == ("CM-ORG-01", 4)
    assert "2个持反对态度的群体之间存在结盟或代表关系（合计340人）" in organised.because.zh
    assert result.derived["sh_largest_coalition_groups"] == 2 and result.derived["sh_opposing_groups"] == 2
    assert "sh_opposing_groups" not in result.answers


def test_risk_link__feeds_identified_factor__probability_raised_with_chain(rules_dir):
    write(rules_dir, "risk_links.yaml", """
links:
  - source: interest_imbalance
    target: collective_petition
    weight: 0.5
    because: {zh: 利益受损群体可能集体上访, en: Those who lose out may petition together}
""")
    result = run(load_ruleset(rules_dir), compensation_ratio=0.78, collective_petitions_3y=1)
    # interest_imbalance P=4 (0.8); collective_petition P=2 (0.4): p' = 1 - 0.6 × (1 - 0.5 × 0.8) = 0.64 → level 3 (0.6)
    raised = factor(result, "collective_petition")
    assert (raised.rule_probability, raised.probability) == (2, 3)
    assert raised.raised_by == ("interest_imbalance", "collective_petition") and raised.raised_because is not None
    assert factor(result, "interest_imbalance").raised_by == ()


def test_risk_link__unknown_factor__reported_with_line(rules_dir):
    write(rules_dir, "risk_links.yaml", """
links:
  - source: interest_imbalance
    target: riot
    weight: 0.5
    because: {zh: 测试, en: Test}
""")
    with pytest.raises(WenpingError) as caught:
        load_ruleset(rules_dir)
    [problem] = caught.value.problems
    assert problem.code.code == "RULES-204" and problem.where.line == 3 and problem.where.file.endswith("risk_links.yaml")


def test_calculation_dividing_by_zero__reason_says_so_not_unanswered(rules_dir):
    write(rules_dir, "scoring/demo.yaml", DEMO_SCORING + """
  - id: DM-RESP-01
    factor: insufficient_consultation
    when: "survey_distributed == 0"
    probability: 5
    impact: 5
    because: {zh: "问卷回收率{response_rate:.0%}", en: "Response rate {response_rate:.0%}"}
""")
    found = factor(run(load_ruleset(rules_dir), survey_distributed=0, survey_returned=0), "insufficient_consultation")
    assert found.because.zh == "问卷回收率无法计算（除数为零）" and found.because.en == "Response rate cannot be computed (division by zero)"


def test_choice_answer_in_a_reason__shown_by_its_label_in_each_language(demo_ruleset):
    found = factor(run(demo_ruleset, comparison_risk="high"), "comparison_grievance")
    assert "高" in found.because.zh and "High" in found.because.en and "high" not in found.because.en
