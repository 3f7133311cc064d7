"""The 小组对比 figure builders on small hand-made frames: what is ranked, in which order, in
which colour, and what a click would carry."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from analytics.kpis import kpi_table
from analytics.mix import mix_adjusted_win_rates
from db.filters import Filters
from db.queries import AGGREGATE_COLUMNS
from ui import charts_compare as cc
from ui.charts import PALETTE, group_colors

# Four groups of a 案场: two split by project, one stage group handing deals on, one closing.
GROUPS = pd.DataFrame({
    "group_id": ["G1", "G2", "S-INIT", "S-CLOSE"],
    "name": ["一期组", "二期组", "初期接触组", "成交组"],
    "basis": ["project", "project", "stage", "stage"],
    "project_id": ["P1", "P2", "P1", "P1"],
    "phase": [None, None, "initial_contact", "closing"],
    "sort_order": [1, 2, 3, 4],
    "members": [5, 3, 6, 4],
})
# won / lost per group: G1 9/10 (Wilson low 0.596), G2 3/3 (low 0.438), S-INIT 0/50 (hands on),
# S-CLOSE 40/50 (low 0.670) → ranked S-CLOSE, G1, G2; S-INIT is not ranked at all.
WON = {"G1": 9, "G2": 3, "S-INIT": 0, "S-CLOSE": 40}
LOST = {"G1": 1, "G2": 0, "S-INIT": 50, "S-CLOSE": 10}


def by_group() -> pd.DataFrame:
    aggregates = pd.DataFrame({column: [0] * 4 for column in AGGREGATE_COLUMNS})
    aggregates = aggregates.assign(group=list(WON), won_deals=list(WON.values()),
                                   lost_deals=list(LOST.values()), headcount=[5, 3, 6, 4],
                                   deals=[20, 6, 80, 0], cycle_days_median=float("nan"))
    return kpi_table(aggregates, "group")


COLORS = group_colors(list(GROUPS["group_id"]))


def test_stage_groups_that_hand_deals_on_are_not_ranked_and_the_rest_go_by_lower_bound():
    table = by_group()
    before = table.copy()
    ranked = cc.group_win_rate_ranking(table, GROUPS)
    pd.testing.assert_frame_equal(table, before)
    assert list(ranked["group_id"]) == ["S-CLOSE", "G1", "G2"]
    assert list(ranked["rank"]) == [1, 2, 3]
    # 3/3 has the higher rate (100% > 90%) but the lower bound: 0.4385 < 0.5958
    assert ranked.set_index("group_id").at["G2", "win_rate_low"] == pytest.approx(0.4385, abs=1e-4)
    assert ranked.set_index("group_id").at["G1", "win_rate_low"] == pytest.approx(0.5958, abs=1e-4)


def test_the_dot_chart_draws_one_trace_per_group_in_its_own_colour_best_on_top():
    ranked = cc.group_win_rate_ranking(by_group(), GROUPS)
    rows = cc.ranking_rows(ranked, id_col="group_id", name_col="name", legend_col="name",
                           color_key_col="group_id", colors=COLORS)
    figure = cc.interval_dot_figure(rows, title="赢率", x_title="赢率（%）", y_title="小组", lang="zh")
    assert len(figure.data) == 3
    assert {trace.name: trace.marker.color for trace in figure.data} == {
        "成交组": PALETTE[3], "一期组": PALETTE[0], "二期组": PALETTE[1]}
    # plotly draws a category array bottom-up: the best group is last, so it shows on top
    assert list(figure.layout.yaxis.categoryarray) == ["G2", "G1", "S-CLOSE"]
    assert list(figure.layout.yaxis.ticktext) == ["1. 成交组", "2. 一期组", "3. 二期组"]
    assert figure.data[0].customdata[0][0] == "S-CLOSE"
    assert figure.data[0].x[0] == pytest.approx(80.0)
    assert figure.layout.title.text == "赢率" and figure.layout.xaxis.title.text == "赢率（%）"
    assert "WenQuanYi" in figure.layout.font.family


def test_a_group_keeps_its_colour_when_the_others_are_filtered_away():
    only_g2 = GROUPS[GROUPS["group_id"] == "G2"]
    ranked = cc.group_win_rate_ranking(by_group(), only_g2)
    rows = cc.ranking_rows(ranked, id_col="group_id", name_col="name", legend_col="name",
                           color_key_col="group_id", colors=COLORS)
    figure = cc.interval_dot_figure(rows, title="t", x_title="x", y_title="y", lang="en")
    (trace,) = figure.data
    assert trace.marker.color == PALETTE[1]


def test_the_whiskers_span_the_wilson_interval_and_small_samples_get_an_open_marker():
    ranked = cc.group_win_rate_ranking(by_group(), GROUPS)
    rows = cc.ranking_rows(ranked, id_col="group_id", name_col="name", legend_col="name",
                           color_key_col="group_id", colors=COLORS)
    figure = cc.interval_dot_figure(rows, title="t", x_title="x", y_title="y", lang="zh")
    g2 = next(trace for trace in figure.data if trace.name == "二期组")
    # 3/3: rate 100%, Wilson [43.85%, 100%] → whisker 56.15 points to the left, 0 to the right
    assert g2.error_x.arrayminus[0] == pytest.approx(56.15, abs=0.01)
    assert g2.error_x.array[0] == pytest.approx(0.0, abs=1e-9)
    assert g2.marker.symbol[0] == "circle-open"          # n = 3 < 5
    assert "样本不足" in " ".join(a.text for a in figure.layout.annotations)


def test_the_kpi_table_lists_ranked_groups_first_and_marks_hand_on_groups_not_applicable():
    ranked = cc.group_win_rate_ranking(by_group(), GROUPS)
    frame, order = cc.group_kpi_frame(by_group(), GROUPS, ranked, "zh")
    assert order == ["S-CLOSE", "G1", "G2", "S-INIT"]
    assert list(frame["名次 · 小组"]) == ["1. 成交组", "2. 一期组", "3. 二期组", "— 初期接触组"]
    assert frame["赢率"].iloc[0] == "80.0% (n=50) [67%, 89%]"
    assert frame["赢率"].iloc[3] == "不适用：按阶段交接"
    assert list(frame["成交数"]) == [40, 9, 3, 0]


def test_the_mix_view_leaves_out_stage_groups_and_puts_the_largest_effect_first():
    cells = pd.DataFrame({
        "group": ["G1", "G1", "G2", "S-CLOSE"],
        "source_channel": ["natural", "agency", "natural", "natural"],
        "customer_type": ["first_home", "first_home", "first_home", "first_home"],
        "won": [6, 3, 3, 40], "closed": [6, 4, 3, 50],
    })
    rows = cc.mix_rows(mix_adjusted_win_rates(cells), GROUPS, COLORS)
    assert list(rows["group_id"]) == ["G2", "G1"]         # G2's effect is the larger (see below)
    # company natural/first_home: (6 + 3 + 40) / (6 + 3 + 50) = 49/59; agency/first_home 3/4
    # G1 expected (6 × 49/59 + 4 × 3/4) / 10 = 0.7983, actual 9/10 → +0.1017
    # G2 expected 49/59 = 0.8305, actual 3/3 → +10/59 = +0.1695
    assert rows.set_index("group_id").at["G1", "mix_effect"] == pytest.approx(0.9 - (6 * 49 / 59 + 3) / 10)
    assert rows.set_index("group_id").at["G2", "mix_effect"] == pytest.approx(1 - 49 / 59)
    figure = cc.mix_figure(rows, title="实际与预期", lang="zh")
    assert len(figure.data) == 4                           # two groups, expected, legend entry
    assert figure.data[0].marker.color == PALETTE[1]       # G2 keeps its colour
    table = cc.mix_frame(rows, "en")
    assert list(table["Actual − expected (pp)"]) == ["+16.9", "+10.2"]


def test_small_multiples_give_every_group_a_panel_on_one_shared_y_axis():
    weekly = pd.DataFrame({
        "week": pd.to_datetime(["2026-10-05", "2026-10-12", "2026-10-05"]),
        "group": ["G1", "G1", "G2"], "value": [3, 5, 7],
    })
    figure = cc.weekly_small_multiples(weekly, GROUPS, COLORS, value_col="value", title="每周成交数",
                                       y_title="成交数（个）", lang="zh")
    assert [trace.name for trace in figure.data] == ["一期组", "二期组", "初期接触组", "成交组"]
    assert [len(trace.x) for trace in figure.data] == [2, 1, 0, 0]   # empty panels keep their place
    assert figure.layout.yaxis2.matches == "y" and figure.layout.yaxis4.matches == "y"
    assert [list(c) for c in figure.data[0].customdata] == [["G1", "2026-10-05"], ["G1", "2026-10-12"]]
    assert figure.data[1].marker.color == PALETTE[1]
    assert figure.layout.yaxis.title.text == "成交数（个）"
    assert figure.layout.xaxis.title.text == "周（自周一）"


def test_a_clicked_week_is_clipped_to_the_window():
    october = Filters(date(2026, 10, 1), date(2026, 10, 31))
    # the week of Monday 28 September starts before the window and ends inside it
    assert cc.week_selection_bounds("2026-09-28", october) == (datetime(2026, 10, 1), datetime(2026, 10, 5))
    assert cc.week_selection_bounds("2026-10-26", october) == (datetime(2026, 10, 26), datetime(2026, 11, 1))


def test_clicked_points_reads_customdata_and_tolerates_no_event():
    event = {"selection": {"points": [{"x": 1, "customdata": ["G1"]}, {"x": 2}]}}
    assert cc.clicked_points(event) == [["G1"]]
    assert cc.clicked_points(None) == []


def test_the_basis_badges_name_each_split_and_escape_names():
    groups = GROUPS.assign(name=["<b>一期</b>", "二期组", "初期接触组", "成交组"])
    text = cc.basis_badges_html(groups, COLORS, {"P1": "云栖府"}, "zh")
    assert "&lt;b&gt;一期&lt;/b&gt;" in text and "<b>一期" not in text
    assert "按阶段 · 负责初期接触" in text and "按项目" in text and "云栖府 · 5 人" in text


def test_groups_in_filters_follow_the_group_and_project_filters():
    window = (date(2026, 10, 1), date(2026, 10, 31))
    assert list(cc.groups_in_filters(GROUPS, Filters(*window, group_ids=("G2",)))["group_id"]) == ["G2"]
    assert list(cc.groups_in_filters(GROUPS, Filters(*window, project_ids=("P2",)))["group_id"]) == ["G2"]
    assert len(cc.groups_in_filters(GROUPS, Filters(*window))) == 4
