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
    assert "依据数据：明确表示拒绝搬迁的户数（9户）" in first["basis"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_build_context__factor_register__answers_without_a_second_colon(ruleset, example):
    """"依据数据：…人员人数：2人" read as a label inside a label."""
    for row in build_context(scored(ruleset, example), ruleset)["factors"]:
        for line in row["basis"].split("\n"):
            if line.startswith("依据数据："):
                assert line.count("：") == 1, line


def test_build_context__weights__shares_sum_to_one_and_weighted_risks_to_the_index(ruleset, land):
    context = build_context(land, ruleset)
    rows = context["factors"]
    assert sum(float(r["share"]) for r in rows) == pytest.approx(1, abs=0.01)
    assert sum(float(r["weighted"]) for r in rows) == pytest.approx(land.before.index, abs=0.01)
    assert context["weights"]["index"] == f"{land.before.index:.3f}"


def test_build_context__floors_that_applied__in_words_in_the_text_by_id_in_attachment_3(ruleset, land):
    context = build_context(land, ruleset)
    before = "".join(context["estimation"]["level"])
    versions = {row["item"]: row["value"] for row in context["annex"]["versions"]}
    for floor in land.before.floors:
        assert floor.because.zh.rstrip("。") in before
        assert floor.floor not in text_of({k: v for k, v in context.items() if k != "annex"})  # no code in the body
        assert floor.floor in versions["触发的等级底线规则"]
    assert context["overall"]["floors"]["after"] == f"不低于中风险（{len(land.after.floors)}条）"


def test_build_context__measures__unit_leader_and_deadline_in_the_table(ruleset, land):
    first = build_context(land, ruleset)["measures"][0]
    measure = land.measures[0]
    assert first["unit"].startswith(measure.unit) and "协助：" in first["unit"]
    # the column is too narrow for the whole date: it breaks after the year, not inside the month
    assert first["leader"] == measure.leader and first["deadline"] == "2027年\n2月28日"


def test_build_context__measure_without_leader__marked_not_set_and_noted(ruleset):
    doc = read_answer_file(LAND)
    measures = [dict(m) for m in doc.measures]
    measures[1].pop("leader")
    context = build_context(scored(ruleset, measures=measures), ruleset)
    assert context["measures"][1]["leader"] == "未明确"
    assert context["measures_text"]["notes"][0] == "第2项措施未明确包案领导，未计入落实措施后的风险测算，应在决策前予以明确。"


def test_build_context__factor_of_moderate_degree_without_a_counted_measure__named_in_chapters_7_and_9(ruleset):
    """graph.responsibility_check: one problem, one leader, one plan."""
    one_measure = scored(ruleset, measures=read_answer_file(LAND).measures[:1])
    gaps = [f for f in one_measure.factors if f.degree in ("moderate", "significant", "major")
            and not any(m.counted and f.factor in m.factors for m in one_measure.measures)]
    assert gaps
    context = build_context(one_measure, ruleset)
    notes, advice = "".join(context["measures_text"]["notes"]), "".join(context["conclusion"]["advice"])
    for factor in gaps:
        assert f"“{factor.name.zh}”（一般）" in notes or f"“{factor.name.zh}”（较大）" in notes
        assert factor.name.zh in advice and "补齐措施要素" in advice


def test_build_context__every_factor_covered__chapter_7_says_the_check_found_nothing(ruleset):
    doc = read_answer_file(LAND)
    factors = [f.factor for f in scored(ruleset).factors]
    cover_all = {"text": "制定专项工作方案逐项化解", "factors": factors, "unit": "江北区城东街道办事处",
                 "leader": "刘志强", "deadline": "2027-01-31"}
    context = build_context(scored(ruleset, measures=[*doc.measures, cover_all]), ruleset)
    assert context["measures_text"]["notes"][-1].startswith("经对照“一个问题、一名领导、一套方案、一抓到底”的要求逐项检查")
    assert not any("补齐措施要素" in line or "调整包案分工" in line for line in context["conclusion"]["advice"])


def test_build_context__one_leader_with_every_measure__overloaded_in_chapters_7_and_9(ruleset):
    doc = read_answer_file(LAND)
    measures = [{**m, "leader": "王建国（副区长）"} for m in doc.measures]
    context = build_context(scored(ruleset, measures=measures), ruleset, lang="zh")
    numbers = "、".join(str(n) for n in range(1, len(measures) + 1))
    assert f"包案领导王建国（副区长）负责第{numbers}项共{len(measures)}项措施" in "".join(context["measures_text"]["notes"])
    assert any(line.startswith(f"{n}. 调整包案分工。包案领导王建国（副区长）") for n in range(1, 9)
               for line in context["conclusion"]["advice"])


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


def test_build_context__english__amounts_counts_and_choices_read_as_english(ruleset, land):
    """Once: "It involves 186000 10k yuan, from Mixed sources", "1 batches collective petitions",
    "6 times of forums and meetings", "463 copies valid ones returned"."""
    context = build_context(land, ruleset, lang="en")
    basic, setting = context["overview"]["basic"][0], context["overview"]["environment"][1]
    assert "It involves CNY 1.86 billion; funding: mixed sources." in basic
    assert setting.startswith("7 related petitions were filed in the area in the last 12 months; "
                              "1 collective petition on similar matters in the last three years; "
                              "0 mass incidents on similar matters")
    assert "2 individuals have shown" in setting
    assert "486 questionnaires were distributed and 463 valid ones returned" in "".join(context["process"]["steps"])
    assert context["survey"]["results"][1].startswith("The assessment held 6 forums and meetings; no hearing was held")
    assert "a public notice and comment period, and an expert review" in context["lead"][0]  # "a, b and c"


def test_build_context__english__count_of_one__singular(ruleset):
    answers = {"petitions_12m": 1, "mass_incidents_3y": 1, "extreme_individuals": 1, "forums_held": 1}
    context = build_context(scored(ruleset, answers=answers), ruleset, lang="en")
    setting = context["overview"]["environment"][1]
    assert "1 related petition was filed" in setting and "1 mass incident on" in setting
    assert "1 individual has shown" in setting
    assert "The assessment held 1 forum or meeting;" in context["survey"]["results"][1]


def test_build_context__one_unit_under_two_names__listed_once(ruleset):
    """"江北区住房和城乡建设局（区房屋征收部门）" is "江北区住房和城乡建设局": not its own helper, not twice in attachment 2."""
    answers = {"assessing_body": "江北区住房和城乡建设局（区房屋征收部门）", "competent_department": "江北区住房和城乡建设局",
               "locality": "江北区城东街道", "project_owner": "江北区城市更新投资发展有限公司"}
    context = build_context(scored(ruleset, answers=answers), ruleset)
    subject = context["process"]["subject"][0]
    assert "江北区城市更新投资发展有限公司、江北区城东街道等单位配合开展" in subject
    command = context["annex"]["emergency"][0]["paragraphs"][1]
    assert command.count("江北区住房和城乡建设局") == 2  # a member once, and the office
    assert "江北区住房和城乡建设局（区房屋征收部门）、江北区城东街道、江北区城市更新投资发展有限公司等单位" in command


def test_build_context__model_feature_on_a_log_scale__named_by_its_question(ruleset, land):
    reasons = (ModelReason(feature="petitions_12m_log10", label=I18nText(zh="近12个月相关信访（对数）", en="x (log scale)"),
                           contribution=0.4, value=0.9),
               ModelReason(feature="opposition_rate", label=I18nText(zh="反对率", en="Opposition rate"),
                           contribution=-0.2, value=0.06))
    model = build_context(land.model_copy(update={"model": simulated_opinion(reasons=reasons)}), ruleset)["conclusion"]["model"]
    assert "模型提示的主要影响因素为：近12个月本区域与本事项相关或同类信访件次（推高）、反对率（拉低）。" in model
    assert "对数" not in "".join(model)
