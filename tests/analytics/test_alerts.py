"""Overview alerts on hand-made frames."""

from __future__ import annotations

import math

import pandas as pd

from analytics.alerts import counts_by_group, pace_alerts, satisfaction_drops


def test_pace_alerts_keep_off_and_at_risk_groups_off_track_first():
    pace = pd.DataFrame({
        "group": ["G1", "G2", "G3", "G4"],
        "status": ["on_track", "at_risk", "off_track", "off_track"],
        "pace_forecast": [1.1, 0.95, 0.5, 0.8],
        "target": [10.0] * 4, "actual": [5.0] * 4, "projected": [11.0, 9.5, 5.0, 8.0],
        "required_daily": [0.5] * 4,
    })
    before = pace.copy()
    alerts = pace_alerts(pace, "won_deals")
    # off track first, lowest forecast first within a status: G3 (0.5), G4 (0.8), then G2 (at risk)
    assert list(alerts["group"]) == ["G3", "G4", "G2"]
    assert set(alerts["metric"]) == {"won_deals"}
    pd.testing.assert_frame_equal(pace, before)


def test_a_csat_drop_is_flagged_only_with_enough_answers_in_both_windows():
    current = pd.DataFrame({"group": ["A", "B", "C"], "csat": [3.8, 3.0, 4.5], "csat_n": [20, 3, 10]})
    previous = pd.DataFrame({"group": ["A", "B", "C"], "csat": [4.3, 4.5, 4.6], "csat_n": [25, 30, 10]})
    drops = satisfaction_drops(current, previous, min_n=5)
    # A: 3.8 − 4.3 = −0.5 ≤ −0.3 → flagged; B fell 1.5 but has only 3 answers now → not judged;
    # C: −0.1 is noise.
    assert list(drops["group"]) == ["A"]
    assert math.isclose(drops.loc[0, "change"], -0.5)


def test_counts_by_group_counts_listed_deals_most_first():
    deals = pd.DataFrame({"group_id": ["X", "Y", "X", None]})
    counted = counts_by_group(deals)
    assert counted.iloc[0].to_dict() == {"group": "X", "deals": 2}
    assert counted["deals"].sum() == 4


def test_counts_by_group_of_no_deals_is_an_empty_frame():
    assert counts_by_group(pd.DataFrame({"group_id": []})).empty


def test_pace_alerts_of_several_metrics_keep_each_metric_together_in_its_order():
    pace = pd.DataFrame({
        "group": ["G1", "G2", "G1", "G2"], "metric": ["won_amount", "won_amount", "visits", "visits"],
        "status": ["at_risk", "off_track", "off_track", "on_track"], "pace_forecast": [0.95, 0.7, 0.2, 1.3],
        "target": [10.0] * 4, "actual": [5.0] * 4, "projected": [9.5, 7.0, 2.0, 13.0], "required_daily": [0.5] * 4,
    })
    alerts = pace_alerts(pace)
    # won_amount first (it comes first), its off-track G2 before its at-risk G1; then visits' G1 alone
    assert alerts[["metric", "group"]].values.tolist() == [["won_amount", "G2"], ["won_amount", "G1"],
                                                           ["visits", "G1"]]
    one_by_one = pd.concat([pace_alerts(pace[pace["metric"] == m].drop(columns="metric"), m)
                            for m in ("won_amount", "visits")], ignore_index=True)
    pd.testing.assert_frame_equal(alerts, one_by_one)
