"""Satisfaction tables and distributions, and hand-off rates, on hand-made frames."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.handoffs import handoff_table
from analytics.satisfaction import (
    satisfaction_table,
    satisfaction_trend,
    satisfaction_vs_conversion,
    score_distribution,
)


def survey_sums() -> pd.DataFrame:
    # g1: csat 5, 5, 4, 3, 3 → 20 / 5 = 4.0; nps 10, 9, 9, 7, 2 → (3 − 1) / 5 = +40
    # g2: no answers
    return pd.DataFrame({"group": ["g1", "g2"], "csat_sum": [20, 0], "csat_sumsq": [84, 0], "csat_n": [5, 0],
                         "nps_promoters": [3, 0], "nps_detractors": [1, 0], "nps_n": [5, 0]})


def test_csat_and_nps_per_group_with_their_n():
    frame = survey_sums()
    before = frame.copy()
    table = satisfaction_table(frame, "group").set_index("group")
    pd.testing.assert_frame_equal(frame, before)
    assert table.loc["g1", "csat"] == 4.0 and table.loc["g1", "nps"] == pytest.approx(40)
    assert table.loc["g1", "promoters_share"] == pytest.approx(0.6)
    # sample variance (84 − 5 × 16) / 4 = 1; half width 1.96 × sqrt(1/5) = 0.8765
    assert table.loc["g1", ["csat_low", "csat_high"]].tolist() == pytest.approx([3.1235, 4.8765], abs=1e-4)
    assert math.isnan(table.loc["g2", "csat"]) and math.isnan(table.loc["g2", "nps"]) and table.loc["g2", "nps_too_few"]


def test_a_trend_is_ordered_by_period():
    frame = survey_sums().rename(columns={"group": "month"}).assign(
        month=pd.to_datetime(["2025-03-01", "2025-02-01"]))
    assert satisfaction_trend(frame, "month")["month"].dt.month.tolist() == [2, 3]


def test_a_distribution_lists_every_score():
    counts = pd.DataFrame({"scale": ["csat", "csat", "nps"], "score": [5, 1, 9], "n": [3, 1, 2]})
    csat = score_distribution(counts, "csat")
    assert csat["score"].tolist() == [1, 2, 3, 4, 5] and csat["n"].tolist() == [1, 0, 0, 0, 3]
    assert csat["share"].tolist() == pytest.approx([0.25, 0, 0, 0, 0.75])
    nps = score_distribution(counts, "nps")
    assert len(nps) == 11 and nps.set_index("score").loc[9, "category"] == "promoter"
    none = score_distribution(counts.iloc[0:0], "csat")
    assert none["n"].sum() == 0 and none["share"].isna().all()


def test_satisfaction_sits_beside_conversion():
    kpis = pd.DataFrame({"group": ["a", "b"], "csat": [3.5, 4.5], "csat_n": [40, 30], "csat_too_few": [False] * 2,
                         "nps": [-10.0, 30.0], "nps_n": [40, 30], "win_rate": [0.9, 0.4], "win_rate_n": [50, 20],
                         "win_rate_too_few": [False] * 2, "deals": [1, 2]})
    side = satisfaction_vs_conversion(kpis)
    assert side["group"].tolist() == ["b", "a"] and "deals" not in side.columns


def test_hand_off_rates_with_an_empty_pair():
    agg = pd.DataFrame({"from_group": ["F", "I", "C"], "to_group": ["C", "F", "F"],
                        "from_phase": ["follow_up", "initial_contact", "closing"],
                        "to_phase": ["closing", "follow_up", "follow_up"],
                        "handed_on": [10, 20, 0], "moved_on": [9, 5, 0], "first_touched": [10, 18, 0],
                        "first_touch_hours_median": [2.0, 30.0, math.nan]})
    before = agg.copy()
    table = handoff_table(agg)
    pd.testing.assert_frame_equal(agg, before)
    assert table["from_group"].tolist() == ["I", "F", "C"]  # phase order
    assert table["handoff_rate"].tolist()[:2] == pytest.approx([5 / 20, 9 / 10])
    assert math.isnan(table["handoff_rate"].iloc[2]) and not table["forward"].iloc[2]
