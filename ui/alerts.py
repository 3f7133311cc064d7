"""The overview's alerts (Streamlit-aware): off-pace groups, satisfaction drops, overdue
follow-ups and stalled deals, each with the list behind it."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics import alerts
from analytics.funnel import stall_thresholds
from analytics.kpis import kpi_table
from analytics.pacing import metric_actuals, pace_table
from analytics.privacy import masked_frame
from analytics.registry import METRICS
from db.filters import Filters
from db.queries import kpi_aggregates, metric_targets, stage_durations
from db.queries.followups import overdue_followup_counts_and_list
from db.queries.stalled import stalled_deal_counts_and_list
from ui import formats
from ui.database import load
from ui.i18n import STAGE_LABELS, label, listed, t
from ui.navigation import link
from ui.periods import month_start

# Every metric the demo and imports set monthly group targets on.
PACE_METRICS = ("won_amount", "won_deals", "first_visits", "visits")
# Stage durations are judged against all history, not the window being viewed.
HISTORY_START = date(2000, 1, 1)
LISTED = 200   # rows of an alert's list (the caption counts them all)


def _with_window(filters: Filters, start: date, end: date) -> Filters:
    return Filters(start, end, filters.project_ids, filters.group_ids, filters.source_channels,
                   filters.customer_types)


def off_pace_groups(filters: Filters, as_of: date) -> pd.DataFrame:
    """pace_alerts of every paced metric for the as-of month."""
    month = _with_window(filters, month_start(as_of), as_of)
    targets = load(metric_targets, month, scope="group", metrics=PACE_METRICS)
    if targets.empty:
        return pd.DataFrame()
    daily = load(kpi_aggregates, month, ("group", "month"))   # the month so far: one row per group
    actuals = metric_actuals(daily, "group", PACE_METRICS, as_of=as_of)
    return alerts.pace_alerts(pace_table(targets, actuals, as_of=as_of, by=["group", "metric"]))


def _metric_label(metric_id: str, lang: str) -> str:
    return METRICS[metric_id].label_en if lang == "en" else METRICS[metric_id].label_zh


def _amount(value, metric: str, lang: str) -> str:
    return formats.money(value, lang) if metric == "won_amount" else formats.count(value)


def _pace_section(rows: pd.DataFrame, names: dict[str, str], as_of: date, lang: str) -> None:
    st.markdown(f"**{t('alert_pace_title', lang, as_of=as_of.isoformat())}**")
    for row in rows.itertuples():
        icon = "■" if row.status == "off_track" else "▲"
        st.markdown(f"{icon} " + t(
            "alert_pace", lang, group=names.get(row.group, row.group),
            metric=_metric_label(row.metric, lang), status=t(f"status_{row.status}", lang),
            pace=formats.percent(row.pace_forecast, 0), actual=_amount(row.actual, row.metric, lang),
            target=_amount(row.target, row.metric, lang)))
    link("pages/targets.py", t("open_targets_page", lang), ":material/flag:")


def _csat_section(drops: pd.DataFrame, names: dict[str, str], lang: str) -> None:
    st.markdown(f"**{t('alert_csat_title', lang)}**")
    for row in drops.itertuples():
        st.markdown("▼ " + t("alert_csat", lang, group=names.get(row.group, row.group),
                             now=formats.score(row.csat), n=row.csat_n,
                             before=formats.score(row.csat_previous), n_before=row.csat_n_previous,
                             change=f"{-row.change:.2f}"))
    link("pages/satisfaction.py", t("open_satisfaction_page", lang), ":material/sentiment_satisfied:")


def _by_group_caption(deals: pd.DataFrame, names: dict[str, str], lang: str, count_column: str | None = None) -> str:
    counted = alerts.counts_by_group(deals, "owner_group_id", count_column=count_column)
    unknown = t("unknown_group", lang)
    parts = listed((f"{names.get(g, unknown) if isinstance(g, str) else unknown} {formats.count(n)}"
                    for g, n in zip(counted["group"], counted["deals"], strict=True)), lang)
    return t("alert_by_group", lang, parts=parts)


def _deal_list(deals: pd.DataFrame, extra: dict[str, str], names: dict[str, str], lang: str,
               privacy: bool) -> pd.DataFrame:
    shown = masked_frame(deals, id_column="customer_id") if privacy else deals
    frame = pd.DataFrame({
        t("col_customer", lang): shown["customer"],
        t("col_consultant", lang): shown["owner"],
        t("col_group", lang): [names.get(g, "—") for g in shown["owner_group_id"]],
        t("col_stage", lang): [label(STAGE_LABELS, s, lang) for s in shown["stage"]],
    })
    for column, key in extra.items():
        frame[t(key, lang)] = shown[column]
    return frame


def draw_alerts(filters: Filters, as_of: date, names: dict[str, str], lang: str,
                privacy: bool) -> None:
    st.subheader(t("alerts_title", lang))
    pace = off_pace_groups(filters, as_of)
    current = kpi_table(load(kpi_aggregates, filters, "group"), "group")
    previous = kpi_table(load(kpi_aggregates, filters.previous(), "group"), "group")
    drops = alerts.satisfaction_drops(current, previous)
    # Counted and listed in SQL: at 1M deals ~15k follow-ups are overdue, ~160k deals stalled.
    overdue_counts, overdue = load(overdue_followup_counts_and_list, filters, as_of, listed=LISTED)
    history = _with_window(filters, HISTORY_START, as_of)
    thresholds = stall_thresholds(load(stage_durations, history))
    stalled_counts, stalled = load(stalled_deal_counts_and_list, filters, as_of, thresholds, per_stage=LISTED)
    if pace.empty and drops.empty and overdue.empty and stalled.empty:
        st.success(t("alerts_none", lang))
        return
    left, right = st.columns(2)
    with left:
        if not pace.empty:
            _pace_section(pace, names, as_of, lang)
        if not drops.empty:
            _csat_section(drops, names, lang)
    with right:
        if not overdue.empty:
            total = int(overdue_counts["deals"].sum())
            with st.expander(t("alert_overdue_title", lang, n=formats.count(total)), icon=":material/schedule:"):
                st.caption(_by_group_caption(overdue_counts, names, lang, count_column="deals"))
                st.dataframe(_deal_list(overdue, {"days_overdue": "col_days_overdue"},
                                        names, lang, privacy), hide_index=True, width="stretch")
        if not stalled.empty:
            total = int(stalled_counts["deals"].sum())
            with st.expander(t("alert_stalled_title", lang, n=formats.count(total)), icon=":material/hourglass_top:"):
                st.caption(_by_group_caption(stalled_counts, names, lang, count_column="deals"))
                st.dataframe(_deal_list(stalled.head(LISTED), {"days": "col_days_in_stage",
                                                           "p75_days": "col_p75_days"},
                                        names, lang, privacy), hide_index=True, width="stretch")
