"""Browser fixtures: the portal served on 127.0.0.1 and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.browser.accessibility import DESKTOP, PageAudit
from tests.conftest import LiveServer, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium tries to reach the internet at start and is refused.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.browser)


@pytest.fixture
def database_url(tmp_path):
    """Browser tests exercise the pages, not the database engine: SQLite only."""
    return f"sqlite:///{tmp_path / 'portal.db'}"


@pytest.fixture
def serve(make_app):
    """Factory: serve(**config overrides) -> a running LiveServer with .url and .app."""
    servers = []

    def start(**overrides):
        port = free_port()
        app = make_app(server={"base_url": f"http://127.0.0.1:{port}"}, **overrides)
        server = LiveServer(app, port).__enter__()
        server.app = app
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def live_server(serve):
    return serve()


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (on Debian: apt-get install chromium); browser tests skipped.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A page whose every load is checked for accessibility and for fitting a phone (tests/browser/accessibility.py)."""
    context = chromium.new_context(timezone_id="Europe/Lisbon", locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    audit = PageAudit(page)
    yield page
    context.close()
    audit.assert_clean(chromium)
