"""Shaping, figures and display texts of the 顾问 People page (Streamlit-free).

A consultant's KPIs come from kpi_table(kpi_aggregates(…, 'staff')); who they are (group, role)
from db.queries.people.staff_roster. Analysts and site managers do not sell: they are never on
the leaderboard. Consultants of a stage-split group that hands its deals on are listed apart,
never ranked on a win rate they do not control.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.registry import METRICS
from analytics.stats import DEFAULT_MIN_N, rank_by_lower_bound
from db.filters import Filters
from ui import formats
from ui.charts import base_layout
from ui.charts_compare import NEUTRAL, hands_deals_on
from ui.i18n import ROLE_LABELS, label, t
from ui.metric_text import (
    amount_unit,
    metric_axis_title,
    metric_label,
    n_text,
    rate_n,
    rate_with_n,
    score_with_n,
    with_unit,
)

NON_SELLING_ROLES = ("analyst", "manager")
RATE_METRICS = ("win_rate", "followup_timeliness", "csat", "nps")
# The scorecard: two rows of four cards; a consultant who hands deals on closes none, so their
# first row shows what they do instead.
SCORECARD = (("deals", "first_visits", "won_deals", "won_amount"),
             ("win_rate", "followup_timeliness", "csat", "nps"))
HANDLER_SCORECARD = (("deals", "first_visits", "visits", "lost_deals"), SCORECARD[1])
TREND_SPAN = {"month": 6, "week": 13}   # periods a trend shows at least


def consultant_kpis(by_staff: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """kpi_table rows of selling staff joined to who they are; analysts and managers left out.

    Adds staff_id, name, group_id, group_name, basis, phase, role_in_group, sort_order and
    `hands_on` (their group passes deals on). Staff without a roster row, or without any fact in
    the window, are not listed. The inputs are not changed.
    """
    selling = roster[~roster["role"].isin(NON_SELLING_ROLES)
                     & ~roster["role_in_group"].isin(NON_SELLING_ROLES)]
    merged = selling.merge(by_staff, left_on="staff_id", right_on="staff", how="inner")
    hands_on = [hands_deals_on(basis, phase) for basis, phase in zip(merged["basis"], merged["phase"],
                                                                     strict=True)]
    return merged.assign(hands_on=pd.Series(hands_on, index=merged.index, dtype=bool))


def leaderboard(people: pd.DataFrame) -> pd.DataFrame:
    """Consultants who close their own deals: ranked by the win rate's lower bound, then the
    ones with too few closed deals (rank NaN, most closed deals first)."""
    closers = people[~people["hands_on"]]
    enough = closers[~closers["win_rate_too_few"].astype(bool)]
    too_few = closers[closers["win_rate_too_few"].astype(bool)].sort_values(
        ["win_rate_n", "staff_id"], ascending=[False, True], kind="stable").assign(rank=np.nan)
    ranked = rank_by_lower_bound(enough, "win_rate") if len(enough) else enough.assign(rank=np.nan)
    return pd.concat([ranked, too_few], ignore_index=True)


def stage_handlers(people: pd.DataFrame) -> pd.DataFrame:
    """Consultants of stage-split groups that hand deals on, by group order then id."""
    return people[people["hands_on"]].sort_values(["sort_order", "staff_id"], kind="stable") \
        .reset_index(drop=True)


def leaderboard_frame(board: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The leaderboard table: rank, consultant, group, role, win rate (n, interval), lower bound,
    won deals, won amount, deals, follow-up timeliness."""
    _, unit = amount_unit(lang)
    scale = amount_unit(lang)[0]
    return pd.DataFrame({
        t("ppl_col_rank", lang): [
            formats.DASH if formats.is_missing(r) else f"{int(r)}" for r in board["rank"]],
        t("col_consultant", lang): board["name"],
        t("col_group", lang): board["group_name"].fillna(t("ppl_no_group", lang)),
        t("ppl_col_role", lang): [label(ROLE_LABELS, r, lang) for r in board["role_in_group"]],
        metric_label("win_rate", lang): [
            rate_with_n(r.win_rate, r.win_rate_n, r.win_rate_low, r.win_rate_high, bool(r.win_rate_too_few), lang)
            for r in board.itertuples()],
        t("ppl_col_lower", lang): [formats.DASH if few else formats.percent(low)
                                   for low, few in zip(board["win_rate_low"], board["win_rate_too_few"], strict=True)],
        metric_label("won_deals", lang): board["won_deals"].astype(int),
        with_unit(metric_label("won_amount", lang), unit, lang): [f"{v / scale:,.1f}" for v in board["won_amount"]],
        metric_label("deals", lang): board["deals"].astype(int),
        metric_label("followup_timeliness", lang): [
            rate_n(r.followup_timeliness, r.followup_timeliness_n, r.followup_timeliness_too_few, lang)
            for r in board.itertuples()],
    })


