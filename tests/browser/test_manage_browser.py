"""The management pages in a real chromium: each draws without an error, charts render, and a
screenshot of each (1440×900, plus a tall one of the whole page) is left for a person to look at.

Training records, a suggestion, a weekly summary and a draft are written into the server's copy
of the demo first (short write connections, as the dashboard's own), so the pages show content
rather than their empty states. Memberships and deals are not touched: the other browser tests
share this server and read them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest

from db import feedback, incentives, regroup
from db.connection import connect
from tests.browser.conftest import screenshot, settle

pytestmark = pytest.mark.browser
TALL = {"width": 1440, "height": 2600}


def _server_db(demo_db_path, server: str) -> Path:
    """The database the server reads: conftest copies the demo to <demo>.browser<port>.duckdb."""
    return Path(f"{demo_db_path}.browser{urlparse(server).port}.duckdb")


@pytest.fixture(scope="module")
def seeded(demo_db_path, streamlit_server):
    with connect(_server_db(demo_db_path, streamlit_server), retry_seconds=20) as con:
        if con.execute("SELECT count(*) FROM training_records").fetchall()[0][0] == 0:
            incentives.add_training(con, ["S023", "S021", "S026", "S028"], "逼定技巧", date(2026, 8, 15), 3, "王经理")
            incentives.add_training(con, ["S007", "S008"], "首访接待话术", date(2026, 10, 10), 2, "刘组长")
            feedback.add_suggestion(con, "周末来访集中，建议周六增加一名值班顾问", None, "B-FIRST")
            feedback.add_suggestion(con, "成交组交接时希望附上客户的首访记录", "S019", "A-CLOSE")
            feedback.save_weekly_summary(con, "B-FIRST", date(2026, 11, 16), "首访 58 组，成交 4 套；周三暴雨来访少。",
                                         "重点跟进 12 位 A 级客户；周六加开样板间讲解。", "刘立旭")
            groups = con.execute("SELECT group_id, name, basis, project_id, phase FROM groups").df()
            members = con.execute("SELECT staff_id, group_id, role_in_group FROM memberships "
                                  "WHERE valid_to IS NULL").df()
            switched = groups.assign(basis="customer_type", phase=None)
            regroup.save_draft(con, "云栖府改按客户类型", "取消交接", switched,
                               members.assign(group_id=members["group_id"].where(members["staff_id"] != "S026",
                                                                                  "B-UPGRADE")))
    return True


def _open(page, server: str, path: str) -> None:
    # A fresh server must first serve the frame's own URL (see test_targets_explorer_browser).
    page.goto(f"{server}/?preset=last_month")
    settle(page)
    page.goto(f"{server}/{path}")
    settle(page)


def _shots(page, name: str) -> None:
    """The 1440×900 view, then the whole page in a tall viewport (the main area scrolls itself)."""
    assert page.locator('[data-testid="stException"]').count() == 0
    shot = screenshot(page, name)
    assert shot.stat().st_size > 20_000
    page.set_viewport_size(TALL)
    page.wait_for_timeout(1200)
    screenshot(page, f"{name}_full")
    page.set_viewport_size({"width": 1440, "height": 900})


def test_the_groups_page_lists_groups_members_and_the_move_form(page, streamlit_server, seeded):
    _open(page, streamlit_server, "groups?preset=last_month")
    page.wait_for_selector("text=调动、任命与离组", timeout=60_000)
    assert page.get_by_text("小组结构").first.is_visible()
    _shots(page, "manage_groups")


def test_the_targets_editor_shows_next_month(page, streamlit_server, seeded):
    _open(page, streamlit_server, "set-targets?preset=last_month")
    page.wait_for_selector("text=小组目标 · 2026-12", timeout=60_000)
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    _shots(page, "manage_targets")


def test_the_incentives_page_shows_the_awards_with_their_rules_and_the_training_chart(page, streamlit_server, seeded):
    _open(page, streamlit_server, "incentives?preset=last_month")
    page.wait_for_selector("text=月度销冠 · 2026-10", timeout=60_000)
    assert page.get_by_text("规则：比当月成交金额").first.is_visible()
    page.wait_for_selector(".js-plotly-plot .scatterlayer .trace", timeout=60_000)
    _shots(page, "manage_incentives")


def test_the_feedback_tabs_draw(page, streamlit_server, seeded):
    _open(page, streamlit_server, "feedback?preset=last_month")
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=60_000)
    _shots(page, "manage_feedback")
    page.get_by_role("tab", name="每周总结").click()      # tabs switch in the browser: no rerun to settle
    page.wait_for_selector("text=这一周的数字", timeout=30_000)
    _shots(page, "manage_feedback_weekly")
    page.get_by_role("tab", name="月度评估").click()
    page.wait_for_selector("text=已评估", timeout=30_000)
    _shots(page, "manage_feedback_review")


def test_the_regroup_page_compares_a_saved_draft(page, streamlit_server, seeded):
    _open(page, streamlit_server, "regroup?preset=last_month")
    page.wait_for_selector(".js-plotly-plot .barlayer .trace", timeout=60_000)
    _shots(page, "manage_regroup")
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()      # the draft picker
    page.get_by_role("option", name="云栖府改按客户类型").click()
    settle(page)
    page.wait_for_selector("text=没有按阶段分组的小组", timeout=30_000)
    _shots(page, "manage_regroup_draft")


def test_the_pages_speak_english(page, streamlit_server, seeded):
    _open(page, streamlit_server, "incentives?preset=last_month&lang=en")
    page.wait_for_selector("text=Incentives & training", timeout=60_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "manage_incentives_en")
