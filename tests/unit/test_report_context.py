"""The report's content (assessment.report.context): chapter texts, tables and notes, without Word or LibreOffice."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from assessment.answer_files import read_answer_file
from assessment.domain.i18n_text import I18nText
from assessment.domain.result import ModelOpinion, ModelReason
from assessment.domain.scoring import assess
from assessment.loader import load_ruleset
from assessment.report.context import build_context

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))
LAND = Path(__file__).parents[2] / "examples" / "land_expropriation.yaml"


@pytest.fixture(scope="module")
def ruleset():
    return load_ruleset()


def scored(ruleset, path: Path = LAND, **changes):
    doc = read_answer_file(path)
    answers = {**doc.answers, **changes.pop("answers", {})}
    measures = changes.pop("measures", doc.measures)
    return assess(ruleset, doc.kind, answers, measures, assessed_at=doc.assessed_at or date(2026, 11, 20))


@pytest.fixture(scope="module")
def land(ruleset):
    return scored(ruleset)


def strings(value) -> list[str]:
    """Every string of a context, however deeply it is nested."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in strings(v)]
    return []


def nones(value, path="") -> list[str]:
    """Where a context holds None instead of text."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in nones(v, f"{path}.{k}")]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in nones(v, f"{path}[{i}]")]
    return []


def text_of(context) -> str:
    return "\n".join(strings({k: v for k, v in context.items() if k != "charts"}))


def simulated_opinion(**changes) -> ModelOpinion:
    values = dict(version="2026.11.25-1", trained_on_simulated_data=True, caveat=None, probability=0.23,
                  suggested_level="high", disagreement=I18nText(zh="模型参考等级高于规则等级", en="The model suggests a higher level"),
                  reasons=(ModelReason(feature="opposition_rate", label=I18nText(zh="反对率", en="Opposition rate"),
                                       contribution=0.8, value=0.06),))
    return ModelOpinion(**{**values, **changes})


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_build_context__every_example__text_everywhere_and_no_placeholder_left(ruleset, example, lang):
    context = build_context(scored(ruleset, example), ruleset, lang=lang)
    text = text_of(context)
    assert nones({k: v for k, v in context.items() if k != "charts"}) == []
    assert not re.search(r"\{[a-z_]+[}:!]", text), "a phrase slot was left unfilled"
    assert context["factors"] and context["measures"] and context["natures"]


def test_build_context__same_inputs__same_context(ruleset, land):
    assert build_context(land, ruleset) == build_context(land, ruleset)


def test_build_context__chinese__conclusion_states_both_levels_in_formal_words(ruleset, land):
    findings = build_context(land, ruleset)["conclusion"]["findings"]
    assert findings[0] == "经综合研判，该事项措施前社会稳定风险等级为中风险，落实各项防范化解措施后，预期风险等级为中风险。"
    assert findings[-1].startswith("按照重大决策事项（中办发〔2012〕2号）的处置要求，评估建议为“落实措施后实施”")


def test_build_context__english__same_chapters_in_english(ruleset, land):
    context = build_context(land, ruleset, lang="en")
    assert context["conclusion"]["findings"][0].startswith("All things considered, the social stability risk level")
    assert context["cover"]["title"].startswith("Social Stability Risk Assessment Report: ")
    assert "medium risk" in context["conclusion"]["findings"][0]


def test_build_context__basis__lists_every_source_of_the_rule_set(ruleset, land):
    sources = build_context(land, ruleset)["basis"]["sources"]
    assert len(sources) == len(ruleset.info.sources)
    for line, source in zip(sources, ruleset.info.sources):
        assert source.zh in line
    assert sources[0].startswith("1. ") and sources[-1].endswith("。") and sources[0].endswith("；")


def test_build_context__process__counts_the_survey_forums_hearing_notice_and_experts(ruleset, land):
    context = build_context(land, ruleset)
    steps = "".join(context["process"]["steps"])
    assert "共发放调查问卷486份，回收有效问卷463份，回收率95.3%" in steps
    assert "组织有关专家" in steps
    results = "".join(context["survey"]["results"])
    assert "召开座谈会、协调会6次，未召开听证会，决策方案公示（征求意见）30天，组织了专家论证" in results


def test_build_context__no_expert_review_and_no_survey__process_says_so(ruleset):
    assessment = scored(ruleset, answers={"expert_review": False, "survey_distributed": 0, "survey_returned": 0})
    context = build_context(assessment, ruleset)
    steps = "".join(context["process"]["steps"])
    assert "未组织专家论证" in steps and "共发放调查问卷" not in steps
    assert "问卷调查" not in context["lead"][0]


def test_build_context__method__formula_weights_floors_and_unconfirmed_threshold_caveat(ruleset, land):
    process = build_context(land, ruleset)["process"]
    method = "".join(process["method"])
    assert "R = Σ(wi × ri) / Σwi" in method and "5×5风险矩阵" in method
    assert process["floors"][0].startswith("等级底线规则是对综合风险指数的补充")
    assert any("“重大”" in line for line in process["floors"])
    assert process["caveats"] == ["需要说明的是，" + ruleset.info.thresholds.note.zh]


def test_build_context__factor_register__names_the_rule_and_the_answers_behind_it(ruleset, land):
    first = build_context(land, ruleset)["factors"][0]
    factor = land.factors[0]
    assert first["name"] == factor.name.zh and first["category"] == factor.category_name.zh
    assert f"判定规则：{factor.rule}" in first["basis"]
    assert "依据数据：" in first["basis"] and "明确表示拒绝搬迁的户数：9户" in first["basis"]


def test_build_context__weights__shares_sum_to_one_and_weighted_risks_to_the_index(ruleset, land):
    context = build_context(land, ruleset)
    rows = context["factors"]
    assert sum(float(r["share"]) for r in rows) == pytest.approx(1, abs=0.01)
    assert sum(float(r["weighted"]) for r in rows) == pytest.approx(land.before.index, abs=0.01)
    assert context["weights"]["index"] == f"{land.before.index:.3f}"


def test_build_context__floors_that_applied__quoted_in_the_level_texts(ruleset, land):
    context = build_context(land, ruleset)
    before = "".join(context["estimation"]["level"])
    for floor in land.before.floors:
        assert floor.floor in before
    assert context["overall"]["floors"]["after"] == f"不低于中风险（{len(land.after.floors)}条）"


def test_build_context__measures__unit_leader_and_deadline_in_the_table(ruleset, land):
    first = build_context(land, ruleset)["measures"][0]
    measure = land.measures[0]
    assert first["unit"].startswith(measure.unit) and "协助：" in first["unit"]
    assert first["leader"] == measure.leader and first["deadline"] == "2027年2月28日"


def test_build_context__measure_without_leader__marked_not_set_and_noted(ruleset):
    doc = read_answer_file(LAND)
    measures = [dict(m) for m in doc.measures]
    measures[1].pop("leader")
    context = build_context(scored(ruleset, measures=measures), ruleset)
    assert context["measures"][1]["leader"] == "未明确"
    assert context["measures_text"]["notes"] == ["第2项措施未明确包案领导，未计入落实措施后的风险测算，应在决策前予以明确。"]
    assert any("补齐措施要素" in line for line in context["conclusion"]["advice"])


def test_build_context__no_measures__says_none_were_planned(ruleset):
    context = build_context(scored(ruleset, measures=[]), ruleset)
    assert context["measures"] == [] and context["measures_text"]["intro"][0].startswith("评估主体尚未制定防范化解措施")


def test_build_context__no_factors__register_says_none(ruleset, land):
    empty = land.model_copy(update={"factors": ()})
    context = build_context(empty, ruleset)
    assert context["identification"] == ["依据评估规则集，对照问卷填报内容逐项分析，本事项未识别出风险因素。"]
    assert context["factors"] == [] and context["charts"]["risk_matrix"]["before"] == []


def test_build_context__model_opinion__a_labelled_second_opinion_that_says_simulated(ruleset, land):
    opinion = simulated_opinion(caveat=I18nText(zh="仅供参考", en="for reference"))
    context = build_context(land.model_copy(update={"model": opinion}), ruleset)
    model = context["conclusion"]["model"]
    assert "不是评估结论，不改变依据评估规则得出的风险等级" in model[0]
    assert "以模拟数据训练" in "".join(model) and "提示：模型参考等级高于规则等级。" in model
    assert "仅供参考。" not in model  # the card's caveat is not said twice
    assert "约为23%，对应参考等级为高风险" in model[1]
    assert context["conclusion"]["findings"][0].endswith("预期风险等级为中风险。")  # the rules' level stands
    assert {"item": "模型训练数据", "value": "按专家先验生成的模拟数据"} in context["annex"]["versions"]


def test_build_context__model_on_real_outcomes__no_simulated_claim(ruleset, land):
    opinion = simulated_opinion(trained_on_simulated_data=False, disagreement=None,
                                caveat=I18nText(zh="模型以已登记的实际结果训练", en="Trained on recorded outcomes"))
    model = build_context(land.model_copy(update={"model": opinion}), ruleset, lang="en")["conclusion"]["model"]
    assert not any("simulated" in line for line in model) and "Trained on recorded outcomes." in model


def test_build_context__no_model__no_model_section_and_annex_says_not_used(ruleset, land):
    context = build_context(land, ruleset)
    assert context["conclusion"]["model"] == []
    assert {"item": "学习模型", "value": "未使用"} in context["annex"]["versions"]


def test_build_context__scored_with_another_rule_set__note_says_so(ruleset, land):
    old = land.model_copy(update={"ruleset": land.ruleset.model_copy(update={"version": "2025.1", "content_hash": "0" * 64})})
    notes = build_context(old, ruleset)["conclusion"]["notes"]
    assert any("与评估时使用的规则集（wenping-default 2025.1）不一致" in n for n in notes)


def test_build_context__extra_notes__listed_with_the_caveats(ruleset, land):
    notes = build_context(land, ruleset, notes=[I18nText(zh="审核机关调整了等级", en="x")])["conclusion"]["notes"]
    assert notes[0].startswith("1. 综合风险指数分级阈值") and "2. 审核机关调整了等级" in notes


def test_build_context__folded_chinese_text__split_into_paragraphs_without_gaps(ruleset):
    summary = "第一段，现有房屋\n  多为砖木结构， 排水老化。\n\n第二段 text stays as typed"
    content = build_context(scored(ruleset, answers={"matter_summary": summary}), ruleset)["overview"]["content"]
    assert content[:2] == ["第一段，现有房屋", "多为砖木结构，排水老化。"]
    assert content[2] == "第二段 text stays as typed"


def test_build_context__no_stakeholders__map_slot_empty_and_annex_says_why(ruleset):
    context = build_context(scored(ruleset, answers={"stakeholders": [], "stakeholder_relations": []}), ruleset)
    assert context["charts"]["stakeholders"] is None and context["survey"]["groups"] == []
    assert context["annex"]["stakeholders"] == ["评估主体未填报利益相关群体，未生成利益相关者关系图。"]


def test_build_context__unit_name__stands_in_for_an_unanswered_assessing_body(ruleset, land):
    answers = {k: v for k, v in land.answers.items() if k != "assessing_body"}
    context = build_context(land.model_copy(update={"answers": answers}), ruleset, unit_name="东区住建局")
    assert context["cover"]["unit"] == context["signature"]["unit"] == "东区住建局"


def test_build_context__annex_answers__every_answered_section_with_labels(ruleset, land):
    sections = build_context(land, ruleset)["annex"]["answers"]
    assert sections[0]["title"] == "（一）评估事项概况"
    rows = {row["item"]: row["value"] for s in sections for row in s["rows"]}
    assert rows["直接受影响户数"] == "486户" and rows["是否组织专家论证"] == "是"
    assert rows["利益相关群体"] == "共8个群体，见表4-2"
