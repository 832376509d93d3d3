"""Scoring speed, per kind of matter and against a hand-written floor.

1. Every kind of the default rule set: answer sets generated from the kind's example (every answered question
   redrawn within its type, range and choices; the stakeholder and relation tables kept with redrawn stances,
   sizes and intensities, so the stakeholder metrics and the risk-link propagation run; the example's measures
   kept). A set that breaks a constraint has the offending answers put back to the example's, and is dropped
   if it still fails. Timed: `assess` (validate + score, the full explained result) and `score` alone, one call
   at a time; medians and 90th percentiles per kind.
2. The floor: a kind with only the common questionnaire, rules and floors (no risk links), timed beside the
   same rules, index, thresholds and floors written out as plain Python, which computes the level only. The
   script first checks on 300 sets that the floor gives the engine's level: when the common rules change, the
   floor must be written again.

Run: .venv/bin/python bench/score.py [SETS_PER_KIND] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import os
import platform
import pstats
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from assessment.answer_files import read_answer_file
from assessment.domain.answers import validate_answers
from assessment.domain.questionnaire import Question
from assessment.domain.ruleset import Kind, RuleSet
from assessment.domain.scoring import _identify, assess, check_inputs, score
from assessment.errors import WenpingError
from assessment.loader import DEFAULT_RULES, load_ruleset

DAY = datetime.date(2026, 11, 25)
EXAMPLES = DEFAULT_RULES.parent / "examples"
COMMON = ("ruleset.yaml", "matrix.yaml", "factors/common.yaml", "measures/common.yaml",
          "questionnaires/common.yaml", "scoring/common.yaml")
BENCH_KIND = """
id: bench
kind: bench
title: {zh: 基准测试事项, en: Bench matter}
sections: []
"""


# --- answer sets for every kind, drawn around its example


def _draw(question: Question, value: Any, kind: Kind, rng: random.Random) -> Any:
    """A new answer of the question's type near the example's `value` (None: leave it as it is)."""
    low = question.min if question.min is not None else 0
    if question.type in ("integer", "number", "money") and isinstance(value, (int, float)):
        drawn = value * rng.uniform(0.3, 2.0)
        high = question.max if question.max is not None else max(drawn, low)
        drawn = min(max(drawn, low), high)
        return round(drawn) if question.type == "integer" else round(drawn, 2)
    if question.type == "percent":
        return round(rng.uniform(low, question.max if question.max is not None else 1), 3)
    if question.type == "yes_no":
        return rng.random() < 0.5
    if question.type == "single_choice":
        return rng.choice(kind.choices_of(question)).name
    if question.type == "multiple_choice":
        choices = [c.name for c in kind.choices_of(question)]
        return rng.sample(choices, rng.randint(0, min(3, len(choices))))
    if question.type == "date" and isinstance(value, datetime.date):
        return value + datetime.timedelta(days=rng.randint(-60, 60))
    if question.type == "table" and isinstance(value, list):
        columns = {c.name: c for c in question.columns or []}
        return [{name: (_draw(columns[name], cell, kind, rng) if name in columns and columns[name].type != "text" else cell)
                 for name, cell in row.items()} for row in value]
    return None


def _generate(kind: Kind, example: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    answers = dict(example)
    for compiled in kind.questions:
        name = compiled.question.name
        if name in example and (drawn := _draw(compiled.question, example[name], kind, rng)) is not None:
            answers[name] = drawn
    return answers


def kind_answer_sets(ruleset: RuleSet, kind_id: str, n: int, seed: int) -> tuple[list[dict], list[dict], int]:
    """n valid answer sets for the kind, its example's measures, and how many draws it took."""
    example = read_answer_file(EXAMPLES / f"{kind_id}.yaml")
    kind, rng = ruleset.kind(kind_id), random.Random(seed)
    sets, draws = [], 0
    while len(sets) < n and draws < 20 * n:
        draws += 1
        answers = _generate(kind, example.answers, rng)
        for _ in range(3):  # put back what a problem names, and what its conditions read, as the example has it
            problems = validate_answers(kind, answers).problems
            for name in {n for p in problems for n in _involved(kind, p.where.id)} & example.answers.keys():
                answers[name] = example.answers[name]
        if not validate_answers(kind, answers).problems:
            sets.append(answers)
    return sets, example.measures, draws


