"""How a metric reads beside its number: label, n, interval and unit (ui.metric_text)."""

from __future__ import annotations

import math

from ui import metric_text as mt


def test_a_rate_reads_with_its_n_and_interval_or_says_too_few():
    # 197 of 2,291 = 8.599%, shown to one decimal; the interval's bounds to whole percents.
    assert mt.rate_with_n(197 / 2291, 2291, 0.0752, 0.0981, False, "zh") == "8.6% (n=2,291) [8%, 10%]"
    assert mt.rate_with_n(1 / 3, 3, 0.06, 0.79, True, "zh") == "样本不足 (n=3)"
    assert mt.rate_with_n(1 / 3, 3, 0.06, 0.79, True, "en") == "too few (n=3)"
    assert mt.rate_with_n(0.5, 40, None, None, False, "en") == "50.0% (n=40)"     # no interval: nothing after n


def test_a_rate_or_score_without_a_denominator_is_a_dash():
    assert mt.rate_n(0.94, 943, False, "zh") == "94.0% (n=943)"
    assert mt.rate_n(math.nan, 0, True, "zh") == "—"
    assert mt.rate_n(math.nan, math.nan, False, "zh") == "—"
    assert mt.score_with_n(4.3125, 1120, "zh") == "4.31 (n=1,120)"
    assert mt.score_with_n(math.nan, 0, "en") == "—"
    assert mt.n_text(math.nan, "zh") == "n=0"


def test_labels_and_units_follow_the_language():
    assert mt.metric_label("win_rate", "zh") == "赢率" and mt.metric_label("win_rate", "en") == "Win rate"
    assert mt.amount_unit("zh") == (1e4, "万元") and mt.amount_unit("en") == (1e6, "M CNY")
    assert mt.with_unit("成交金额", "万元", "zh") == "成交金额（万元）"
    assert mt.with_unit("Won amount", "M CNY", "en") == "Won amount (M CNY)"
    # amounts carry the money unit, everything else is counted
    assert mt.metric_axis_title("won_amount", "zh") == "成交金额（万元）"
    assert mt.metric_axis_title("deals", "zh") == f"{mt.metric_label('deals', 'zh')}（个）"
