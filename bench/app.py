"""App timings, run by hand: `.venv/bin/python bench/app.py [--runs 20]`.

1. Server time of one rerun of the fill page on the largest questionnaire section (land expropriation,
   补偿安置方案, 18 questions), measured with Streamlit's AppTest in this process: a plain rerun (what any
   widget outside the form costs) and a section save (the form's callback saves and validates, then the
   page is drawn). Target: ≤ 150 ms.
2. In Debian's chromium against a real server: from the click on 提交审核 to the result page showing
   "已提交". Target: ≤ 1.5 s.

Both run on a fresh demo database in a temporary folder, without a learned model.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app_pages.questions import widget_key  # noqa: E402
from assessment.loader import load_ruleset  # noqa: E402
from assessment.services import admin, submissions  # noqa: E402
from assessment.services.permissions import SYSTEM  # noqa: E402
from assessment.storage.repositories import QueueFilter  # noqa: E402
from assessment.storage.uow import Database  # noqa: E402
from tests.e2e.driver import app_server, demo_database, launch, log_in, rerun  # noqa: E402

DEPARTMENT = "demo_jc_jb_zjj"
KIND, SECTION = "land_expropriation", "la_compensation"


def _draft(database: Database) -> int:
    page = submissions.list_matters(database.uow(), SYSTEM, QueueFilter(states=("draft",), kinds=(KIND,)))
    return page.items[0].id


def rerun_times(url: str, runs: int) -> tuple[list[float], list[float]]:
    from streamlit.testing.v1 import AppTest

    database = Database(url)
    who = admin.principal_for(database.uow(), DEPARTMENT)
    matter = _draft(database)
    size = len(next(s for s in load_ruleset().kind(KIND).sections if s.id == SECTION).questions)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["principal"] = who
    at.query_params["matter"] = str(matter)
    at.switch_page("app_pages/fill.py")
    at.run()
    at.button(key=f"section-{matter}-{SECTION}").click().run()
    plain, saves = [], []
    for n in range(runs + 1):
        started = time.perf_counter()
        at.run()
        plain.append(time.perf_counter() - started)
        at.number_input(key=widget_key(matter, 1, "transition_months", "zh")).set_value(24 + n % 6)
        started = time.perf_counter()
        at.button(key=f"save-{matter}-{SECTION}").click().run()
        saves.append(time.perf_counter() - started)
        assert at.session_state[f"section-{matter}"] == SECTION and not at.exception
    database.dispose()
    print(f"  section {SECTION}: {size} questions")
    return plain[1:], saves[1:]  # the first run warms the caches


def submit_times(url: str, folder: Path, runs: int) -> list[float]:
    """Copies of the department's complete draft, each submitted through the browser."""
    from playwright.sync_api import sync_playwright

    database = Database(url)
    who = admin.principal_for(database.uow(), DEPARTMENT)
    source = _draft(database)
    drafts = [submissions.copy_to_new_draft(database.uow(), who, source).id for _ in range(runs + 1)]
    database.dispose()
    times = []
    with app_server(url, folder) as base, sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for matter in drafts:
            log_in(page, base, f"/submit?matter={matter}", DEPARTMENT)  # a typed address is a new session
            rerun(page, page.locator(f".st-key-confirm-{matter} label").click)
            button, done = page.locator(".st-key-submit-button button"), page.get_by_text("已提交，等待审核。")
            started = time.perf_counter()
            button.click()
            done.wait_for(timeout=60_000)
            times.append(time.perf_counter() - started)
        browser.close()
    return times[1:]


def _line(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return f"{name}: median {statistics.median(ms):.0f} ms (min {ms[0]:.0f}, max {ms[-1]:.0f}, n={len(ms)})"


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--browser-runs", type=int, default=8)
    args = parser.parse_args()
    print(f"{date.today()} · {os.cpu_count()} CPUs · {_cpu()} · Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="wenping-bench-") as tmp:
        folder = Path(tmp)
        url = demo_database(folder)
        os.environ.update(WENPING_DATABASE_URL=url, WENPING_MODEL_DIR=str(folder / "models"),
                          WENPING_CACHE_DIR=str(folder / "cache"))
        os.chdir(ROOT)  # AppTest reads .streamlit/config.toml from here, as the server does
        plain, saves = rerun_times(url, args.runs)
        print(_line("fill page, rerun", plain))
        print(_line("fill page, section saved", saves))
        print(_line("browser, submit click → result shown", submit_times(url, folder, args.browser_runs)))


if __name__ == "__main__":
    main()
