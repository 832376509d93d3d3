"""Scoring speed: median time per assessment and throughput over 10,000 generated answer sets.

Beside the engine, the same rules hand-written as plain Python give the floor. The bench kind is the
common questionnaire with no rules of its own, so the engine and the floor apply exactly the common
rules and floors of the default rule set (the two stakeholder-graph rules never fire: no table is given). Run: .venv/bin/python bench/score.py [N]
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from assessment.domain.answers import validate_answers
from assessment.domain.scoring import _identify, assess, score
from assessment.loader import DEFAULT_RULES, load_ruleset

DAY = date(2026, 11, 25)
COMMON = ("ruleset.yaml", "matrix.yaml", "factors/common.yaml", "measures/common.yaml",
          "questionnaires/common.yaml", "scoring/common.yaml")
BENCH_KIND = """
id: bench
kind: bench
title: {zh: 基准测试事项, en: Bench matter}
sections: []
"""


def bench_ruleset():
    root = Path(tempfile.mkdtemp(prefix="wenping-bench-")) / "rules"
    for relative in COMMON:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEFAULT_RULES / relative, root / relative)
    (root / "questionnaires" / "bench.yaml").write_text(BENCH_KIND, encoding="utf-8")
    return load_ruleset(root)


def answer_sets(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    sets = []
    for _ in range(n):
        households = rng.randint(0, 3000)
        support = rng.random()
        sets.append({
            "matter_name": "基准测试事项", "decision_body": "某区人民政府", "location": "某区", "matter_summary": "基准测试",
            "ndrc_project": rng.random() < 0.2, "assessing_body": "某区发展和改革局", "locality": "某街道",
            "households_affected": households, "people_affected": households * rng.randint(1, 4),
            "vulnerable_households": rng.randint(0, households // 10 + 1) if households else 0,
            "vulnerable_support": rng.random() < 0.5,
            "has_authority": rng.random() < 0.97, "approvals_missing": rng.sample(["eia", "land_preapproval", "energy_review"], rng.randint(0, 2)),
            "procedure_followed": rng.random() < 0.85, "policy_consistent": rng.random() < 0.9,
            "majority_interest": rng.random() < 0.9, "interest_balance": rng.random() < 0.8,
            "comparison_risk": rng.choice(["low", "medium", "high"]), "burden_increase": rng.choice(["none", "slight", "significant"]),
            "funds_secured": rng.choice(["fully", "partly", "not_yet"]), "capacity": rng.choice(["bearable", "some_difficulty", "unbearable"]),
            "sensitive_period": rng.random() < 0.2, "survey_distributed": 200, "survey_returned": rng.randint(0, 200),
            "awareness_rate": rng.random(), "support_rate": support, "opposition_rate": rng.random() * (1 - support),
            "forums_held": rng.randint(0, 5), "hearing_held": rng.random() < 0.4, "public_notice_days": rng.randint(0, 40),
            "expert_review": rng.random() < 0.8, "petitions_12m": rng.randint(0, 40), "collective_petitions_3y": rng.randint(0, 4),
            "mass_incidents_3y": rng.randint(0, 2), "legacy_disputes": rng.random() < 0.3, "extreme_individuals": rng.randint(0, 4),
            "media_attention": rng.choice(["none", "local", "online_hot", "national"]), "negative_online": rng.random() < 0.3,
            "emergency_plan": rng.choice(["none", "drafting", "approved", "drilled"]), "response_team": rng.random() < 0.8,
            "grievance_channel": rng.random() < 0.8, "responsibility_assigned": rng.random() < 0.85,
        })
    return sets


# --- the floor: the common rules, the index, the level and the 6 floors written out in Python

P = (0.2, 0.4, 0.6, 0.8, 1.0)


def hand_identify(a: dict) -> dict[str, tuple[int, int]]:
    """factor → (P, C): what the engine's identification step computes from the common rules."""
    f = {}

    def hit(factor, p, c):
        if factor not in f or p * c > f[factor][0] * f[factor][1]:
            f[factor] = (p, c)

    opp, hh = a["opposition_rate"], a["households_affected"]
    rate = a["survey_returned"] / a["survey_distributed"] if a["survey_distributed"] else None
    if not a["has_authority"]:
        hit("no_authority", 5, 5)
    if a["approvals_missing"]:
        hit("approvals_missing", min(5, 2 + len(a["approvals_missing"])), 4)
    if not a["procedure_followed"]:
        hit("procedure_defective", 4, 3)
    elif not a["expert_review"]:
        hit("procedure_defective", 2, 2)
    if not a["policy_consistent"]:
        hit("policy_inconsistency", 3, 3)
    if a["survey_returned"] < min(30, hh) or (rate is not None and rate < 0.6) or (a["forums_held"] == 0 and not a["hearing_held"]):
        hit("insufficient_consultation", 4 if a["forums_held"] == 0 and not a["hearing_held"] else 3, 3)
    if a["public_notice_days"] < 10:
        hit("insufficient_disclosure", 4 if a["public_notice_days"] == 0 else 3, 3)
    hit("public_opposition", 5 if opp > 0.5 else 4 if opp > 0.33 else 3 if opp >= 0.2 else 2 if opp >= 0.05 else 1,
        4 if a["people_affected"] >= 1000 else 3)
    if a["awareness_rate"] < 0.8:
        hit("low_awareness", 4 if a["awareness_rate"] < 0.5 else 3 if a["awareness_rate"] < 0.7 else 2, 2)
    if not a["interest_balance"]:
        hit("interest_imbalance", 4, 3)
    if not a["majority_interest"]:
        hit("interest_imbalance", 5, 4)
    if a["comparison_risk"] in ("medium", "high"):
        hit("comparison_grievance", 4 if a["comparison_risk"] == "high" else 3, 3)
    if a["burden_increase"] in ("slight", "significant"):
        hit("burden_increase", 4 if a["burden_increase"] == "significant" else 2, 3)
    if a["vulnerable_households"] > 0:
        hit("vulnerable_groups", 2 if a["vulnerable_support"] else 4 if a["vulnerable_households"] >= 10 else 3, 4)
    if a["funds_secured"] != "fully":
        hit("funding_shortfall", 4 if a["funds_secured"] == "not_yet" else 3, 4)
    if a["sensitive_period"]:
        hit("timing_inappropriate", 3, 3)
    if a["capacity"] != "bearable":
        hit("capacity_exceeded", 4 if a["capacity"] == "unbearable" else 3, 4)
    if a["legacy_disputes"] or a["petitions_12m"] >= 5:
        hit("petition_history", min(5, 2 + a["legacy_disputes"] + (a["petitions_12m"] >= 10) + (a["petitions_12m"] >= 30)), 3)
    if hh >= 30:
        hit("collective_petition", min(5, 1 + (opp >= 0.1) + (opp >= 0.3) + (a["collective_petitions_3y"] >= 1) + a["legacy_disputes"]),
            4 if hh >= 300 else 3)
    if a["mass_incidents_3y"] >= 1 or a["collective_petitions_3y"] >= 3:
        hit("mass_incident", min(5, 2 + min(a["mass_incidents_3y"], 2) + (a["collective_petitions_3y"] >= 3)), 5)
    if a["extreme_individuals"] >= 1:
        hit("extreme_behaviour", 4 if a["extreme_individuals"] >= 3 else 3, 5)
    if a["media_attention"] in ("online_hot", "national") or a["negative_online"]:
        national = a["media_attention"] == "national"
        hit("negative_publicity", 5 if national and a["negative_online"] else 4 if a["negative_online"] or national else 3, 4)
    if a["sensitive_period"] and a["media_attention"] != "none":
        hit("sensitive_timing", 3, 3)
    if a["emergency_plan"] in ("none", "drafting") or not a["response_team"]:
        hit("no_emergency_plan", 4 if a["emergency_plan"] == "none" else 3, 4)
    if not a["grievance_channel"]:
        hit("weak_grievance_channel", 3, 3)
    if not a["responsibility_assigned"]:
        hit("responsibility_unclear", 4, 3)
    return f


