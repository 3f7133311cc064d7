"""顾问 People in AppTest on the demo: the leaderboard order, the scorecard and the trend equal
plain SQL for October 2026; the roster query knows who was where."""

from __future__ import annotations

import statistics
from datetime import date

import duckdb
import pandas as pd
import pytest

from db.connection import connect
from db.queries.people import staff_roster
from tests.pages.apptest import metric_values, plotly_figures, run_app
from tests.pages.test_compare import values, wilson

PAGE = "pages/people.py"
OCTOBER = ("2026-10-01", "2026-11-01")
HANDS_ON_GROUPS = ("A-INIT", "A-FOLLOW")   # the demo's stage groups that pass deals on


@pytest.fixture(scope="module")
def closes(demo_db_path) -> dict[str, dict]:
    """Per staff id (owner at close): name, group on 31 Oct, role, won, lost, won amount in October."""
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        rows = con.execute("""
            SELECT s.staff_id, s.name, s.role,
                   (SELECT m.group_id FROM memberships m WHERE m.staff_id = s.staff_id
                      AND m.valid_from <= DATE '2026-10-31' ORDER BY m.valid_from DESC LIMIT 1),
                   count(*) FILTER (WHERE d.outcome = 'won' AND d.won_at >= ? AND d.won_at < ?),
                   count(*) FILTER (WHERE d.outcome = 'lost' AND d.lost_at >= ? AND d.lost_at < ?),
                   coalesce(sum(d.amount) FILTER (WHERE d.outcome = 'won' AND d.won_at >= ? AND d.won_at < ?), 0)
            FROM staff s LEFT JOIN deals d ON d.owner_staff_id = s.staff_id GROUP BY ALL
        """, [*OCTOBER, *OCTOBER, *OCTOBER]).fetchall()
    return {staff: {"name": name, "role": role, "group": group, "won": won, "lost": lost, "amount": amount}
            for staff, name, role, group, won, lost, amount in rows}


def test_the_roster_gives_each_person_the_group_they_were_in_that_day(demo_db_path):
    with connect(demo_db_path, read_only=True) as con:
        may = staff_roster(con, date(2026, 5, 31)).set_index("staff_id")
        october = staff_roster(con, date(2026, 10, 31)).set_index("staff_id")
    assert may.at["S031", "group_id"] == "B-FIRST" and october.at["S031", "group_id"] == "B-UPGRADE"  # moved 1 Jul
    assert october.at["S035", "group_id"] == "B-UPGRADE"        # left in June: their last group
    assert pd.isna(may.at["S036", "group_id"])                    # hired in July
    assert pd.isna(october.at["S001", "group_id"])                 # the site manager is above the groups
    assert october.at["S001", "role_in_group"] == "manager"        # role falls back to staff.role
    assert october.at["S018", "basis"] == "stage" and october.at["S018", "phase"] == "closing"
    assert len(october) == 36


def test_the_leaderboard_ranks_closers_by_the_lower_bound_from_sql(monkeypatch, demo_db_path, closes):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    assert not app.exception, app.exception
    closers = {staff: c for staff, c in closes.items()
               if c["role"] not in ("analyst", "manager") and c["group"] not in HANDS_ON_GROUPS
               and c["won"] + c["lost"] >= 5}
    low = {staff: wilson(c["won"], c["won"] + c["lost"])[0] for staff, c in closers.items()}
    best_first = [closes[s]["name"] for s in sorted(low, key=low.get, reverse=True)]
    board = app.dataframe[0].value
    assert list(board["顾问"][:len(best_first)]) == best_first
    assert list(board["名次"][:3]) == ["1", "2", "3"]
    top = closers[sorted(low, key=low.get, reverse=True)[0]]
    assert board["成交数"].iloc[0] == top["won"]
    assert board["成交金额（万元）"].iloc[0] == f"{top['amount'] / 1e4:,.1f}"
    chart = plotly_figures(app)[0]
    assert len(chart["layout"]["yaxis"]["categoryarray"]) == len(best_first)


def test_analysts_and_managers_are_on_no_list_and_stage_consultants_are_apart(monkeypatch, demo_db_path,
                                                                               closes):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    board, handlers = app.dataframe[0].value, app.dataframe[1].value
    listed = set(board["顾问"]) | set(handlers["顾问"])
    for staff in ("S001", "S002", "S003"):                     # the manager and the two analysts
        assert closes[staff]["name"] not in listed
    assert set(handlers["小组"]) == {"初期接触组", "跟进组"}
    assert not set(board["小组"]) & {"初期接触组", "跟进组"}


