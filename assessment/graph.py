"""Stakeholders and risk links: the graph layer over the scoring core (docs/graph.md).

Who opposes, who is allied with whom, who can carry a message, and how one risk feeds another.
Pure functions over plain data (answer tables, factor and measure results); every result is the same
whatever order the rows came in, because everything is keyed and sorted by name before it is used.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assessment.domain.i18n_text import I18nText, Lang
from assessment.domain.result import FactorResult, MeasureResult
from assessment.errors import ErrorCode, Location, Problem, WenpingError
from assessment.yaml_lines import line_of, schema_problems

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from PIL import Image

# --- stakeholders: weights and thresholds (documented in docs/graph.md)

STANCES = ("support", "neutral", "oppose")
RELATIONS = ("ally", "conflict", "represents", "informs")
# Relations that carry a message between two groups; a conflict does not.
CONTACT_RELATIONS = frozenset({"ally", "represents", "informs"})
# Relations that bind opposing groups into one coalition.
COALITION_RELATIONS = frozenset({"ally", "represents"})
# An unanswered intensity or influence counts as medium: neither played down nor played up.
INFLUENCE_WEIGHT = {"low": 1.0, "medium": 2.0, "high": 4.0}
INTENSITY_WEIGHT = {"low": 1 / 3, "medium": 2 / 3, "high": 1.0}
DEFAULT_GRADE = "medium"
# A non-opposing group on more than this share of the shortest paths between other groups is a broker.
BROKER_THRESHOLD = 0.1
_DIGITS = 9  # betweenness is rounded before it is compared, so float noise never reorders groups
DENSE_LIMIT = 100  # groups in one connected part up to which betweenness uses dense matrices

STAKEHOLDER_METRICS: dict[str, I18nText] = {
    "sh_groups": I18nText(zh="利益相关群体数", en="Stakeholder groups"),
    "sh_opposing_groups": I18nText(zh="反对群体数", en="Opposing groups"),
    "sh_opposing_people": I18nText(zh="反对群体人数", en="People in opposing groups"),
    "sh_weighted_opposition": I18nText(zh="加权反对度", en="Weighted opposition"),
    "sh_largest_coalition_groups": I18nText(zh="最大反对联盟的群体数", en="Groups in the largest opposing coalition"),
    "sh_largest_coalition_people": I18nText(zh="最大反对联盟的人数", en="People in the largest opposing coalition"),
    "sh_brokers": I18nText(zh="中间联络群体数", en="Broker groups"),
}


@dataclass(frozen=True)
class Group:
    """One stakeholder group with what the graph says about it."""

    name: str
    kind: str | None
    size: int
    stance: str  # support | neutral | oppose
    intensity: str  # low | medium | high (medium when unanswered)
    influence: str
    demands: str | None
    degree: int  # distinct groups it has any relation with
    betweenness: float  # normalised 0..1, over the relations that carry a message
    weight: float  # size × influence weight × intensity weight


@dataclass(frozen=True)
class Relation:
    source: str
    target: str
    relation: str  # ally | conflict | represents | informs


@dataclass(frozen=True)
class StakeholderAnalysis:
    metrics: dict[str, float | int | None]  # the STAKEHOLDER_METRICS, for rules to read
    groups: tuple[Group, ...]  # by name
    relations: tuple[Relation, ...]  # between known groups, sorted, without repeats
    central_opposing: tuple[Group, ...]  # every opposing group, most central first
    brokers: tuple[Group, ...]  # non-opposing groups above BROKER_THRESHOLD, highest betweenness first
    coalitions: tuple[tuple[str, ...], ...]  # opposing coalitions (names sorted), most people first
    unknown_endpoints: tuple[Relation, ...]  # relations naming a group not in the table; left out
    merged_duplicates: tuple[str, ...]  # group names entered more than once, merged into one group
    summary: tuple[I18nText, ...]  # sentences for the app and the report

    def group(self, name: str) -> Group:
        return next(g for g in self.groups if g.name == name)


def stakeholder_metrics(stakeholders: list[dict] | None, relations: list[dict] | None) -> dict[str, float | int | None]:
    """The metrics rules may read; every value None when the stakeholder table is empty or unanswered."""
    return stakeholder_analysis(stakeholders, relations).metrics


def stakeholder_analysis(stakeholders: list[dict] | None, relations: list[dict] | None) -> StakeholderAnalysis:
    raw_groups, duplicates = _groups(stakeholders or [])
    known, unknown = _relations(relations or [], raw_groups.keys())
    names = sorted(raw_groups)
    degrees = _degrees(known)
    betweenness = _betweenness(names, [r for r in known if r.relation in CONTACT_RELATIONS])
    groups = tuple(
        Group(**raw_groups[name], degree=degrees.get(name, 0), betweenness=betweenness[name],
              weight=_weight(raw_groups[name]))
        for name in names
    )
    by_name = {g.name: g for g in groups}
    opposing = [g for g in groups if g.stance == "oppose"]
    central = tuple(sorted(opposing, key=lambda g: (-g.degree, -g.betweenness, -g.weight, g.name)))
    brokers = tuple(sorted((g for g in groups if g.stance != "oppose" and g.betweenness > BROKER_THRESHOLD),
                           key=lambda g: (-g.betweenness, g.name)))
    coalitions = _coalitions(by_name, known)
    metrics = _metrics(groups, opposing, coalitions, brokers, by_name)
    analysis = StakeholderAnalysis(metrics, groups, tuple(known), central, brokers, coalitions, tuple(unknown),
                                   tuple(duplicates), summary=())
    return replace(analysis, summary=_summary(analysis))


def _groups(rows: Iterable[Mapping[str, Any]]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """name → fields; a name entered twice becomes one group (sizes added, the stronger stance and grades)."""
    by_name: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        name = _text(row.get("group"))
        if name:  # a draft row without a name cannot be linked to anything
            size = row.get("size")
            by_name[name].append({
                "kind": row.get("kind"),
                "size": int(size) if isinstance(size, (int, float)) and not isinstance(size, bool) and size > 0 else 0,
                "stance": row.get("stance") if row.get("stance") in STANCES else "neutral",
                "intensity": _grade(row.get("intensity")),
                "influence": _grade(row.get("influence")),
                "demands": _text(row.get("demands")),
            })
    groups = {name: _merge(name, entries) for name, entries in by_name.items()}
    return groups, sorted(name for name, entries in by_name.items() if len(entries) > 1)


def _merge(name: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """One group from its rows; every field is an order-free summary, so row order cannot matter."""
    grades = list(INFLUENCE_WEIGHT)
    kinds = sorted(e["kind"] for e in entries if e["kind"])
    return {
        "name": name,
        "kind": kinds[0] if kinds else None,
        "size": sum(e["size"] for e in entries),
        "stance": max((e["stance"] for e in entries), key=STANCES.index),
        "intensity": max((e["intensity"] for e in entries), key=grades.index),
        "influence": max((e["influence"] for e in entries), key=grades.index),
        "demands": "；".join(sorted({e["demands"] for e in entries if e["demands"]})) or None,
    }


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _grade(value: Any) -> str:
    return value if value in INFLUENCE_WEIGHT else DEFAULT_GRADE


def _weight(group: Mapping[str, Any]) -> float:
    return group["size"] * INFLUENCE_WEIGHT[group["influence"]] * INTENSITY_WEIGHT[group["intensity"]]


def _relations(rows: Iterable[Mapping[str, Any]], names: Iterable[str]) -> tuple[list[Relation], list[Relation]]:
    """Known relations and those naming a group not in the table, each sorted and without repeats."""
    names = set(names)
    known, unknown = set(), set()
    for row in rows:
        relation = Relation(_text(row.get("source")), _text(row.get("target")), row.get("relation"))
        if not relation.source or not relation.target or relation.relation not in RELATIONS:
            continue  # an unfinished draft row
        if relation.source not in names or relation.target not in names:
            unknown.add(relation)
        elif relation.source != relation.target:
            known.add(relation)
    order = lambda r: (r.source, r.target, r.relation)  # noqa: E731
    return sorted(known, key=order), sorted(unknown, key=order)


def _degrees(relations: Sequence[Relation]) -> dict[str, int]:
    neighbours: dict[str, set[str]] = defaultdict(set)
    for r in relations:
        neighbours[r.source].add(r.target)
        neighbours[r.target].add(r.source)
    return {name: len(others) for name, others in neighbours.items()}


def _betweenness(names: list[str], relations: Sequence[Relation]) -> dict[str, float]:
    """Normalised betweenness of each group over the undirected contact graph, as networkx defines it.

    Brandes' algorithm from every source at once, one matrix product per BFS level, per connected
    component: the same numbers as nx.betweenness_centrality (tested), about seven times faster on 500 groups.
    """
    n = len(names)
    result = dict.fromkeys(names, 0.0)
    graph = nx.Graph((r.source, r.target) for r in relations)
    for component in nx.connected_components(graph):
        if len(component) >= 3:
            members = sorted(component)  # a fixed order, so float sums never depend on the rows' order
            for name, raw in zip(members, _brandes(_adjacency(graph, members))):
                result[name] = round(float(raw) / ((n - 1) * (n - 2)), _DIGITS)  # each pair counted from both ends
    return result


def _adjacency(graph: nx.Graph, members: list[str]):
    """Dense for the usual small map (scipy's set-up would cost more than the sums), sparse for big ones."""
    index = {name: i for i, name in enumerate(members)}
    edges = [(index[u], index[v]) for u, v in graph.edges(members)]  # members is a whole component
    rows, cols = [u for u, _ in edges] + [v for _, v in edges], [v for _, v in edges] + [u for u, _ in edges]
    if len(members) <= DENSE_LIMIT:
        matrix = np.zeros((len(members), len(members)))
        matrix[rows, cols] = 1.0
        return matrix
    from scipy.sparse import csr_matrix  # imported here: the loader imports this module, few maps need it

    return csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(members), len(members)))


