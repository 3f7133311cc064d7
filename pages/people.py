"""顾问 People: a leaderboard that does not reward noise, and one consultant's scorecard.

The leaderboard ranks on the lower bound of the win rate's 95% Wilson interval; the scorecard
compares a consultant with the median consultant of their group. Clicks open the deals behind.
"""

from __future__ import annotations

import streamlit as st

from analytics.kpis import kpi_table
from analytics.stats import DEFAULT_MIN_N
from db import catalog
from db.deal_lists import DealSelection
from db.queries import kpi_aggregates
from db.queries.people import staff_roster
from ui import charts_compare as cc
from ui import charts_people as cp
from ui.charts import group_colors
from ui.components import empty_state, localized_counts, page_header, show_chart
from ui.context import page_context
from ui.database import load
from ui.drilldown import show_deals
from ui.i18n import BASIS_LABELS, ROLE_LABELS, label, t
from ui.metric_text import metric_label

CLOSER_METRICS = ("won_deals", "won_amount", "deals", "lost_deals")
HANDLER_METRICS = ("deals", "first_visits", "visits", "lost_deals")
# The deals a click on a trend bar opens, per metric (None: the bar is not a list of deals).
TREND_BASIS = {"won_deals": "won", "won_amount": "won", "deals": "created", "lost_deals": "lost"}

ctx = page_context()
lang, filters = ctx.lang, ctx.filters


def newest_click(sources: dict[str, str | None]) -> str | None:
    """The consultant of the latest click on any of the leaderboard's widgets (None: no click).

    A widget keeps its selection across reruns, so only a selection that changed is a new click;
    it also moves the scorecard's select box to that consultant.
    """
    seen = st.session_state.setdefault("_ppl_seen", {})
    changed = [value for key, value in sources.items() if value is not None and seen.get(key) != value]
    seen.update(sources)
    if changed:
        st.session_state["_ppl_clicked"] = st.session_state["consultant"] = changed[0]
    if all(value is None for value in sources.values()):
        st.session_state["_ppl_clicked"] = None
    return st.session_state.get("_ppl_clicked")


def row_id(frame, rows: list[int]) -> str | None:
    """The staff id of a table's selected row (None: none, or a stale row after a filter change)."""
    return frame["staff_id"].iloc[rows[0]] if rows and rows[0] < len(frame) else None



page_header(t("page_people", lang), lang)
st.caption(t("cmp_window", lang, start=filters.start.isoformat(), end=filters.end.isoformat(),
             days=filters.days))

roster = load(staff_roster, filters.end)
people = cp.consultant_kpis(kpi_table(load(kpi_aggregates, filters, "staff"), "staff"), roster)
if people.empty:
    empty_state(lang, "ppl_no_people")
    st.stop()
colors = group_colors(list(load(catalog.groups)["group_id"]))
board, handlers = cp.leaderboard(people), cp.stage_handlers(people)
names = dict(zip(people["staff_id"], people["name"], strict=True))
group_names = dict(zip(people["staff_id"], people["group_name"].fillna(t("ppl_no_group", lang)), strict=True))

own = ctx.scope.own_staff_id      # a consultant sees their own scorecard, not their peers'
if own is None:
    st.subheader(t("ppl_board_heading", lang))
    st.caption(t("ppl_intro", lang, min_n=DEFAULT_MIN_N))
ranked = board[board["rank"].notna()] if own is None else board.iloc[0:0]
chart_event = None
if own is None and ranked.empty:
    empty_state(lang, "ppl_no_ranked")
elif own is None:
    rows = cc.ranking_rows(ranked, id_col="staff_id", name_col="name", legend_col="group_name",
                           color_key_col="group_id", colors=colors)
    figure = cc.interval_dot_figure(rows, title=t("ppl_board_title", lang), x_title=t("cmp_axis_win_rate", lang),
                                    y_title=t("ppl_axis_consultant", lang), lang=lang, show_legend=True)
    chart_event = show_chart(figure, width="stretch", theme=None, key="ppl_board_chart",
                                  on_select="rerun", selection_mode=("points",))
board_rows: list[int] = []
if own is None:
    board_frame = cp.leaderboard_frame(board, lang)
    board_rows = st.dataframe(board_frame, hide_index=True, width="stretch", key="ppl_board_table",
                              on_select="rerun", selection_mode="single-row",
                              column_config=localized_counts(board_frame)).selection.rows
    st.caption(t("ppl_board_caption", lang) + " " + t("cmp_whisker_help", lang))