def test_the_scorecard_of_one_consultant_equals_sql(monkeypatch, demo_db_path, closes):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "consultant": "S023"}, page=PAGE)
    assert not app.exception
    assert app.selectbox(key="consultant").value == "S023"
    cards = metric_values(app)
    mine = closes["S023"]
    n = mine["won"] + mine["lost"]
    assert cards["成交数"] == f"{mine['won']} 个"
    # from 1 亿 (1e8 元) on money reads in 亿元 with two decimals, from 1,000 万 in whole 万元,
    # below with one decimal
    expected_amount = (f"{mine['amount'] / 1e8:,.2f} 亿元" if mine["amount"] >= 1e8
                       else f"{mine['amount'] / 1e4:,.0f} 万元" if mine["amount"] >= 1e7
                       else f"{mine['amount'] / 1e4:,.1f} 万元")
    assert cards["成交金额"] == expected_amount
    assert cards["赢率"] == f"{mine['won'] / n * 100:.1f}%"
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        csat = con.execute("SELECT avg(csat), count(csat) FROM surveys WHERE staff_id = 'S023' "
                           "AND answered_at >= ? AND answered_at < ?", list(OCTOBER)).fetchone()
    assert cards["满意度"] == f"{csat[0]:.2f} / 5"
    assert any(caption.value.startswith(f"n={csat[1]} · 组中位数") for caption in app.caption)
    # the group median of won deals over 成交组's selling members (all six closed deals in October)
    peers = [c["won"] for c in closes.values() if c["group"] == "A-CLOSE" and c["role"] != "analyst"]
    assert any(caption.value == f"组中位数 {round(statistics.median(peers)):,} 个" for caption in app.caption)
    won_card = next(m for m in app.metric if m.label == "成交数")
    assert won_card.proto.delta == f"{mine['won'] - statistics.median(peers):+,.0f}"


def test_the_trend_shows_monthly_won_deals_against_the_group_median(monkeypatch, demo_db_path, closes):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "consultant": "S023"}, page=PAGE)
    trend = plotly_figures(app)[1]
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        monthly = con.execute("""
            SELECT CAST(date_trunc('month', won_at) AS DATE), count(*) FROM deals
            WHERE outcome = 'won' AND owner_staff_id = 'S023' AND won_at >= '2026-05-01' AND won_at < ?
            GROUP BY 1 ORDER BY 1""", [OCTOBER[1]]).fetchall()
    bars, median = trend["data"]
    assert [c[0] for c in bars["customdata"]] == [month.isoformat() for month, _ in monthly]
    assert values(bars["y"]) == [count for _, count in monthly]
    assert median["name"] == "组内中位数" and median["line"]["dash"] == "dash"
    assert trend["layout"]["title"]["text"] == f"{closes['S023']['name']}：成交数（柱）与组内中位数（虚线）"


def test_a_stage_split_consultant_is_scored_on_what_they_do_not_on_win_rate(monkeypatch, demo_db_path,
                                                                             closes):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "consultant": "S007"}, page=PAGE)
    assert not app.exception
    cards = metric_values(app)
    assert cards["赢率"] == "不适用" and "成交数" not in cards
    assert cards["流失数"] == f"{closes['S007']['lost']} 个"
    assert app.button_group(key="ppl_metric_handler").options == ["商机数", "首访数", "来访组数", "流失数"]


def test_a_group_filter_narrows_the_board_to_that_groups_closes(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "group": "B-FIRST"}, page=PAGE)
    assert not app.exception
    board = app.dataframe[0].value
    assert len(app.dataframe) == 1                                  # no stage consultants in 刚需组
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        won = con.execute("SELECT count(*) FROM deals WHERE outcome = 'won' AND closing_group_id = 'B-FIRST' "
                          "AND won_at >= ? AND won_at < ?", list(OCTOBER)).fetchone()[0]
    assert board["成交数"].sum() == won
    assert "成交组" not in set(board["小组"])


def test_the_page_speaks_english_when_asked(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "lang": "en"}, page=PAGE)
    assert not app.exception
    assert app.title[0].value == "People"
    assert [header.value for header in app.subheader] == ["Consultant leaderboard", "Consultant scorecard"]
    assert {"Won deals", "Win rate", "CSAT", "NPS"} <= set(metric_values(app))
    assert plotly_figures(app)[0]["layout"]["title"]["text"].startswith("Consultant win rate")
    assert "Consultant" in app.dataframe[0].value.columns


def test_a_window_without_data_says_what_to_do(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "custom", "from": "2020-01-01", "to": "2020-01-31"},
                  page=PAGE)
    assert not app.exception
    assert any("放宽日期" in info.value for info in app.info)


def test_an_empty_database_says_what_to_do(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "empty.duckdb", page=PAGE)
    assert not app.exception
    assert any("导入" in info.value for info in app.info)
