"""AppTest fixtures: a demo database (seeded once, copied for each test) and a page runner."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from assessment.services import admin, demo, submissions
from assessment.services.permissions import SYSTEM, Principal
from assessment.services.scoring import RulesScorer
from assessment.storage.migrate import upgrade
from assessment.storage.repositories import QueueFilter
from assessment.storage.uow import Database

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
# Demo accounts (services/demo.py): a department of 江北区, another department, reviewers inside and outside 江北区.
DEPARTMENT, OTHER_DEPARTMENT = "demo_jc_jb_zjj", "demo_jc_gzw"
REVIEWER, OTHER_REVIEWER, ADMIN = "demo_jb_reviewer", "demo_nh_reviewer", "demo_admin"
ROLE_USERS = {"submitter": DEPARTMENT, "reviewer": REVIEWER, "admin": ADMIN}


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database.engine)
    demo.seed_demo(database, RulesScorer(), ROOT / "examples")
    database.dispose()
    return path


@pytest.fixture
def app_db(demo_template, tmp_path, monkeypatch) -> Iterator[Database]:
    """A fresh copy of the demo database, which the app under test uses; no learned model, no demo mode."""
    from app_pages import ui

    target = tmp_path / "app.db"
    shutil.copyfile(demo_template, target)
    url = f"sqlite:///{target}"
    monkeypatch.setenv("WENPING_DATABASE_URL", url)
    monkeypatch.setenv("WENPING_MODEL_DIR", str(tmp_path / "models"))
    monkeypatch.delenv("WENPING_DEMO", raising=False)
    database = Database(url)
    yield database
    database.dispose()
    ui._database.clear()


def who(database: Database, username: str) -> Principal:
    return admin.principal_for(database.uow(read_only=True), username)


def matter_of(database: Database, kind: str, state: str) -> int:
    """The demo matter of that kind in that state."""
    page = submissions.list_matters(database.uow(read_only=True), SYSTEM, QueueFilter(states=(state,), kinds=(kind,)))
    return page.items[0].id


def detail(database: Database, matter_id: int):
    return submissions.get_matter(database.uow(read_only=True), SYSTEM, matter_id)


def open_page(page: str, principal: Principal | None = None, *, matter: int | None = None,
              lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if principal is not None:
        at.session_state["principal"] = principal
    at.session_state["lang"] = lang
    if matter is not None:
        at.query_params["matter"] = str(matter)
    at.switch_page(page)
    return at.run()


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def codes(at: AppTest) -> list[str]:
    return [code for text in errors(at) for code in _codes(text)]


def _codes(text: str) -> list[str]:
    import re

    return re.findall(r"\(([A-Z]+-\d{3})\)", text)


def has_button(at: AppTest, key: str) -> bool:
    return any(b.key == key for b in at.button)


def no_crash(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def leaves(node) -> Iterator:
    """Every element of the page in the order drawn."""
    children = getattr(node, "children", None)
    if children is None:
        yield node
        return
    for key in sorted(children):
        yield from leaves(children[key])
