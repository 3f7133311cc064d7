"""小组对比 and 顾问 in a real chromium: charts drawn, a click on a point or a bar opens the deals
behind it, Chinese text rendered; screenshots at 1440×900 for a person to look at."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser

DRILL_HEADING = re.compile("^明细：")
SETTLE_MS = 150_000   # generous: other test sessions may share the two cores


def open_page(page, server: str, path: str) -> None:
    page.goto(f"{server}/{path}")
    settle(page, timeout_ms=SETTLE_MS)
    page.wait_for_selector(".js-plotly-plot .scatterlayer .point", timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def click_mark(page, mark) -> None:
    """Click the middle of a plotly mark (the drag layer above it takes the real mouse event)."""
    mark.scroll_into_view_if_needed()
    box = mark.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def to_middle(locator) -> None:
    """Scroll a drill-down heading to the middle of the view, its table below it (the top of the
    view is under Streamlit's header)."""
    locator.evaluate("element => element.scrollIntoView({block: 'center'})")
    locator.page.wait_for_timeout(400)


def tables(page) -> int:
    return page.locator('[data-testid="stDataFrame"]').count()


def test_a_click_on_a_groups_point_and_on_a_weekly_bar_opens_its_deals(page, streamlit_server):
    open_page(page, streamlit_server, "compare?preset=last_month")
    assert page.get_by_text("各小组赢率及 95% 置信区间").first.is_visible()
    charts = page.locator(".js-plotly-plot")
    assert charts.count() == 3
    assert charts.nth(0).locator(".scatterlayer .point").count() == 3   # the three groups that close deals
    shot = screenshot(page, "compare")
    assert shot.stat().st_size > 30_000

    before = tables(page)
    click_mark(page, charts.nth(0).locator(".scatterlayer .point").first)
    heading = page.get_by_text(DRILL_HEADING).first
    heading.wait_for(timeout=90_000)
    settle(page, timeout_ms=SETTLE_MS)
    assert tables(page) == before + 1
    assert "成交或流失的商机" in heading.inner_text()
    to_middle(heading)
    screenshot(page, "compare_after_click")

    before = tables(page)
    click_mark(page, charts.nth(2).locator(".barlayer .point path").last)
    page.get_by_text(re.compile("起一周成交的商机")).first.wait_for(timeout=90_000)
    settle(page, timeout_ms=SETTLE_MS)
    assert tables(page) == before + 1
    to_middle(page.get_by_text(re.compile("起一周成交的商机")).first)
    screenshot(page, "compare_after_bar_click")


def test_a_click_on_a_consultant_opens_their_deals_and_scorecard(page, streamlit_server):
    open_page(page, streamlit_server, "people?preset=last_month")
    assert page.get_by_text("顾问排行榜").first.is_visible()
    screenshot(page, "people")

    before = tables(page)
    board = page.locator(".js-plotly-plot").nth(0)
    top = board.locator(".scatterlayer .point").first
    click_mark(page, top)
    heading = page.get_by_text(DRILL_HEADING).first
    heading.wait_for(timeout=90_000)
    settle(page, timeout_ms=SETTLE_MS)
    assert tables(page) == before + 1
    name = heading.inner_text().split("：")[1]
    # the scorecard followed the click: its trend chart is now titled with the clicked consultant
    trend_title = page.locator(".js-plotly-plot").nth(1).locator(".gtitle")
    assert trend_title.text_content().startswith(f"{name}：")
    to_middle(heading)
    screenshot(page, "people_after_click")

    trend = page.locator(".js-plotly-plot").nth(1)
    trend.scroll_into_view_if_needed()
    assert page.locator('[data-testid="stMetric"]').count() == 8
    before = tables(page)
    click_mark(page, trend.locator(".barlayer .point path").last)
    page.get_by_text(re.compile("月成交的商机")).first.wait_for(timeout=90_000)
    settle(page, timeout_ms=SETTLE_MS)
    assert tables(page) == before + 1
    to_middle(page.get_by_text(re.compile("月成交的商机")).first)
    screenshot(page, "people_trend_click")