def handlers_frame(handlers: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table of stage-split consultants: what they do instead of closing."""
    return pd.DataFrame({
        t("col_consultant", lang): handlers["name"],
        t("col_group", lang): handlers["group_name"],
        t("ppl_col_role", lang): [label(ROLE_LABELS, r, lang) for r in handlers["role_in_group"]],
        metric_label("deals", lang): handlers["deals"].astype(int),
        metric_label("first_visits", lang): handlers["first_visits"].astype(int),
        metric_label("visits", lang): handlers["visits"].astype(int),
        metric_label("lost_deals", lang): handlers["lost_deals"].astype(int),
        metric_label("followup_timeliness", lang): [
            rate_n(r.followup_timeliness, r.followup_timeliness_n, r.followup_timeliness_too_few, lang)
            for r in handlers.itertuples()],
        f"{metric_label('csat', lang)} (1-5)": [score_with_n(r.csat, r.csat_n, lang)
                                                for r in handlers.itertuples()],
    })


def group_peers(people: pd.DataFrame, staff_id: str) -> pd.DataFrame:
    """The rows of `people` in the same group as `staff_id` (themselves included); empty without a group."""
    group_id = people.loc[people["staff_id"] == staff_id, "group_id"]
    if group_id.empty or not isinstance(group_id.iloc[0], str):
        return people.iloc[0:0]
    return people[people["group_id"] == group_id.iloc[0]]


def group_medians(peers: pd.DataFrame, min_n: int = DEFAULT_MIN_N) -> dict[str, float]:
    """The group's median consultant, metric by metric (NaN with nobody to compare).

    Counts and amounts: the median over all peers. Rates: over the peers whose own n reaches
    `min_n` (a rate from 2 deals would pull the median around).
    """
    medians = {}
    for metric_id in dict.fromkeys((*SCORECARD[0], *SCORECARD[1], *HANDLER_SCORECARD[0])):
        values = peers[metric_id].astype("float64")
        if metric_id in RATE_METRICS:
            values = values[peers[f"{metric_id}_n"] >= min_n]
        medians[metric_id] = float(values.median()) if values.notna().any() else np.nan
    return medians


@dataclass(frozen=True)
class ScoreCard:
    metric_id: str
    label: str
    value: str
    delta: str | None
    caption: str
    higher_is_better: bool


def _value_text(metric_id: str, value, lang: str) -> str:
    if formats.is_missing(value):
        return formats.DASH
    if metric_id == "won_amount":
        return formats.money(value, lang)
    if metric_id in ("win_rate", "followup_timeliness"):
        return formats.percent(value)
    if metric_id == "csat":
        return f"{value:.2f} / 5"
    if metric_id == "nps":
        return f"{value:+.0f}"
    suffix = f" {t('unit_deals', lang)}" if lang == "zh" and metric_id.endswith("deals") else ""
    return formats.count(value) + suffix


def _delta_text(metric_id: str, value, median, lang: str) -> str | None:
    if formats.is_missing(value) or formats.is_missing(median):
        return None
    if metric_id in ("win_rate", "followup_timeliness"):
        return formats.signed_points(value, median)
    difference = value - median
    if difference == 0:
        return None   # Streamlit would draw "+0" as a rise
    if metric_id == "won_amount":
        return ("+" if difference >= 0 else "-") + formats.money(abs(difference), lang)
    if metric_id == "csat":
        return f"{difference:+.2f}"
    return f"{difference:+,.0f}"


def scorecard(person: pd.Series, medians: dict[str, float], lang: str,
              min_n: int = DEFAULT_MIN_N) -> list[list[ScoreCard]]:
    """The scorecard's two rows of cards: value, difference to the group median, n and the median.

    A rate below `min_n` shows "—" and "样本不足". A stage-split consultant who hands deals on
    gets HANDLER_SCORECARD (visits and lost deals instead of won deals and amount) and "不适用"
    for the win rate.
    """
    rows = []
    for metric_ids in HANDLER_SCORECARD if person["hands_on"] else SCORECARD:
        cards = []
        for metric_id in metric_ids:
            value, median = person[metric_id], medians.get(metric_id, np.nan)
            caption = []
            if metric_id in RATE_METRICS:
                n = int(person[f"{metric_id}_n"])
                caption.append(n_text(n, lang))
                if n < min_n:
                    value = np.nan
                    if n > 0:
                        caption.append(t("too_few", lang))
            caption.append(t("ppl_median", lang, value=_value_text(metric_id, median, lang)))
            text = _value_text(metric_id, value, lang)
            delta = _delta_text(metric_id, value, median, lang)
            if metric_id == "win_rate" and person["hands_on"]:
                text, delta, caption = t("ppl_not_applicable", lang), None, [t("ppl_stage_card", lang)]
            cards.append(ScoreCard(metric_id, metric_label(metric_id, lang), text, delta, " · ".join(caption),
                                   METRICS[metric_id].higher_is_better))
        rows.append(cards)
    return rows


def trend_window(filters: Filters, period: str) -> Filters:
    """The filters' window, stretched back to at least TREND_SPAN[period] months or weeks before
    its end (a one-month window makes no trend); member filters unchanged."""
    end = filters.end
    if period == "month":
        start = end.replace(day=1)
        for _ in range(TREND_SPAN["month"] - 1):
            start = (start - timedelta(days=1)).replace(day=1)
    else:
        start = end - timedelta(days=end.weekday()) - timedelta(weeks=TREND_SPAN["week"] - 1)
    return Filters(min(start, filters.start), end, filters.project_ids, filters.group_ids,
                   filters.source_channels, filters.customer_types)


def person_trend(periodic: pd.DataFrame, people_ids: list[str], staff_id: str, period: str,
                 value: str) -> pd.DataFrame:
    """Per period: the consultant's `value` (0 when they had no record) and the median over
    `people_ids` (their group's consultants) who have any record in that period.

    `periodic`: kpi_aggregates(…, (period, 'staff')). Columns: period, value, median.
    """
    periods = pd.Series(sorted(periodic[period].dropna().unique()), name=period)
    own = periodic.loc[periodic["staff"] == staff_id, [period, value]].rename(columns={value: "value"})
    peers = periodic[periodic["staff"].isin(people_ids)].groupby(period)[value].median().rename("median")
    frame = periods.to_frame().merge(own, on=period, how="left").merge(peers.reset_index(), on=period, how="left")
    return frame.assign(value=frame["value"].fillna(0)).rename(columns={period: "period"})


def person_trend_figure(trend: pd.DataFrame, *, name: str, color: str, metric_id: str, period: str,
                        lang: str) -> go.Figure:
    """Bars: the consultant's metric per period (customdata ['YYYY-MM-DD']); dashed line: the group median."""
    scale = amount_unit(lang)[0] if metric_id == "won_amount" else 1
    number = ",.1f" if metric_id == "won_amount" else ",.0f"
    date_format = "%Y-%m" if period == "month" else "%Y-%m-%d"
    when = t(f"ppl_hover_period_{period}", lang, period=f"%{{x|{date_format}}}")
    y_title = metric_axis_title(metric_id, lang)
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=trend["period"], y=trend["value"] / scale, name=name, marker={"color": color or NEUTRAL},
        customdata=[[pd.Timestamp(p).date().isoformat()] for p in trend["period"]],
        hovertemplate=f"<b>{html.escape(name)}</b><br>{when}<br>{html.escape(y_title)}: %{{y:{number}}}<br>"
                      f"{t('cmp_hover_click', lang)}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=trend["period"], y=trend["median"] / scale, name=t("ppl_median_line", lang), mode="lines+markers",
        line={"color": "#444", "dash": "dash", "width": 2}, marker={"size": 6},
        hovertemplate=f"{t('ppl_median_line', lang)}<br>{when}<br>{html.escape(y_title)}: %{{y:{number}}}"
                      "<extra></extra>"))
    title = t("ppl_trend_title", lang, name=name, metric=metric_label(metric_id, lang))
    base_layout(fig, title, y_title=y_title, x_title=t(f"ppl_axis_{period}", lang))
    fig.update_xaxes(tickformat="%Y-%m" if period == "month" else "%m-%d", automargin=True,
                     dtick="M1" if period == "month" else None)
    fig.update_yaxes(automargin=True)
    fig.update_layout(hovermode="closest", height=360, bargap=0.3, margin={"l": 10, "r": 10, "t": 80, "b": 10})
    return fig


def period_bounds(period_start: str, period: str, filters: Filters) -> tuple[datetime, datetime]:
    """[start, end) datetimes of one trend period (ISO date of its first day), clipped to `filters`."""
    first = date.fromisoformat(period_start[:10])
    if period == "month":
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        last = first + timedelta(days=7)
    start, end = max(first, filters.start), min(last, filters.end_exclusive)
    return datetime.combine(start, time()), datetime.combine(end, time())
