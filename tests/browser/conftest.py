"""A real `streamlit run` on loopback driven by Playwright in Debian chromium.

Skips, saying why, when chromium or Playwright is missing (`make test` installs them as root).
Screenshots go to artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.accounts import TEST_PASSWORD

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_health(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("streamlit did not answer /_stcore/health")


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
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port),
         "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
         "--server.runOnSave", "false", "--server.fileWatcherType", "none", *options],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, process)
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
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--no-first-run", "--disable-sync"])
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
    page.locator(".st-key-signin_username input").fill(username)
    page.locator(".st-key-signin_password input").fill(password)
    page.locator('[data-testid="stFormSubmitButton"] button').click()
    page.wait_for_selector(".st-key-signin_username", state="detached", timeout=60_000)
    settle(page)


def settle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app has drawn and Streamlit's running indicator is gone."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout_ms)
    page.wait_for_timeout(800)
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            page.wait_for_timeout(500)
            if page.locator('[data-testid="stStatusWidget"]').count() == 0:
                return
        page.wait_for_timeout(250)
    raise TimeoutError("the app kept running")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