def _brandes(adjacency) -> np.ndarray:
    """Raw betweenness in one connected component. Entry (v, s) of each matrix belongs to source s;
    `levels` holds the flat indices of the (v, s) pairs at each BFS depth, so each step touches only those."""
    m = adjacency.shape[0]
    sigma = np.eye(m)  # number of shortest paths from s to v
    unvisited = ~np.eye(m, dtype=bool)
    levels = [np.arange(m) * (m + 1)]
    frontier = np.eye(m)
    while True:
        reached = adjacency @ frontier
        found = np.flatnonzero((reached > 0) & unvisited)
        if not found.size:
            break
        unvisited.flat[found] = False
        sigma.flat[found] = reached.flat[found]
        frontier.flat[levels[-1]] = 0.0
        frontier.flat[found] = sigma.flat[found]
        levels.append(found)
    delta = np.zeros((m, m))
    share = np.zeros((m, m))
    for here, before in zip(levels[:0:-1], levels[-2::-1]):
        share.flat[here] = (1.0 + delta.flat[here]) / sigma.flat[here]
        delta.flat[before] += sigma.flat[before] * (adjacency @ share).flat[before]
        share.flat[here] = 0.0
    np.fill_diagonal(delta, 0.0)
    return delta.sum(axis=1)


def _coalitions(groups: Mapping[str, Group], relations: Sequence[Relation]) -> tuple[tuple[str, ...], ...]:
    """Two or more opposing groups joined by alliance or representation, most people first."""
    graph = nx.Graph()
    graph.add_edges_from((r.source, r.target) for r in relations if r.relation in COALITION_RELATIONS
                         and groups[r.source].stance == groups[r.target].stance == "oppose")
    found = [tuple(sorted(c)) for c in nx.connected_components(graph)]
    people = lambda c: sum(groups[g].size for g in c)  # noqa: E731
    return tuple(sorted(found, key=lambda c: (-people(c), -len(c), c)))


