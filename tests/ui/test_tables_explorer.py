"""The explorer's shown frame, pivot table, labels, URL view and drill requests on tiny frames."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from analytics.kpis import kpi_table
from db.filters import Filters
from ui.charts_explorer import explorer_figure
from ui.tables_explorer import (
    DEFAULT_VIEW,
    drill_request,
    pivot_table,
    shown_frame,
    value_label,
    view_from_params,
    view_params,
)

NAMES = {"gA": "甲组", "gB": "乙组"}
ZEROS = {"deals": 0, "visits": 0, "first_visits": 0, "first_visits_won": 0, "won_deals": 0, "lost_deals": 0,
         "won_amount": 0.0, "cycle_days_median": np.nan, "csat_sum": 0, "csat_sumsq": 0, "csat_n": 0,
         "nps_promoters": 0, "nps_detractors": 0, "nps_n": 0, "followup_n": 0, "followup_on_time": 0}


def _kpis(rows: list[dict], by: tuple[str, ...]) -> pd.DataFrame:
    return kpi_table(pd.DataFrame([{**ZEROS, **row} for row in rows]), by)


@pytest.fixture
def win_rates() -> pd.DataFrame:
    # natural × gA 6 of 10 won; natural × gB 1 of 3 (too few); agency × gA 2 of 8; agency × gB missing
    return _kpis([{"source": "natural", "group": "gA", "won_deals": 6, "lost_deals": 4},
                  {"source": "natural", "group": "gB", "won_deals": 1, "lost_deals": 2},
                  {"source": "agency", "group": "gA", "won_deals": 2, "lost_deals": 6}], ("source", "group"))


@pytest.mark.parametrize(("dimension", "value", "zh", "en"), [
    ("area_band", 0.0, "<90 ㎡", "<90 m²"), ("area_band", 120.0, "120–144 ㎡", "120–144 m²"),
    ("area_band", 144.0, "≥144 ㎡", "≥144 m²"), ("budget_band", 0.0, "<200 万", "<¥2M"),
    ("budget_band", 300.0, "300–400 万", "¥3–4M"), ("budget_band", 500.0, "≥500 万", "≥¥5M"),
    ("grade", "A", "A 级", "grade A"), ("source", "referral", "老带新", "Referral"), ("region", None, "（未填写）", "(not given)"),
    ("month", pd.Timestamp("2026-11-01"), "2026-11", "2026-11"), ("group", "gB", "乙组", "乙组")])
def test_dimension_values_read_in_both_languages(dimension, value, zh, en):
    assert value_label(dimension, value, NAMES, "zh") == zh
    assert value_label(dimension, value, NAMES, "en") == en


def test_rates_carry_their_n_and_hide_below_the_minimum(win_rates):
    shown = shown_frame(win_rates, "win_rate", "source", "group", NAMES, "zh")
    pivot = pivot_table(shown, "win_rate", "source", "zh").set_index("来源渠道")
    assert pivot.loc["自然到访", "甲组"] == "60.0% (n=10)"
    assert pivot.loc["自然到访", "乙组"] == "样本不足 (n=3)"      # 3 closed deals: below n = 5
    assert pivot.loc["渠道", "甲组"] == "25.0% (n=8)"
    assert pivot.loc["渠道", "乙组"] == "— (n=0)"              # no closes at all: no value, not 0%
    best = shown[shown["best"]]
    assert best[["row_label", "col_label"]].values.tolist() == [["自然到访", "甲组"]]


def test_a_group_that_hands_its_deals_on_is_left_out_of_win_rates(win_rates):
    shown = shown_frame(win_rates, "win_rate", "source", "group", NAMES, "zh", not_applicable=frozenset({"gB"}))
    assert set(shown["col_label"]) == {"甲组"}
    assert sorted(shown["col_pos"].unique()) == [0]


def test_counts_fill_missing_cells_with_zero_and_stay_numbers():
    kpis = _kpis([{"grade": "A", "month": pd.Timestamp("2026-10-01"), "deals": 5},
                  {"grade": "B", "month": pd.Timestamp("2026-11-01"), "deals": 7}], ("grade", "month"))
    pivot = pivot_table(shown_frame(kpis, "deals", "grade", "month", NAMES, "zh"), "deals", "grade", "zh")
    assert pivot.to_dict("list") == {"客户等级": ["A 级", "B 级"], "2026-10": [5, 0], "2026-11": [0, 7]}


def test_money_is_shown_in_wan_yuan_and_a_year_earlier_lines_up_with_this_year():
    now = _kpis([{"grade": "A", "month": pd.Timestamp("2026-10-01"), "won_deals": 1, "won_amount": 2_500_000.0}],
                ("grade", "month"))
    before = _kpis([{"grade": "A", "month": pd.Timestamp("2025-10-01"), "won_deals": 1, "won_amount": 1_000_000.0}],
                   ("grade", "month"))
    shown = shown_frame(now, "won_amount", "grade", "month", NAMES, "zh", earlier=before)
    pivot = pivot_table(shown, "won_amount", "grade", "zh")
    assert pivot.to_dict("list") == {"客户等级": ["A 级", "A 级"], "口径": ["本期", "去年同期"], "2026-10": [250.0, 100.0]}
    figure = explorer_figure(shown, "line", "won_amount", "grade", "month", {}, "zh")
    assert [trace.line.dash for trace in figure.data] == ["solid", "dash"]
    assert figure.layout.yaxis.title.text == "成交金额（万元）"


def test_the_url_holds_the_view_and_bad_values_fall_back():
    view = {"metric": "nps", "rows": "budget_band", "cols": "week", "chart": "line", "yoy": True}
    assert view_from_params(view_params(view)) == view
    assert view_from_params({"x_metric": "DROP TABLE", "x_rows": "grade"}) == {**DEFAULT_VIEW, "rows": "grade"}


def test_a_clicked_cell_becomes_the_selection_of_its_deals():
    window = Filters(date(2026, 8, 28), date(2026, 11, 25))
    cell = pd.Series({"row": "natural", "col": pd.Timestamp("2026-08-01"), "series": "current"})
    filters, fields, needs = drill_request(cell, "source", "month", "win_rate", window)
    # August is cut to the window: from 08-28 to the end of the month
    assert fields == {"basis": "closed", "source_channel": "natural", "start": datetime(2026, 8, 28),
                      "end": datetime(2026, 9, 1)}
    assert needs == () and filters == window
    earlier = pd.Series({"row": 200.0, "col": "B-FIRST", "series": "year_earlier"})
    _, fields, needs = drill_request(earlier, "budget_band", "group", "won_deals", window)
    assert fields == {"basis": "won", "group_id": "B-FIRST"} and needs == (("budget_band", 200.0),)
    unknown = pd.Series({"row": None, "col": "total", "series": "current"})
    assert drill_request(unknown, "region", None, "deals", window) is None
