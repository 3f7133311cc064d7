"""目标与进度 figures and tables on a hand-made month: three targets, 20 of 30 selling days gone."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.pacing import SellingCalendar, pace_table
from ui.charts import FONT_FAMILY
from ui.charts_targets import (
    attainment_figure,
    attainment_status,
    daily_text,
    in_display_order,
    pace_figure,
    status_text,
)
from ui.tables_targets import driver_changes, driver_display, driver_headline, pace_display, prior_months

AS_OF = date(2026, 11, 20)          # November 2026 has 30 days; all seven weekdays sell
NOVEMBER = pd.Timestamp("2026-11-01")
NAMES = {"gA": "甲组", "gB": "乙组", "gC": "丙组"}


def _pace(metric: str, targets: dict, actuals: dict) -> pd.DataFrame:
    target_frame = pd.DataFrame({"group": list(targets), "month": NOVEMBER, "target": list(targets.values())})
    actual_frame = pd.DataFrame({"group": list(actuals), "month": NOVEMBER, "actual": list(actuals.values())})
    return pace_table(target_frame, actual_frame, as_of=AS_OF, calendar=SellingCalendar()).assign(metric=metric)


@pytest.fixture
def pace() -> pd.DataFrame:
    # gA 成交金额: 3,000,000 of 4,000,000 in 20 days → 4,500,000 projected = 112.5% (on track)
    # gB 成交数: 4 of 10 → 6 projected = 60% (off track); gC 成交数: 6 of 10 → 9 = 90% (at risk)
    frames = [_pace("won_amount", {"gA": 4_000_000.0}, {"gA": 3_000_000.0}),
              _pace("won_deals", {"gB": 10.0, "gC": 10.0}, {"gB": 4.0, "gC": 6.0})]
    return in_display_order(pd.concat(frames, ignore_index=True), ["gA", "gB", "gC"])


def test_the_hand_made_month_has_one_target_in_each_status(pace):
    assert pace[["group", "status"]].values.tolist() == [["gA", "on_track"], ["gB", "off_track"],
                                                         ["gC", "at_risk"]]
    assert pace["pace_forecast"].tolist() == pytest.approx([1.125, 0.6, 0.9])


@pytest.mark.parametrize(("status", "lang", "text"), [
    ("off_track", "zh", "■ 落后"), ("at_risk", "zh", "▲ 有风险"), ("on_track", "zh", "● 正常"),
    ("off_track", "en", "■ off track"), (None, "zh", "—")])
def test_a_status_reads_as_a_symbol_and_a_word(status, lang, text):
    assert status_text(status, lang) == text


@pytest.mark.parametrize(("ratio", "status"), [(1.0, "on_track"), (0.9, "at_risk"), (0.8999, "off_track"),
                                               (np.nan, None)])
def test_a_finished_month_uses_the_pace_thresholds(ratio, status):
    assert attainment_status(ratio) == status


def test_a_met_target_needs_nothing_more_per_day():
    assert daily_text("won_deals", 0.0, "zh") == "已达成"
    assert daily_text("won_deals", 0.6, "zh") == "0.6"
    assert daily_text("won_amount", 100_000.0, "zh") == "10.0 万元"


def test_the_pace_chart_tells_status_by_colour_symbol_and_pattern(pace):
    figure = pace_figure(pace, NAMES, "zh")
    projected, actual = figure.data[0], figure.data[1]
    # plotly draws the first category at the bottom: the rows come reversed (gC, gB, gA)
    assert list(projected.y) == ["▲ 丙组 · 成交数", "■ 乙组 · 成交数", "● 甲组 · 成交金额"]
    assert list(projected.marker.pattern.shape) == ["/", "x", ""]
    assert list(actual.x) == pytest.approx([0.6, 0.4, 0.75])          # month to date: 6/10, 4/10, 3/4
    assert [row[0] for row in projected.customdata] == ["gC", "gB", "gA"]
    # the projection's label clears the target line: right of max(projection, 100%)
    labels = figure.data[2]
    assert list(labels.text) == ["预计 90%", "预计 60%", "预计 112%"]
    assert list(labels.x) == pytest.approx([1.015, 1.015, 1.125 + 0.015])
    assert figure.layout.title.text == "本月各目标进度（占月目标）"
    assert figure.layout.xaxis.title.text == "占月目标 %"
    assert figure.layout.font.family == FONT_FAMILY
    lines = [shape.name for shape in figure.layout.shapes]
    assert lines == ["目标 100%", "落后线 90%", "时间进度 67%"]          # 20 of 30 selling days


def test_the_pace_chart_hovers_in_english_when_asked(pace):
    figure = pace_figure(pace, NAMES, "en")
    assert "Target" in figure.data[0].hovertemplate and "月目标" not in figure.data[0].hovertemplate
    assert figure.data[0].customdata[1][3] == "■ off track"


def test_the_pace_table_formats_every_number(pace):
    shown = pace_display(pace, NAMES, "zh").set_index("小组")
    assert shown.loc["甲组", "月目标"] == "400.0 万元"
    assert shown.loc["甲组", "预计月底"] == "450.0 万元"
    assert shown.loc["甲组", "预计完成率"] == "112.5%"
    assert shown.loc["甲组", "剩余每日需完成"] == "10.0 万元"       # (4,000,000 − 3,000,000) / 10 days
    assert shown.loc["乙组", "状态"] == "■ 落后"
    assert shown.loc["乙组", "销售日 已过/全月"] == "20 / 30"
    assert shown.loc["乙组", "当前日均"] == "0.2"                    # 4 / 20
    assert shown.loc["乙组", "剩余每日需完成"] == "0.6"              # (10 − 4) / 10


def test_the_heat_map_shows_the_forecast_for_the_as_of_month(pace):
    october = pd.DataFrame({"group": ["gB"], "month": [pd.Timestamp("2026-10-01")], "target": [10.0],
                            "actual": [12.0], "attainment": [1.2], "metric": ["won_deals"]})
    november = pace[["group", "month", "target", "actual", "attainment", "metric"]]
    figure = attainment_figure(pd.concat([october, november], ignore_index=True), pace,
                               ["gA", "gB", "gC"], NAMES, AS_OF, "zh")
    heat = figure.data[0]
    assert list(heat.x) == ["2026-10", "2026-11 （预计）"]
    assert list(heat.y) == ["甲组 · 成交金额", "乙组 · 成交数", "丙组 · 成交数"]
    assert list(heat.text[1]) == ["● 120%", "■ 60%"]          # October attained, November projected
    assert heat.z[1][1] == pytest.approx(0.6)
    assert figure.layout.xaxis.type == "category"
    clicks = {(row[0], row[1]) for row in figure.data[1].customdata}
    assert clicks == {("gA", "2026-11-01"), ("gB", "2026-10-01"), ("gB", "2026-11-01"), ("gC", "2026-11-01")}


def _kpis(first_visits, deals, win_rate, n, won_deals, avg) -> pd.Series:
    return pd.Series({"first_visits": first_visits, "deals": deals, "win_rate": win_rate, "win_rate_n": n,
                      "win_rate_too_few": n < 5, "won_deals": won_deals, "avg_deal_amount": avg})


def test_the_why_table_finds_the_win_rate_behind_a_shortfall():
    # per selling day: first visits 60/20 = 3.0 vs 300/100 = 3.0; won deals 10/20 = 0.5 vs 60/100 = 0.6
    now, before = _kpis(60, 40, 0.2, 50, 10, 2e6), _kpis(300, 200, 0.4, 200, 60, 2e6)
    changes = driver_changes(now, before, 20, 100, "won_amount").set_index("driver")
    assert changes.loc["first_visits", "change"] == pytest.approx(0.0)
    assert changes.loc["win_rate", "change"] == pytest.approx(-0.5)
    assert changes.loc["won_deals", "change"] == pytest.approx(0.5 / 0.6 - 1)
    assert driver_headline(changes.reset_index(), "zh") == "主要原因：赢率比前三个月下降 50%。"
    shown = driver_display(changes.reset_index(), now, before, "zh").set_index("驱动指标")
    assert shown.loc["赢率", "本月至今"] == "20.0% (n=50)"
    assert shown.loc["赢率", "前三个月"] == "40.0% (n=200)"
    assert shown.loc["赢率", "变化"] == "-20.0 pp"
    assert shown.loc["日均成交", "变化"] == "-17%"


def test_a_group_without_first_visits_of_its_own_is_not_blamed_for_them():
    now, before = _kpis(0, 0, 0.7, 100, 80, 3e6), _kpis(0, 0, 0.7, 300, 240, 3e6)
    changes = driver_changes(now, before, 20, 60, "won_deals")
    assert changes["driver"].tolist() == ["win_rate", "won_deals"]
    assert driver_headline(changes, "en") == "No driver fell by more than 5%: the gap may come from a high target."


def test_too_few_closes_give_no_win_rate_to_blame():
    now, before = _kpis(60, 40, 0.0, 3, 0, np.nan), _kpis(300, 200, 0.4, 200, 60, 2e6)
    changes = driver_changes(now, before, 20, 100, "won_deals").set_index("driver")
    assert np.isnan(changes.loc["win_rate", "now"])
    shown = driver_display(changes.reset_index(), now, before, "zh").set_index("驱动指标")
    assert shown.loc["赢率", "本月至今"] == "样本不足 (n=3)"


def test_the_months_before_are_the_three_whole_months():
    assert prior_months(date(2026, 11, 25)) == (date(2026, 8, 1), date(2026, 10, 31))
    assert prior_months(date(2026, 3, 31)) == (date(2025, 12, 1), date(2026, 2, 28))