def _metrics(groups: Sequence[Group], opposing: Sequence[Group], coalitions: Sequence[tuple[str, ...]],
             brokers: Sequence[Group], by_name: Mapping[str, Group]) -> dict[str, float | int | None]:
    if not groups:
        return dict.fromkeys(STAKEHOLDER_METRICS)
    reach = sum(g.size * INFLUENCE_WEIGHT[g.influence] for g in groups)
    largest = coalitions[0] if coalitions else ()
    return {
        "sh_groups": len(groups),
        "sh_opposing_groups": len(opposing),
        "sh_opposing_people": sum(g.size for g in opposing),
        "sh_weighted_opposition": round(sum(g.weight for g in opposing) / reach, 4) if reach else 0.0,
        "sh_largest_coalition_groups": len(largest),
        "sh_largest_coalition_people": sum(by_name[name].size for name in largest),
        "sh_brokers": len(brokers),
    }


def _summary(analysis: StakeholderAnalysis) -> tuple[I18nText, ...]:
    m = analysis.metrics
    if m["sh_groups"] is None:
        return (I18nText(zh="未填写利益相关群体", en="No stakeholder groups entered"),)
    lines = [I18nText(
        zh=f"利益相关群体 {m['sh_groups']} 个，其中反对 {m['sh_opposing_groups']} 个（{m['sh_opposing_people']} 人）；"
           f"按人数、影响力和诉求强烈程度加权的反对度为 {m['sh_weighted_opposition']:.0%}",
        en=f"{m['sh_groups']} stakeholder groups, {m['sh_opposing_groups']} opposing ({m['sh_opposing_people']} people); "
           f"opposition weighted by size, influence and intensity: {m['sh_weighted_opposition']:.0%}",
    )]
    if analysis.coalitions:
        largest = analysis.coalitions[0]
        lines.append(I18nText(
            zh=f"最大反对联盟：{'、'.join(largest)}（{len(largest)} 个群体，{m['sh_largest_coalition_people']} 人）",
            en=f"Largest opposing coalition: {', '.join(largest)} ({len(largest)} groups, {m['sh_largest_coalition_people']} people)",
        ))
    linked = [g for g in analysis.central_opposing[:3] if g.degree]
    if linked:
        lines.append(I18nText(
            zh="关联最广的反对群体：" + "、".join(f"{g.name}（与 {g.degree} 个群体有关系）" for g in linked),
            en="Best-connected opposing groups: " + ", ".join(f"{g.name} (related to {_count(g.degree, 'group')})" for g in linked),
        ))
    if analysis.brokers:
        shown = analysis.brokers[:3]
        lines.append(I18nText(
            zh="宜优先沟通的中间联络群体：" + "、".join(f"{g.name}（中介中心度 {g.betweenness:.2f}）" for g in shown),
            en="Brokers to engage first: " + ", ".join(f"{g.name} (betweenness {g.betweenness:.2f})" for g in shown),
        ))
    if analysis.unknown_endpoints:
        missing = sorted({n for r in analysis.unknown_endpoints for n in (r.source, r.target)} - {g.name for g in analysis.groups})
        lines.append(I18nText(
            zh=f"关系表中有 {len(analysis.unknown_endpoints)} 条关系涉及群体表中没有的群体（{'、'.join(missing)}），未计入分析",
            en=f"{len(analysis.unknown_endpoints)} relations name groups missing from the group table ({', '.join(missing)}); they were left out",
        ))
    if analysis.merged_duplicates:
        lines.append(I18nText(
            zh=f"群体表中重复填写的群体已合并：{'、'.join(analysis.merged_duplicates)}",
            en=f"Groups entered more than once were merged: {', '.join(analysis.merged_duplicates)}",
        ))
    return tuple(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


# --- risk links (rules/risk_links.yaml)


class RiskLink(BaseModel):
    """One factor can lead to another: `weight` is the chance that the source, if it happens, brings on the target."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    target: str
    weight: float = Field(ge=0, le=1)
    because: I18nText
    source_note: str | None = None  # where the link comes from (a case, a guideline, practice)


class _RiskLinkFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    links: list[RiskLink]


def load_risk_links(data: Any, *, file: str | None = None) -> tuple[RiskLink, ...]:
    """Links from parsed YAML (lines from assessment.yaml_lines when given); every problem raised at once."""
    try:
        links = _RiskLinkFile.model_validate(data).links
    except ValidationError as error:
        raise WenpingError(schema_problems(error, data, file)) from None
    problems, seen = [], {}
    for i, link in enumerate(links):
        where = _where(data, ("links", i), file, f"{link.source} → {link.target}")
        if link.source == link.target:
            problems.append(Problem(ErrorCode.RULES_BAD_VALUE, {"field": "target", "detail": "一个风险因素不能传导给自身",
                                                                "detail_en": "a factor cannot lead to itself"}, where))
        key = (link.source, link.target)
        if key in seen:
            problems.append(Problem(ErrorCode.RULES_DUPLICATE_ID, {"id": where.id, "first": seen[key]}, where))
        seen.setdefault(key, f"{file or 'links'}:{where.line}")
    if problems:
        raise WenpingError(problems)
    return tuple(links)


def _where(data: Any, loc: tuple, file: str | None, ident: str | None = None) -> Location:
    line, _ = line_of(data, loc)
    return Location(file=file, line=line, id=ident, field=".".join(str(p) for p in loc[2:]) or None)


# --- propagation between identified factors

MAX_ROUNDS = 100  # a cycle of links is iterated to its fixed point, at most this many rounds
_CONVERGED = 1e-12
_SLACK = 1e-9  # p' equal to a scale value, up to float noise, maps to that value's level


@dataclass(frozen=True)
class Propagation:
    """A factor whose probability level rose because other identified factors feed it."""

    level: int  # the new level, 1..5
    chain: tuple[str, ...]  # the strongest upstream path, ending with the factor itself
    because: I18nText
    value: float  # p' before it was mapped to a level


def propagate(probabilities: Mapping[str, int], links: Sequence[RiskLink], scale: Sequence[float],
              *, names: Mapping[str, I18nText] | None = None) -> dict[str, Propagation]:
    """Noisy-OR over the links between identified factors; only levels that rise are returned.

    p' = 1 − (1 − p) · Π (1 − w · p'_source), sources first (topological order); a cycle is iterated
    to its fixed point. p' maps to the nearest level, never below the rule's own. `names` (factor
    id → name) are used in the reasons; ids otherwise.
    """
    _check_input(probabilities, scale)
    before = {f: scale[level - 1] for f, level in probabilities.items()}
    incoming = _incoming(before, links)
    if not any(incoming.values()):
        return {}  # the common case: no two identified factors are linked
    value = _noisy_or(before, incoming)
    raised = {}
    for factor in sorted(before):
        level = max(probabilities[factor], _level_of(value[factor], scale))
        if level > probabilities[factor]:
            chain = _chain(factor, incoming, value)
            because = _propagation_reason(factor, chain, incoming, value, probabilities[factor], level, names or {})
            raised[factor] = Propagation(level=level, chain=chain, because=because, value=round(value[factor], 4))
    return raised


def _check_input(probabilities: Mapping[str, int], scale: Sequence[float]) -> None:
    if len(scale) != 5 or any(not 0 < a < b <= 1 for a, b in zip(scale, scale[1:])):
        raise ValueError(f"scale must be five increasing values in (0, 1], got {list(scale)}")
    bad = {f: p for f, p in probabilities.items() if isinstance(p, bool) or p not in (1, 2, 3, 4, 5)}
    if bad:
        raise ValueError(f"probability levels must be 1..5, got {bad}")


def _incoming(identified: Mapping[str, float], links: Sequence[RiskLink]) -> dict[str, list[tuple[str, float]]]:
    """target → [(source, weight)] between identified factors, sorted so products never depend on order."""
    incoming: dict[str, list[tuple[str, float]]] = {f: [] for f in identified}
    for link in links:
        if link.source in identified and link.target in identified and link.source != link.target:
            incoming[link.target].append((link.source, link.weight))
    return {f: sorted(sources) for f, sources in incoming.items()}


def _noisy_or(before: Mapping[str, float], incoming: Mapping[str, list[tuple[str, float]]]) -> dict[str, float]:
    graph = nx.DiGraph()
    graph.add_nodes_from(before)
    graph.add_edges_from((source, target) for target, sources in incoming.items() for source, _ in sources)
    condensed = nx.condensation(graph)
    value = dict(before)
    for component in nx.topological_sort(condensed):
        members = sorted(condensed.nodes[component]["members"])
        for _ in range(MAX_ROUNDS if len(members) > 1 else 1):
            # all members from the same round's values (Jacobi), so no member goes first
            new = {f: 1 - (1 - before[f]) * math.prod(1 - w * value[s] for s, w in incoming[f]) for f in members}
            change = max(new[f] - value[f] for f in members)
            value.update(new)
            if change < _CONVERGED:
                break
    return value


def _level_of(value: float, scale: Sequence[float]) -> int:
    """The level whose scale value is nearest (ties go up): a factor rises a level only when the feed
    carries it past the midpoint to the next value, not with every small push."""
    return min(range(1, len(scale) + 1), key=lambda level: (abs(scale[level - 1] - value) - _SLACK, -level))


def _chain(factor: str, incoming: Mapping[str, list[tuple[str, float]]], value: Mapping[str, float]) -> tuple[str, ...]:
    """Back from the factor along its strongest feed (largest w · p'), until a factor nothing feeds."""
    chain = [factor]
    while True:
        sources = [(s, w) for s, w in incoming[chain[0]] if s not in chain]
        if not sources:
            return tuple(chain)
        strongest, _ = min(sources, key=lambda sw: (-sw[1] * value[sw[0]], sw[0]))
        chain.insert(0, strongest)


def _propagation_reason(factor: str, chain: tuple[str, ...], incoming: Mapping[str, list[tuple[str, float]]],
                        value: Mapping[str, float], old: int, new: int, names: Mapping[str, I18nText]) -> I18nText:
    def name(f: str, lang: Lang) -> str:
        return names[f].get(lang) if f in names else f

    others = [s for s, _ in incoming[factor] if s != chain[-2]]
    also_zh = "；另受" + "、".join(f"“{name(s, 'zh')}”" for s in others) + "影响" if others else ""
    also_en = "; also fed by " + ", ".join(name(s, "en") for s in others) if others else ""
    return I18nText(
        zh=f"风险传导：{' → '.join(name(f, 'zh') for f in chain)}{also_zh}；"
           f"按上游风险叠加测算，发生概率约为{value[factor]:.2f}，可能性等级由{old}级升至{new}级",
        en=f"Risk transmission: {' → '.join(name(f, 'en') for f in chain)}{also_en}; "
           f"combining the upstream risks (noisy-OR) gives about {value[factor]:.2f}, so the probability level rises from {old} to {new}",
    )


# --- responsibility: one problem, one leader, one plan

GAP_DEGREES = {  # degree id (rules/matrix.yaml) → its name; these degrees need a measure with an owner
    "moderate": I18nText(zh="一般", en="moderate"),
    "significant": I18nText(zh="较大", en="significant"),
    "major": I18nText(zh="重大", en="major"),
}
_TITLE = re.compile(r"\s*[（(][^（）()]*[)）]\s*$")  # "王建国（副区长）" and "王建国" are one leader


@dataclass(frozen=True)
class ResponsibilityGap:
    factor: str
    degree: str
    uncounted: tuple[int, ...]  # measures aimed at it that do not count (no unit, leader or deadline)
    text: I18nText


@dataclass(frozen=True)
class LeaderLoad:
    leader: str
    measures: tuple[int, ...]
    text: I18nText


@dataclass(frozen=True)
class ResponsibilityReport:
    gaps: tuple[ResponsibilityGap, ...]  # highest degree first
    overloaded: tuple[LeaderLoad, ...]  # most measures first

    @property
    def ok(self) -> bool:
        return not self.gaps and not self.overloaded


def responsibility_check(factors: Sequence[FactorResult], measures: Sequence[MeasureResult], *,
                         max_per_leader: int = 5) -> ResponsibilityReport:
    """Factors of degree moderate or above without a counted measure, and leaders holding too many measures."""
    order = list(GAP_DEGREES)
    gaps = [_gap(f, measures) for f in factors if f.degree in GAP_DEGREES]
    gaps = sorted((g for g in gaps if g), key=lambda g: (-order.index(g.degree), g.factor))
    return ResponsibilityReport(gaps=tuple(gaps), overloaded=_overloaded(measures, max_per_leader))


def _gap(factor: FactorResult, measures: Sequence[MeasureResult]) -> ResponsibilityGap | None:
    aimed = sorted((m for m in measures if factor.factor in m.factors), key=lambda m: m.number)
    if any(m.counted for m in aimed):
        return None
    degree = GAP_DEGREES[factor.degree]
    why_zh = "；".join(f"措施{m.number}未计入：" + "、".join(r.zh for r in m.not_counted_because) for m in aimed)
    why_en = "; ".join(f"measure {m.number} does not count: " + ", ".join(r.en for r in m.not_counted_because) for m in aimed)
    return ResponsibilityGap(
        factor=factor.factor,
        degree=factor.degree,
        uncounted=tuple(m.number for m in aimed),
        text=I18nText(
            zh=f"“{factor.name.zh}”（风险程度{degree.zh}）尚无明确责任单位、包案领导和时限的措施" + (f"（{why_zh}）" if aimed else ""),
            en=f"'{factor.name.en}' (degree: {degree.en}) has no measure with a responsible unit, leader and deadline"
               + (f" ({why_en})" if aimed else ""),
        ),
    )


def _overloaded(measures: Sequence[MeasureResult], limit: int) -> tuple[LeaderLoad, ...]:
    by_leader: dict[str, list[MeasureResult]] = defaultdict(list)
    for m in measures:
        if m.leader and m.leader.strip():
            by_leader[_TITLE.sub("", m.leader.strip())].append(m)
    loads = []
    for key, held in by_leader.items():
        if len(held) <= limit:
            continue
        shown = min(m.leader.strip() for m in held)  # one spelling, whatever the order
        numbers = tuple(sorted(m.number for m in held))
        loads.append(LeaderLoad(leader=shown, measures=numbers, text=I18nText(
            zh=f"包案领导{shown}负责{len(held)}项措施（第{'、'.join(map(str, numbers))}项），超过每人{limit}项的上限，难以逐项跟踪落实",
            en=f"Leader {shown} holds {len(held)} measures (nos. {', '.join(map(str, numbers))}), more than the limit of "
               f"{limit} per leader; they cannot all be followed through",
        )))
    return tuple(sorted(loads, key=lambda load: (-len(load.measures), load.leader)))


# --- DOT for st.graphviz_chart (rendered in the browser; no system graphviz)

FONT = "Noto Sans CJK SC"
STANCE_COLOUR = {"oppose": "#e57373", "neutral": "#bdbdbd", "support": "#81c784"}
RELATION_COLOUR = {"ally": "#2e7d32", "conflict": "#c62828", "represents": "#1565c0", "informs": "#757575"}
RELATION_STYLE = {  # DOT edge attributes; alliance and conflict have no direction
    "ally": f'color="{RELATION_COLOUR["ally"]}", penwidth=2, dir=none',
    "conflict": f'color="{RELATION_COLOUR["conflict"]}", penwidth=2, style=dashed, dir=none',
    "represents": f'color="{RELATION_COLOUR["represents"]}", penwidth=1.5',
    "informs": f'color="{RELATION_COLOUR["informs"]}", style=dotted',
}
DEGREE_COLOUR = {  # the default matrix's colours; a rule set with its own passes degree_colours
    "negligible": "#4caf50", "minor": "#a5d6a7", "moderate": "#ffeb3b", "significant": "#ff9800", "major": "#e53935",
}
WORDS = {
    "zh": {"people": "{n}人", "stance": {"oppose": "反对", "neutral": "中立", "support": "支持"},
           "relation": {"ally": "结盟", "conflict": "冲突", "represents": "代表", "informs": "传递信息"},
           "broker": "中间联络群体", "coalition": "反对联盟 {n}", "raised": "传导上调", "colon": "："},
    "en": {"people": "{n} people", "stance": {"oppose": "oppose", "neutral": "neutral", "support": "support"},
           "relation": {"ally": "ally", "conflict": "conflict", "represents": "represents", "informs": "informs"},
           "broker": "broker", "coalition": "Opposing coalition {n}", "raised": "raised by links", "colon": ": "},
}


@dataclass(frozen=True)
class GraphLabels:
    """The questionnaire's words for stances and relations (choice name → label), for tooltips and legends."""

    stance: Mapping[str, str]
    relation: Mapping[str, str]

    def of_stance(self, name: str, lang: Lang) -> str:
        return self.stance.get(name) or WORDS[lang]["stance"][name]

    def of_relation(self, name: str, lang: Lang) -> str:
        return self.relation.get(name) or WORDS[lang]["relation"][name]


def stakeholder_dot(analysis_or_tables: StakeholderAnalysis | tuple[list[dict] | None, list[dict] | None], *,
                    lang: Lang, labels: GraphLabels | None = None) -> str:
    """Groups coloured by stance, sized by people, brokers double-bordered, coalitions boxed; edges by relation.
    No legend inside: the app draws it beside the picture (STANCE_COLOUR, RELATION_COLOUR, LEGEND_LINE)."""
    analysis = _analysis(analysis_or_tables)
    labels = labels or GraphLabels({}, {})
    words = WORDS[lang]
    ids = {g.name: f"g{i}" for i, g in enumerate(analysis.groups)}
    brokers = {g.name for g in analysis.brokers}
    lines = ["digraph stakeholders {", f"  graph [rankdir=LR, fontname={_q(FONT)}, fontsize=11];",
             f"  node [fontname={_q(FONT)}, fontsize=10, style=filled, shape=ellipse];",
             f"  edge [fontname={_q(FONT)}, fontsize=9];"]
    node = lambda g: _node(g, ids, words, labels.of_stance(g.stance, lang), g.name in brokers)  # noqa: E731
    in_coalition = set()
    for n, coalition in enumerate(analysis.coalitions, start=1):
        lines.append(f"  subgraph cluster_c{n} {{ label={_q(words['coalition'].format(n=n))}; "
                     f'style=dashed; color="#c62828";')
        lines += [f"    {node(analysis.group(name))}" for name in coalition]
        lines.append("  }")
        in_coalition.update(coalition)
    lines += [f"  {node(g)}" for g in analysis.groups if g.name not in in_coalition]
    for r in analysis.relations:
        tip = f"{r.source} {labels.of_relation(r.relation, lang)} {r.target}"
        lines.append(f"  {ids[r.source]} -> {ids[r.target]} [{RELATION_STYLE[r.relation]}, tooltip={_q(tip)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _analysis(analysis_or_tables) -> StakeholderAnalysis:
    if isinstance(analysis_or_tables, StakeholderAnalysis):
        return analysis_or_tables
    stakeholders, relations = analysis_or_tables
    return stakeholder_analysis(stakeholders, relations)


def _node(group: Group, ids: Mapping[str, str], words: Mapping[str, Any], stance: str, broker: bool) -> str:
    label = f"{group.name}\n{words['people'].format(n=group.size)}"
    by_size = 0.9 + 0.35 * math.log10(group.size + 1)  # wider for bigger groups; 10,000 people ≈ 2.3 in
    width = max(by_size, 1.3 * _label_inches(label))  # an ellipse needs more than its text's width
    extra = ", peripheries=2, penwidth=1.5" if broker else ""
    tip = stance + (words["colon"] + group.demands if group.demands else "")
    return (f"{ids[group.name]} [label={_q(label)}, fillcolor={_q(STANCE_COLOUR[group.stance])}, "
            f"width={width:.2f}{extra}, tooltip={_q(tip)}];")


LEGEND_LINE = {"ally": "———", "conflict": "- - -", "represents": "—→", "informs": "···→"}  # how each relation is drawn


def risk_link_dot(factors: Sequence[FactorResult], *, lang: Lang,
                  degree_colours: Mapping[str, str] | None = None) -> str | None:
    """The chains that raised factors (FactorResult.raised_by): each factor in a chain coloured by degree, an
    arrow from each factor to the one it fed. None when no factor was raised."""
    colours = degree_colours or DEGREE_COLOUR
    edges = sorted({pair for f in factors for pair in zip(f.raised_by, f.raised_by[1:])})
    if not edges:
        return None
    by_id = {f.factor: f for f in factors}
    present = sorted({name for pair in edges for name in pair} & by_id.keys())
    ids = {name: f"f{i}" for i, name in enumerate(present)}
    lines = ["digraph risk_links {", f"  graph [rankdir=LR, fontname={_q(FONT)}, fontsize=11];",
             f"  node [fontname={_q(FONT)}, fontsize=10, shape=box, style=\"rounded,filled\"];",
             f"  edge [fontname={_q(FONT)}, fontsize=9, penwidth=2];"]
    for name in present:
        f = by_id[name]
        label = f"{f.name.get(lang)}\nP{f.probability} × C{f.impact}"
        if f.raised_by:
            label = f"{f.name.get(lang)}\nP{f.rule_probability}→{f.probability} × C{f.impact} ({WORDS[lang]['raised']})"
        tip = (f.raised_because or f.because).get(lang)
        lines.append(f"  {ids[name]} [label={_q(label)}, fillcolor={_q(colours.get(f.degree, '#eeeeee'))}, "
                     f"width={_label_inches(label) + 0.3:.2f}, tooltip={_q(tip)}];")
    lines += [f"  {ids[a]} -> {ids[b]};" for a, b in edges if a in ids and b in ids]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _label_points(text: str, size: float = 10) -> float:
    """Width of the longest line at `size` pt. The browser's Graphviz measures CJK characters as if they were
    Latin ones, about half their real width, so boxes are sized from this estimate instead."""
    wide = lambda c: unicodedata.east_asian_width(c) in "WFA"  # noqa: E731  (A: "·", "—" are wide in CJK fonts)
    return max(sum(1.1 * size if wide(c) else 0.7 * size for c in line) for line in text.split("\n"))


def _label_inches(text: str) -> float:
    return _label_points(text) / 72


_CONTROL = dict.fromkeys(c for c in range(32) if c != 10)  # every control character except the newline


def _q(text: str) -> str:
    """A DOT double-quoted string that shows `text` as typed: backslashes and quotes escaped, newlines as line breaks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_CONTROL)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# --- PNG for the report (matplotlib, Agg). matplotlib is imported where it is used: the loader imports
# this module, and only the report draws.

WIDTH_MM, HEIGHT_MM = 150, 120  # the report's chart width (see assessment/report/charts.py)
DPI = 300
LABELLED = 40  # more groups than this: only the heaviest are named, the rest stay dots
LABEL_SIZE, LEGEND_SIZE = 7, 8  # points
KAMADA_KAWAI_LIMIT = 80  # its cost grows with the square of the groups


def stakeholder_png(analysis_or_tables: StakeholderAnalysis | tuple[list[dict] | None, list[dict] | None], *,
                    lang: Lang) -> bytes:
    """The stakeholder map for the report, sized for A4 (150 mm wide) at 300 dpi, with labels in `lang`."""
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    analysis = _analysis(analysis_or_tables)
    font = _chart_font()
    words = WORDS[lang]
    handles = [Patch(facecolor=STANCE_COLOUR[s], label=words["stance"][s]) for s in ("oppose", "neutral", "support")]
    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#212121",
                          markeredgewidth=2.2, label=words["broker"]))
    handles += [Line2D([], [], color=c, linestyle=ls, label=words["relation"][r]) for r, (c, ls) in _LINES.items()]
    # One row of legend when it fits the width (each entry: its mark, the gaps, its words), else two.
    one_row = sum(_label_points(h.get_label(), LEGEND_SIZE) + 3.4 * LEGEND_SIZE for h in handles)
    rows = 1 if one_row <= WIDTH_MM / 25.4 * 72 else 2
    figure = Figure(figsize=(WIDTH_MM / 25.4, HEIGHT_MM / 25.4), dpi=DPI)
    bottom = 0.06 + 0.04 * rows
    axes = figure.add_axes((0.01, bottom, 0.98, 0.99 - bottom))
    axes.set_axis_off()
    if analysis.groups:
        _draw(axes, analysis, font, words)
    figure.legend(handles=handles, loc="lower center", ncol=math.ceil(len(handles) / rows), frameon=False,
                  prop=FontProperties(family=FONT, size=LEGEND_SIZE), handlelength=1.6, columnspacing=1.0)
    return figure_png(figure)


_LINES = {r: (RELATION_COLOUR[r], style) for r, style in zip(RELATIONS, ("-", "--", "-", ":"))}


def _draw(axes, analysis: StakeholderAnalysis, font: FontProperties, words: Mapping[str, Any]) -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from(g.name for g in analysis.groups)
    graph.add_edges_from((r.source, r.target) for r in analysis.relations)
    positions = _layout(graph.to_undirected())
    names = [g.name for g in analysis.groups]
    sizes = [120 + 160 * math.log10(g.size + 1) for g in analysis.groups]
    brokers = {g.name for g in analysis.brokers}
    nx.draw_networkx_nodes(graph, positions, ax=axes, nodelist=names, node_size=sizes,
                           node_color=[STANCE_COLOUR[g.stance] for g in analysis.groups],
                           edgecolors=["#212121" if n in brokers else "#616161" for n in names],
                           linewidths=[2.2 if n in brokers else 0.6 for n in names])
    for relation, (colour, style) in _LINES.items():
        edges = [(r.source, r.target) for r in analysis.relations if r.relation == relation]
        directed = {"arrows": True, "arrowsize": 8} if relation in ("represents", "informs") else {"arrows": False}
        nx.draw_networkx_edges(graph, positions, ax=axes, edgelist=edges, edge_color=colour, style=style, width=1.2,
                               nodelist=names, node_size=sizes, **directed)
    labelled = sorted(zip(analysis.groups, sizes), key=lambda gs: (-gs[0].weight, gs[0].name))[:LABELLED]
    labels = [f"{g.name} {words['people'].format(n=g.size)}" for g, _ in labelled]
    for (g, size), label in zip(labelled, labels):
        # under the node (its radius in points is √size / 2), on a pale box so edges do not cross the text
        axes.annotate(label, positions[g.name], xytext=(0, -math.sqrt(size) / 2 - 1), textcoords="offset points",
                      fontproperties=font, fontsize=LABEL_SIZE, ha="center", va="top", zorder=5,
                      parse_math=False,  # a name is text as typed: "$5万$" is not mathtext
                      bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    _fit(axes, positions, max((_label_points(label, LABEL_SIZE) for label in labels), default=0),
         math.sqrt(max(sizes)) / 2)


def _fit(axes, positions: Mapping[str, Any], label_width: float, radius: float) -> None:
    """Limits that keep every node and its label inside the picture: the margin on each side, in data
    units, is half the widest label (or a node's radius), and a label's height below the lowest node."""
    box = axes.get_position()
    width, height = (box.width * WIDTH_MM / 25.4 * 72, box.height * HEIGHT_MM / 25.4 * 72)  # points
    xs, ys = [p[0] for p in positions.values()], [p[1] for p in positions.values()]

    def limits(low: float, high: float, before: float, after: float, room: float) -> tuple[float, float]:
        """[low, high] widened by ``before`` and ``after`` points, in a span of ``room`` points."""
        if high - low < 1e-9:  # one node, or all in a row: centred
            return low - 1, high + 1
        margin = min(before + after + 2 * radius, room * 0.8)
        span = (high - low) * room / (room - margin)
        unit = span / room  # data units per point
        return low - (before + radius) * unit, high + (after + radius) * unit

    half = min(label_width / 2, width / 3)
    axes.set_xlim(*limits(min(xs), max(xs), half, half, width))
    axes.set_ylim(*limits(min(ys), max(ys), 2 * LABEL_SIZE + 4, 0, height))


def _layout(graph: nx.Graph) -> dict[str, Any]:
    """Kamada-Kawai with unconnected groups one step beyond the longest path, so parts stay close together;
    spring layout (fixed seed) for big maps. Nodes are name-sorted, so the picture never depends on row order."""
    if len(graph) > KAMADA_KAWAI_LIMIT:
        return nx.spring_layout(graph, seed=7)
    lengths = dict(nx.shortest_path_length(graph))
    far = max((d for row in lengths.values() for d in row.values()), default=0) + 1
    return nx.kamada_kawai_layout(graph, dist={u: {v: lengths[u].get(v, far) for v in graph} for u in graph})


def _chart_font() -> FontProperties:
    import matplotlib
    from matplotlib import font_manager

    font = font_manager.FontProperties(family=FONT)
    try:
        font_manager.findfont(font, fallback_to_default=False)
    except ValueError:
        raise WenpingError.of(ErrorCode.REPORT_CHART_FONT, font=FONT, packages="fonts-noto-cjk",
                              cache=matplotlib.get_cachedir()) from None
    return font


def figure_png(figure: Figure) -> bytes:
    """A report picture as a palette PNG: opaque (an alpha channel becomes a soft mask in the PDF), and
    64 colours are plenty for flat fills and their antialiased edges, at a third of the size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return png_bytes(canvas_image(canvas).quantize(colors=64, method=Image.Quantize.FASTOCTREE))


def canvas_image(canvas) -> Image.Image:
    """What an Agg canvas holds, as an opaque RGB image."""
    from PIL import Image

    return Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).convert("RGB")


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))
    return buffer.getvalue()
