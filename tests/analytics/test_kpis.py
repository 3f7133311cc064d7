"""kpi_table on hand-made aggregate frames: sum-then-divide, NaN for empty denominators, n, flags."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.kpis import kpi_table, overdue_counts, rolled_up
from analytics.registry import KPI_METRIC_IDS


def aggregates(**overrides) -> pd.DataFrame:
    """Two groups and an empty one; every additive column of kpi_aggregates."""
    base = {
        "group": ["g1", "g2", "g3"],
        "deals": [10, 4, 0], "visits": [12, 5, 0], "first_visits": [8, 4, 0], "first_visits_won": [2, 1, 0],
        "won_deals": [3, 1, 0], "lost_deals": [1, 9, 0], "won_amount": [3_000_000.0, 900_000.0, 0.0],
        "cycle_days_median": [20.0, 35.0, math.nan],
        "csat_sum": [22, 4, 0], "csat_sumsq": [98, 16, 0], "csat_n": [5, 1, 0],
        "nps_promoters": [3, 0, 0], "nps_detractors": [1, 1, 0], "nps_n": [5, 1, 0],
        "followup_n": [10, 4, 0], "followup_on_time": [9, 1, 0], "headcount": [4, 2, 0],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_rates_are_sums_divided_with_their_n_and_interval():
    table = kpi_table(aggregates(), "group").set_index("group")
    g1 = table.loc["g1"]
    assert g1.win_rate == pytest.approx(3 / (3 + 1)) and g1.win_rate_n == 4
    assert (g1.win_rate_low, g1.win_rate_high) == pytest.approx((0.3006, 0.9544), abs=1e-4)  # Wilson 3/4
    assert g1.avg_deal_amount == pytest.approx(3_000_000 / 3) and g1.avg_deal_amount_n == 3
    assert g1.csat == pytest.approx(22 / 5) and not g1.csat_too_few
    assert g1.nps == pytest.approx(100 * (3 - 1) / 5)
    assert g1.followup_timeliness == pytest.approx(9 / 10)
    assert g1.visit_to_won_rate == pytest.approx(2 / 8)
    assert g1.median_cycle_days == 20 and g1.median_cycle_days_n == 3
    assert g1.per_capita_won_amount == pytest.approx(3_000_000 / 4)
    # g2: 1 of 10 closed won; one survey is too few to speak of
    assert table.loc["g2", "win_rate"] == pytest.approx(0.1) and table.loc["g2", "csat_too_few"]


def test_an_empty_denominator_gives_nan_never_zero():
    g3 = kpi_table(aggregates(), "group").set_index("group").loc["g3"]
    for rate in ("win_rate", "avg_deal_amount", "csat", "nps", "followup_timeliness",
                 "visit_to_won_rate", "median_cycle_days", "per_capita_won_amount"):
        assert math.isnan(g3[rate]), rate
    assert g3.win_rate_n == 0 and g3.win_rate_too_few and math.isnan(g3.win_rate_low)
    assert g3.deals == 0  # counts stay counts


def test_the_too_few_flag_follows_min_n():
    table = kpi_table(aggregates(), "group", min_n=4).set_index("group")
    assert not table.loc["g1", "win_rate_too_few"]  # n = 4
    assert kpi_table(aggregates(), "group", min_n=5).set_index("group").loc["g1", "win_rate_too_few"]


def test_the_table_has_the_promised_columns_and_leaves_its_input_alone():
    frame = aggregates()
    before = frame.copy()
    table = kpi_table(frame, "group")
    pd.testing.assert_frame_equal(frame, before)
    assert list(table.columns[:1]) == ["group"]
    for metric_id in KPI_METRIC_IDS:
        assert metric_id in table.columns
    for rate in ("win_rate", "followup_timeliness", "visit_to_won_rate", "csat", "nps"):
        assert {f"{rate}_n", f"{rate}_low", f"{rate}_high", f"{rate}_too_few"} <= set(table.columns)


def test_per_capita_appears_only_with_a_headcount():
    assert "per_capita_won_amount" not in kpi_table(aggregates().drop(columns="headcount"), "group")


def test_a_missing_dimension_column_is_an_error():
    with pytest.raises(KeyError, match="staff"):
        kpi_table(aggregates(), "staff")


def test_rolling_up_sums_first_then_divides():
    frame = aggregates()
    before = frame.copy()
    total = kpi_table(rolled_up(frame, None), "total").iloc[0]
    pd.testing.assert_frame_equal(frame, before)
    # (3 + 1) won of (3 + 1) + (1 + 9) closed = 4/14, not the mean of 0.75 and 0.1
    assert total.win_rate == pytest.approx(4 / 14)
    assert total.deals == 14 and math.isnan(total.median_cycle_days)
    by_two = rolled_up(frame.assign(region=["east", "east", "west"]), "region")
    assert by_two.set_index("region").loc["east", "won_deals"] == 4


def test_overdue_follow_ups_are_counted_per_group():
    overdue = pd.DataFrame({"deal_id": ["a", "b", "c"], "group_id": ["g2", "g1", "g2"], "days_overdue": [3, 9, 12]})
    before = overdue.copy()
    counts = overdue_counts(overdue)
    pd.testing.assert_frame_equal(overdue, before)
    assert counts.values.tolist() == [["g2", 2, 12], ["g1", 1, 9]]
