"""Stage funnel arithmetic, cohort maturity and stalled deals on hand-made frames."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analytics.funnel import mark_immature, stage_funnel, stalled_deals
from domain import STAGES


def counts(reached, entered=None, inferred=None, **extra) -> pd.DataFrame:
    return pd.DataFrame({"stage": list(STAGES), "reached": reached, "entered": entered or reached,
                         "inferred": inferred or [0] * 7, **extra})


def test_step_and_cumulative_conversion_with_drop_off():
    frame = counts([100, 80, 40, 20, 10, 10, 5])
    before = frame.copy()
    funnel = stage_funnel(frame, basis="cohort")
    pd.testing.assert_frame_equal(frame, before)
    assert funnel["step_conversion"].tolist()[:6] == pytest.approx([0.8, 0.5, 0.5, 0.5, 1.0, 0.5])
    assert math.isnan(funnel["step_conversion"].iloc[6])  # nothing after payment
    assert funnel["cumulative_conversion"].tolist() == pytest.approx([1, 0.8, 0.4, 0.2, 0.1, 0.1, 0.05])
    assert funnel["drop_off"].tolist()[:6] == [20, 40, 20, 10, 0, 5]
    assert funnel["drop_off_rate"].iloc[0] == pytest.approx(0.2)
    # Wilson of 80/100: (0.7112, 0.8666)
    assert funnel[["step_conversion_low", "step_conversion_high"]].iloc[0].tolist() == pytest.approx(
        [0.7112, 0.8666], abs=1e-4)
    assert not funnel["inferred"].any() and set(funnel["basis"]) == {"cohort"}


def test_a_stage_nobody_reached_converts_to_nan_not_zero():
    funnel = stage_funnel(counts([3, 2, 0, 0, 0, 0, 0]), basis="cohort")
    assert funnel["step_conversion"].iloc[1] == 0  # 2 reached first visit, none came back: a real 0
    assert math.isnan(funnel["step_conversion"].iloc[2])  # 0 reached revisit: no rate
    assert funnel["step_conversion_too_few"].iloc[0]  # n = 3 < 5
    empty = stage_funnel(counts([0] * 7), basis="cohort")
    assert empty["cumulative_conversion"].isna().all()


def test_an_inferred_funnel_says_so_per_stage():
    funnel = stage_funnel(counts([10, 10, 4, 0, 0, 0, 0], inferred=[6, 6, 2, 0, 0, 0, 0]), basis="cohort")
    assert funnel["inferred"].tolist() == [True, True, True, False, False, False, False]
    assert funnel["inferred_share"].iloc[0] == pytest.approx(0.6)


def test_funnels_per_group_are_computed_separately():
    frame = pd.concat([counts([10, 5, 0, 0, 0, 0, 0], group=["a"] * 7),
                       counts([4, 4, 2, 0, 0, 0, 0], group=["b"] * 7)], ignore_index=True)
    funnel = stage_funnel(frame, basis="cohort", by="group").set_index(["group", "stage"])
    assert funnel.loc[("a", "lead"), "step_conversion"] == 0.5
    assert funnel.loc[("b", "first_visit"), "cumulative_conversion"] == 1.0


def test_an_unknown_basis_is_refused():
    with pytest.raises(ValueError, match="basis"):
        stage_funnel(counts([1] * 7), basis="rolling")


def test_a_cohort_younger_than_its_window_is_immature():
    cohorts = pd.DataFrame({"month": pd.to_datetime(["2024-12-01", "2025-02-01", "2025-04-01"])})
    marked = mark_immature(cohorts, "month", period="month", as_of=date(2025, 4, 15), window_days=90)
    # December ends 12-31: 105 days by 04-15 → mature. February ends 02-28: 46/90. April ends
    # after as-of: nothing elapsed.
    assert marked["elapsed_share"].tolist() == pytest.approx([1.0, 46 / 90, 0.0])
    assert marked["immature"].tolist() == [False, True, True]
    assert "elapsed_share" not in cohorts.columns


def test_stalled_deals_exceed_their_stages_p75():
    open_deals = pd.DataFrame({"deal_id": ["x", "y", "z"], "customer": ["甲", "乙", "丙"], "owner": ["o"] * 3,
                               "stage": ["revisit", "revisit", "pledge"], "days_in_stage": [30, 10, 50]})
    durations = pd.DataFrame({"stage": ["revisit", "pledge"], "n": [20, 2], "p75_days": [12.0, 5.0]})
    stalled = stalled_deals(open_deals, durations)
    # x: 30 > 12 (2.5×); y: 10 ≤ 12; z: pledge's P75 rests on 2 stays only
    assert stalled["deal_id"].tolist() == ["x"] and stalled["over_p75"].iloc[0] == pytest.approx(2.5)
