"""满意度 Satisfaction: CSAT and NPS by group and consultant with n and intervals, distributions,
trend, the lowest-scoring comments (masked in privacy mode), and satisfaction against win rate.
A click on a group (dot, table row or bubble) opens its closed deals and its comments."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from analytics.kpis import kpi_table, rolled_up
from analytics.registry import METRICS
from analytics.satisfaction import (
    satisfaction_table,
    satisfaction_trend,
    satisfaction_vs_conversion,
    score_distribution,
)
from analytics.stats import DEFAULT_MIN_N, rank_by_lower_bound
from db import catalog
from db.deal_lists import DealSelection
from db.queries import dimension_labels, kpi_aggregates, lowest_survey_comments, survey_score_counts
from ui import formats
from ui.charts import group_colors
from ui.charts_satisfaction import (
    conversion_scatter,
    csat_distribution_figure,
    group_scores_figure,
    nps_category_figure,
    trend_figure,
)
from ui.components import draw_cards, empty_state, page_header, show_chart
from ui.context import page_context
from ui.database import load
from ui.drilldown import show_deals
from ui.funnel_drilldown import clicked_id
from ui.i18n import listed, t
from ui.tables_satisfaction import (
    card_texts,
    comments_table,
    consultant_table,
    group_table,
    ordered_group_ids,
    win_rate_fits,
)

ctx = page_context()
lang, filters, privacy = ctx.lang, ctx.filters, ctx.privacy


def comments_frame(scope) -> pd.DataFrame:
    return comments_table(load(lowest_survey_comments, scope, 20), names, lang, privacy)


def draw_group_drill(group_id: str, key: str) -> None:
    name = names.get(group_id, group_id)
    with st.container(border=True):
        st.markdown(f"#### {t('sat_drill_title', lang, group=name)}")
        show_deals(filters, DealSelection(basis="closed", group_id=group_id), t("sat_drill_deals", lang, group=name),
                   lang, privacy, key=f"{key}_deals")
        st.markdown(f"**{t('sat_drill_comments', lang)}**")
        comments = comments_frame(replace(filters, group_ids=(group_id,)))
        if comments.empty:
            st.caption(t("sat_comments_none", lang))
        else:
            st.dataframe(comments, hide_index=True, width="stretch", key=f"{key}_comments")


def draw_groups(table: pd.DataFrame) -> None:
    st.subheader(t("sat_by_group", lang))
    event = show_chart(group_scores_figure(table, order, names, colors, lang), width="stretch",
                            key="sat_dots", on_select="rerun", selection_mode=("points",), theme=None)
    picked = st.dataframe(group_table(table, order, names, lang), hide_index=True, width="stretch",
                          key="sat_group_table", on_select="rerun", selection_mode="single-row")
    st.caption(t("sat_table_help", lang, min_n=DEFAULT_MIN_N))
    rows = picked.selection.rows if picked else []
    group_id = clicked_id(event) or (ordered_group_ids(table, order)[rows[0]] if rows else None)
    if group_id:
        draw_group_drill(group_id, "sat_drill_group")


def draw_distribution(table: pd.DataFrame) -> None:
    st.subheader(t("sat_distribution", lang))
    scale = st.segmented_control(t("sat_scale", lang), ("nps", "csat"), default="nps", key="sat_scale",
                                 format_func=lambda s: t(f"sat_scale_{s}", lang)) or "nps"
    if scale == "nps":
        figure = nps_category_figure(table, order, names, lang)
    else:
        distribution = score_distribution(load(survey_score_counts, filters, "group"), "csat", by="group")
        answers = dict(zip(table["group"], table["csat_n"], strict=True))
        figure = csat_distribution_figure(distribution, answers, order, names, lang)
    show_chart(figure, width="stretch", key="sat_distribution_chart", theme=None)


def draw_trend() -> None:
    st.subheader(t("sat_trend", lang))
    period_column, metric_column, _ = st.columns([1, 1, 2])
    with period_column:
        period = st.segmented_control(t("sat_trend_period", lang), ("week", "month"), default="week",
                                      key="sat_period", format_func=lambda p: t(f"sat_period_{p}", lang)) or "week"
    with metric_column:
        metric = st.segmented_control(t("sat_trend_metric", lang), ("csat", "nps"), default="csat",
                                      key="sat_metric", format_func=lambda m: t(f"sat_metric_{m}", lang)) or "csat"
    per_group = load(kpi_aggregates, filters, (period, "group"))
    by_group = satisfaction_table(per_group, [period, "group"])
    overall = satisfaction_trend(rolled_up(per_group, period), period)     # the groups' sums per period
    show_chart(trend_figure(by_group, overall, period=period, metric=metric, names=names, colors=colors,
                                 lang=lang), width="stretch", key="sat_trend_chart", theme=None)
    st.caption(t("sat_trend_caption", lang, min_n=DEFAULT_MIN_N))


def draw_consultants() -> None:
    st.subheader(t("sat_by_consultant", lang))
    by_staff = satisfaction_table(load(kpi_aggregates, filters, ("staff", "group")), ["staff", "group"])
    ranked = rank_by_lower_bound(by_staff, "csat")
    st.dataframe(consultant_table(ranked, load(dimension_labels, "staff"), names, lang), hide_index=True,
                 width="stretch", height=380)
    st.caption(t("sat_consultant_help", lang))


def draw_comments() -> None:
    st.subheader(t("sat_comments", lang))
    comments = comments_frame(filters)
    if comments.empty:
        empty_state(lang, "sat_comments_none")
        return
    st.dataframe(comments, hide_index=True, width="stretch", height=420)
    st.caption(t("sat_comments_help", lang) + (" · " + t("sat_comments_privacy", lang) if privacy else ""))


def draw_conversion(by_group_aggregates: pd.DataFrame) -> None:
    st.subheader(t("sat_vs_conversion", lang))
    vs = satisfaction_vs_conversion(kpi_table(by_group_aggregates, "group"))
    shown, non_closers, too_few = win_rate_fits(vs, groups, DEFAULT_MIN_N)
    if shown.empty:
        empty_state(lang, "sat_scatter_empty")
    else:
        event = show_chart(conversion_scatter(shown, names, colors, lang), width="stretch", key="sat_scatter",
                                on_select="rerun", selection_mode=("points",), theme=None)
        st.caption(t("sat_scatter_caption", lang))
    if non_closers:
        st.caption(t("sat_scatter_excluded", lang, groups=formats.literal(
            listed((names.get(g, g) for g in non_closers), lang))))
    if too_few:
        st.caption(t("sat_scatter_too_few", lang, min_n=DEFAULT_MIN_N,
                     groups=formats.literal(listed((names.get(g, g) for g in too_few), lang))))
    group_id = None if shown.empty else clicked_id(event)
    if group_id:
        draw_group_drill(group_id, "sat_drill_scatter")


page_header(t("page_satisfaction", lang), lang)
st.caption(t("sat_basis", lang, start=filters.start.isoformat(), end=filters.end.isoformat()))

# The window's totals are the groups' sums (CSAT and NPS are sums of answers; unattributed
# answers are a row of their own): one query fewer than asking for "total" as well.
by_group_aggregates = load(kpi_aggregates, filters, "group")
current = satisfaction_table(rolled_up(by_group_aggregates, None), "total").iloc[0]
if current["csat_n"] + current["nps_n"] == 0:
    empty_state(lang, "sat_empty")
    st.stop()
previous = satisfaction_table(load(kpi_aggregates, filters.previous(), "total"), "total").iloc[0]
descriptions = {m: METRICS[m].description_en if lang == "en" else METRICS[m].description_zh for m in ("csat", "nps")}
cards = card_texts(current, previous, lang, descriptions)
draw_cards(cards, {card.metric_id: card.metric_id != "detractors" for card in cards})

groups = load(catalog.groups)
order = list(groups["group_id"])
names = dict(zip(groups["group_id"], groups["name"], strict=True))
colors = group_colors(order)
by_group = satisfaction_table(by_group_aggregates, "group")
draw_groups(by_group)
draw_distribution(by_group)
draw_trend()
draw_consultants()
draw_comments()
draw_conversion(by_group_aggregates)
