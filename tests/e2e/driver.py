"""Driving the app in Debian's chromium: start a server on a demo database, log in, fill questionnaire widgets,
wait for Streamlit to finish a rerun, save whole-page screenshots. Used by the e2e tests and bench/app.py."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Iterator

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app_pages.questions import column_order, column_width, widget_key
from assessment.domain.ruleset import Kind
from assessment.services import app_queries, demo
from assessment.services.scoring import RulesScorer
from assessment.storage.migrate import upgrade
from assessment.storage.uow import Database

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-extensions", "--disable-gpu", "--no-first-run"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WIDTH, HEIGHT = 1400, 900


def chromium_missing() -> str | None:
    return None if CHROMIUM.exists() else f"{CHROMIUM} is missing (apt-get install chromium)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_database(folder: Path) -> str:
    """A migrated SQLite database with the demo data, in `folder`; gives its URL."""
    url = f"sqlite:///{folder / 'demo.db'}"
    database = Database(url)
    upgrade(database.engine)
    demo.seed_demo(database, RulesScorer(), ROOT / "examples")
    database.dispose()
    return url


def trained_model(folder: Path) -> Path:
    """`wenping model train` (on the simulated reference data) into `folder`/models; gives that folder."""
    from click.testing import CliRunner

    from assessment.cli import main

    models = folder / "models"
    result = CliRunner().invoke(main, ["model", "train"], env={"WENPING_MODEL_DIR": str(models)},
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return models


@contextmanager
def app_server(url: str, folder: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free port over the database at `url`, with the learned model in `folder`/models
    if one was trained there and every cache in `folder`; yields the base address."""
    port = free_port()
    env = {**os.environ, "WENPING_DATABASE_URL": url, "WENPING_MODEL_DIR": str(folder / "models"),
           "WENPING_CACHE_DIR": str(folder / "cache")}
    env.pop("WENPING_DEMO", None)
    log = open(folder / "streamlit.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
                               "--server.address", "127.0.0.1", "--server.headless", "true",
                               "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server, folder / "streamlit.log")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_healthy(base: str, server: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within {seconds} s:\n{log.read_text()}")


def launch(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


# --- pages -------------------------------------------------------------------------------------------------


_WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__wenpingRuns = 0;
    if (window.__wenpingWatch) window.__wenpingWatch.disconnect();
    window.__wenpingWatch = new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running') window.__wenpingRuns++;
    });
    window.__wenpingWatch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
_IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.getAttribute('data-test-script-state') !== 'running'
        && !document.querySelector('[data-stale="true"]');
}"""


def settle(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit is idle: no script run going on and no element left over from the last one."""
    page.wait_for_function(_IDLE, timeout=timeout)
    page.wait_for_timeout(150)
    page.wait_for_function(_IDLE, timeout=timeout)


def rerun(page, action, timeout: float = 60_000) -> None:
    """Do something that makes Streamlit run the script (a click, a save), and wait until that run is over;
    a run too quick to be seen running is caught by counting the state changes."""
    page.evaluate(_WATCH_RUNS)
    action()
    page.wait_for_function("() => window.__wenpingRuns > 0", timeout=timeout)
    settle(page, timeout)


def log_in(page, base: str, path: str, username: str, password: str = demo.DEMO_PASSWORD) -> None:
    """Open `path` (a new session: the login form comes first), log in, and wait for the page."""
    page.goto(base + path)
    page.locator(".st-key-login-username input").fill(username)
    page.locator(".st-key-login-password input").fill(password)
    page.locator(".st-key-login-submit button").click()
    page.locator(".st-key-logout").wait_for(timeout=60_000)
    settle(page)


def shot(page, name: str) -> Path:
    """The whole page (Streamlit scrolls inside its main area, so the viewport is made as tall as the content)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]') || document.body;
        const b = m.querySelector('[data-testid="stMainBlockContainer"]') || m;
        return Math.max(m.scrollHeight, b.scrollHeight); }""")
    page.set_viewport_size({"width": WIDTH, "height": min(max(HEIGHT, int(height) + 80), 12_000)})
    page.wait_for_timeout(600)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    return path


def clear_screenshots() -> None:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)


# --- questionnaire widgets ---------------------------------------------------------------------------------


def fill_question(page, key: str, kind: Kind, name: str, value: Any) -> None:
    """Enter an answer the way a user does, in the widget the fill page draws for the question."""
    question = kind.question(name).question
    box = page.locator(f".st-key-{key}")
    kind_of = question.type
    if kind_of in ("integer", "number", "money", "percent", "text", "date"):
        shown = value.isoformat() if isinstance(value, date) else (f"{value * 100:g}" if kind_of == "percent"
                                                                  else str(value))
        field = box.locator("input, textarea").first
        field.fill(shown)
        field.press("Tab")  # commits the value; Enter would submit the form
    elif kind_of == "yes_no":
        box.get_by_text("是" if value else "否", exact=True).click()
    elif kind_of == "single_choice":
        _choose(page, box, kind, question, [value])
    elif kind_of == "multiple_choice":
        _choose(page, box, kind, question, list(value))


