"""总览 Overview: KPI cards against the previous window, the groups at a glance, weekly trend."""

from __future__ import annotations

import streamlit as st

from analytics.kpis import kpi_table, rolled_up
from analytics.registry import METRICS
from db import catalog
from db.queries import kpi_aggregates
from ui import tables
from ui.alerts import draw_alerts
from ui.charts import group_colors, mark_partial_last_period, trend_by_group
from ui.components import draw_cards, empty_state, localized_counts, page_header, show_chart
from ui.context import page_context
from ui.database import load
from ui.i18n import t
from ui.kpi_cards import card_texts
from ui.navigation import link
from ui.periods import trend_weeks

TREND_METRICS = ("first_visits", "deals", "won_deals", "won_amount")

ctx = page_context()
lang, filters = ctx.lang, ctx.filters

page_header(t("page_overview", lang), lang)
st.caption(t("window_caption", lang, start=filters.start.isoformat(), end=filters.end.isoformat(),
             days=filters.days))

# The cards' totals are the groups' sums (every card is a count, an amount or a ratio of sums;
# unattributed facts are a row of their own): the by-group results the alerts and the group
# table load anyway, instead of two more queries.
current = kpi_table(rolled_up(load(kpi_aggregates, filters, "group"), None), "total").iloc[0]
previous = kpi_table(rolled_up(load(kpi_aggregates, filters.previous(), "group"), None), "total").iloc[0]
if current["deals"] == 0 and current["first_visits"] == 0 and current["won_deals"] == 0:
    empty_state(lang)
    st.stop()

draw_cards(card_texts(current, previous, METRICS, lang),
           {metric_id: metric.higher_is_better for metric_id, metric in METRICS.items()})

groups = load(catalog.groups)
colors = group_colors(list(groups["group_id"]))
names = dict(zip(groups["group_id"], groups["name"], strict=True))
draw_alerts(filters, ctx.choices.as_of, names, lang, ctx.privacy)

table_column, trend_column = st.container(), st.container()
with table_column:
    st.subheader(t("group_table", lang))
    by_group = kpi_table(load(kpi_aggregates, filters, "group"), "group")
    shown = groups[groups["group_id"].isin(by_group["group"])]
    frame, config = tables.group_kpi_table(by_group, shown, lang)
    st.dataframe(frame, column_config=config | localized_counts(frame), hide_index=True, width="stretch")
    st.caption(t("interval_help", lang))
    link("pages/dictionary.py", t("metric_dictionary_hint", lang), ":material/menu_book:")
with trend_column:
    metric_id = st.segmented_control(
        t("trend_metric", lang), TREND_METRICS, default="won_deals", key="overview_trend_metric",
        format_func=lambda m: METRICS[m].label_en if lang == "en" else METRICS[m].label_zh,
    ) or "won_deals"
    trend_window, days_in_last_week = trend_weeks(filters)
    weekly = load(kpi_aggregates, trend_window, ("week", "group"))
    trend = weekly.dropna(subset=["group"]).rename(columns={"week": "period", metric_id: "value"})
    metric = METRICS[metric_id]
    unit = t("unit_wan_yuan", lang) if metric_id == "won_amount" else t("unit_deals", lang)
    if metric_id == "won_amount":
        trend = trend.assign(value=trend["value"] / 1e4)
    figure = trend_by_group(
        trend, x="period", y="value", group_names=names, colors=colors,
        title=f"{t('weekly_trend', lang)} · {metric.label_en if lang == 'en' else metric.label_zh}",
        y_title=unit, x_title=t("week", lang), hover_format=",.1f" if metric_id == "won_amount" else ",.0f",
        lang=lang)
    if days_in_last_week < 7:
        mark_partial_last_period(figure, t("partial_week", lang, end=filters.end.isoformat(),
                                           days=days_in_last_week))
    show_chart(figure, key="overview_trend")
