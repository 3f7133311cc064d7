"""Figures of the satisfaction page: scores by group, distributions, trend, satisfaction against
conversion (no Streamlit). Frames in (from analytics.satisfaction), `go.Figure` out.

Groups keep their colours (ui.charts.group_colors) and are drawn in their fixed order, first on
top. customdata carries the group id wherever a click should open the group's deals.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui import formats
from ui.charts import FONT_FAMILY, PALETTE, base_layout
from ui.i18n import t

# Okabe-Ito, from bad (vermillion) through neutral grey to good (blue): reads for colour-blind eyes.
CSAT_COLORS = {1: "#D55E00", 2: "#E69F00", 3: "#C8C8C8", 4: "#56B4E9", 5: "#0072B2"}
NPS_COLORS = {"detractor": "#D55E00", "passive": "#C8C8C8", "promoter": "#0072B2"}
OTHER_COLOR = PALETTE[8]


def score_text(value, digits: int = 2) -> str:
    return formats.score(value, digits)


def nps_text(value) -> str:
    return formats.DASH if formats.is_missing(value) else f"{value:+.0f}"


def score_interval(low, high, nps: bool = False) -> str:
    """'[4.31, 4.55]' for CSAT, '[+12, +38]' for NPS; '' without bounds.

    A normal-approximation interval of a small sample can overshoot the scale (4.8 ± 0.4 on
    1-5): CSAT bounds are shown clipped to 1…5, the only values a mean can take.
    """
    if formats.is_missing(low) or formats.is_missing(high):
        return ""
    if nps:
        return f"[{nps_text(low)}, {nps_text(high)}]"
    return f"[{min(max(low, 1.0), 5.0):.2f}, {min(max(high, 1.0), 5.0):.2f}]"


def _ordered(frame: pd.DataFrame, group_order: list[str], column: str = "group") -> pd.DataFrame:
    rank = {group_id: index for index, group_id in enumerate(group_order)}
    return frame.assign(_rank=frame[column].map(rank).fillna(len(rank))).sort_values("_rank").drop(columns="_rank")


def _dot_trace(rows: pd.DataFrame, metric: str, names: dict, colors: dict, lang: str) -> go.Scatter:
    nps = metric == "nps"
    value_text = nps_text if nps else score_text
    bottom, top = (-100.0, 100.0) if nps else (1.0, 5.0)
    hover = [
        "<br>".join((f"<b>{formats.plotly_text(names.get(g, g))}</b>",
                     t(f"sat_hover_{metric}", lang, value=t("too_few", lang) if few else value_text(v),
                       n=formats.count(n)),
                     t("sat_hover_interval", lang, interval=score_interval(lo, hi, nps)),
                     f"<i>{t('sat_hover_click', lang)}</i>"))
        for g, v, n, lo, hi, few in zip(rows["group"], rows[metric], rows[f"{metric}_n"], rows[f"{metric}_low"],
                                        rows[f"{metric}_high"], rows[f"{metric}_too_few"], strict=True)]
    return go.Scatter(
        x=rows[metric], y=[names.get(g, g) for g in rows["group"]], mode="markers+text",
        marker={"size": 14, "color": [colors.get(g, OTHER_COLOR) for g in rows["group"]],
                "symbol": ["circle-open" if few else "circle" for few in rows[f"{metric}_too_few"]],
                "line": {"width": 2, "color": [colors.get(g, OTHER_COLOR) for g in rows["group"]]}},
        error_x={"type": "data", "symmetric": False, "array": rows[f"{metric}_high"].clip(upper=top) - rows[metric],
                 "arrayminus": rows[metric] - rows[f"{metric}_low"].clip(lower=bottom), "color": "#7F7F7F",
                 "thickness": 1.5},
        text=[value_text(v) for v in rows[metric]], textposition="top center", customdata=list(rows["group"]),
        hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", showlegend=False)


def group_scores_figure(table: pd.DataFrame, group_order: list[str], names: dict[str, str],
                        colors: dict[str, str], lang: str) -> go.Figure:
    """Two panels, CSAT (1-5) and NPS (−100…100): a dot per group with its 95% interval.

    `table`: satisfaction_table(…, 'group'). Groups without answers are left out; a group below
    the minimum n is drawn hollow and its hover says too few.
    """
    rows = _ordered(table[table["csat_n"] + table["nps_n"] > 0], group_order)
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, horizontal_spacing=0.06)
    fig.add_trace(_dot_trace(rows[rows["csat_n"] > 0], "csat", names, colors, lang), row=1, col=1)
    fig.add_trace(_dot_trace(rows[rows["nps_n"] > 0], "nps", names, colors, lang), row=1, col=2)
    base_layout(fig, t("sat_dots_title", lang), y_title=t("sat_axis_group", lang))
    fig.update_xaxes(title_text=t("sat_axis_csat", lang), range=[0.9, 5.1], dtick=0.5, gridcolor="#e5e5e5",
                     showgrid=True, row=1, col=1)
    fig.update_xaxes(title_text=t("sat_axis_nps", lang), range=[-100, 100], dtick=25, gridcolor="#e5e5e5",
                     showgrid=True, zeroline=True, zerolinecolor="#9a9a9a", row=1, col=2)
    fig.update_yaxes(autorange="reversed", rangemode="normal", showgrid=False, automargin=True)
    fig.update_yaxes(title_text="", row=1, col=2)
    fig.update_layout(hovermode="closest", height=max(260, 62 * len(rows) + 140), dragmode=False,
                      clickmode="event+select", margin={"b": 20})
    fig.update_xaxes(automargin=True, fixedrange=True)
    return fig


def _stacked_layout(fig: go.Figure, title: str, lang: str, n_groups: int) -> go.Figure:
    base_layout(fig, title, x_title=t("sat_axis_share", lang), y_title=t("sat_axis_group", lang))
    fig.update_layout(barmode="stack", hovermode="closest", height=max(240, 56 * n_groups + 140),
                      legend={"traceorder": "normal"}, bargap=0.35)
    fig.update_xaxes(range=[0, 100], ticksuffix="%", gridcolor="#e5e5e5", showgrid=True, automargin=True,
                     fixedrange=True)
    fig.update_yaxes(autorange="reversed", showgrid=False, automargin=True)
    return fig


def _share_bar(shares, counts, totals, group_labels, what: str, color: str, lang: str) -> go.Bar:
    return go.Bar(
        x=[s * 100 if not formats.is_missing(s) else None for s in shares], y=group_labels, orientation="h",
        name=what, marker={"color": color, "line": {"color": "white", "width": 1}},
        text=[formats.percent(s, 0) if not formats.is_missing(s) and s >= 0.06 else "" for s in shares],
        textposition="inside", insidetextanchor="middle",
        hovertext=[t("sat_hover_share", lang, group=formats.plotly_text(g), what=what, share=formats.percent(s), n=formats.count(n),
                     total=formats.count(total)) for g, s, n, total in zip(group_labels, shares, counts, totals,
                                                                            strict=True)],
        hovertemplate="%{hovertext}<extra></extra>")


def csat_distribution_figure(distribution: pd.DataFrame, answers: dict[str, int], group_order: list[str],
                             names: dict[str, str], lang: str) -> go.Figure:
    """100% stacked bars per group of CSAT scores 1…5.

    `distribution`: score_distribution(…, 'csat', by='group'); `answers`: group → CSAT answers
    (the n of each bar, satisfaction_table's csat_n). Groups without answers are left out.
    """
    rows = _ordered(distribution.dropna(subset=["share"]), group_order)
    fig = go.Figure()
    for score, color in CSAT_COLORS.items():
        part = rows[rows["score"] == score]
        fig.add_trace(_share_bar(part["share"], part["n"], [answers.get(g, 0) for g in part["group"]],
                                 [names.get(g, g) for g in part["group"]],
                                 t("sat_score_label", lang, score=score), color, lang))
    return _stacked_layout(fig, t("sat_dist_csat_title", lang), lang, rows["group"].nunique())


def nps_category_figure(table: pd.DataFrame, group_order: list[str], names: dict[str, str],
                        lang: str) -> go.Figure:
    """100% stacked bars per group: detractors, passives, promoters (satisfaction_table's shares)."""
    rows = _ordered(table[table["nps_n"] > 0], group_order)
    labels = [names.get(g, g) for g in rows["group"]]
    passive = 1 - rows["promoters_share"] - rows["detractors_share"]
    fig = go.Figure()
    for key, share in (("detractor", rows["detractors_share"]), ("passive", passive),
                       ("promoter", rows["promoters_share"])):
        counts = (share * rows["nps_n"]).round()
        fig.add_trace(_share_bar(share, counts, rows["nps_n"], labels, t(f"sat_{key}", lang), NPS_COLORS[key], lang))
    return _stacked_layout(fig, t("sat_dist_nps_title", lang), lang, len(rows))


def _trend_values(frame: pd.DataFrame, metric: str) -> pd.Series:
    return frame[metric].where(~frame[f"{metric}_too_few"])   # too few answers: no point, not a fake dip


def _period_ticks(periods: pd.Series, period: str) -> dict:
    """Ticks on the periods' own start days (plotly's weekly ticks fall on Sundays), at most ~12."""
    if period == "month" or periods.empty:
        return {"tickformat": "%Y-%m", "dtick": "M1" if len(periods) <= 12 else "M3"}
    step = max(1, -(-len(periods) // 12))
    return {"tickformat": "%m-%d", "tick0": periods.min(), "dtick": step * 7 * 86_400_000}


def trend_figure(by_group: pd.DataFrame, overall: pd.DataFrame, *, period: str, metric: str,
                 names: dict[str, str], colors: dict[str, str], lang: str) -> go.Figure:
    """One line per group of CSAT or NPS over weeks or months, plus all groups dashed black.

    `by_group`: satisfaction_table(…, [period, 'group']); `overall`: satisfaction_trend(…, period).
    Points below the minimum n are left out.
    """
    nps = metric == "nps"
    value_text = nps_text if nps else score_text
    traces = [(names.get(g, g), colors.get(g, OTHER_COLOR), part, "solid")
              for g, part in by_group.sort_values(period).groupby("group", sort=False) if part[f"{metric}_n"].sum() > 0]
    traces.append((t("sat_all_groups", lang), "#000000", overall.sort_values(period), "dash"))
    # Added at once from plain lists: one add_trace per group re-validated the figure (400 groups).
    fig = go.Figure(data=[go.Scatter(
        x=list(part[period]), y=list(_trend_values(part, metric)), mode="lines+markers", name=name,
        line={"color": color, "width": 2, "dash": dash}, marker={"size": 6}, connectgaps=False,
        hovertext=[t(f"sat_hover_{metric}", lang, value=value_text(v), n=formats.count(n))
                   for v, n in zip(part[metric], part[f"{metric}_n"], strict=True)],
        hovertemplate=f"%{{hovertext}}<extra>{name}</extra>") for name, color, part, dash in traces])
    period_name = t(f"sat_period_{period}", lang)
    base_layout(fig, t("sat_trend_title", lang, metric=t(f"sat_metric_{metric}", lang), period=period_name),
                y_title=t(f"sat_axis_{metric}", lang), x_title=t(f"sat_axis_{period}", lang))
    fig.update_yaxes(rangemode="normal", zeroline=nps, zerolinecolor="#9a9a9a", automargin=True)
    fig.update_xaxes(automargin=True, **_period_ticks(overall[period], period))
    fig.update_layout(height=380, hovermode="x unified")
    return fig


def conversion_scatter(frame: pd.DataFrame, names: dict[str, str], colors: dict[str, str],
                       lang: str) -> go.Figure:
    """x = CSAT, y = win rate (%), bubble area ∝ answers, one colour per group.

    `frame`: satisfaction_vs_conversion's rows to draw (the caller leaves out groups a win rate
    does not fit). customdata is the group id.
    """
    sizes = frame["csat_n"].astype("float64")
    size_ref = 2.0 * float(sizes.max()) / (56 ** 2) if len(sizes) and sizes.max() > 0 else 1.0
    traces = []
    for row in frame.itertuples():
        name = names.get(row.group, row.group)
        hover = "<br>".join((f"<b>{formats.plotly_text(name)}</b>",
                             t("sat_hover_csat", lang, value=score_text(row.csat), n=formats.count(row.csat_n)),
                             t("sat_hover_win_rate", lang, value=formats.percent(row.win_rate),
                               n=formats.count(row.win_rate_n)),
                             f"<i>{t('sat_hover_click', lang)}</i>"))
        traces.append(go.Scatter(
            x=[row.csat], y=[row.win_rate * 100], mode="markers+text", name=name, text=[formats.plotly_text(name)],
            textposition="top center", customdata=[row.group], hovertext=[hover],
            hovertemplate="%{hovertext}<extra></extra>",
            marker={"size": [row.csat_n], "sizemode": "area", "sizeref": size_ref, "sizemin": 8,
                    "color": colors.get(row.group, OTHER_COLOR), "opacity": 0.8,
                    "line": {"color": "white", "width": 1}}))
    fig = go.Figure(data=traces)   # at once: one add_trace per group re-validated the figure each time
    base_layout(fig, t("sat_scatter_title", lang), x_title=t("sat_axis_csat", lang),
                y_title=t("sat_axis_win_rate", lang))
    low, high = float(frame["csat"].min()), float(frame["csat"].max())
    fig.update_xaxes(range=[max(1.0, low - 0.4), min(5.1, high + 0.4)], dtick=0.25, gridcolor="#e5e5e5",
                     showgrid=True, automargin=True)
    ticks = list(range(0, 101, 20))
    fig.update_yaxes(range=[-8, 110], tickvals=ticks, ticktext=[f"{v}%" for v in ticks], automargin=True)
    fig.update_layout(hovermode="closest", height=420, showlegend=False, dragmode=False,
                      clickmode="event+select", font={"family": FONT_FAMILY})
    return fig
