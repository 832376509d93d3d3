"""Stakeholder graph: metrics with hand-computed answers, coalitions, brokers, unknown groups, row order."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.graph import (
    DENSE_LIMIT,
    STAKEHOLDER_METRICS,
    Relation,
    _betweenness,
    stakeholder_analysis,
    stakeholder_dot,
    stakeholder_metrics,
)


def group(name, stance="neutral", size=10, influence="medium", intensity="medium", kind="other", demands=None):
    return {"group": name, "kind": kind, "size": size, "stance": stance, "intensity": intensity,
            "influence": influence, "demands": demands}


def rel(source, target, relation):
    return {"source": source, "target": target, "relation": relation}


def test_empty_or_unanswered_table__metrics__all_none():
    for stakeholders in (None, [], [{"group": "  ", "size": 3}]):
        metrics = stakeholder_metrics(stakeholders, None)
        assert metrics == dict.fromkeys(STAKEHOLDER_METRICS)
    assert stakeholder_analysis(None, None).summary[0].zh == "未填写利益相关群体"


def test_weighted_opposition__by_size_influence_intensity__computed_by_hand():
    rows = [group("拆迁户", "oppose", 100, influence="high", intensity="high"),  # 100 × 4 × 1 = 400
            group("商户", "oppose", 60, influence="low", intensity="low"),  # 60 × 1 × 1/3 = 20
            group("周边居民", "support", 300, influence="low")]  # counts only in the denominator: 300 × 1
    metrics = stakeholder_metrics(rows, [])
    # (400 + 20) / (100×4 + 60×1 + 300×1) = 420 / 760
    assert metrics["sh_weighted_opposition"] == round(420 / 760, 4)
    assert (metrics["sh_groups"], metrics["sh_opposing_groups"], metrics["sh_opposing_people"]) == (3, 2, 160)


def test_unanswered_grades__count_as_medium():
    rows = [group("甲", "oppose", 30, influence=None, intensity=None), group("乙", "support", 30, influence=None)]
    # (30 × 2 × 2/3) / (30 × 2 + 30 × 2) = 40 / 120
    assert stakeholder_metrics(rows, None)["sh_weighted_opposition"] == round(40 / 120, 4)


def test_all_groups_size_zero__weighted_opposition__zero_not_an_error():
    assert stakeholder_metrics([group("甲", "oppose", 0)], [])["sh_weighted_opposition"] == 0.0


def test_two_allied_opposing_groups__one_coalition__of_their_summed_size():
    rows = [group("东片住户", "oppose", 300), group("西片商户", "oppose", 40), group("居委会", "support", 9)]
    analysis = stakeholder_analysis(rows, [rel("东片住户", "西片商户", "ally")])
    assert analysis.coalitions == (("东片住户", "西片商户"),)
    assert analysis.metrics["sh_largest_coalition_groups"] == 2
    assert analysis.metrics["sh_largest_coalition_people"] == 340
    assert "最大反对联盟：东片住户、西片商户（2 个群体，340 人）" in [line.zh for line in analysis.summary]


def test_coalition__represents_binds__conflict_and_informs_do_not():
    rows = [group(n, "oppose", 10) for n in "ABCDE"]
    relations = [rel("A", "B", "represents"), rel("B", "C", "ally"), rel("C", "D", "conflict"), rel("D", "E", "informs")]
    assert stakeholder_analysis(rows, relations).coalitions == (("A", "B", "C"),)


def test_coalition__only_through_opposing_groups():
    rows = [group("A", "oppose"), group("中间人", "neutral"), group("B", "oppose")]
    analysis = stakeholder_analysis(rows, [rel("A", "中间人", "ally"), rel("中间人", "B", "ally")])
    assert analysis.coalitions == () and analysis.metrics["sh_largest_coalition_groups"] == 0


def test_largest_coalition__most_people_not_most_groups():
    rows = [group(n, "oppose", 10) for n in "ABC"] + [group("X", "oppose", 500), group("Y", "oppose", 1)]
    relations = [rel("A", "B", "ally"), rel("B", "C", "ally"), rel("X", "Y", "ally")]
    analysis = stakeholder_analysis(rows, relations)
    assert analysis.coalitions == (("X", "Y"), ("A", "B", "C"))
    assert (analysis.metrics["sh_largest_coalition_groups"], analysis.metrics["sh_largest_coalition_people"]) == (2, 501)


def test_star__centre_is_the_broker():
    leaves = ["住户", "商户", "租户", "网民"]
    rows = [group("居委会", "neutral")] + [group(n, "oppose") for n in leaves]
    analysis = stakeholder_analysis(rows, [rel("居委会", n, "informs") for n in leaves])
    # all 6 pairs of leaves pass through the centre: betweenness 6 / C(4, 2) = 1
    assert analysis.group("居委会").betweenness == 1.0
    assert [g.name for g in analysis.brokers] == ["居委会"] and analysis.metrics["sh_brokers"] == 1
    assert all(analysis.group(n).betweenness == 0 for n in leaves)


def test_path__inner_groups_betweenness_two_thirds__opposing_group_is_not_a_broker():
    rows = [group("A"), group("B", "oppose"), group("C", "support"), group("D")]
    analysis = stakeholder_analysis(rows, [rel("A", "B", "ally"), rel("B", "C", "informs"), rel("C", "D", "represents")])
    # B lies on A–C and A–D: 2 of the 3 pairs without B
    assert analysis.group("B").betweenness == analysis.group("C").betweenness == round(2 / 3, 9)
    assert [g.name for g in analysis.brokers] == ["C"]


def test_conflict__carries_no_message__no_broker_through_it():
    rows = [group("A"), group("B"), group("C")]
    analysis = stakeholder_analysis(rows, [rel("A", "B", "conflict"), rel("B", "C", "conflict")])
    assert analysis.brokers == () and analysis.group("B").degree == 2


def test_central_opposing__ranked_by_relations_then_betweenness_then_weight():
    rows = [group("甲", "oppose", 10), group("乙", "oppose", 500), group("丙", "oppose", 50), group("丁")]
    relations = [rel("甲", "丁", "informs"), rel("甲", "乙", "conflict"), rel("丙", "丁", "ally")]
    analysis = stakeholder_analysis(rows, relations)
    # 甲: 2 related groups; 乙 and 丙: 1 each and on no shortest path (丁 is), so the heavier 乙 comes first
    assert [g.name for g in analysis.central_opposing] == ["甲", "乙", "丙"]


def test_relation_to_unknown_group__reported__not_crashing():
    rows = [group("A", "oppose"), group("B", "oppose")]
    relations = [rel("A", "B", "ally"), rel("A", "无此群体", "ally"), rel("某人", "B", "informs")]
    analysis = stakeholder_analysis(rows, relations)
    assert analysis.unknown_endpoints == (Relation("A", "无此群体", "ally"), Relation("某人", "B", "informs"))
    assert analysis.relations == (Relation("A", "B", "ally"),)
    assert any("无此群体" in line.zh and "某人" in line.zh for line in analysis.summary)


def test_unfinished_relation_rows__ignored():
    rows = [group("A"), group("B")]
    relations = [rel("A", None, "ally"), rel("A", "B", None), rel("A", "A", "ally"), {}]
    analysis = stakeholder_analysis(rows, relations)
    assert analysis.relations == () and analysis.unknown_endpoints == ()


def test_group_entered_twice__merged__sizes_added_strongest_stance():
    rows = [group("住户", "support", 100, influence="low"), group(" 住户 ", "oppose", 20, influence="high")]
    analysis = stakeholder_analysis(rows, [])
    merged = analysis.group("住户")
    assert (merged.size, merged.stance, merged.influence) == (120, "oppose", "high")
    assert analysis.merged_duplicates == ("住户",)


@pytest.mark.parametrize("size", [3, 10, 30, DENSE_LIMIT + 50])  # the last takes the sparse path
def test_betweenness__matches_networkx__random_graphs(size):
    for seed in range(10):
        graph = nx.gnm_random_graph(size, size * (1 + seed % 3), seed=seed)
        names = [f"g{i:02d}" for i in graph]
        mine = _betweenness(names, [Relation(names[u], names[v], "ally") for u, v in graph.edges])
        theirs = nx.betweenness_centrality(nx.relabel_nodes(graph, dict(enumerate(names))))
        assert mine == pytest.approx(theirs, abs=1e-8)


# --- order independence and monotonicity

NAMES = st.sampled_from(["住户", "商户", "居委会", "街道办", "网民", 'a"b\nc', "x\\y", "租户"])
ROWS = st.lists(st.builds(group, NAMES, st.sampled_from(["support", "neutral", "oppose"]), st.integers(0, 5000),
                          st.sampled_from(["low", "medium", "high", None]), st.sampled_from(["low", "medium", "high", None]),
                          st.sampled_from(["affected_households", "media", None]), st.sampled_from([None, "补偿", "回迁"])),
                max_size=8)
RELATIONS = st.lists(st.builds(rel, NAMES, NAMES, st.sampled_from(["ally", "conflict", "represents", "informs"])), max_size=14)


@settings(max_examples=150, deadline=None)
@given(rows=ROWS, relations=RELATIONS, data=st.data())
def test_rows_in_any_order__same_metrics_analysis_and_dot(rows, relations, data):
    shuffled_rows = data.draw(st.permutations(rows))
    shuffled_relations = data.draw(st.permutations(relations))
    first, second = stakeholder_analysis(rows, relations), stakeholder_analysis(shuffled_rows, shuffled_relations)
    assert first == second
    assert stakeholder_dot(first, lang="zh") == stakeholder_dot((shuffled_rows, shuffled_relations), lang="zh")


@settings(max_examples=150, deadline=None)
@given(rows=ROWS.filter(bool), relations=RELATIONS, data=st.data())
def test_one_more_group_opposing__never_lowers_the_opposition_metrics(rows, relations, data):
    turned = data.draw(st.integers(0, len(rows) - 1))
    more = [dict(row, stance="oppose") if i == turned else row for i, row in enumerate(rows)]
    before, after = stakeholder_metrics(rows, relations), stakeholder_metrics(more, relations)
    for name in ("sh_opposing_groups", "sh_opposing_people", "sh_weighted_opposition",
                 "sh_largest_coalition_groups", "sh_largest_coalition_people"):
        assert after[name] >= before[name], name
