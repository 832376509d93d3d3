"""Pictures: DOT for st.graphviz_chart (user text cannot break it) and the PNG for the report."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from assessment import graph
from assessment.domain.i18n_text import I18nText
from assessment.errors import WenpingError
from assessment.graph import GraphLabels, risk_link_dot, stakeholder_analysis, stakeholder_dot, stakeholder_png
from tests.unit.test_graph_responsibility import factor

QUOTED = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def rows(*groups):
    return [{"group": name, "kind": "other", "size": size, "stance": stance, "intensity": "high", "influence": "medium",
             "demands": None} for name, stance, size in groups]


def strings(dot: str) -> list[str]:
    """Every double-quoted string of the DOT, unescaped as Graphviz reads it (\\n: a line break)."""
    return [re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), s) for s in QUOTED.findall(dot)]


def assert_well_formed(dot: str) -> None:
    outside = QUOTED.sub('""', dot)
    assert '"' not in outside.replace('""', "") and "\\" not in outside
    assert outside.count("{") == outside.count("}") and outside.count("[") == outside.count("]")


@pytest.mark.parametrize("name", ['a"b\nc', 'a"b\\nc', 'x\\', '"];} digraph evil {', "行\r\n换"])
def test_stakeholder_dot__hostile_group_name__escaped__reads_back_exactly(name):
    table = rows((name, "oppose", 12), ("居委会", "support", 5))
    dot = stakeholder_dot((table, [{"source": name, "target": "居委会", "relation": "conflict"}]), lang="zh")
    assert_well_formed(dot)
    shown = name.replace("\r\n", "\n")
    assert f"{shown}\n12人" in strings(dot)
    assert dot.count("->") == 1 and dot.startswith("digraph stakeholders {") and dot.rstrip().endswith("}")


def test_stakeholder_dot__stance_colours_broker_border_coalition_box_relation_styles():
    table = rows(("住户", "oppose", 300), ("商户", "oppose", 40), ("居委会", "neutral", 9), ("网民", "support", 5))
    relations = [{"source": "住户", "target": "商户", "relation": "ally"},
                 {"source": "居委会", "target": "住户", "relation": "informs"},
                 {"source": "居委会", "target": "网民", "relation": "represents"}]
    analysis = stakeholder_analysis(table, relations)
    dot = stakeholder_dot(analysis, lang="en")
    lines = {line.strip() for line in dot.splitlines()}
    node = lambda name: next(line for line in lines if f'label="{name}\\n' in line)  # noqa: E731
    assert graph.STANCE_COLOUR["oppose"] in node("住户") and graph.STANCE_COLOUR["support"] in node("网民")
    assert "peripheries=2" in node("居委会") and "peripheries=2" not in node("住户")
    assert 'label="Opposing coalition 1"' in dot and 'fontname="Noto Sans CJK SC"' in dot
    edge = lambda relation: next(line for line in lines if "->" in line and f" {relation} " in line)  # noqa: E731
    assert "dir=none" in edge("ally") and "style=dotted" in edge("informs") and "dir=none" not in edge("represents")


def test_stakeholder_dot__empty_table__valid_graph_without_nodes():
    dot = stakeholder_dot((None, None), lang="zh")
    assert_well_formed(dot)
    assert "->" not in dot and "label=" not in dot


def test_stakeholder_dot__questionnaire_labels__used_in_tooltips():
    labels = GraphLabels(stance={"oppose": "明确反对"}, relation={"conflict": "存在矛盾"})
    dot = stakeholder_dot((rows(("住户", "oppose", 30), ("商户", "support", 5)),
                           [{"source": "住户", "target": "商户", "relation": "conflict"}]), lang="zh", labels=labels)
    assert "明确反对" in strings(dot) and "住户 存在矛盾 商户" in strings(dot)


def test_risk_link_dot__raised_chain__drawn_from_the_factors_alone():
    feeder = factor("a", "moderate", "补偿争议")
    raised = factor("b", "major", '集体"上访').model_copy(update={
        "rule_probability": 2, "probability": 4, "raised_by": ("a", "b"),
        "raised_because": I18nText(zh="风险传导：补偿争议 → 集体上访", en="a → b")})
    alone = factor("c", "minor", "无关因素")
    dot = risk_link_dot([feeder, raised, alone], lang="zh")
    assert_well_formed(dot)
    assert dot.count("->") == 1 and "无关因素" not in dot  # only factors on a chain
    assert '集体"上访\nP2→4 × C3 (传导上调)' in strings(dot) and "风险传导：补偿争议 → 集体上访" in strings(dot)
    assert graph.DEGREE_COLOUR["major"] in dot


def test_risk_link_dot__nothing_raised__no_picture():
    assert risk_link_dot([factor("a", "major")], lang="en") is None


def test_stakeholder_png__valid_a4_sized_and_not_blank():
    table = rows(("拒绝搬迁住户", "oppose", 26), ("临街商铺经营户", "oppose", 58), ("街道办", "support", 45),
                 ("租户", "neutral", 300))
    relations = [{"source": "拒绝搬迁住户", "target": "临街商铺经营户", "relation": "ally"},
                 {"source": "街道办", "target": "租户", "relation": "informs"}]
    png = stakeholder_png((table, relations), lang="zh")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.mode in ("RGB", "P") and "transparency" not in image.info  # opaque: no soft mask in the PDF
    assert image.size == (1771, 1417)  # 150 × 120 mm at 300 dpi
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert len(colours) > 50  # text, nodes, edges, legend: far from blank
    assert any(abs(r - 0xE5) < 8 and abs(g - 0x73) < 8 and abs(b - 0x73) < 8 for _, (r, g, b) in colours)  # opposing red


def test_stakeholder_png__empty_table__still_a_picture_with_legend():
    assert stakeholder_png((None, None), lang="en").startswith(b"\x89PNG")


def test_stakeholder_png__font_missing__clear_error(monkeypatch):
    monkeypatch.setattr(graph, "FONT", "No Such Font SC")
    with pytest.raises(WenpingError) as caught:
        stakeholder_png((rows(("甲", "oppose", 1)), None), lang="zh")
    assert caught.value.problems[0].code.code == "REPORT-405" and "fonts-noto-cjk" in caught.value.message("en")
