"""The funnel and satisfaction pages in a real chromium: drawn without errors, a click on a stage
bar or a group dot opens the deals behind it. Screenshots at 1440×900 (and a tall one of each
whole page) go to artifacts/screenshots/ for a person to look at."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser

TALL = {"width": 1440, "height": 4200}


def _click_centre(page, locator) -> None:
    """Click the middle of an SVG mark (plotly's drag layer sits on top, so click by position)."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_funnel_page_draws_and_a_stage_bar_opens_its_deals(page, streamlit_server):
    page.goto(f"{streamlit_server}/funnel?preset=last_month")
    settle(page)
    funnel = page.locator(".js-plotly-plot").first
    funnel.locator(".barlayer .point path").first.wait_for(timeout=60_000)
    _no_errors(page)
    assert page.get_by_text("转化漏斗").first.is_visible()
    assert page.get_by_text("同期群：按创建日期").first.is_visible()
    assert funnel.locator(".barlayer .point path").count() == 7      # one bar per stage
    assert screenshot(page, "funnel").stat().st_size > 30_000

    _click_centre(page, funnel.locator(".barlayer .point path").nth(4))   # 认购 subscription
    settle(page)
    heading = page.get_by_text("明细：到达“认购”的商机")
    heading.wait_for(timeout=30_000)
    _no_errors(page)
    heading.scroll_into_view_if_needed()
    screenshot(page, "funnel_after_click")

    page.set_viewport_size(TALL)
    page.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")
    page.wait_for_timeout(800)
    screenshot(page, "funnel_full")


def test_the_funnel_page_switches_to_the_period_basis_in_english(page, streamlit_server):
    page.goto(f"{streamlit_server}/funnel?preset=last_90_days&lang=en")
    settle(page)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    assert page.get_by_text("Cohort: by creation date").first.is_visible()
    page.locator('[data-testid="stMain"] button', has_text="Period").first.click()
    settle(page)
    page.get_by_text("Period: by the date a stage was entered").first.wait_for(timeout=30_000)
    _no_errors(page)
    screenshot(page, "funnel_period_en")


def test_the_satisfaction_page_draws_and_a_group_dot_opens_its_deals(page, streamlit_server):
    page.goto(f"{streamlit_server}/satisfaction?preset=last_month")
    settle(page)
    dots = page.locator(".js-plotly-plot").first.locator(".scatterlayer .point")
    dots.first.wait_for(timeout=60_000)
    _no_errors(page)
    assert page.get_by_text("各小组满意度").first.is_visible()
    assert screenshot(page, "satisfaction").stat().st_size > 30_000

    _click_centre(page, dots.nth(1))      # the CSAT dot of the second group with answers: 成交组
    settle(page)
    heading = page.get_by_text("成交组：商机与评价", exact=True)
    heading.wait_for(timeout=30_000)
    _no_errors(page)
    heading.scroll_into_view_if_needed()
    screenshot(page, "satisfaction_after_click")

    page.set_viewport_size(TALL)
    page.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")
    page.wait_for_timeout(800)
    screenshot(page, "satisfaction_full")


def test_the_satisfaction_page_in_privacy_mode_hides_comments(page, streamlit_server):
    page.goto(f"{streamlit_server}/satisfaction?preset=last_month&privacy=1")
    settle(page)
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    _no_errors(page)
    assert page.get_by_text("隐私模式已开启").first.is_visible()
    page.get_by_text("评分最低的评价").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "satisfaction_privacy")