def _choose(page, box, kind: Kind, question, names: list[str]) -> None:
    labels = {c.name: c.label.zh for c in kind.choices_of(question)}
    if question.type == "single_choice" and len(labels) <= 4:
        box.get_by_text(labels[names[0]], exact=True).click()
        return
    for name in names:
        _open_list(page, box)
        page.get_by_role("option", name=labels[name], exact=True).click()
    if question.type == "multiple_choice":
        page.keyboard.press("Escape")  # closes the list that stays open for more picks


def _open_list(page, box) -> None:
    """Open a drop-down by clicking its input; a click that lands while the page is still settling is
    repeated."""
    for _ in range(5):
        box.locator('[role="combobox"]:visible').first.click()
        try:
            page.get_by_role("option").first.wait_for(timeout=3000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"the drop-down {box} does not open")


def pick(page, key: str, option: str | None = None) -> None:
    """Choose in the drop-down of widget `key`: the option named, or the first one."""
    _open_list(page, page.locator(f".st-key-{key}"))
    options = page.get_by_role("option")
    (options.first if option is None else page.get_by_role("option", name=option, exact=True)).click()


FILLABLE = frozenset({"integer", "number", "money", "percent", "text", "date", "yes_no", "single_choice",
                      "multiple_choice"})
PROGRESS = re.compile(r"(\d+) / (\d+)")
# Streamlit 1.67's data editor (a canvas grid): the row-marker column, the header and each row, in pixels.
ROW_MARKER, HEADER, ROW = 33, 35, 34
PICKED = {(app_queries.RELATIONS, end) for end in app_queries.RELATION_ENDS}  # text picked from the saved groups


def open_section(page, matter_id: int, section_id: str) -> None:
    button = page.locator(f".st-key-section-{matter_id}-{section_id} button").first
    if button.get_attribute("kind") != "secondary":  # the open section's button is framed
        rerun(page, button.click)


def fill_table(page, key: str, kind: Kind, name: str, rows: list[dict[str, Any]]) -> None:
    """Type rows into a table question's data editor cell by cell, as a user does: click the cell, type,
    Enter (in a choice cell the typed label filters its list, Enter picks). Columns are laid out as
    the fill page lays them out (questions.column_order and column_width); cells beyond the editor's
    visible width (optional columns) are left empty."""
    columns = {c.name: c for c in kind.question(name).question.columns or ()}
    grid = page.locator(f".st-key-{key} [data-testid=stDataFrameResizable]")
    for i, row in enumerate(rows):
        left = ROW_MARKER
        for column in (columns[n] for n in column_order(list(columns.values()))):
            width = column_width(column, column.label.zh + (" *" if column.required is True else ""))
            box = grid.bounding_box()
            if row.get(column.name) is not None and left + width / 2 < box["width"]:
                x, y = box["x"] + left + width / 2, box["y"] + HEADER + ROW * i + ROW / 2
                value = str(row[column.name])
                if column.type in ("single_choice", "multiple_choice") or (name, column.name) in PICKED:
                    page.mouse.dblclick(x, y)  # opens the cell's list (on the last, empty row too)
                    page.wait_for_timeout(250)
                    page.keyboard.insert_text({c.name: c.label.zh for c in kind.choices_of(column)}.get(value, value))
                else:
                    page.mouse.click(x, y)
                    page.wait_for_timeout(250)
                    page.keyboard.type(value[0])  # a key opens the cell's editor with it
                    page.wait_for_timeout(200)
                    page.keyboard.insert_text(value[1:])  # the rest as an input method gives it ("、" is no key)
                page.wait_for_timeout(150)
                page.keyboard.press("Enter")
                page.wait_for_timeout(100)
            left += width
    page.wait_for_timeout(500)  # the last edit reaches the widget's state before the form is submitted


def fill_questionnaire(page, matter_id: int, revision: int, kind: Kind, answers: dict[str, Any],
                       on_section=None) -> None:
    """Go through every section that applies, answer each question shown that `answers` has and save; a
    question that comes to apply after a save is answered in the next round; tables are typed one by one,
    each saved before the next (a relation names groups saved in the table before it). `on_section(page,
    id)` runs after each section is saved."""
    for section in kind.sections:
        if not page.locator(f".st-key-section-{matter_id}-{section.id}").count():
            continue  # the section does not apply
        open_section(page, matter_id, section.id)
        entered: set[str] = set()
        key = lambda name: widget_key(matter_id, revision, name, "zh")  # noqa: E731
        save = page.locator(f".st-key-save-{matter_id}-{section.id} button")
        while shown := [q.name for q in section.questions if q.type in FILLABLE and q.name in answers
                        and q.name not in entered and page.locator(f".st-key-{key(q.name)}").count()]:
            for name in shown:
                fill_question(page, key(name), kind, name, answers[name])
                entered.add(name)
            rerun(page, save.click)
        for table in [q.name for q in section.questions if q.type == "table" and answers.get(q.name)]:
            open_section(page, matter_id, section.id)  # a save that completes the section moves on to the next
            fill_table(page, key(table), kind, table, answers[table])
            rerun(page, save.click)
            if page.locator('[data-testid="stAlertContentError"]').count():
                shot(page, f"fill-table-{table}")
                raise AssertionError(f"{table}: problems after typing its rows")
        if on_section:
            on_section(page, section.id)
    done, total = map(int, PROGRESS.search(page.locator("[data-testid=\"stProgress\"]").inner_text()).groups())
    if done != total:
        shot(page, "fill-incomplete")
        raise AssertionError(f"{done} of {total} required questions answered")
