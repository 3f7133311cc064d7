"""The overview in a real chromium: cards and chart drawn, no error, Chinese text rendered."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser


def test_the_overview_draws_cards_and_the_trend_chart_without_errors(page, streamlit_server):
    page.goto(f"{streamlit_server}/?preset=last_month")
    settle(page)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=60_000)
    assert page.locator('[data-testid="stMetric"]').count() == 6
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("商机数").first.is_visible()
    # One line per group that has data in the window (plotly draws one trace element each).
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() >= 2
    shot = screenshot(page, "overview")
    assert shot.stat().st_size > 30_000


def test_a_pasted_link_reproduces_the_filtered_view(page, streamlit_server):
    page.goto(f"{streamlit_server}/?preset=last_month&group=B-FIRST&lang=en")
    settle(page)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    assert page.get_by_text("Overview").first.is_visible()
    assert "group=B-FIRST" in page.url
    screenshot(page, "overview_en_b_first")


def test_presentation_mode_hides_the_sidebar(page, streamlit_server):
    page.goto(f"{streamlit_server}/?preset=last_month&present=1")
    settle(page)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.get_by_text("退出演示模式").is_visible()
    screenshot(page, "overview_presentation")


def test_privacy_mode_shows_its_badge(page, streamlit_server):
    page.goto(f"{streamlit_server}/?preset=this_month&privacy=1")
    settle(page)
    page.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
    assert page.get_by_text("隐私模式已开启").is_visible()
    screenshot(page, "overview_privacy")


def test_the_overdue_follow_up_alert_opens_on_its_list(page, streamlit_server):
    page.goto(f"{streamlit_server}/?preset=last_month")
    settle(page)
    alert = page.locator('[data-testid="stExpander"]').filter(has_text="逾期未跟进")
    alert.first.wait_for(timeout=60_000)
    alert.first.locator("summary").click()
    settle(page)
    # the caption counts every overdue deal by its owner's group; the grid lists the first ones
    assert alert.first.get_by_text("按当前负责小组").first.is_visible()
    assert alert.first.locator('[data-testid="stDataFrame"]').is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "overview_overdue_alert")
