"""Storage bench: the review queue and the dashboard over 100,000 submissions, on SQLite and PostgreSQL.

    .venv/bin/python bench/storage.py                       # both back ends, 100,000 submissions
    .venv/bin/python bench/storage.py --backend sqlite --n 20000
    .venv/bin/python bench/storage.py --postgres-url postgresql+psycopg://…   # an existing, EMPTY database

The data is written with bulk inserts (the services would take hours for 100,000), into the schema
that `wenping db upgrade` makes: 241 units (a city, 10 districts, 50 towns, 180 departments), users,
and one matter with one revision per submission, whose answers and result are the real documents of
the example answer files (about 36 KB a submission). The timings go through the services, with a
reviewer's permission scope, exactly as a page would call them. Targets: a filtered page of 50 in the
review queue ≤ 200 ms; the dashboard aggregates (level, kind, unit, month, state) ≤ 1 s.
"""

from __future__ import annotations

import argparse
import glob
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402

from assessment.answer_files import read_answer_file  # noqa: E402
from assessment.services import admin, dashboard, review  # noqa: E402
from assessment.services._common import local_month  # noqa: E402
from assessment.services.auth import hash_password  # noqa: E402
from assessment.services.scoring import RulesScorer  # noqa: E402
from assessment.services.submissions import jsonable  # noqa: E402
from assessment.storage.migrate import upgrade  # noqa: E402
from assessment.storage.repositories import QueueFilter  # noqa: E402
from assessment.storage.tables import Matter, Revision, User  # noqa: E402
from assessment.storage.uow import Database  # noqa: E402

STATES = (["draft"] * 10 + ["submitted"] * 15 + ["in_review"] * 10 + ["returned"] * 5 + ["approved"] * 60)
LEVELS = ["low"] * 5 + ["medium"] * 4 + ["high"] * 1
NOW = datetime(2026, 11, 25, 8, 0)


def documents() -> list[tuple[str, dict, list, dict]]:
    """(kind, answers, measures, result) of every example file, scored by the real core."""
    scorer = RulesScorer()
    docs = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        doc = read_answer_file(path)
        answers, measures = jsonable(doc.answers), jsonable(doc.measures)
        docs.append((doc.kind, answers, measures, scorer.score(doc.kind, answers, measures, NOW).result))
    return docs


def build_units(database: Database) -> dict[str, list[int]]:
    """The tree through the service (so paths are right); returns unit ids by kind."""
    from assessment.services.permissions import SYSTEM

    add = lambda code, name, kind, parent=None: admin.add_unit(  # noqa: E731
        database.uow(), SYSTEM, code=code, name=name, kind=kind, parent_code=parent)
    ids: dict[str, list[int]] = {"city": [], "district": [], "town": [], "department": []}
    ids["city"].append(add("C", "市", "city").id)
    for d in range(10):
        dc = f"C-D{d}"
        ids["district"].append(add(dc, f"区{d}", "district", "C").id)
        for k in range(8):
            ids["department"].append(add(f"{dc}-DEP{k}", f"区{d}部门{k}", "department", dc).id)
        for t in range(5):
            tc = f"{dc}-T{t}"
            ids["town"].append(add(tc, f"区{d}街道{t}", "town", dc).id)
            for k in range(2):
                ids["department"].append(add(f"{tc}-DEP{k}", f"区{d}街道{t}部门{k}", "department", tc).id)
    return ids


