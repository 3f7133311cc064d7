"""The 数据导入 page in a real chromium: a fixture goes through the real file input, the page shows
what it detected with a preview, the import runs, and the summary lands; screenshots import.png
and import_summary.png (1440×900) are left for a person to look at.

The page writes, so it runs on a server of its own over its own copy of the demo (the session's
shared server is read by the other browser tests, which count deals).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import screenshot, serve, settle

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def import_server(demo_db_path):
    with serve(demo_db_path) as url:
        yield url


def _metric_values(page) -> dict[str, str]:
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    values = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    return {label.strip(): value.strip() for label, value in zip(labels, values, strict=True)}


def test_a_zoho_export_uploaded_through_the_file_input_imports_and_shows_its_summary(page, import_server):
    page.goto(f"{import_server}/?preset=last_month")      # a fresh server serves the frame's URL first
    settle(page)
    page.goto(f"{import_server}/import")
    settle(page)
    page.wait_for_selector("text=选择文件（可多选）", timeout=60_000)

    page.set_input_files("input[type=file]", str(FIXTURES / "zoho_deals_week1.csv"))
    page.wait_for_selector("text=识别为：", timeout=90_000)
    settle(page)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    assert page.get_by_text("Zoho CRM · 商机").first.is_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "import")

    page.get_by_role("button", name="导入", exact=True).click()
    page.wait_for_selector("text=导入结果", timeout=120_000)
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    # Three Zoho deals, all new, in US dollars (the demo's currency is CNY: reported, not summed).
    values = _metric_values(page)
    assert (values["读取行数"], values["新增"], values["更新"], values["被拒"], values["其他币种"]) == ("3", "3", "0", "0", "3")
    page.get_by_text("导入结果").first.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.mouse.move(800, 450)
    page.mouse.wheel(0, -90)          # clear of the app's header bar
    page.wait_for_timeout(600)
    screenshot(page, "import_summary")
    page.set_viewport_size({"width": 1440, "height": 2600})      # the whole page, for a person to look at
    page.wait_for_timeout(1200)
    screenshot(page, "import_full")
    page.set_viewport_size({"width": 1440, "height": 900})
    # the new batch is listed, in force, with its undo button
    assert page.get_by_text("zoho_deals_week1.csv").count() >= 2
    assert page.get_by_role("button", name="撤销").count() >= 1


def test_a_refused_file_says_why_in_chinese_and_the_database_is_unchanged(page, import_server, tmp_path):
    """Only a header: refused before anything is written, the reason in the page's language (no
    English sentence inside a Chinese frame); screenshot import_refused.png."""
    header_only = tmp_path / "只有表头.csv"
    header_only.write_text("商机名称,商机阶段,商机金额\n", encoding="utf-8")
    page.goto(f"{import_server}/import")
    settle(page)
    page.wait_for_selector("text=选择文件（可多选）", timeout=60_000)
    page.set_input_files("input[type=file]", str(header_only))
    page.wait_for_selector("text=文件只有表头，没有数据行。", timeout=90_000)
    settle(page)
    shown = page.locator('[data-testid="stAlert"]').all_inner_texts()
    assert any("文件只有表头，没有数据行。" in text for text in shown)
    assert not any("the file has a header" in text for text in shown)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "import_refused")
