"""Report PDF timings: plain LibreOffice (the floor) vs docx_to_pdf cold and cached.

    .venv/bin/python bench/report_pdf.py [--runs 5]

The DOCX is the report of the land-expropriation example (about 40 pages, 20 tables, three charts).
Every cold run, plain or ours, starts LibreOffice with a fresh profile. bench/report.py times the whole
report (DOCX and PDF, cold and cached) on the same document.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assessment.answer_files import read_answer_file
from assessment.domain.scoring import assess
from assessment.loader import load_ruleset
from assessment.report.context import build_context
from assessment.report.docx import render_docx
from assessment.report.pdf import docx_to_pdf

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "land_expropriation.yaml"


def sample_docx() -> bytes:
    """The report of the land-expropriation example, as `wenping report` writes it."""
    ruleset = load_ruleset()
    doc = read_answer_file(EXAMPLE)
    assessment = assess(ruleset, doc.kind, doc.answers, doc.measures, assessed_at=doc.assessed_at)
    return render_docx(build_context(assessment, ruleset), "zh")


def plain_soffice(docx: bytes) -> None:
    with tempfile.TemporaryDirectory() as work:
        source = Path(work, "report.docx")
        source.write_bytes(docx)
        subprocess.run(["soffice", f"-env:UserInstallation={Path(work, 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", work, str(source)], check=True, capture_output=True)


def timed(actions: dict[str, Callable[[], object]], runs: int) -> dict[str, tuple[list[float], list[float]]]:
    """Wall and LibreOffice CPU seconds per run of each action. The actions take turns, so a change in
    machine load hits all alike; CPU time (user + system of the finished child processes) hardly
    depends on the load at all."""
    seconds: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            wall, cpu = time.perf_counter(), _children_cpu()
            action()
            seconds[name][0].append(time.perf_counter() - wall)
            seconds[name][1].append(_children_cpu() - cpu)
    return seconds


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    version = subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} CPUs, {model}; {version}; {datetime.date.today()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    load_before = f"{os.getloadavg()[0]:.1f}"
    docx = sample_docx()
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", docx_to_pdf(docx)))
    cache = Path(tempfile.mkdtemp(prefix="wenping-bench-"))
    try:
        docx_to_pdf(docx, cache_dir=cache)  # prime the cache
        rows = timed({
            "soffice --convert-to pdf (floor)": lambda: plain_soffice(docx),
            "docx_to_pdf, cold": lambda: docx_to_pdf(docx),
            "docx_to_pdf, cached": lambda: docx_to_pdf(docx, cache_dir=cache),
        }, runs)
    finally:
        shutil.rmtree(cache)
    print(f"machine: {machine()}")
    print(f"load average before: {load_before}; after: {os.getloadavg()[0]:.1f}")
    print(f"document: {len(docx) // 1024} KB DOCX, {pages} pages; median of {runs} runs")
    for name, (wall, cpu) in rows.items():
        print(f"{name:34s} wall median {statistics.median(wall) * 1000:7.1f} ms "
              f"(min {min(wall) * 1000:.1f}, max {max(wall) * 1000:.1f}); "
              f"LibreOffice CPU median {statistics.median(cpu) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
