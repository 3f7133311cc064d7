"""Pacing on selling days and attainment, on a hand-made April 2025 (30 days, Tuesday 1st)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analytics.pacing import (
    SellingCalendar,
    attainment_table,
    metric_actuals,
    monthly_actuals,
    pace_status,
    pace_table,
    selling_days_elapsed,
)

QINGMING = SellingCalendar(holidays=frozenset({date(2025, 4, 4), date(2025, 4, 5)}))
AS_OF = date(2025, 4, 10)


def test_a_sales_office_sells_every_day_but_its_holidays():
    # April has 30 days, minus the two closing days → 28; by 04-10: 10 days − 2 = 8 elapsed.
    assert selling_days_elapsed(date(2025, 4, 1), AS_OF, QINGMING) == (8, 28)
    assert selling_days_elapsed(date(2025, 4, 1), AS_OF, SellingCalendar()) == (10, 30)


def test_a_weekday_calendar_is_a_parameter():
    weekdays = SellingCalendar(selling_weekdays=frozenset(range(5)))
    # April 2025: 22 weekdays; Tue 1 – Fri 4 and Mon 7 – Thu 10 → 8 elapsed by 04-10.
    assert selling_days_elapsed(date(2025, 4, 1), AS_OF, weekdays) == (8, 22)
    assert not weekdays.is_selling_day(date(2025, 4, 5))  # a Saturday


def frames():
    targets = pd.DataFrame({"group": ["g1", "g2", "g3", "g1", "g1"],
                            "month": pd.to_datetime(["2025-04-01"] * 3 + ["2025-03-01", "2025-05-01"]),
                            "target": [3_000_000.0, 1_000_000.0, 3_000_000.0, 2_000_000.0, 1_000_000.0]})
    actuals = pd.DataFrame({"group": ["g1", "g3", "g1"],
                            "month": pd.to_datetime(["2025-04-01", "2025-04-01", "2025-03-01"]),
                            "actual": [800_000.0, 3_500_000.0, 1_900_000.0]})
    return targets, actuals


def test_pace_arithmetic_on_a_hand_made_month():
    targets, actuals = frames()
    before = (targets.copy(), actuals.copy())
    paced = pace_table(targets, actuals, as_of=AS_OF, calendar=QINGMING)
    pd.testing.assert_frame_equal(targets, before[0])
    pd.testing.assert_frame_equal(actuals, before[1])
    g1 = paced.iloc[0]
    # 800,000 in 8 of 28 selling days → 800,000 / 8 × 28 = 2,800,000 projected;
    # 2.8M / 3.0M = 93.3% → at risk; (3,000,000 − 800,000) / 20 remaining days = 110,000 a day.
    assert g1.projected == pytest.approx(2_800_000)
    assert g1.pace_forecast == pytest.approx(2_800_000 / 3_000_000)
    assert g1.status == "at_risk"
    assert g1.required_daily == pytest.approx(110_000)
    assert g1.attainment == pytest.approx(800_000 / 3_000_000)
    assert (g1.selling_days_elapsed, g1.selling_days_total, g1.selling_days_remaining) == (8, 28, 20)
    g2 = paced.iloc[1]  # nothing sold yet: projected 0, off track, 1,000,000 / 20 a day
    assert (g2.actual, g2.projected, g2.status, g2.required_daily) == (0, 0, "off_track", 50_000)
    g3 = paced.iloc[2]  # target already beaten: nothing more required
    assert g3.status == "on_track" and g3.required_daily == 0
    march = paced.iloc[3]  # a finished month: projection = actual, no days remain
    assert march.projected == 1_900_000 and math.isnan(march.required_daily) and march.status == "at_risk"
    may = paced.iloc[4]  # a month not begun: no forecast
    assert math.isnan(may.projected) and pd.isna(may.status)


@pytest.mark.parametrize(("pace", "status"), [(1.0, "on_track"), (0.9, "at_risk"), (0.8999, "off_track"),
                                              (1.5, "on_track"), (math.nan, None)])
def test_status_thresholds(pace, status):
    assert pace_status(pace) == status


def test_attainment_of_a_zero_target_is_unknown():
    targets = pd.DataFrame({"group": ["g"], "month": pd.to_datetime(["2025-04-01"]), "target": [0.0]})
    actuals = pd.DataFrame({"group": ["g"], "month": pd.to_datetime(["2025-04-01"]), "actual": [5.0]})
    assert math.isnan(attainment_table(targets, actuals)["attainment"].iloc[0])


def test_daily_actuals_become_month_to_date():
    daily = pd.DataFrame({"group": ["g", "g", "g", "h"],
                          "day": pd.to_datetime(["2025-04-02", "2025-04-10", "2025-04-11", "2025-03-31"]),
                          "won_amount": [1.0, 2.0, 4.0, 8.0]})
    before = daily.copy()
    monthly = monthly_actuals(daily, "group", "won_amount", as_of=AS_OF)
    pd.testing.assert_frame_equal(daily, before)
    # 04-11 is after as-of: g has 1 + 2 = 3 in April; h 8 in March
    assert monthly.values.tolist() == [["g", pd.Timestamp("2025-04-01"), 3.0], ["h", pd.Timestamp("2025-03-01"), 8.0]]


def test_several_measures_become_month_to_date_actuals_by_metric():
    daily = pd.DataFrame({"group": ["g", "g", "h"],
                          "day": pd.to_datetime(["2025-04-02", "2025-04-11", "2025-04-03"]),
                          "won_amount": [1.0, 4.0, 8.0], "won_deals": [1, 2, 3], "visits": [9, 9, 9]})
    actuals = metric_actuals(daily, "group", ("won_amount", "won_deals"), as_of=AS_OF)
    # 04-11 is after as-of; visits was not asked for
    assert actuals.values.tolist() == [["g", "won_amount", pd.Timestamp("2025-04-01"), 1.0],
                                       ["g", "won_deals", pd.Timestamp("2025-04-01"), 1.0],
                                       ["h", "won_amount", pd.Timestamp("2025-04-01"), 8.0],
                                       ["h", "won_deals", pd.Timestamp("2025-04-01"), 3.0]]
    # paced by group and metric at once: the rows of one pace_table per metric
    targets = pd.DataFrame({"group": ["g", "h", "g"], "metric": ["won_amount", "won_amount", "won_deals"],
                            "month": pd.to_datetime(["2025-04-01"] * 3), "target": [10.0, 10.0, 5.0]})
    paced = pace_table(targets, actuals, as_of=AS_OF, by=["group", "metric"])
    for metric in ("won_amount", "won_deals"):
        alone = pace_table(targets[targets["metric"] == metric].drop(columns="metric"),
                           monthly_actuals(daily, "group", metric, as_of=AS_OF), as_of=AS_OF)
        mine = paced[paced["metric"] == metric].drop(columns="metric").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_dtype=False)
    # g's amount: 1 of 10 after 10 of 30 days → projected 3, pace 30%
    assert paced.loc[0, ["projected", "pace_forecast"]].tolist() == pytest.approx([3.0, 0.3])