def _involved(kind: Kind, name: str | None) -> set[str]:
    compiled = kind.question(name) if name else None
    if compiled is None:
        return set()
    conditions = (compiled.constraint, compiled.relevant, compiled.section_relevant, compiled.required)
    return {name}.union(*(c.names for c in conditions if c is not None))


# --- the floor: the common rules, the index, the level and the floors written out in Python

P = (0.2, 0.4, 0.6, 0.8, 1.0)


def hand_identify(a: dict, impact: dict[str, int]) -> dict[str, tuple[int, int]]:
    """factor → (P, C): what the engine's identification step computes from rules/scoring/common.yaml."""
    f: dict[str, tuple[int, int]] = {}

    def hit(factor: str, p: int, c: int | None = None) -> None:
        c = c or impact[factor]
        if factor not in f or p * c > f[factor][0] * f[factor][1]:
            f[factor] = (p, c)

    opp, hh, people = a["opposition_rate"], a["households_affected"], a["people_affected"]
    rate = a["survey_returned"] / a["survey_distributed"] if a["survey_distributed"] else None
    no_meeting = a["forums_held"] == 0 and not a["hearing_held"]
    if not a["has_authority"]:
        hit("no_authority", 5)
    if a["approvals_missing"]:
        hit("approvals_missing", min(5, 2 + len(a["approvals_missing"])))
    if not a["procedure_followed"]:
        hit("procedure_defective", 4)
    elif not a["expert_review"]:
        hit("procedure_defective", 2, 2)
    if not a["policy_consistent"]:
        hit("policy_inconsistency", 3)
    if a["survey_returned"] < min(30, hh) or (rate is not None and rate < 0.6) or no_meeting:
        hit("insufficient_consultation", 4 if no_meeting else 3)
    if a["public_notice_days"] < 10:
        hit("insufficient_disclosure", 4 if a["public_notice_days"] == 0 else 3)
    hit("public_opposition", 5 if opp > 0.5 else 4 if opp > 0.33 else 3 if opp >= 0.2 else 2 if opp >= 0.05 else 1,
        4 if opp > 0.33 or opp * people >= 500 else 3)
    if a["awareness_rate"] < 0.8:
        hit("low_awareness", 4 if a["awareness_rate"] < 0.5 else 3 if a["awareness_rate"] < 0.7 else 2)
    if not a["interest_balance"]:
        hit("interest_imbalance", 4)
    if not a["majority_interest"]:
        hit("interest_imbalance", 5, 4)
    if a["comparison_risk"] in ("medium", "high"):
        hit("comparison_grievance", 4 if a["comparison_risk"] == "high" else 3)
    if a["burden_increase"] in ("slight", "significant"):
        hit("burden_increase", 4 if a["burden_increase"] == "significant" else 2)
    if a["vulnerable_households"] > 0:
        supported = a["vulnerable_support"]
        hit("vulnerable_groups", 2 if supported else 4 if a["vulnerable_households"] >= 10 else 3, 3 if supported else 4)
    if a["funds_secured"] != "fully":
        hit("funding_shortfall", 4 if a["funds_secured"] == "not_yet" else 3)
    if a["sensitive_period"]:
        hit("timing_inappropriate", 3)
    if a["capacity"] != "bearable":
        unbearable = a["capacity"] == "unbearable"
        hit("capacity_exceeded", 4 if unbearable else 3, 4 if unbearable else 3)
    if a["legacy_disputes"] or a["petitions_12m"] >= 5:
        hit("petition_history", min(5, 2 + a["legacy_disputes"] + (a["petitions_12m"] >= 10) + (a["petitions_12m"] >= 30)))
    if hh >= 30 and a["collective_petitions_3y"] >= 1:
        hit("collective_petition", min(5, 2 + (a["collective_petitions_3y"] >= 3) + (opp >= 0.2) + (opp > 0.5)),
            4 if opp >= 0.2 and opp * hh >= 50 else 3)
    if a["mass_incidents_3y"] >= 1 or a["collective_petitions_3y"] >= 3:
        hit("mass_incident", min(5, 2 + min(a["mass_incidents_3y"], 2) + (a["collective_petitions_3y"] >= 3)))
    if a["extreme_individuals"] >= 1:
        hit("extreme_behaviour", 4 if a["extreme_individuals"] >= 10 else 3 if a["extreme_individuals"] >= 3 else 2)
    media, negative = a["media_attention"], a["negative_online"]
    if media in ("online_hot", "national") or negative:
        hit("negative_publicity", 5 if media == "national" and negative else 4 if negative or media == "national" else 3)
    if a["sensitive_period"] and media != "none":
        hit("sensitive_timing", 3)
    if a["emergency_plan"] in ("none", "drafting") or not a["response_team"]:
        hit("no_emergency_plan", 4 if a["emergency_plan"] == "none" else 3)
    if not a["grievance_channel"]:
        hit("weak_grievance_channel", 3)
    if not a["responsibility_assigned"]:
        hit("responsibility_unclear", 4)
    return f


