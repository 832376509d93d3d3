"""Model speed: training on 50,000 records; one opinion per assessment; a batch of 10,000 predictions.

Run: .venv/bin/python bench/model.py [--records 50000] [--runs 3]
An opinion is timed with a stand-in for the Assessment (only its measures and its level before measures
are read), so the figure is the model's own cost on top of scoring (see bench/score.py for that).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from assessment.loader import DEFAULT_RULES
from assessment.model.advisor import load_advisor
from assessment.model.estimator import predict
from assessment.model.explanation import contributions
from assessment.model.features import feature_frame
from assessment.model.persistence import save
from assessment.model.simulator import simulate
from assessment.model.training import reference_records, train

SEED = 20261125


def timed(action, runs: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds over `runs`, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f}")

    wall, cpu, records = timed(lambda: reference_records(args.records, SEED), args.runs)
    print(f"simulate {args.records} records: {wall:.2f} s wall, {cpu:.2f} s CPU")
    wall, cpu, frame = timed(lambda: feature_frame(r.source for r in records), args.runs)
    print(f"features of {args.records} records: {wall:.2f} s wall, {cpu:.2f} s CPU")
    wall, cpu, trained = timed(lambda: train(records, seed=SEED, created=date(2026, 11, 25)), args.runs)
    held = trained.card.held_out["reference"]
    print(f"train on {args.records} records (features, fit, held-out check): {wall:.2f} s wall, {cpu:.2f} s CPU;"
          f" held-out AUC {held.auc:.3f}, Brier {held.brier:.4f} (base rate {held.base_rate_brier:.4f})")

    folder = Path(tempfile.mkdtemp(prefix="wenping-bench-models-"))
    manifest = save(trained.pipeline, trained.card, folder)
    print(f"model file: {(folder / manifest.file).stat().st_size / 1024:.0f} KiB")
    wall, _, advisor = timed(lambda: load_advisor(folder, DEFAULT_RULES), args.runs)
    print(f"load with checks (sha256, trusted types, policy): {wall * 1000:.1f} ms")

    probe = simulate(10_000, SEED + 1)
    stand_in = SimpleNamespace(measures=(), before=SimpleNamespace(level="medium"))
    singles = [probe[i].source for i in range(200)]
    wall, _, _ = timed(lambda: [advisor.opinion(s.kind, s.values, stand_in) for s in singles], args.runs)
    print(f"one opinion (probability, level, 5 reasons, flag): {wall / len(singles) * 1000:.2f} ms")

    sources = [r.source for r in probe]
    wall, cpu, _ = timed(lambda: advisor.probabilities(sources), args.runs)
    print(f"batch of 10000 probabilities (features + predict_proba): {wall:.3f} s wall, {cpu:.3f} s CPU")
    batch = feature_frame(sources)
    wall, _, _ = timed(lambda: predict(advisor.model.pipeline, batch), args.runs)
    print(f"  of which predict_proba on ready features: {wall * 1000:.1f} ms")
    wall, _, _ = timed(lambda: contributions(advisor.model.pipeline, batch), args.runs)
    print(f"batch of 10000 contributions (all reasons): {wall * 1000:.1f} ms")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
