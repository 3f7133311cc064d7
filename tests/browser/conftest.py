"""A real `streamlit run` on loopback driven by Playwright in Debian chromium.

Skips, saying why, when chromium or Playwright is missing (`make test` installs them as root).
Screenshots go to artifacts/screenshots/ for a person to look at. Starting the server, waiting
for a page to settle and the sign-in form are bench/browser.py's, which the benchmark uses too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    settled,
    streamlit_command,
    submit_sign_in,
    wait_for_health,
)
from tests.accounts import TEST_PASSWORD

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def streamlit_server(demo_db_path):
    """URL of a dashboard serving a copy of the demo database (the copy keeps the fixture clean)."""
    with serve(demo_db_path) as url:
        yield url


@contextmanager
def serve(demo_db_path, *, port: int | None = None, options: tuple[str, ...] = ()):
    """Run `streamlit run app.py` on a (free) loopback port over a copy of the database;
    `options` are more `--section.option value` flags."""
    port = port or free_port()
    db_copy = Path(str(demo_db_path) + f".browser{port}.duckdb")
    shutil.copyfile(demo_db_path, db_copy)
    env = {**os.environ, "ANCHANG_DB": str(db_copy)}
    process = subprocess.Popen(streamlit_command(port, *options), cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process, timeout=90)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed: run `sudo apt-get install -y chromium "
                    "fonts-wqy-microhei` (make test does it when run as root)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A 1440x900 tab whose goto() signs in as the test admin whenever the dashboard asks.

    Every goto opens a new Streamlit session, and a session starts signed out; the sign-in itself
    goes through the real form (test_signin_browser.py looks at it on its own).
    """
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    plain_goto = page.goto

    def goto(url: str, **options):
        response = plain_goto(url, **options)
        settle(page)
        if page.locator(".st-key-signin_username").count():
            sign_in(page, "admin")
        return response

    page.goto = goto
    yield page
    context.close()


def sign_in(page, username: str, password: str = TEST_PASSWORD) -> None:
    """Fill the dashboard's sign-in form and wait for the page behind it."""
    submit_sign_in(page, username, password)
    settle(page)


def settle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app has drawn and Streamlit's running indicator is gone."""
    if not settled(page, timeout_ms / 1000):
        raise TimeoutError("the app kept running")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
