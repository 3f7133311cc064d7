"""周会 figures (Streamlit-free): the digest against last week, the biggest movers, the top
performers with their intervals. The scoreboard's pace chart is ui.charts_targets.pace_figure.

Every figure has a title, axis titles with units and hover text in the page's language. Last
week is drawn hollow and grey, this week solid, so the comparison reads without colour too.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui import formats
from ui.charts import PALETTE, base_layout
from ui.i18n import t

THIS_WEEK_COLOR = PALETTE[0]
LAST_WEEK_COLOR = "#8C8C8C"
LAST_WEEK_FILL = "#D9D9D9"


def digest_figure(counts: pd.DataFrame, lang: str) -> go.Figure:
    """Horizontal bars per digest item: this week (solid blue) and the week before (pale grey with
    a dark outline: the two read apart in black and white too)."""
    rows = counts.iloc[::-1]
    labels = [t(f"wk_item_{item}", lang) for item in rows["item"]]
    fig = go.Figure()
    for column, name, color, line in (("previous", t("wk_last_week", lang), LAST_WEEK_FILL, LAST_WEEK_COLOR),
                                      ("count", t("wk_this_week", lang), THIS_WEEK_COLOR, THIS_WEEK_COLOR)):
        fig.add_trace(go.Bar(
            y=labels, x=rows[column], orientation="h", name=name,
            marker={"color": color, "line": {"color": line, "width": 1.2}},
            text=[formats.count(v) for v in rows[column]], textposition="outside", cliponaxis=False,
            hovertemplate=f"%{{y}}<br>{name}: %{{x:,}} {t('wk_unit_items', lang)}<extra></extra>"))
    base_layout(fig, t("wk_digest_title", lang), x_title=t("wk_axis_count", lang))
    fig.update_layout(barmode="group", hovermode="closest", height=140 + 52 * len(rows),
                      margin={"l": 10, "r": 50, "t": 70, "b": 10})
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(rangemode="normal")
    return fig


def movers_figure(movers: pd.DataFrame, lang: str) -> go.Figure:
    """Dumbbell per closing group: win rate last week (hollow) → this week (solid), n in hover.

    Groups that hand their deals on, or with too few closes in either week, are left out.
    """
    rows = movers[movers["rate_change"].notna()].iloc[::-1]
    fig = go.Figure()
    for _, row in rows.iterrows():
        fig.add_trace(go.Scatter(x=[row["win_rate_prev"], row["win_rate"]], y=[row["name"]] * 2, mode="lines",
                                 line={"color": "#BBBBBB", "width": 3}, hoverinfo="skip", showlegend=False))
    for suffix, name, symbol, color in (("_prev", t("wk_last_week", lang), "circle-open", LAST_WEEK_COLOR),
                                        ("", t("wk_this_week", lang), "circle", THIS_WEEK_COLOR)):
        fig.add_trace(go.Scatter(
            x=rows[f"win_rate{suffix}"], y=rows["name"], mode="markers", name=name,
            marker={"symbol": symbol, "size": 14, "color": color, "line": {"width": 2, "color": color}},
            customdata=list(zip(rows[f"win_rate_n{suffix}"], rows[f"won_deals{suffix}"], strict=True)),
            hovertemplate=(f"%{{y}} · {name}<br>{t('wk_win_rate', lang)}: %{{x:.1%}}"
                           f" (n=%{{customdata[0]}})<br>{t('wk_col_won', lang)}: %{{customdata[1]}}<extra></extra>")))
    base_layout(fig, t("wk_movers_title", lang), x_title=t("wk_axis_win_rate", lang))
    fig.update_layout(hovermode="closest", height=150 + 60 * max(len(rows), 1))
    fig.update_xaxes(tickformat=".0%", rangemode="tozero", showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(rangemode="normal")
    if rows.empty:
        fig.add_annotation(text=t("wk_movers_none", lang), showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return fig


def performers_figure(performers: pd.DataFrame, lang: str) -> go.Figure:
    """Each top consultant's win rate with its 95% Wilson interval, best lower bound on top."""
    rows = performers.iloc[::-1]
    labels = [f"{int(r)}. {n}" for r, n in zip(rows["rank"], rows["name"], strict=True)]
    fig = go.Figure(go.Scatter(
        x=rows["win_rate"], y=labels, mode="markers", name=t("wk_win_rate", lang),
        marker={"size": 12, "color": THIS_WEEK_COLOR, "symbol": "diamond"},
        error_x={"type": "data", "symmetric": False, "array": rows["win_rate_high"] - rows["win_rate"],
                 "arrayminus": rows["win_rate"] - rows["win_rate_low"], "color": "#555555", "thickness": 2, "width": 6},
        customdata=list(zip(rows["win_rate_n"], rows["win_rate_low"], rows["win_rate_high"], rows["won_deals"],
                            strict=True)),
        hovertemplate=(f"%{{y}}<br>{t('wk_win_rate', lang)}: %{{x:.1%}} (n=%{{customdata[0]}})<br>"
                       f"{t('wk_interval', lang)}: %{{customdata[1]:.0%}} – %{{customdata[2]:.0%}}<br>"
                       f"{t('wk_col_won', lang)}: %{{customdata[3]}}<extra></extra>")))
    base_layout(fig, t("wk_performers_title", lang), x_title=t("wk_axis_win_rate", lang))
    fig.update_layout(hovermode="closest", height=150 + 48 * max(len(rows), 1), showlegend=False)
    fig.update_xaxes(tickformat=".0%", range=[0, 1.02], showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(rangemode="normal")
    return fig
