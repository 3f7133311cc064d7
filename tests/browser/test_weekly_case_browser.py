"""周会 and 案例复盘 in a real chromium: drawn without errors, charts rendered, privacy mode on
screen; screenshots weekly.png, weekly_privacy.png, case_review.png, case_review_privacy.png."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser


def test_the_weekly_meeting_opens_the_last_full_week_with_its_scoreboard(page, streamlit_server):
    page.goto(f"{streamlit_server}/weekly")
    settle(page)
    page.wait_for_selector(".js-plotly-plot .barlayer", timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "week=2026-W47" in page.url                               # the default week, kept in the URL
    assert page.get_by_text("数据截至 2026-11-22 24:00（周日）", exact=False).first.is_visible()
    assert page.get_by_role("tab", name="本周变化").is_visible()
    assert screenshot(page, "weekly").stat().st_size > 30_000


def test_the_weekly_digest_in_privacy_mode_shows_pseudonyms(page, streamlit_server):
    page.goto(f"{streamlit_server}/weekly?privacy=1")
    settle(page)
    page.get_by_role("tab", name="本周变化").click()
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    page.get_by_text("逾期未跟进：").first.click()                 # open the list behind a tile
    settle(page)
    assert page.get_by_text("隐私模式已开启").first.is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "weekly_privacy")


def test_a_case_review_draws_the_timeline_of_a_deal_from_the_url(page, streamlit_server):
    page.goto(f"{streamlit_server}/case-review?deal=D000004")
    settle(page)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("D000004").first.is_visible()
    screenshot(page, "case_review")
    page.goto(f"{streamlit_server}/case-review?deal=D000004&privacy=1")
    settle(page)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=60_000)
    heading = page.locator('[data-testid="stMain"] [data-testid="stHeading"]', has_text="D000004").first.inner_text()
    assert heading.startswith("客户-")                             # the pseudonym, not the name
    screenshot(page, "case_review_privacy")
