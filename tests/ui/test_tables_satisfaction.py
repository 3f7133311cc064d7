"""Display frames of the satisfaction page: scores with n, comments masked, the groups a win rate fits."""

from __future__ import annotations

import pandas as pd

from analytics.privacy import HIDDEN_TEXT
from ui.tables_satisfaction import comments_table, score_with_n, win_rate_fits

NAMES = {"A-CLOSE": "成交组"}


def test_a_score_reads_with_its_n_and_interval_or_too_few_or_a_dash():
    assert score_with_n(4.3125, 1200, 4.2, 4.42, False, "zh") == "4.31 (n=1,200) [4.20, 4.42]"
    assert score_with_n(18.4, 40, 6.1, 30.2, False, "en", nps=True) == "+18 (n=40) [+6, +30]"
    assert score_with_n(5.0, 3, None, None, True, "zh") == "样本不足 (n=3)"
    assert score_with_n(float("nan"), 0, None, None, True, "zh") == "—"


COMMENTS = pd.DataFrame({
    "survey_id": ["V1"], "answered_at": [pd.Timestamp("2026-10-06 17:31")], "customer_id": ["C018697"],
    "customer": ["范丽德"], "staff_id": ["S023"], "staff": ["闫航"], "group_id": ["A-CLOSE"],
    "csat": [2], "nps": [2], "comment": ["逼单太急，体验差"],
})


def test_comments_show_the_customer_and_text_only_outside_privacy_mode():
    plain = comments_table(COMMENTS, NAMES, "zh", privacy=False)
    assert plain.iloc[0].tolist() == ["2026-10-06", "范丽德", "闫航", "成交组", "2", "2", "逼单太急，体验差"]
    masked = comments_table(COMMENTS, NAMES, "zh", privacy=True)
    assert masked["客户"].iloc[0].startswith("客户-") and masked["评价"].iloc[0] == HIDDEN_TEXT
    assert "范丽德" not in masked.to_csv() and "逼单" not in masked.to_csv()
    assert COMMENTS["customer"].iloc[0] == "范丽德"          # the input is not changed


def test_stage_groups_that_do_not_close_and_thin_groups_are_left_out_of_the_scatter():
    groups = pd.DataFrame({"group_id": ["I", "C", "P", "T"], "basis": ["stage", "stage", "customer_type", "region"],
                           "phase": ["initial_contact", "closing", None, None]})
    vs = pd.DataFrame({"group": ["I", "C", "P", "T"], "csat": [4.4, 3.6, 4.3, 4.0], "csat_n": [50, 40, 60, 3],
                       "win_rate": [0.0, 0.8, 0.1, 0.5], "win_rate_n": [30, 20, 90, 10]})
    shown, non_closers, too_few = win_rate_fits(vs, groups, min_n=5)
    assert shown["group"].tolist() == ["C", "P"] and non_closers == ["I"] and too_few == ["T"]
