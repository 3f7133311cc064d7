"""转化漏斗 Funnel: stage conversion (cohort or period), monthly cohorts, time in stage, stalled
deals and hand-offs between stage-split groups. A click on a stage bar lists the deals behind it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from analytics.funnel import (
    DEFAULT_CONVERSION_DAYS,
    mark_immature,
    stage_funnel,
    stall_thresholds,
    time_in_stage,
)
from analytics.handoffs import handoff_table
from analytics.stats import DEFAULT_MIN_N
from db import catalog
from db.filters import Filters
from db.queries import (
    cycle_time,
    handoff_aggregates,
    stage_durations,
    stage_reach_counts,
)
from db.queries.stalled import stalled_deal_counts_and_list
from domain import STAGES
from ui import formats
from ui.charts_funnel import cohort_conversion, cohort_figure, stage_funnel_figure, time_in_stage_figure
from ui.components import draw_cards, empty_state, page_header, show_chart
from ui.context import page_context
from ui.database import load
from ui.funnel_drilldown import clicked_stage, show_reached_deals
from ui.i18n import STAGE_LABELS, label, t
from ui.tables_funnel import STALLED_SHOWN, card_texts, funnel_table, handoff_display, stalled_table

ctx = page_context()
lang, filters, privacy, as_of = ctx.lang, ctx.filters, ctx.privacy, ctx.choices.as_of


def trailing_year(scope: Filters, end: date) -> Filters:
    """The 12 whole calendar months ending with `end`'s month (or the window, if it is longer)."""
    first = (pd.Timestamp(end) - pd.DateOffset(months=11)).replace(day=1).date()
    return replace(scope, start=min(first, scope.start), end=end)


def draw_funnel(funnel: pd.DataFrame, scope: Filters, basis: str, group_id: str, group_name: str) -> None:
    title = t("fun_funnel_title", lang, basis=t(f"fun_basis_{basis}", lang)) + (f" · {group_name}" if group_id else "")
    chart_column, table_column = st.columns([5, 7], gap="medium")
    with chart_column:
        event = show_chart(stage_funnel_figure(funnel, lang, title=title), width="stretch", key="fun_chart",
                                on_select="rerun", selection_mode=("points",), theme=None)
    with table_column:
        table = funnel_table(funnel, lang)
        picked = st.dataframe(table, hide_index=True, width="stretch", key="fun_table", on_select="rerun",
                              selection_mode="single-row",
                              column_config={name: st.column_config.Column(width=width)   # px: all columns fit
                                             for name, width in zip(table.columns, (88, 76, 178, 72, 98, 72),
                                                                    strict=False)})
        st.caption(t("fun_table_help" if basis == "cohort" else "fun_table_help_period", lang))
        st.caption(":material/touch_app: " + t("fun_click_hint", lang))
    stage = clicked_stage(event, picked, funnel)
    if stage:
        total = int(funnel.set_index("stage").at[stage, "reached"])
        show_reached_deals(scope, stage, basis=basis, group_id=None, group_name=group_name, total=total,
                           lang=lang, privacy=privacy, key="fun_drill")


def draw_cohorts(scope: Filters) -> None:
    st.subheader(t("fun_cohort_title", lang))
    year = trailing_year(scope, filters.end)
    counts = load(stage_reach_counts, year, basis="cohort", by="month")
    if counts.empty or counts["reached"].sum() == 0:
        empty_state(lang, "fun_cohort_empty")
        return
    cohorts = mark_immature(cohort_conversion(stage_funnel(counts, basis="cohort", by="month")), "month",
                            period="month", as_of=as_of, window_days=DEFAULT_CONVERSION_DAYS)
    show_chart(cohort_figure(cohorts, lang), width="stretch", key="fun_cohorts", theme=None)
    st.caption(t("fun_cohort_caption", lang, start=year.start.isoformat(), end=year.end.isoformat(),
                 days=DEFAULT_CONVERSION_DAYS))


def draw_time_in_stage(durations: pd.DataFrame, cycle: pd.Series) -> None:
    st.subheader(t("fun_time_title", lang))
    chart_column, cycle_column = st.columns([3, 1], gap="medium")
    with chart_column:
        if durations["n"].sum() == 0:
            empty_state(lang, "fun_time_empty")
        else:
            show_chart(time_in_stage_figure(durations, lang), width="stretch", key="fun_time", theme=None)
            st.caption(t("fun_time_caption", lang))
    with cycle_column, st.container(border=True):
        st.metric(t("fun_cycle_title", lang), formats.days(cycle["median_days"], lang))
        st.caption(t("fun_cycle_text", lang, n=formats.count(cycle["n"]), median=formats.days(cycle["median_days"], lang),
                     p75=formats.days(cycle["p75_days"], lang)) if cycle["n"] else t("fun_cycle_empty", lang))


