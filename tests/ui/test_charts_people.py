"""The 顾问 page's shaping and figures on a hand-made team: who is on the leaderboard, in which
order, what the group median is, and what the trend shows."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from analytics.kpis import kpi_table
from db.filters import Filters
from db.queries import AGGREGATE_COLUMNS
from ui import charts_people as cp

# Roster on the window's last day. A closes (project group), I hands deals on (stage group).
ROSTER = pd.DataFrame({
    "staff_id": ["M", "AN", "A1", "A2", "A3", "A4", "I1"],
    "name": ["经理", "分析", "甲", "乙", "丙", "丁", "戊"],
    "role": ["manager", "analyst", "consultant", "leader", "consultant", "consultant", "consultant"],
    "active": [True] * 7,
    "group_id": [None, "A", "A", "A", "A", "A", "I"],
    "role_in_group": ["manager", "analyst", "consultant", "leader", "consultant", "consultant", "consultant"],
    "group_name": [None, "一期组", "一期组", "一期组", "一期组", "一期组", "初期接触组"],
    "basis": [None, "project", "project", "project", "project", "project", "stage"],
    "phase": [None, None, None, None, None, None, "initial_contact"],
    "sort_order": [np.nan, 1, 1, 1, 1, 1, 2],
})
# won / lost: A1 9/1 (low 0.596), A2 3/0 (too few), A3 20/20 (low 0.352), A4 30/10 (low 0.598),
# I1 0/40 (hands on), and the manager and analyst have closes that must not count.
CLOSES = {"M": (5, 0), "AN": (2, 0), "A1": (9, 1), "A2": (3, 0), "A3": (20, 20), "A4": (30, 10), "I1": (0, 40)}


def by_staff() -> pd.DataFrame:
    aggregates = pd.DataFrame({column: [0] * len(CLOSES) for column in AGGREGATE_COLUMNS}).drop(
        columns="headcount")
    won, lost = zip(*CLOSES.values(), strict=True)
    aggregates = aggregates.assign(
        staff=list(CLOSES), won_deals=list(won), lost_deals=list(lost), deals=[0, 0, 12, 4, 30, 25, 90],
        won_amount=[0, 0, 9e6, 3e6, 2e7, 3.1e7, 0], followup_n=[0, 0, 12, 4, 30, 25, 90],
        followup_on_time=[0, 0, 11, 4, 27, 20, 85], csat_n=[0, 0, 6, 1, 10, 8, 20],
        csat_sum=[0, 0, 27, 5, 42, 36, 90], cycle_days_median=float("nan"))
    return kpi_table(aggregates, "staff")


def people() -> pd.DataFrame:
    return cp.consultant_kpis(by_staff(), ROSTER)


def test_analysts_and_managers_are_never_on_the_board():
    assert sorted(people()["staff_id"]) == ["A1", "A2", "A3", "A4", "I1"]


def test_the_board_ranks_by_lower_bound_and_puts_too_few_last_without_a_rank():
    board = cp.leaderboard(people())
    # A4 30/40 = 75% (low 0.598) edges out A1 9/10 = 90% (low 0.596); A3 20/40 (low 0.352)
    assert list(board["staff_id"]) == ["A4", "A1", "A3", "A2"]
    assert list(board["rank"].iloc[:3]) == [1, 2, 3] and math.isnan(board["rank"].iloc[3])
    frame = cp.leaderboard_frame(board, "zh")
    assert frame["赢率"].iloc[3] == "样本不足 (n=3)"
    assert frame["区间下限"].iloc[3] == "—"
    assert list(frame["成交金额（万元）"]) == ["3,100.0", "900.0", "2,000.0", "300.0"]


def test_stage_split_consultants_are_listed_apart():
    handlers = cp.stage_handlers(people())
    assert list(handlers["staff_id"]) == ["I1"]
    assert cp.handlers_frame(handlers, "en")["Follow-up timeliness"].iloc[0] == "94.4% (n=90)"


def test_the_group_median_of_rates_ignores_peers_below_the_minimum_n():
    peers = cp.group_peers(people(), "A1")
    assert sorted(peers["staff_id"]) == ["A1", "A2", "A3", "A4"]
    medians = cp.group_medians(peers)
    # win rates with n >= 5: 0.9 (A1), 0.5 (A3), 0.75 (A4) → median 0.75; A2's 3/3 is left out
    assert medians["win_rate"] == pytest.approx(0.75)
    # won deals of all four: 3, 9, 20, 30 → median (9 + 20) / 2
    assert medians["won_deals"] == pytest.approx(14.5)
    # CSAT with n >= 5: 27/6 = 4.5, 42/10 = 4.2, 36/8 = 4.5 → 4.5
    assert medians["csat"] == pytest.approx(4.5)


def test_a_consultant_without_a_group_has_no_peers():
    assert cp.group_peers(people().assign(group_id=None), "A1").empty


def test_the_scorecard_shows_value_difference_to_the_median_and_n():
    everyone = people()
    person = everyone.set_index("staff_id").loc["A1"].copy()
    person["staff_id"] = "A1"
    rows = cp.scorecard(person, cp.group_medians(cp.group_peers(everyone, "A1")), "zh")
    cards = {card.metric_id: card for row in rows for card in row}
    assert [card.metric_id for card in rows[0]] == ["deals", "first_visits", "won_deals", "won_amount"]
    assert cards["won_deals"].value == "9 个" and cards["won_deals"].delta == "-6"   # 9 − 14.5 rounds to −6
    assert cards["win_rate"].value == "90.0%" and cards["win_rate"].delta == "+15.0 pp"
    assert cards["win_rate"].caption == "n=10 · 组中位数 75.0%"
    assert cards["won_amount"].value == "900.0 万元"
    # medians: won_amount 3e6, 9e6, 2e7, 3.1e7 → 1.45e7; 9e6 − 1.45e7 = −5.5e6 = −550 万元
    assert cards["won_amount"].delta == "-550.0 万元"


def test_a_stage_split_consultants_win_rate_card_says_not_applicable():
    everyone = people()
    person = everyone.set_index("staff_id").loc["I1"].copy()
    cards = {c.metric_id: c for row in cp.scorecard(person, cp.group_medians(cp.group_peers(everyone, "I1")),
                                                    "en") for c in row}
    assert cards["win_rate"].value == "n/a" and cards["win_rate"].delta is None
    assert cards["deals"].value == "90"          # English counts carry no unit word
    assert "won_deals" not in cards and cards["lost_deals"].value == "40"   # what they do instead
    assert not cards["lost_deals"].higher_is_better


def test_a_rate_below_the_minimum_n_shows_a_dash_and_says_too_few():
    everyone = people()
    person = everyone.set_index("staff_id").loc["A2"].copy()
    cards = {c.metric_id: c for row in cp.scorecard(person, {}, "zh") for c in row}
    assert cards["win_rate"].value == "—" and "样本不足" in cards["win_rate"].caption


def test_the_trend_window_reaches_back_six_months_or_thirteen_weeks():
    october = Filters(date(2026, 10, 1), date(2026, 10, 31), group_ids=("A",))
    months = cp.trend_window(october, "month")
    assert (months.start, months.end, months.group_ids) == (date(2026, 5, 1), date(2026, 10, 31), ("A",))
    weeks = cp.trend_window(october, "week")
    # Monday of 31 Oct 2026's week is 26 Oct; 12 weeks earlier is 3 Aug
    assert weeks.start == date(2026, 8, 3)
    long = Filters(date(2025, 1, 1), date(2026, 10, 31))
    assert cp.trend_window(long, "month").start == date(2025, 1, 1)   # never narrower than asked


def test_the_trend_fills_missing_periods_with_zero_and_takes_the_median_of_peers_present():
    periodic = pd.DataFrame({
        "month": pd.to_datetime(["2026-09-01", "2026-09-01", "2026-09-01", "2026-10-01", "2026-10-01"]),
        "staff": ["A1", "A3", "A4", "A3", "A4"],
        "won_deals": [4, 6, 10, 2, 8],
    })
    trend = cp.person_trend(periodic, ["A1", "A3", "A4"], "A1", "month", "won_deals")
    assert list(trend["value"]) == [4, 0]        # A1 has no October row: 0 won deals
    assert list(trend["median"]) == [6, 5]       # September median(4, 6, 10); October median(2, 8)
    figure = cp.person_trend_figure(trend, name="甲", color="#0072B2", metric_id="won_deals", period="month",
                                    lang="zh")
    assert len(figure.data) == 2 and figure.data[0].type == "bar" and figure.data[1].line.dash == "dash"
    assert [list(c) for c in figure.data[0].customdata] == [["2026-09-01"], ["2026-10-01"]]
    assert figure.layout.yaxis.title.text == "成交数（个）" and figure.layout.xaxis.title.text == "月份"


def test_amount_trends_are_drawn_in_wan_yuan_in_chinese_and_millions_in_english():
    trend = pd.DataFrame({"period": pd.to_datetime(["2026-10-01"]), "value": [2.5e6], "median": [1e6]})
    zh = cp.person_trend_figure(trend, name="甲", color="#000", metric_id="won_amount", period="month", lang="zh")
    en = cp.person_trend_figure(trend, name="A", color="#000", metric_id="won_amount", period="month", lang="en")
    assert list(zh.data[0].y) == [250.0] and zh.layout.yaxis.title.text == "成交金额（万元）"
    assert list(en.data[0].y) == [2.5] and en.layout.yaxis.title.text == "Won amount (M CNY)"


def test_a_clicked_period_is_one_month_or_week_clipped_to_the_window():
    window = Filters(date(2026, 5, 1), date(2026, 10, 25))
    assert cp.period_bounds("2026-10-01", "month", window) == (datetime(2026, 10, 1), datetime(2026, 10, 26))
    assert cp.period_bounds("2026-06-01", "month", window) == (datetime(2026, 6, 1), datetime(2026, 7, 1))
    assert cp.period_bounds("2026-06-01", "week", window) == (datetime(2026, 6, 1), datetime(2026, 6, 8))
