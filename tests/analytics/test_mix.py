"""Mix-adjusted win rates on a 2-group × 2-cell example computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.mix import mix_adjusted_win_rates


def cells() -> pd.DataFrame:
    return pd.DataFrame({
        "group": ["gX", "gX", "gY", "gY", "gZ"],
        "source_channel": ["natural", "agency", "natural", "agency", "natural"],
        "customer_type": ["first_home", "investment", "first_home", "investment", "first_home"],
        "won": [8, 1, 2, 6, 0],
        "closed": [10, 2, 8, 10, 0],
    })


def test_expected_win_rate_weights_company_cell_rates_by_the_groups_mix():
    frame = cells()
    before = frame.copy()
    mix = mix_adjusted_win_rates(frame).set_index("group")
    pd.testing.assert_frame_equal(frame, before)
    # company: natural/first_home (8 + 2) / (10 + 8) = 10/18; agency/investment (1 + 6) / (2 + 10) = 7/12
    # gX: (10 × 10/18 + 2 × 7/12) / 12 = (5.5556 + 1.1667) / 12 = 0.5602; actual 9/12 = 0.75
    # gY: (8 × 10/18 + 10 × 7/12) / 18 = (4.4444 + 5.8333) / 18 = 0.5710; actual 8/18 = 0.4444
    assert mix.loc["gX", "expected_win_rate"] == pytest.approx((10 * 10 / 18 + 2 * 7 / 12) / 12)
    assert mix.loc["gY", "expected_win_rate"] == pytest.approx((8 * 10 / 18 + 10 * 7 / 12) / 18)
    assert mix.loc["gX", "win_rate"] == pytest.approx(9 / 12)
    assert mix.loc["gX", "mix_effect"] == pytest.approx(9 / 12 - (10 * 10 / 18 + 2 * 7 / 12) / 12)
    assert mix.loc["gY", "mix_effect"] < 0


def test_a_group_without_closed_deals_has_no_rate():
    gz = mix_adjusted_win_rates(cells()).set_index("group").loc["gZ"]
    assert math.isnan(gz.win_rate) and math.isnan(gz.expected_win_rate) and gz.win_rate_too_few
