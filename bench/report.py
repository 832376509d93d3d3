"""The whole report: DOCX time, PDF cold and cached, against a plain LibreOffice conversion as the floor.

    .venv/bin/python bench/report.py [--runs 5]

The document is the report of the land-expropriation example. Targets (issue 3): DOCX ≤ 0.3 s; PDF ≤ 1.2 ×
the plain conversion; cached ≤ 50 ms. "cached" is timed twice: docx_to_pdf given the same DOCX bytes, and
the export a download goes through (report_bytes with a cache folder), which skips the DOCX as well.

The risk matrix's grid is drawn once per process and the stakeholder map once per process and matter,
so the DOCX is timed three ways: the first of a fresh process (everything drawn, fonts and libraries
loaded: a new `wenping report`), a later one for another matter (the map drawn again), and the same
matter again (a second format or language, a reviewer's note).
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assessment.answer_files import read_answer_file
from assessment.domain.scoring import assess
from assessment.loader import load_ruleset
from assessment.report import charts
from assessment.report import docx as docx_module
from assessment import graph
from assessment.report.context import build_context
from assessment.report.docx import render_docx
from assessment.report.export import report_bytes
from assessment.report.pdf import docx_to_pdf
from report_pdf import EXAMPLE, machine, plain_soffice, timed


def wall(action: Callable[[], object], runs: int) -> list[float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


FIRST_DOCX = """
import time
start = time.perf_counter()
from assessment.answer_files import read_answer_file
from assessment.domain.scoring import assess
from assessment.loader import load_ruleset
from assessment.report.context import build_context
from assessment.report.docx import render_docx
ruleset = load_ruleset()
doc = read_answer_file({example!r})
assessment = assess(ruleset, doc.kind, doc.answers, doc.measures, assessed_at=doc.assessed_at)
ready = time.perf_counter()
render_docx(build_context(assessment, ruleset), "zh")
print(ready - start, time.perf_counter() - ready)
"""


def first_docx(runs: int) -> tuple[list[float], list[float]]:
    """Seconds to import and score, and seconds for the first DOCX, each in a fresh Python process."""
    ready, first = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", FIRST_DOCX.format(example=str(EXAMPLE))], capture_output=True,
                             text=True, check=True).stdout.split()
        ready.append(float(out[0]))
        first.append(float(out[1]))
    return ready, first


@functools.cache
def drawn_chart() -> bytes:
    return charts.risk_matrix_png([], after=False, lang="zh", degrees=[charts.Degree("x", "x", "#ffffff")],
                                  degree_of=lambda p, c: "x", scales=(("1", "2", "3", "4", "5"),) * 2)


def with_charts_drawn(action: Callable[[], object]) -> object:
    """``action`` with every chart answered by a picture drawn before: what the template fill costs alone."""
    png = drawn_chart()
    saved = charts.risk_matrix_png, docx_module._stakeholder_png
    charts.risk_matrix_png = lambda *a, **k: png
    docx_module._stakeholder_png = lambda *a, **k: png
    try:
        return action()
    finally:
        charts.risk_matrix_png, docx_module._stakeholder_png = saved


def new_matter(action: Callable[[], object]) -> Callable[[], object]:
    """``action`` as if for a matter not seen before in this process: its stakeholder map not drawn yet."""
    def run() -> object:
        docx_module._stakeholder_png.cache_clear()
        return action()
    return run


def line(name: str, seconds: list[float]) -> str:
    return (f"{name:44s} median {statistics.median(seconds) * 1000:8.1f} ms "
            f"(min {min(seconds) * 1000:.1f}, max {max(seconds) * 1000:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    ruleset = load_ruleset()
    doc = read_answer_file(EXAMPLE)
    assessment = assess(ruleset, doc.kind, doc.answers, doc.measures, assessed_at=doc.assessed_at)
    context = build_context(assessment, ruleset)
    render_docx(context, "zh")  # imports, font lookups and the template read once, as in a running app
    matrix = context["charts"]["risk_matrix"]
    degrees = [charts.Degree(d["id"], d["name"], d["colour"]) for d in matrix["degrees"]]
    groups = context["charts"]["stakeholders"]

    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.1f}")
    print(f"document: {EXAMPLE.name}, {len(assessment.factors)} factors, {len(assessment.measures)} measures")
    ready, first = first_docx(runs)
    print(line("fresh process: imports, rule set, scoring", ready))
    print(line("DOCX: the first of a fresh process", first))
    print(line("context (build_context)", wall(lambda: build_context(assessment, ruleset), runs)))

    def matrix_png() -> bytes:
        return charts.risk_matrix_png(matrix["before"], after=False, lang="zh", degrees=degrees,
                                      degree_of=lambda p, c: matrix["grid"][p - 1][c - 1],
                                      scales=(tuple(matrix["probability_labels"]), tuple(matrix["impact_labels"])))

    def first_matrix_png() -> bytes:
        charts._background.cache_clear()
        return matrix_png()

    print(line("one risk matrix, grid drawn too (first of a process)", wall(first_matrix_png, runs)))
    print(line("one risk matrix, markers on the drawn grid", wall(matrix_png, runs)))
    if groups:
        print(line("stakeholder map (graph.py)", wall(lambda: graph.stakeholder_png(
            (groups["groups"], groups["relations"]), lang="zh"), runs)))
    docx = lambda: render_docx(build_context(assessment, ruleset), "zh")  # noqa: E731
    print(line("DOCX: another matter (its map drawn)", wall(new_matter(docx), runs)))
    print(line("DOCX: the same matter again (map drawn before)", wall(docx, runs)))
    print(line("DOCX: template fill and save alone", wall(lambda: with_charts_drawn(docx), runs)))

    docx = render_docx(context, "zh")
    cache = Path(tempfile.mkdtemp(prefix="wenping-bench-"))
    try:
        docx_to_pdf(docx, cache_dir=cache / "pdf")
        report_bytes(assessment, ruleset, fmt="pdf", cache_dir=cache)
        rows = timed({
            "PDF: soffice --convert-to pdf (floor)": lambda: plain_soffice(docx),
            "PDF: docx_to_pdf, cold": lambda: docx_to_pdf(docx),
        }, runs)
        for name, (seconds, _) in rows.items():
            print(line(name, seconds))
        floor, cold = (statistics.median(rows[n][0]) for n in rows)
        print(f"{'PDF cold / floor':44s} {cold / floor:.2f}")
        print(line("PDF: docx_to_pdf, cached (same DOCX)", wall(lambda: docx_to_pdf(docx, cache_dir=cache / "pdf"), runs)))
        print(line("PDF: report_bytes, cached (a 2nd download)", wall(
            lambda: report_bytes(assessment, ruleset, fmt="pdf", cache_dir=cache), runs)))
    finally:
        shutil.rmtree(cache)


if __name__ == "__main__":
    main()
