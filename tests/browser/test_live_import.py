"""A CLI import while the dashboard runs succeeds, and the open dashboard shows it on reload."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import REPO, serve, settle, sign_in

pytestmark = pytest.mark.browser
FIXTURE = REPO / "tests" / "fixtures" / "zoho_deals_week1.csv"


def _freshness_line(page) -> str:
    return next(line for line in page.inner_text("body").splitlines() if "数据截至" in line)


def test_a_command_line_import_shows_up_without_a_restart(browser, demo_db_path, tmp_path):
    with serve(demo_db_path) as url:
        db_file = Path(str(demo_db_path) + f".browser{url.rsplit(':', 1)[1]}.duckdb")
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        page.goto(url)
        settle(page)
        sign_in(page, "admin")
        page.wait_for_selector('[data-testid="stMetric"]', timeout=90_000)
        assert "尚无导入" in _freshness_line(page)
        done = subprocess.run([sys.executable, "cli.py", "import", str(FIXTURE), "--db", str(db_file)],
                              cwd=REPO, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        page.reload()                     # a new session, resumed from the sign-in cookie
        settle(page)
        assert page.locator(".st-key-signin_username").count() == 0
        page.wait_for_selector('[data-testid="stMetric"]', timeout=90_000)
        assert "zoho_deals_week1.csv" in _freshness_line(page)
        context.close()
