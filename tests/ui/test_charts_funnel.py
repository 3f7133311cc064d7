"""Figure builders of the funnel page on hand-made frames: what is drawn, labelled and clickable."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.funnel import mark_immature, stage_funnel, time_in_stage
from domain import STAGES
from ui.charts import FONT_FAMILY
from ui.charts_funnel import (
    IMMATURE_COLOR,
    PHASE_COLORS,
    cohort_conversion,
    cohort_figure,
    stage_funnel_figure,
    time_in_stage_figure,
)


def funnel(reached: list[int], inferred: list[int] | None = None) -> pd.DataFrame:
    counts = pd.DataFrame({"stage": list(STAGES), "reached": reached, "entered": reached,
                           "inferred": inferred or [0] * 7})
    return stage_funnel(counts, basis="cohort")


def test_the_funnel_has_one_bar_per_stage_coloured_by_phase_with_the_stage_key():
    fig = stage_funnel_figure(funnel([100, 80, 40, 20, 10, 10, 5]), "zh", title="阶段漏斗 · 同期群")
    assert [trace.name for trace in fig.data] == ["初期接触", "跟进", "成交"]
    assert [trace.marker.color for trace in fig.data] == list(PHASE_COLORS.values())
    stages = [stage for trace in fig.data for stage in trace.customdata]
    assert stages == list(STAGES)
    assert [n for trace in fig.data for n in trace.x] == [100, 80, 40, 20, 10, 10, 5]
    assert list(fig.data[0].y) == ["来电/线索", "首访"]
    # text: count and cumulative conversion; 40 of 100 reached 复访
    assert fig.data[1].text[0] == "40 个 · 40.0%"


def test_the_funnel_hover_gives_the_step_in_the_cumulative_rate_and_the_drop():
    fig = stage_funnel_figure(funnel([100, 80, 40, 20, 10, 10, 5]), "zh", title="t")
    revisit = fig.data[1].hovertext[0]
    # 复访: 40 reached, 40/80 = 50% from 首访, 40/100 cumulative, 20 did not reach 认筹 (20/40)
    assert "到达：40 个" in revisit and "由上一阶段转入：50.0%" in revisit
    assert "累计转化：40.0%" in revisit and "未到达下一阶段：20 个（50.0%）" in revisit
    lead = fig.data[0].hovertext[0]
    assert "由上一阶段" not in lead                     # nothing comes before the first stage
    assert "未到达下一阶段" not in fig.data[2].hovertext[-1]  # nothing after 回款


def test_the_funnel_is_labelled_in_english_with_units_and_the_page_font():
    fig = stage_funnel_figure(funnel([10, 8, 4, 2, 1, 1, 0]), "en", title="Stage funnel · Cohort")
    assert fig.layout.title.text == "Stage funnel · Cohort"
    assert fig.layout.xaxis.title.text == "Deals (count)" and fig.layout.yaxis.title.text == "Stage"
    assert fig.layout.font.family == FONT_FAMILY
    assert list(fig.data[0].y) == ["Lead", "First visit"] and fig.data[0].text[0] == "10 · 100.0%"
    assert fig.layout.yaxis.autorange == "reversed"     # lead on top


def test_an_empty_funnel_still_draws_without_dividing_by_zero():
    fig = stage_funnel_figure(funnel([0] * 7), "zh", title="t")
    assert fig.layout.xaxis.range == (0, 1.55)
    assert fig.data[0].text[0] == "0 个 · —"


def by_month(rows: dict[str, list[int]]) -> pd.DataFrame:
    frames = [pd.DataFrame({"month": pd.Timestamp(month), "stage": list(STAGES), "reached": reached,
                            "entered": reached, "inferred": [0] * 7}) for month, reached in rows.items()]
    return stage_funnel(pd.concat(frames, ignore_index=True), basis="cohort", by="month")


def test_cohort_conversion_is_reached_subscription_over_entered_with_a_wilson_interval():
    cohorts = cohort_conversion(by_month({"2026-01-01": [100, 80, 40, 20, 10, 8, 6],
                                          "2026-02-01": [4, 4, 2, 1, 1, 0, 0]}))
    assert cohorts["n"].tolist() == [100, 4] and cohorts["won"].tolist() == [10, 1]
    assert cohorts["rate"].tolist() == pytest.approx([0.10, 0.25])
    # Wilson 95% of 10/100: (0.0552, 0.1744)
    assert cohorts[["low", "high"]].iloc[0].tolist() == pytest.approx([0.0552, 0.1744], abs=1e-4)
    assert cohorts["too_few"].tolist() == [False, True]   # 4 < 5


def test_immature_cohorts_are_grey_and_say_how_much_of_the_window_has_passed():
    cohorts = cohort_conversion(by_month({"2026-07-01": [100, 80, 40, 20, 12, 8, 6],
                                          "2026-10-01": [50, 40, 20, 10, 3, 0, 0]}))
    marked = mark_immature(cohorts, "month", period="month", as_of=date(2026, 11, 25))
    fig = cohort_figure(marked, "zh")
    mature, immature = fig.data
    assert list(mature.x) == ["2026-07"] and list(immature.x) == ["2026-10"]
    assert immature.marker.color == IMMATURE_COLOR
    # October ends 10-31; 25 of 90 days have passed by 11-25: 28%
    assert immature.text[0] == "6.0%<br>已过 28%"
    assert list(mature.y) == pytest.approx([12.0])      # percent on the axis
    assert fig.layout.yaxis.title.text == "转化率（%）" and fig.layout.xaxis.title.text == "创建月份"


def test_time_in_stage_draws_median_and_p75_and_skips_stages_without_stays():
    durations = time_in_stage(pd.DataFrame({"stage": ["lead", "first_visit"], "n": [10, 4],
                                            "median_days": [2.0, 7.5], "p75_days": [3.0, 12.0]}))
    fig = time_in_stage_figure(durations, "zh")
    assert [trace.name for trace in fig.data] == ["中位数", "P75"]
    assert list(fig.data[0].y) == ["来电/线索", "首访"]     # 复访 … 回款 have no finished stay
    assert list(fig.data[1].x) == [3.0, 12.0] and fig.data[1].text[1] == "12 天"
    assert fig.data[0].hovertext[1] == "首访 · 中位数：8 天（n=4 段停留）"
    assert fig.layout.xaxis.title.text == "停留时长（天）"
