"""The dashboard's resident memory after a person visited every page (real browser).

Starts `streamlit run app.py` on a free loopback port over the given database, opens every page
of ui.navigation.PAGES in Debian chromium (Playwright), waits for each to finish drawing, and
reads VmRSS (now) and VmHWM (peak) of the streamlit process from /proc/<pid>/status.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


# --- driving the dashboard in a real browser: shared with tests/browser/conftest.py -------------

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def streamlit_command(port: int, *options: str) -> list[str]:
    """`streamlit run app.py` (through ui.serve, as `make run` starts it) headless on loopback, no
    telemetry, no file watcher; plus `options`."""
    return [sys.executable, "-m", "ui.serve", "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer", "--server.runOnSave", "false", "--server.fileWatcherType", "none",
            *options]


def wait_for_health(url: str, process: subprocess.Popen, timeout: float = 120) -> None:
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


def settled(page, timeout_s: float) -> bool:
    """Wait for the main area and for Streamlit's running indicator to go; False on timeout."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout_s * 1000)
    page.wait_for_timeout(800)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if page.locator('[data-testid="stStatusWidget"]').count() == 0:
            page.wait_for_timeout(500)
            if page.locator('[data-testid="stStatusWidget"]').count() == 0:
                return True
        page.wait_for_timeout(250)
    return False


def submit_sign_in(page, username: str, password: str, timeout_s: float = 60) -> None:
    """Fill the dashboard's sign-in form and wait until the page behind it replaces the form."""
    page.locator(".st-key-signin_username input").fill(username)
    page.locator(".st-key-signin_password input").fill(password)
    page.locator('[data-testid="stFormSubmitButton"] button').click()
    page.wait_for_selector(".st-key-signin_username", state="detached", timeout=timeout_s * 1000)


# --- the benchmark step -------------------------------------------------------------------------

def _memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


def resident_after_all_pages(db: str | os.PathLike, page_timeout_s: float = 180) -> dict:
    """{'rss_mb', 'hwm_mb', 'pages': {url_path: seconds to settle}, 'timeouts': [...]}."""
    from playwright.sync_api import sync_playwright

    from bench.signin import bench_account, sign_in_if_asked
    from ui.navigation import PAGES, served_path

    if not Path(CHROMIUM).exists():
        raise RuntimeError("Debian chromium is not installed (make browser-deps)")
    username, password = bench_account(db)
    port = free_port()
    env = {**os.environ, "ANCHANG_DB": str(db)}
    server = subprocess.Popen(streamlit_command(port), cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    seconds, timeouts = {}, []
    try:
        wait_for_health(url, server)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN").new_page()
            for path, _title, _icon, url_path, _section in PAGES:
                if not (REPO / path).exists():
                    continue
                started = time.perf_counter()
                page.goto(f"{url}/{served_path(url_path)}", timeout=page_timeout_s * 1000)
                sign_in_if_asked(page, username, password, page_timeout_s)   # each goto is a new session
                if not settled(page, page_timeout_s):
                    timeouts.append(url_path)
                seconds[url_path] = round(time.perf_counter() - started, 2)
            browser.close()
        memory = _memory_kb(server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return {"rss_mb": memory["VmRSS"] / 1024, "hwm_mb": memory["VmHWM"] / 1024, "pages": seconds,
            "timeouts": timeouts}


if __name__ == "__main__":
    import json

    print(json.dumps(resident_after_all_pages(sys.argv[1])))