def hand_written(a: dict, weights: dict, grid: list) -> str:
    """The level before measures: identification, composite index, thresholds and the 4 floors."""
    f = hand_identify(a)
    opp = a["opposition_rate"]
    total = sum(weights[k] for k in f)
    index = sum(weights[k] * P[p - 1] * P[c - 1] for k, (p, c) in f.items()) / total
    level = 2 if index >= 0.64 else 1 if index >= 0.36 else 0
    degrees = [grid[p - 1][c - 1] for p, c in f.values()]
    if "major" in degrees or "no_authority" in f or "approvals_missing" in f:
        level = max(level, 1)
    if degrees.count("major") >= 2:
        level = 2
    if sum(d in ("significant", "major") for d in degrees) >= 3:
        level = max(level, 1)
    if opp > 0.5:
        level = 2
    elif opp >= 0.2:
        level = max(level, 1)
    return ("low", "medium", "high")[level]


def timed(fn, items) -> list[float]:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - start)
    return times


def main(n: int = 10_000) -> None:
    ruleset = bench_ruleset()
    kind = ruleset.kind("bench")
    weights = {k: f.weight for k, f in ruleset.factors.items()}
    sets = answer_sets(n)
    for answers in sets[:200]:  # the floor must agree with the engine, or it is no floor
        assert hand_written(answers, weights, ruleset.matrix.grid) == assess(ruleset, "bench", answers, [], assessed_at=DAY).before.level
    validated = [validate_answers(kind, a).values for a in sets]
    full = timed(lambda a: assess(ruleset, "bench", a, [], assessed_at=DAY), sets)
    engine = timed(lambda v: score(ruleset, kind, v, [], assessed_at=DAY), validated)
    floor = timed(lambda a: hand_written(a, weights, ruleset.matrix.grid), sets)
    identify = timed(lambda v: _identify(ruleset, kind, v), validated)
    identify_floor = timed(hand_identify, sets)
    median = statistics.median
    print(f"answer sets: {n} ({len(kind.rules)} common rules, {len(kind.floors)} floors, {len(kind.questions)} questions)")
    print(f"assess (validate + score): median {median(full) * 1e3:.3f} ms, {n / sum(full):,.0f} assessments/s")
    print(f"score only:                median {median(engine) * 1e3:.3f} ms, {n / sum(engine):,.0f} assessments/s")
    print(f"hand-written Python floor: median {median(floor) * 1e3:.4f} ms, {n / sum(floor):,.0f} assessments/s")
    print(f"engine / floor (median):   assess {median(full) / median(floor):.1f}x, score {median(engine) / median(floor):.1f}x")
    print(f"rules only (identify):     engine median {median(identify) * 1e3:.4f} ms, hand-written {median(identify_floor) * 1e3:.4f} ms,"
          f" {median(identify) / median(identify_floor):.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
