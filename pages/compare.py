"""小组对比 Group comparison: win rates ranked by the interval's lower bound, KPIs side by side,
the mix-adjusted view, each group's split basis, and a small-multiples weekly trend.

Every chart point, bar and table row opens the deals behind it.
"""

from __future__ import annotations

import streamlit as st

from analytics.kpis import kpi_table
from analytics.mix import mix_adjusted_win_rates
from db import catalog
from db.deal_lists import DealSelection
from db.queries import closed_deals_by_cell, kpi_aggregates
from ui import charts_compare as cc
from ui.charts import group_colors
from ui.components import empty_state, localized_counts, page_header, show_chart
from ui.context import page_context
from ui.database import load
from ui.drilldown import show_deals
from ui.i18n import listed, t
from ui.metric_text import amount_unit, metric_axis_title, metric_label

# Weekly trend metrics and the deals a click on one of their bars opens.
TREND_BASIS = {"won_deals": "won", "won_amount": "won", "deals": "created", "lost_deals": "lost"}

ctx = page_context()
lang, filters = ctx.lang, ctx.filters


def drill(selection: DealSelection, what: str, key: str) -> None:
    show_deals(filters, selection, what, lang, ctx.privacy, key)



page_header(t("page_compare", lang), lang)
st.caption(t("cmp_window", lang, start=filters.start.isoformat(), end=filters.end.isoformat(),
             days=filters.days))

groups = load(catalog.groups)
colors = group_colors(list(groups["group_id"]))
shown = cc.groups_in_filters(groups, filters)
names = dict(zip(groups["group_id"], groups["name"], strict=True))
by_group = kpi_table(load(kpi_aggregates, filters, "group"), "group")
activity = by_group[["deals", "first_visits", "won_deals", "lost_deals"]].to_numpy().sum()
if shown.empty or activity == 0:
    empty_state(lang)
    st.stop()
st.caption(t("cmp_intro", lang))

st.subheader(t("cmp_basis_heading", lang))
st.html(cc.basis_badges_html(shown, colors, ctx.choices.projects, lang))

st.subheader(t("cmp_ranking_heading", lang))
ranked = cc.group_win_rate_ranking(by_group, shown)
hands_on = [row.name for row in shown.itertuples() if cc.hands_deals_on(row.basis, row.phase)]
closing_stage = [row.name for row in shown.itertuples() if row.basis == "stage" and row.phase == "closing"]
if ranked.empty:
    empty_state(lang, "cmp_no_closed")
else:
    rows = cc.ranking_rows(ranked, id_col="group_id", name_col="name", legend_col="name",
                           color_key_col="group_id", colors=colors)
    figure = cc.interval_dot_figure(rows, title=t("cmp_ranking_title", lang),
                                    x_title=t("cmp_axis_win_rate", lang), y_title=t("cmp_axis_group", lang),
                                    lang=lang)
    event = show_chart(figure, width="stretch", theme=None, key="cmp_ranking", on_select="rerun",
                            selection_mode=("points",))
    notes = [t("cmp_whisker_help", lang)]
    if hands_on:
        notes.append(t("cmp_stage_note", lang, groups=listed(hands_on, lang)))
    if closing_stage:
        notes.append(t("cmp_closing_note", lang, groups=listed(closing_stage, lang)))
    st.caption(("" if lang == "zh" else " ").join(notes))
    for (group_id, *_) in cc.clicked_points(event)[:1]:
        drill(DealSelection(basis="closed", group_id=group_id),
              t("cmp_what_closed", lang, group=names[group_id]), "cmp_ranking_deals")

st.subheader(t("cmp_kpi_heading", lang))
frame, row_groups = cc.group_kpi_frame(by_group, shown, ranked, lang)
table = st.dataframe(frame, hide_index=True, width="stretch", key="cmp_kpi_table", on_select="rerun",
                     selection_mode="single-row", column_config=localized_counts(frame))
st.caption(t("cmp_kpi_caption", lang) + " " + t("metric_dictionary_hint", lang))
for index in [row for row in table.selection.rows if row < len(row_groups)][:1]:   # stale after a filter
    group = shown.set_index("group_id").loc[row_groups[index]]
    handed_on = cc.hands_deals_on(group["basis"], group["phase"])
    drill(DealSelection(basis="created" if handed_on else "closed", group_id=row_groups[index]),
          t("cmp_what_created" if handed_on else "cmp_what_closed", lang, group=group["name"]),
          "cmp_kpi_deals")

st.subheader(t("cmp_mix_heading", lang))
st.markdown(t("cmp_mix_explain", lang))
mix = mix_adjusted_win_rates(load(closed_deals_by_cell, filters))
mixed = cc.mix_rows(mix, shown, colors)
mix_event = None
if mixed.empty:
    empty_state(lang, "cmp_no_closed")
else:
    mix_event = show_chart(cc.mix_figure(mixed, title=t("cmp_mix_title", lang), lang=lang),
                                width="stretch", theme=None, key="cmp_mix", on_select="rerun",
                                selection_mode=("points",))
    mix_table = cc.mix_frame(mixed, lang)
    st.dataframe(mix_table, hide_index=True, column_config=localized_counts(mix_table))
if shown["basis"].eq("stage").any():
    st.caption(t("cmp_mix_stage_note", lang))
for (group_id, *_) in cc.clicked_points(mix_event)[:1]:
    drill(DealSelection(basis="closed", group_id=group_id),
          t("cmp_what_closed", lang, group=names[group_id]), "cmp_mix_deals")

st.subheader(t("cmp_trend_heading", lang))
metric_id = st.segmented_control(
    t("cmp_trend_metric", lang), tuple(TREND_BASIS), default="won_deals", key="cmp_trend_metric",
    format_func=lambda m: metric_label(m, lang)) or "won_deals"
weekly = load(kpi_aggregates, filters, ("week", "group"))
scale, _ = amount_unit(lang)
is_amount = metric_id == "won_amount"
values = weekly.assign(value=weekly[metric_id] / scale if is_amount else weekly[metric_id])
trend = cc.weekly_small_multiples(
    values, shown, colors, value_col="value", lang=lang,
    title=t("cmp_trend_title", lang, metric=metric_label(metric_id, lang)),
    y_title=metric_axis_title(metric_id, lang),
    hover_format=",.1f" if is_amount else ",.0f")
trend_event = show_chart(trend, width="stretch", theme=None, key="cmp_trend", on_select="rerun",
                              selection_mode=("points",))
st.caption(t("cmp_trend_caption", lang) + ("" if lang == "zh" else " ") + t("click_to_drill", lang))
for group_id, week in cc.clicked_points(trend_event)[:1]:
    start, end = cc.week_selection_bounds(week, filters)
    basis = TREND_BASIS[metric_id]
    drill(DealSelection(basis=basis, group_id=group_id, start=start, end=end),
          t("cmp_what_week", lang, group=names[group_id], week=week, basis=t(f"cmp_basis_{basis}", lang)),
          "cmp_trend_deals")
