"""The whole report: DOCX time, PDF cold and cached, against a plain LibreOffice conversion as the floor.

    .venv/bin/python bench/report.py [--runs 5]

The document is the report of the land-expropriation example. Targets (issue 3): DOCX ≤ 0.3 s; PDF ≤ 1.2 ×
the plain conversion; cached ≤ 50 ms. "cached" is timed twice: docx_to_pdf given the same DOCX bytes, and
the export a download goes through (report_bytes with a cache folder), which skips the DOCX as well.
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from assessment.answer_files import read_answer_file
from assessment.domain.scoring import assess
from assessment.loader import load_ruleset
from assessment.report import charts
from assessment.report.context import build_context, stakeholder_graph
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


@functools.cache
def drawn_chart() -> bytes:
    return charts.risk_matrix_png([], [], lang="zh", degrees=[charts.Degree("x", "x", "#ffffff")],
                                  degree_of=lambda p, c: "x")


def with_charts_drawn(action: Callable[[], object]) -> object:
    """``action`` with every chart answered by a picture drawn before: what the template fill costs alone."""
    png, graph = drawn_chart(), stakeholder_graph()
    saved = charts.risk_matrix_png, getattr(graph, "stakeholder_png", None)
    charts.risk_matrix_png = lambda *a, **k: png
    if graph:
        graph.stakeholder_png = lambda *a, **k: png
    try:
        return action()
    finally:
        charts.risk_matrix_png = saved[0]
        if graph:
            graph.stakeholder_png = saved[1]


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
    print(line("context (build_context)", wall(lambda: build_context(assessment, ruleset), runs)))
    print(line("one risk-matrix chart (charts.py)", wall(lambda: charts.risk_matrix_png(
        matrix["before"], [], lang="zh", degrees=degrees,
        degree_of=lambda p, c: matrix["grid"][p - 1][c - 1]), runs)))
    if stakeholder_graph() and groups:
        print(line("stakeholder map (graph.py)", wall(lambda: stakeholder_graph().stakeholder_png(
            (groups["groups"], groups["relations"]), lang="zh"), runs)))
    print(line("DOCX: context + charts + template", wall(
        lambda: render_docx(build_context(assessment, ruleset), "zh"), runs)))
    print(line("DOCX: the same with the charts drawn already", wall(
        lambda: with_charts_drawn(lambda: render_docx(build_context(assessment, ruleset), "zh")), runs)))

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
