"""目标与进度 and 趋势探索 in a real chromium: charts drawn, a click on a chart opens the deals behind it.

Plotly listens on its own drag layer, so a click is a mouse move and click at the centre of the
bar or cell (Playwright's element click would refuse: the layer covers the element).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser


def _open(page, server: str, path: str) -> None:
    page.goto(f"{server}/{path}")
    settle(page)


def _click_centre(page, selector: str, index: int = 0) -> None:
    element = page.locator(selector).nth(index)
    element.scroll_into_view_if_needed()
    page.wait_for_timeout(600)     # plotly reads the plot's position on hover: let the scroll end
    box = element.bounding_box()
    assert box is not None, selector
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)          # plotly clicks what it hovers: let the hover land first
    page.wait_for_timeout(400)
    page.mouse.click(x, y)


def _scroll_to_text(page, text: str) -> None:
    page.get_by_text(text).first.scroll_into_view_if_needed()
    page.wait_for_timeout(400)


def test_the_targets_page_flags_b_first_and_a_click_on_its_bar_lists_its_deals(page, streamlit_server):
    _open(page, streamlit_server, "targets?preset=last_90_days")
    page.wait_for_selector(".js-plotly-plot .barlayer .point", timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("■ 刚需组").first.is_visible()          # tab of the why-panel
    assert page.get_by_text("为什么落后").first.is_visible()
    shot = screenshot(page, "targets")
    assert shot.stat().st_size > 30_000
    # A trace's bars come in the order of the y ticks (bottom-up): find 刚需组 · 成交数 among them.
    ticks = page.locator(".js-plotly-plot").first.locator(".yaxislayer-above .ytick text").all_text_contents()
    index = next(i for i, text in enumerate(ticks) if "刚需组 · 成交数" in text)
    _click_centre(page, ".js-plotly-plot .barlayer .trace:nth-child(1) .point", index)
    settle(page)
    page.wait_for_selector("text=明细：刚需组", timeout=30_000)
    _scroll_to_text(page, "明细：刚需组")
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "targets_after_click")


def test_the_attainment_heat_map_opens_a_group_month_on_click(page, streamlit_server):
    _open(page, streamlit_server, "targets?preset=last_90_days")
    heat = ".js-plotly-plot .scatterlayer .point"
    page.wait_for_selector(heat, timeout=60_000)
    _click_centre(page, heat, 0)                # 初期接触组, the first month of the window
    settle(page)
    page.screenshot(path="/tmp/tx/fail_heat.png")
    page.wait_for_selector("text=明细：初期接触组", timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def test_the_explorer_heat_map_drills_into_a_channel_and_group(page, streamlit_server):
    _open(page, streamlit_server, "explorer?preset=last_90_days")
    cells = ".js-plotly-plot .scatterlayer .point"
    page.wait_for_selector(cells, timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("透视表").first.is_visible() or page.get_by_text("透视表").count() == 1
    shot = screenshot(page, "explorer")
    assert shot.stat().st_size > 30_000
    _click_centre(page, cells, 0)               # 渠道 × 成交组
    settle(page)
    page.wait_for_selector("text=明细：渠道 · 成交组", timeout=30_000)
    _scroll_to_text(page, "明细：渠道 · 成交组")
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "explorer_after_click")


def test_a_customer_need_cell_lists_the_deals_of_those_customers(page, streamlit_server):
    _open(page, streamlit_server, "explorer?preset=last_90_days&x_metric=won_deals&x_rows=grade&x_cols=customer_type")
    cells = ".js-plotly-plot .scatterlayer .point"
    page.wait_for_selector(cells, timeout=60_000)
    _click_centre(page, cells, 0)               # A 级 × 刚需 (types sort first_home, investment, upgrade)
    settle(page)
    page.wait_for_selector("text=明细：A 级 · 刚需", timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