def draw_stalled(stalled: pd.DataFrame, counts: pd.DataFrame, history: Filters, names: dict[str, str]) -> None:
    """`stalled`: the first rows of each stage (stalled_deal_list); `counts`: all of them by stage."""
    st.subheader(t("fun_stalled_title", lang))
    if stalled.empty:
        st.caption(t("fun_stalled_none", lang))
        return
    per_stage = {s: int(counts.loc[counts["stage"] == s, "deals"].sum()) for s in STAGES}
    stage = st.selectbox(t("fun_stalled_stage", lang), ("", *(s for s in STAGES if per_stage[s])), key="fun_stalled_stage",
                         format_func=lambda s: t("fun_stage_count", lang,
                                                 stage=label(STAGE_LABELS, s, lang) if s else t("fun_all_stages", lang),
                                                 n=formats.count(per_stage[s] if s else sum(per_stage.values()))))
    shown = stalled[stalled["stage"] == stage] if stage else stalled
    n = per_stage[stage] if stage else sum(per_stage.values())
    st.caption(t("fun_stalled_caption", lang, start=history.start.isoformat(), end=history.end.isoformat(),
                 min_n=DEFAULT_MIN_N, n=formats.count(n), shown=min(n, STALLED_SHOWN)))
    st.dataframe(stalled_table(shown, names, lang, privacy), hide_index=True, width="stretch", height=420)


def draw_handoffs(scope: Filters, names: dict[str, str]) -> None:
    st.subheader(t("fun_handoff_title", lang))
    handoffs = handoff_table(load(handoff_aggregates, scope))
    if handoffs.empty:
        empty_state(lang, "fun_handoff_none")
        return
    st.dataframe(handoff_display(handoffs, names, lang), hide_index=True, width="stretch")
    st.caption(t("fun_handoff_caption", lang))


page_header(t("page_funnel", lang), lang)

groups = load(catalog.groups)
names = dict(zip(groups["group_id"], groups["name"], strict=True))
basis_column, group_column, basis_text_column = st.columns([2, 3, 7], vertical_alignment="bottom")
with basis_column:
    basis = st.segmented_control(t("fun_basis", lang), ("cohort", "period"), default="cohort", key="fun_basis",
                                 format_func=lambda b: t(f"fun_basis_{b}", lang)) or "cohort"
with group_column:
    in_scope = [g for g in names if not filters.group_ids or g in filters.group_ids]
    group_id = st.selectbox(t("fun_split", lang), ("", *in_scope), key="fun_group", help=t("fun_split_help", lang),
                            format_func=lambda g: names[g] if g else t("fun_all_groups", lang))
scope = replace(filters, group_ids=(group_id,)) if group_id else filters
with basis_text_column:
    st.caption(t(f"fun_basis_{basis}_text", lang, start=filters.start.isoformat(), end=filters.end.isoformat(),
                 as_of=as_of.isoformat()))

funnel = stage_funnel(load(stage_reach_counts, scope, basis=basis), basis=basis)
history = replace(scope, start=as_of - timedelta(days=364), end=as_of)
# Counted and cut in SQL: at 1M deals ~160k deals are stalled, of which 50 are listed.
thresholds = stall_thresholds(load(stage_durations, history))
stalled_counts, stalled = load(stalled_deal_counts_and_list, scope, as_of, thresholds, per_stage=STALLED_SHOWN)
cycle = load(cycle_time, scope).iloc[0]
if funnel["reached"].sum() == 0:
    empty_state(lang, "fun_group_no_deals" if group_id else "empty_window")
else:
    lead = funnel.set_index("stage").loc[STAGES[0]]
    if lead["inferred"]:
        st.warning(t("fun_inferred_note", lang, share=formats.percent(lead["inferred_share"]),
                     n=formats.count(lead["inferred_deals"])), icon=":material/info:")
    draw_cards(card_texts(funnel, int(stalled_counts["deals"].sum()), basis, lang), {"stalled": False, "worst_drop": False})
    draw_funnel(funnel, scope, basis, group_id, names.get(group_id, ""))
    draw_cohorts(scope)
draw_time_in_stage(time_in_stage(load(stage_durations, scope)), cycle)
draw_stalled(stalled, stalled_counts, history, names)
if (groups["basis"] == "stage").any():
    draw_handoffs(scope, names)
