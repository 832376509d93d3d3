"""Report PDF timings: plain LibreOffice (the floor) vs docx_to_pdf cold and cached.

    .venv/bin/python bench/report_pdf.py [--runs 5]

The DOCX is the committed template filled with sample Chinese text (about ten pages, a table and the
risk-matrix chart). Every cold run, plain or ours, starts LibreOffice with a fresh profile.
"""

from __future__ import annotations

import argparse
import datetime
import io
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

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from assessment.report.charts import WIDTH_MM, Degree, risk_matrix_png
from assessment.report.pdf import docx_to_pdf
from assessment.report.templates.build_template import TEMPLATE

PARAGRAPH = ("本项目涉及征收国有土地上房屋一千余户，群众改造意愿总体较强，但对补偿标准、安置方式和过渡期限存在不同诉求，"
             "须在决策前全面查找风险点，逐项制定防范化解措施，明确责任单位、包案领导和完成时限。")
DEGREES = [Degree("minor", "较小", "#b5d77f"), Degree("moderate", "一般", "#ffeb84"), Degree("major", "重大", "#f8696b")]


def sample_docx() -> bytes:
    template = DocxTemplate(TEMPLATE)
    chart = risk_matrix_png(
        [(f"F{i}", p, c) for i, (p, c) in enumerate([(4, 4), (3, 4), (5, 3), (2, 5)], 1)],
        [(f"F{i}", p, c) for i, (p, c) in enumerate([(2, 3), (2, 2), (3, 2), (1, 4)], 1)],
        lang="zh", degrees=DEGREES,
        degree_of=lambda p, c: "major" if p * c >= 12 else "moderate" if p * c >= 5 else "minor",
    )
    factor = {"id": "F1", "name": "补偿标准低于当地基准", "probability": "较高", "impact": "较大", "degree": "重大"}
    template.render({
        "cover": {"title": "某市老城片区改造项目社会稳定风险评估报告", "unit": "某市住房和城乡建设局",
                  "date": "2026年11月25日"},
        "overview": [PARAGRAPH * 2] * 40,
        "factors": [factor] * 20,
        "charts": {"risk_matrix": InlineImage(template, io.BytesIO(chart), width=Mm(WIDTH_MM))},
        "attachments": "1. 利益相关者关系图",
    }, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


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
