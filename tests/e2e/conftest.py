"""E2E fixtures: the app served on a demo database by the suite, and Debian's chromium through Playwright."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.conftest import require
from tests.e2e.driver import app_server, chromium_missing, clear_screenshots, demo_database, launch, trained_model


@pytest.fixture(scope="session")
def base_url(tmp_path_factory) -> Iterator[str]:
    require("chromium", chromium_missing())
    folder = tmp_path_factory.mktemp("e2e")
    clear_screenshots()
    trained_model(folder)  # so that results carry the model's opinion with its "trained on simulated data" label
    with app_server(demo_database(folder), folder) as base:
        yield base


@pytest.fixture(scope="session")
def browser(base_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """A fresh browser context per user: nothing is shared between them, as between two computers."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
