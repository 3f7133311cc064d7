"""Wilson intervals, mean and NPS intervals, ranking by lower bound: against known values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.stats import (
    mean_intervals,
    nps_intervals,
    rank_by_lower_bound,
    wilson_interval,
    wilson_intervals,
)


@pytest.mark.parametrize(("successes", "trials", "low", "high"), [
    (3, 3, 0.4385, 1.0),      # a perfect small sample is far from certain
    (0, 10, 0.0, 0.2775),     # and a perfect failure is not 0%
    (5, 10, 0.2366, 0.7634),  # symmetric around one half
    (1, 1, 0.2065, 1.0),
])
def test_wilson_matches_published_values(successes, trials, low, high):
    assert wilson_interval(successes, trials) == pytest.approx((low, high), abs=1e-4)


def test_wilson_of_no_trials_is_unknown_not_zero():
    low, high = wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)


def test_the_vectorised_wilson_agrees_with_the_scalar_one_and_keeps_the_index():
    successes = pd.Series([3, 0, 5, 0], index=["a", "b", "c", "d"])
    trials = pd.Series([3, 10, 10, 0], index=["a", "b", "c", "d"])
    before = (successes.copy(), trials.copy())
    bounds = wilson_intervals(successes, trials)
    assert list(bounds.index) == ["a", "b", "c", "d"]
    for key in "abc":
        assert tuple(bounds.loc[key]) == pytest.approx(wilson_interval(successes[key], trials[key]))
    assert bounds.loc["d"].isna().all()
    pd.testing.assert_series_equal(successes, before[0])
    pd.testing.assert_series_equal(trials, before[1])


def test_a_mean_interval_uses_the_sample_variance():
    # scores 5, 4, 2: mean 11/3; sample variance (1.778 + 0.111 + 2.778) / 2 = 2.3333;
    # half width 1.96 × sqrt(2.3333 / 3) = 1.7285.
    bounds = mean_intervals(pd.Series([11]), pd.Series([25 + 16 + 4]), pd.Series([3]))
    assert bounds.iloc[0].tolist() == pytest.approx([11 / 3 - 1.7285, 11 / 3 + 1.7285], abs=1e-3)
    assert mean_intervals(pd.Series([4]), pd.Series([16]), pd.Series([1])).iloc[0].isna().all()


def test_an_nps_interval_is_in_points():
    # 1 promoter, 1 passive, 1 detractor: NPS 0; variance 1/3 + 1/3 − 0 = 0.6667;
    # half width 1.96 × sqrt(0.6667 / 3) = 0.9239 → ±92.4 points.
    bounds = nps_intervals(pd.Series([1]), pd.Series([1]), pd.Series([3]))
    assert bounds.iloc[0].tolist() == pytest.approx([-92.39, 92.39], abs=0.01)
    # all promoters: no spread, and the interval stays inside ±100
    assert nps_intervals(pd.Series([4]), pd.Series([0]), pd.Series([4])).iloc[0].tolist() == [100, 100]


def test_ranking_by_lower_bound_prefers_a_well_supported_rate():
    frame = pd.DataFrame({"group": ["small", "big", "empty"], "win_rate": [1.0, 0.9, math.nan]})
    bounds = wilson_intervals(pd.Series([3, 9, 0]), pd.Series([3, 10, 0]))
    frame = frame.assign(win_rate_low=bounds["low"], win_rate_high=bounds["high"])
    before = frame.copy()
    ranked = rank_by_lower_bound(frame, "win_rate")
    # 9/10 has lower bound 0.5958, 3/3 only 0.4385; no data ranks last without a rank.
    assert ranked["group"].tolist() == ["big", "small", "empty"]
    assert ranked["rank"].tolist()[:2] == [1, 2] and math.isnan(ranked["rank"].iloc[2])
    pd.testing.assert_frame_equal(frame, before)


def test_ranking_needs_the_interval_column():
    with pytest.raises(KeyError, match="win_rate_low"):
        rank_by_lower_bound(pd.DataFrame({"win_rate": [0.5]}), "win_rate")
