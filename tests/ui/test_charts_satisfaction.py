"""Figure builders of the satisfaction page on hand-made frames."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.kpis import kpi_table
from analytics.satisfaction import (
    satisfaction_table,
    satisfaction_trend,
    satisfaction_vs_conversion,
    score_distribution,
)
from db.queries import AGGREGATE_COLUMNS
from ui.charts import FONT_FAMILY
from ui.charts_satisfaction import (
    CSAT_COLORS,
    NPS_COLORS,
    conversion_scatter,
    csat_distribution_figure,
    group_scores_figure,
    nps_category_figure,
    score_interval,
    trend_figure,
)

NAMES = {"g1": "成交组", "g2": "刚需组", "g3": "跟进组"}
COLORS = {"g1": "#009E73", "g2": "#CC79A7", "g3": "#E69F00"}
ORDER = ["g3", "g1", "g2"]


def aggregates(rows: list[dict], by: str | list[str] = "group") -> pd.DataFrame:
    """kpi_aggregates-shaped rows: every measure 0 unless given."""
    keys = [by] if isinstance(by, str) else by
    frame = pd.DataFrame(rows)
    for column in AGGREGATE_COLUMNS:
        if column not in frame.columns:
            frame[column] = 0
    return frame[[*keys, *AGGREGATE_COLUMNS]]


# g1: CSAT answers 3, 4, 5, 4, 4 (Σ 20, Σx² 82), NPS 10, 9, 7, 3, 0 (2 promoters, 2 detractors);
# g2: two answers only (too few); g3: none.
GROUPS = aggregates([
    {"group": "g1", "csat_sum": 20, "csat_sumsq": 82, "csat_n": 5, "nps_promoters": 2, "nps_detractors": 2,
     "nps_n": 5, "won_deals": 6, "lost_deals": 2},
    {"group": "g2", "csat_sum": 9, "csat_sumsq": 41, "csat_n": 2, "nps_promoters": 2, "nps_detractors": 0,
     "nps_n": 2, "won_deals": 1, "lost_deals": 9},
    {"group": "g3", "won_deals": 0, "lost_deals": 4},
])


def test_group_dots_show_csat_and_nps_in_the_groups_order_and_hollow_when_too_few():
    fig = group_scores_figure(satisfaction_table(GROUPS, "group"), ORDER, NAMES, COLORS, "zh")
    csat, nps = fig.data
    assert list(csat.y) == ["成交组", "刚需组"]            # 跟进组 has no answers: not drawn
    assert list(csat.x) == pytest.approx([4.0, 4.5])      # 20 / 5, 9 / 2
    assert list(nps.x) == pytest.approx([0.0, 100.0])     # (2 − 2) / 5, (2 − 0) / 2
    assert list(csat.customdata) == ["g1", "g2"]
    assert list(csat.marker.symbol) == ["circle", "circle-open"]   # g2: 2 answers < 5
    assert "样本不足" in csat.hovertext[1] and "满意度 4.00（n=5）" in csat.hovertext[0]
    assert list(csat.marker.color) == ["#009E73", "#CC79A7"]
    assert fig.layout.xaxis.title.text == "满意度（分，1-5）" and fig.layout.xaxis2.title.text.startswith("净推荐值")
    assert fig.layout.font.family == FONT_FAMILY


def test_a_csat_interval_is_shown_inside_the_scale():
    assert score_interval(4.41, 5.19) == "[4.41, 5.00]"
    assert score_interval(-14.2, 58.6, nps=True) == "[-14, +59]"
    assert score_interval(float("nan"), 1.0) == ""


def test_nps_categories_stack_to_one_hundred_percent_per_group():
    fig = nps_category_figure(satisfaction_table(GROUPS, "group"), ORDER, NAMES, "zh")
    assert [trace.name for trace in fig.data] == ["贬损者（0-6）", "被动者（7-8）", "推荐者（9-10）"]
    assert [trace.marker.color for trace in fig.data] == list(NPS_COLORS.values())
    g1 = [trace.x[0] for trace in fig.data]
    assert g1 == pytest.approx([40.0, 20.0, 40.0])     # 2, 1, 2 of 5 answers
    assert fig.data[1].hovertext[0] == "成交组 · 被动者（7-8）：20.0%（1/5 份）"
    assert fig.layout.xaxis.title.text == "占答卷比例（%）"


def test_csat_scores_stack_per_group_with_their_counts():
    counts = pd.DataFrame({"group": ["g1"] * 3, "scale": ["csat"] * 3, "score": [3, 4, 5], "n": [1, 3, 1]})
    distribution = score_distribution(counts, "csat", by="group")
    fig = csat_distribution_figure(distribution, {"g1": 5}, ORDER, NAMES, "en")
    assert [trace.name for trace in fig.data] == ["1 pts", "2 pts", "3 pts", "4 pts", "5 pts"]
    assert [trace.marker.color for trace in fig.data] == list(CSAT_COLORS.values())
    assert [trace.x[0] for trace in fig.data] == pytest.approx([0, 0, 20, 60, 20])
    assert fig.data[3].hovertext[0] == "成交组 · 4 pts: 60.0% (3 of 5)"
    assert fig.layout.title.text == "CSAT scores by group"


def test_the_trend_draws_a_line_per_group_plus_all_and_leaves_out_too_few_points():
    weeks = [pd.Timestamp("2026-10-05"), pd.Timestamp("2026-10-12")]
    by_group = aggregates([
        {"week": weeks[0], "group": "g1", "csat_sum": 20, "csat_sumsq": 82, "csat_n": 5},
        {"week": weeks[1], "group": "g1", "csat_sum": 8, "csat_sumsq": 32, "csat_n": 2},
    ], ["week", "group"])
    overall = aggregates([{"week": weeks[0], "csat_sum": 20, "csat_sumsq": 82, "csat_n": 5},
                          {"week": weeks[1], "csat_sum": 8, "csat_sumsq": 32, "csat_n": 2}], "week")
    fig = trend_figure(satisfaction_table(by_group, ["week", "group"]), satisfaction_trend(overall, "week"),
                       period="week", metric="csat", names=NAMES, colors=COLORS, lang="zh")
    assert [trace.name for trace in fig.data] == ["成交组", "全部"]
    assert fig.data[0].y[0] == pytest.approx(4.0) and pd.isna(fig.data[0].y[1])   # 2 answers: no point
    assert fig.data[1].line.dash == "dash" and fig.data[0].line.color == "#009E73"
    assert fig.layout.title.text == "满意度趋势（按周）"
    assert fig.layout.xaxis.title.text == "周（周一开始）" and fig.layout.yaxis.title.text == "满意度（分，1-5）"
    assert fig.layout.xaxis.tick0 == weeks[0]            # ticks on Mondays, not plotly's Sundays


def test_the_scatter_puts_csat_against_win_rate_with_bubbles_by_answers():
    vs = satisfaction_vs_conversion(kpi_table(GROUPS, "group"))
    fig = conversion_scatter(vs[vs["group"] == "g1"], NAMES, COLORS, "zh")
    (g1,) = fig.data
    assert g1.x[0] == pytest.approx(4.0) and g1.y[0] == pytest.approx(75.0)   # 6 won of 8 closed
    assert g1.customdata[0] == "g1" and g1.marker.size[0] == 5
    assert "赢率 75.0%（n=8 个已结束商机）" in g1.hovertext[0]
    assert fig.layout.yaxis.title.text == "赢率（%）" and fig.layout.xaxis.title.text == "满意度（分，1-5）"