def seed(database: Database, n: int, docs, batch: int = 1000) -> float:
    started = time.perf_counter()
    ids = build_units(database)
    pw = hash_password("bench-password-1")
    with database.engine.begin() as conn:
        conn.execute(insert(User), [
            {"username": "bench_admin", "display_name": "admin", "role": "admin", "unit_id": None, "password_hash": pw,
             "failed_logins": 0, "disabled": False, "created_at": NOW},
            {"username": "bench_city", "display_name": "city", "role": "reviewer", "unit_id": ids["city"][0],
             "password_hash": pw, "failed_logins": 0, "disabled": False, "created_at": NOW},
            {"username": "bench_district", "display_name": "district", "role": "reviewer", "unit_id": ids["district"][0],
             "password_hash": pw, "failed_logins": 0, "disabled": False, "created_at": NOW}])
        user_id = conn.execute(select(User.id).where(User.username == "bench_admin")).scalar_one()
    rng = random.Random(20261125)
    next_id = 1
    for start in range(0, n, batch):
        matters, revisions = [], []
        for i in range(start, min(n, start + batch)):
            kind, answers, measures, result = docs[i % len(docs)]
            state = rng.choice(STATES)
            created = NOW - timedelta(minutes=rng.randrange(60 * 24 * 730))
            submitted = None if state == "draft" else created + timedelta(days=rng.randrange(1, 20))
            level = None if state == "draft" else rng.choice(LEVELS)
            matters.append({"id": next_id, "unit_id": rng.choice(ids["department"]), "kind": kind,
                            "title": f"事项 {i}", "state": state, "level": level,
                            "decision": "proceed" if state == "approved" else None, "current_revision": 1,
                            "created_by": user_id, "created_at": created, "updated_at": submitted or created,
                            "submitted_at": submitted, "submitted_month": local_month(submitted) if submitted else None,
                            "decided_at": submitted if state == "approved" else None, "version": 3})
            revisions.append({"matter_id": next_id, "number": 1, "state": state, "answers": answers,
                              "measures": measures, "result": None if state == "draft" else result,
                              "ruleset_id": result["ruleset"]["id"], "ruleset_version": result["ruleset"]["version"],
                              "ruleset_hash": result["ruleset"]["content_hash"], "model_version": None,
                              "level_before": level, "level_after": level, "index_after": 0.3,
                              "content_hash": None if state == "draft" else "0" * 64, "created_by": user_id,
                              "created_at": created, "updated_at": submitted or created,
                              "submitted_by": None if state == "draft" else user_id, "submitted_at": submitted,
                              "version": 1})
            next_id += 1
        with database.engine.begin() as conn:
            conn.execute(insert(Matter), matters)
            conn.execute(insert(Revision), revisions)
        if (start // batch) % 10 == 0:
            print(f"  … {start + len(matters):,} written ({time.perf_counter() - started:.0f} s)", flush=True)
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


def timed(fn, runs: int) -> tuple[float, float, float]:
    """(first, median, p95) in ms."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    ordered = sorted(times[1:]) or times
    return times[0], statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def measure(database: Database, runs: int) -> list[tuple[str, tuple[float, float, float]]]:
    who = lambda name: admin.principal_for(database.uow(read_only=True), name)  # noqa: E731
    city, district, boss = who("bench_city"), who("bench_district"), who("bench_admin")
    page = lambda actor, flt, offset=0: review.queue(database.uow(read_only=True), actor, flt, limit=50, offset=offset)  # noqa: E731
    board = lambda actor: dashboard.dashboard(database.uow(read_only=True), actor)  # noqa: E731
    results = [
        ("queue, city reviewer, no filter, page 1", timed(lambda: page(city, QueueFilter()), runs)),
        ("queue, city reviewer, level=high + kind, page 1", timed(
            lambda: page(city, QueueFilter(levels=("high",), kinds=("land_expropriation",))), runs)),
        ("queue, city reviewer, level=high, page 20", timed(lambda: page(city, QueueFilter(levels=("high",)), 950), runs)),
        ("queue, district reviewer, level=medium, page 1", timed(lambda: page(district, QueueFilter(levels=("medium",))), runs)),
        ("queue, district reviewer, last 90 days, page 1", timed(
            lambda: page(district, QueueFilter(submitted_from=NOW - timedelta(days=90))), runs)),
        ("dashboard, city reviewer (all units)", timed(lambda: board(city), runs)),
        ("dashboard, district reviewer", timed(lambda: board(district), runs)),
        ("dashboard, admin", timed(lambda: board(boss), runs)),
    ]
    total = review.queue(database.uow(read_only=True), city, QueueFilter(), limit=1).total
    print(f"  (city queue holds {total:,} pending submissions)")
    return results


@contextmanager
def temporary_postgres():
    """A throw-away PostgreSQL cluster (default settings, durable) on a free port, as in tests/conftest.py."""
    import socket

    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not bins:
        raise SystemExit("PostgreSQL not installed (apt-get install postgresql) and no --postgres-url given")
    bin_dir = Path(bins[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="wenping-bench-pg-"))
    as_pg = (lambda argv: ["runuser", "-u", "postgres", "--", *argv]) if os.geteuid() == 0 else (lambda argv: argv)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = root / "data"
    try:
        subprocess.run(as_pg([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                              "--locale=C.UTF-8"]), check=True, capture_output=True)
        subprocess.run(as_pg([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o",
                              f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c shared_buffers=256MB", "start"]),
                       check=True, capture_output=True)
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_pg([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


def run_backend(name: str, url: str, n: int, runs: int, docs) -> None:
    database = Database(url)
    upgrade(database.engine)
    print(f"{name}: seeding {n:,} submissions …", flush=True)
    seconds = seed(database, n, docs)
    size = ""
    if name == "sqlite":
        size = f", file {Path(database.engine.url.database).stat().st_size / 2**30:.2f} GiB"
    else:
        with database.engine.connect() as conn:
            size = f", database {conn.execute(text('SELECT pg_database_size(current_database())')).scalar() / 2**30:.2f} GiB"
    print(f"{name}: seeded in {seconds:.0f} s{size}")
    print(f"| {name} | first | median | p95 |  (ms, {runs} runs)\n|---|---|---|---|")
    for label, (first, median, p95) in measure(database, runs):
        print(f"| {label} | {first:.1f} | {median:.1f} | {p95:.1f} |", flush=True)
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", help="an existing EMPTY database (default: start a temporary cluster)")
    args = parser.parse_args()
    print(f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.1f}, {datetime.now():%Y-%m-%d %H:%M}")
    docs = documents()
    if args.backend in ("sqlite", "both"):
        folder = Path(tempfile.mkdtemp(prefix="wenping-bench-"))
        try:
            run_backend("sqlite", f"sqlite:///{folder / 'bench.db'}", args.n, args.runs, docs)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if args.backend in ("postgresql", "both"):
        if args.postgres_url:
            run_backend("postgresql", args.postgres_url, args.n, args.runs, docs)
        else:
            with temporary_postgres() as url:
                run_backend("postgresql", url, args.n, args.runs, docs)


if __name__ == "__main__":
    main()