def hand_written(a: dict, weights: dict, impact: dict, critical: set, grid: list) -> str:
    """The level before measures: identification, composite index, thresholds and the floors."""
    f = hand_identify(a, impact)
    opp = a["opposition_rate"]
    total = sum(weights[k] for k in f)
    index = round(sum(weights[k] * round(P[p - 1] * P[c - 1], 4) for k, (p, c) in f.items()) / total, 4)
    level = 2 if index >= 0.64 else 1 if index >= 0.36 else 0
    degrees = [grid[p - 1][c - 1] for p, c in f.values()]
    if "major" in degrees or critical & f.keys():
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


def common_answer_sets(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    sets = []
    for _ in range(n):
        households = rng.randint(0, 3000)
        support = rng.random()
        vulnerable = rng.randint(0, households // 10 + 1) if households else 0
        sets.append({
            "matter_name": "基准测试事项", "decision_body": "某区人民政府", "location": "某区", "matter_summary": "基准测试",
            "ndrc_project": rng.random() < 0.2, "assessing_body": "某区发展和改革局", "locality": "某街道",
            "households_affected": households, "people_affected": households * rng.randint(1, 4),
            "vulnerable_households": vulnerable, **({"vulnerable_support": rng.random() < 0.5} if vulnerable else {}),
            "has_authority": rng.random() < 0.97, "approvals_missing": rng.sample(["eia", "land_preapproval", "energy_review"], rng.randint(0, 2)),
            "procedure_followed": rng.random() < 0.85, "policy_consistent": rng.random() < 0.9,
            "majority_interest": rng.random() < 0.9, "interest_balance": rng.random() < 0.8,
            "comparison_risk": rng.choice(["low", "medium", "high"]), "burden_increase": rng.choice(["none", "slight", "significant"]),
            "funds_secured": rng.choice(["fully", "partly", "not_yet"]), "capacity": rng.choice(["bearable", "some_difficulty", "unbearable"]),
            "sensitive_period": rng.random() < 0.2, "survey_distributed": 200, "survey_returned": rng.randint(0, 200),
            "awareness_rate": rng.random(), "support_rate": support, "opposition_rate": rng.random() * (1 - support),
            "forums_held": rng.randint(0, 5), "hearing_held": rng.random() < 0.4, "public_notice_days": rng.randint(0, 40),
            "expert_review": rng.random() < 0.8, "petitions_12m": rng.randint(0, 40), "collective_petitions_3y": rng.randint(0, 4),
            "mass_incidents_3y": rng.randint(0, 2), "legacy_disputes": rng.random() < 0.3, "extreme_individuals": rng.randint(0, 12),
            "media_attention": rng.choice(["none", "local", "online_hot", "national"]), "negative_online": rng.random() < 0.3,
            "emergency_plan": rng.choice(["none", "drafting", "approved", "drilled"]), "response_team": rng.random() < 0.8,
            "grievance_channel": rng.random() < 0.8, "responsibility_assigned": rng.random() < 0.85,
        })
    return sets


def bench_ruleset() -> RuleSet:
    root = Path(tempfile.mkdtemp(prefix="wenping-bench-")) / "rules"
    for relative in COMMON:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEFAULT_RULES / relative, root / relative)
    (root / "questionnaires" / "bench.yaml").write_text(BENCH_KIND, encoding="utf-8")
    return load_ruleset(root)


# --- timing


def timed(fn, items) -> list[float]:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - start)
    return times


def ms(times: list[float], q: float = 0.5) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3


