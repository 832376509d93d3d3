"""Graph speed: a 500-group stakeholder analysis and propagation over a 200-factor risk-link graph.

Target: ≤ 100 ms each. The stakeholder graph is random but shaped like a real map: most relations
carry messages, about a third of the groups oppose, and a few groups are hubs. networkx's own
betweenness on the same graph is timed once as the floor the vectorised one is measured against.
Run: .venv/bin/python bench/graph.py [runs]
"""

from __future__ import annotations

import random
import statistics
import sys
import time

import networkx as nx

from assessment.domain.i18n_text import I18nText
from assessment.graph import RiskLink, propagate, stakeholder_analysis, stakeholder_dot

SCALE = [0.2, 0.4, 0.6, 0.8, 1.0]


def stakeholder_tables(groups: int = 500, relations: int = 1500, seed: int = 7) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    names = [f"群体{i:03d}" for i in range(groups)]
    hubs = names[:20]  # committees, media and government units that many groups deal with
    rows = [{"group": n, "kind": "other", "size": int(rng.lognormvariate(4, 1.5)),
             "stance": rng.choices(["support", "neutral", "oppose"], [3, 4, 3])[0],
             "intensity": rng.choice(["low", "medium", "high"]), "influence": rng.choice(["low", "medium", "high"]),
             "demands": "补偿"} for n in names]
    links = []
    for _ in range(relations):
        source = rng.choice(hubs) if rng.random() < 0.3 else rng.choice(names)
        links.append({"source": source, "target": rng.choice(names),
                      "relation": rng.choices(["ally", "conflict", "represents", "informs"], [4, 2, 1, 3])[0]})
    return rows, links


def risk_graph(factors: int = 200, links: int = 600, seed: int = 7) -> tuple[dict[str, int], tuple[RiskLink, ...]]:
    """Mostly forward links (a DAG, as in rules/risk_links.yaml) plus 5% backward ones that close cycles."""
    rng = random.Random(seed)
    ids = [f"f{i:03d}" for i in range(factors)]
    because = I18nText(zh="基准", en="bench")
    pairs = set()
    while len(pairs) < links:
        a, b = rng.sample(range(factors), 2)
        pairs.add((min(a, b), max(a, b)) if rng.random() < 0.95 else (max(a, b), min(a, b)))
    edges = tuple(RiskLink(source=ids[a], target=ids[b], weight=rng.choice([0.1, 0.2, 0.3, 0.4, 0.5]), because=because)
                  for a, b in sorted(pairs))
    return {f: rng.randint(1, 5) for f in ids}, edges


def timed(action, runs: int) -> tuple[float, float, float]:
    """Median, min and max wall milliseconds; one warm-up run first."""
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def main(runs: int = 20) -> None:
    rows, relations = stakeholder_tables()
    analysis = stakeholder_analysis(rows, relations)
    probabilities, links = risk_graph()
    graph = nx.Graph((r.source, r.target) for r in analysis.relations if r.relation != "conflict")
    cycles = sum(1 for c in nx.strongly_connected_components(nx.DiGraph((k.source, k.target) for k in links)) if len(c) > 1)
    print(f"stakeholders: {len(rows)} groups, {len(analysis.relations)} relations, {len(analysis.coalitions)} coalitions, "
          f"{len(analysis.brokers)} brokers; risk links: {len(probabilities)} factors, {len(links)} links, "
          f"{cycles} cycle(s), {len(propagate(probabilities, links, SCALE))} factors raised")
    for label, action, n in [
        ("stakeholder_analysis, 500 groups", lambda: stakeholder_analysis(rows, relations), runs),
        ("stakeholder_dot, 500 groups", lambda: stakeholder_dot(analysis, lang="zh"), runs),
        ("propagate, 200 factors", lambda: propagate(probabilities, links, SCALE), runs),
        ("floor: nx.betweenness_centrality alone", lambda: nx.betweenness_centrality(graph), 3),
    ]:
        median, low, high = timed(action, n)
        print(f"{label:42s} median {median:8.1f} ms  (min {low:.1f}, max {high:.1f}, {n} runs)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