handler_rows: list[int] = []
if own is None and not handlers.empty:
    st.markdown(f"**{t('ppl_handoff_heading', lang)}**")
    st.caption(t("ppl_handoff_caption", lang))
    handler_frame = cp.handlers_frame(handlers, lang)
    handler_rows = st.dataframe(handler_frame, hide_index=True, width="stretch", key="ppl_handlers_table",
                                on_select="rerun", selection_mode="single-row",
                                column_config=localized_counts(handler_frame)).selection.rows


clicked = newest_click({
    "chart": next((point[0] for point in cc.clicked_points(chart_event)), None),
    "table": row_id(board, board_rows),
    "handlers": row_id(handlers, handler_rows),
})
if clicked in names:
    hands_on = bool(people.loc[people["staff_id"] == clicked, "hands_on"].iloc[0])
    show_deals(filters, DealSelection(basis="lost" if hands_on else "closed", staff_id=clicked),
               t("ppl_what_lost" if hands_on else "ppl_what_closed", lang, name=names[clicked]), lang,
               ctx.privacy, "ppl_board_deals")

st.subheader(t("ppl_scorecard_heading", lang))
options = [*board["staff_id"], *handlers["staff_id"]]
if own is not None:
    options = [staff_id for staff_id in options if staff_id == own]
    if not options:
        empty_state(lang, "ppl_no_people")
        st.stop()
if st.session_state.get("consultant") not in options:   # first visit, a pasted link, or filtered away
    linked = st.query_params.get("consultant")
    st.session_state["consultant"] = linked if linked in options else options[0]
chosen = st.selectbox(t("ppl_pick", lang), options, key="consultant", help=t("ppl_pick_help", lang),
                      format_func=lambda staff_id: f"{names[staff_id]} · {group_names[staff_id]}")
st.query_params["consultant"] = chosen
person = people[people["staff_id"] == chosen].iloc[0]
peers = cp.group_peers(people, chosen)
st.caption(t("ppl_profile", lang, group=group_names[chosen], basis=label(BASIS_LABELS, person["basis"] if isinstance(person["basis"], str) else None, lang),
             role=label(ROLE_LABELS, person["role_in_group"], lang), peers=len(peers)))
for card_row in cp.scorecard(person, cp.group_medians(peers), lang):
    for column, card in zip(st.columns(len(card_row)), card_row, strict=True):
        with column, st.container(border=True, height=168):
            st.metric(card.label, card.value, delta=card.delta,
                      delta_color="normal" if card.higher_is_better else "inverse",
                      delta_description=t("ppl_vs_median", lang) if card.delta else None)
            st.caption(card.caption)

st.markdown(f"**{t('ppl_trend_heading', lang)}**")
period_column, metric_column = st.columns(2)
with period_column:
    period = st.segmented_control(t("ppl_granularity", lang), ("month", "week"), default="month",
                                  key="ppl_period", format_func=lambda p: t(f"ppl_period_{p}", lang)) or "month"
metrics = HANDLER_METRICS if person["hands_on"] else CLOSER_METRICS
with metric_column:
    metric_id = st.segmented_control(
        t("ppl_trend_metric", lang), metrics, default=metrics[0],
        key=f"ppl_metric_{'handler' if person['hands_on'] else 'closer'}",
        format_func=lambda m: metric_label(m, lang)) or metrics[0]
trend_filters = cp.trend_window(filters, period)
trend = cp.person_trend(load(kpi_aggregates, trend_filters, (period, "staff")), list(peers["staff_id"]),
                        chosen, period, metric_id)
trend_event = show_chart(
    cp.person_trend_figure(trend, name=names[chosen], color=colors.get(person["group_id"], cc.NEUTRAL),
                           metric_id=metric_id, period=period, lang=lang),
    width="stretch", theme=None, key="ppl_trend", on_select="rerun", selection_mode=("points",))
basis = None if person["hands_on"] and metric_id == "deals" else TREND_BASIS.get(metric_id)
st.caption(t("ppl_trend_span", lang, start=trend_filters.start.isoformat(), end=trend_filters.end.isoformat())
           + " " + t("click_to_drill" if basis else "ppl_no_drill_metric", lang))
for (period_start, *_) in cc.clicked_points(trend_event)[:1] if basis else []:
    start, end = cp.period_bounds(period_start, period, trend_filters)
    show_deals(trend_filters, DealSelection(basis=basis, staff_id=chosen, start=start, end=end),
               t("ppl_what_period", lang, name=names[chosen], basis=t(f"cmp_basis_{basis}", lang),
                 period=t(f"ppl_period_label_{period}", lang,
                          period=period_start[:7] if period == "month" else period_start)),
               lang, ctx.privacy, "ppl_trend_deals")