def per_kind(ruleset: RuleSet, n: int) -> None:
    print(f"{'kind':26} {'example':>7} {'sets':>5} {'kept':>5} {'factors':>7} {'raised':>6} {'assess p50':>10} {'p90':>6} "
          f"{'score p50':>9} {'per s':>6}")
    everything = []
    for seed, kind_id in enumerate(sorted(ruleset.kinds)):
        sets, measures, draws = kind_answer_sets(ruleset, kind_id, n, seed)
        kind = ruleset.kind(kind_id)
        example = read_answer_file(EXAMPLES / f"{kind_id}.yaml")
        as_written = timed(lambda _: assess(ruleset, kind_id, example.answers, example.measures, assessed_at=DAY), range(300))
        checked = [check_inputs(ruleset, kind_id, a, measures) for a in sets]
        results = [score(ruleset, kind, c.answers.values, c.measures, assessed_at=DAY) for c in checked[:200]]
        full = timed(lambda a: assess(ruleset, kind_id, a, measures, assessed_at=DAY), sets)
        engine = timed(lambda c: score(ruleset, kind, c.answers.values, c.measures, assessed_at=DAY), checked)
        everything += full
        factors = statistics.mean(len(r.factors) for r in results)
        raised = sum(any(f.raised_by for f in r.factors) for r in results) / len(results)
        print(f"{kind_id:26} {ms(as_written):7.2f} {len(sets):5} {len(sets) / draws:5.0%} {factors:7.1f} {raised:6.0%} {ms(full):10.2f} "
              f"{ms(full, 0.9):6.2f} {ms(engine):9.2f} {len(full) / sum(full):6.0f}")
    print(f"{'all kinds':26} {'':7} {len(everything):5} {'':5} {'':7} {'':6} {ms(everything):10.2f} {ms(everything, 0.9):6.2f}")


def floor(n: int) -> None:
    ruleset = bench_ruleset()
    kind = ruleset.kind("bench")
    weights = {k: f.weight for k, f in ruleset.factors.items()}
    impact = {k: f.impact for k, f in ruleset.factors.items()}
    critical = {k for k, f in ruleset.factors.items() if f.critical}
    grid = ruleset.matrix.grid
    sets = common_answer_sets(n)
    for answers in sets[:300]:  # the floor must agree with the engine, or it is no floor
        engine = assess(ruleset, "bench", answers, [], assessed_at=DAY).before.level
        assert hand_written(answers, weights, impact, critical, grid) == engine, "the floor no longer matches rules/scoring/common.yaml"
    validated = [validate_answers(kind, a).values for a in sets]
    full = timed(lambda a: assess(ruleset, "bench", a, [], assessed_at=DAY), sets)
    engine = timed(lambda v: score(ruleset, kind, v, [], assessed_at=DAY), validated)
    hand = timed(lambda a: hand_written(a, weights, impact, critical, grid), sets)
    identify = timed(lambda v: _identify(ruleset, kind, v), validated)
    identify_hand = timed(lambda a: hand_identify(a, impact), sets)
    print(f"\ncommon part only: {n} sets, {len(kind.rules)} rules, {len(kind.floors)} floors, {len(kind.questions)} questions")
    print(f"assess (validate + score):  median {ms(full):.3f} ms, {n / sum(full):,.0f}/s")
    print(f"score only:                 median {ms(engine):.3f} ms, {n / sum(engine):,.0f}/s")
    print(f"hand-written floor (level): median {ms(hand):.4f} ms, {n / sum(hand):,.0f}/s")
    print(f"engine / floor (median):    assess {ms(full) / ms(hand):.0f}x, score {ms(engine) / ms(hand):.0f}x")
    print(f"rules only (identify):      engine {ms(identify):.4f} ms, hand-written {ms(identify_hand):.4f} ms, "
          f"{ms(identify) / ms(identify_hand):.1f}x")


def profile(ruleset: RuleSet) -> None:
    documents = [read_answer_file(p) for p in sorted(EXAMPLES.glob("*.yaml"))]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(100):
        for d in documents:
            assess(ruleset, d.kind, d.answers, d.measures, assessed_at=DAY)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="?", type=int, default=2000, help="answer sets per kind (the floor uses 5× as many)")
    parser.add_argument("--profile", action="store_true", help="profile assess() on the examples instead")
    args = parser.parse_args()
    ruleset = load_ruleset(DEFAULT_RULES)
    if args.profile:
        profile(ruleset)
        return
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"{datetime.date.today()}, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    per_kind(ruleset, args.sets)
    floor(5 * args.sets)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    try:
        main()
    except WenpingError as error:
        raise SystemExit(error.message("en")) from None
