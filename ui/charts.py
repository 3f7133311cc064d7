"""Plotly figure builders: DataFrame in, `go.Figure` out; no Streamlit.

A group keeps its colour on every chart: colours are assigned from the groups' fixed order (their
sort_order in the database), not from what happens to be in a frame.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui.i18n import DEFAULT_LANG, t

# Okabe-Ito-like palette: distinguishable for colour-blind viewers and on a projector.
PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#7F7F7F", "#8C564B",
)
# Lines a trend chart draws: 250 groups' lines are unreadable and took a second to build.
MAX_LINES = 12
FONT_FAMILY = "WenQuanYi Micro Hei, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"


def group_colors(group_ids: list[str]) -> dict[str, str]:
    """group_id → colour, stable for a given ordered list of all groups."""
    return {group_id: PALETTE[index % len(PALETTE)] for index, group_id in enumerate(group_ids)}


def base_layout(fig: go.Figure, title: str, *, y_title: str = "", x_title: str = "",
                font_size: int = 13) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": FONT_FAMILY, "size": font_size},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
        hovermode="x unified",
        plot_bgcolor="white",
    )
    fig.update_xaxes(title_text=x_title, showgrid=False)
    fig.update_yaxes(title_text=y_title, gridcolor="#e5e5e5", rangemode="tozero")
    return fig


def trend_by_group(frame: pd.DataFrame, *, x: str, y: str, group_names: dict[str, str],
                   colors: dict[str, str], title: str, y_title: str, x_title: str,
                   hover_format: str = ",.0f", lang: str = DEFAULT_LANG,
                   max_groups: int | None = MAX_LINES) -> go.Figure:
    """One line per group of `y` over `x`; `frame` has columns x, 'group', y.

    A group whose values are all zero is left out (a stage-split group never wins a deal itself:
    a flat line at 0 would only crowd the chart). Beyond `max_groups` lines only the groups with
    the highest totals are drawn (in the frame's order), with a note under the title.
    """
    parts = [(group_id, part) for group_id, part in frame.groupby("group", sort=False) if part[y].fillna(0).any()]
    if max_groups is not None and len(parts) > max_groups:
        totals = sorted(((part[y].sum(), -index) for index, (_, part) in enumerate(parts)), reverse=True)
        kept = sorted(-index for _, index in totals[:max_groups])
        title = f"{title}<br><sup>{t('chart_top_groups', lang, shown=max_groups, total=len(parts))}</sup>"
        parts = [parts[index] for index in kept]
    # Lines built from plain lists and added at once (plotly re-validates the figure on each add).
    fig = go.Figure(data=[go.Scatter(
        x=list(part[x]), y=list(part[y]), mode="lines+markers", name=group_names.get(group_id, group_id),
        line={"color": colors.get(group_id, PALETTE[-1]), "width": 2}, marker={"size": 5},
        hovertemplate=f"%{{y:{hover_format}}}<extra>{group_names.get(group_id, group_id)}</extra>",
    ) for group_id, part in parts])
    return base_layout(fig, title, y_title=y_title, x_title=x_title)


def mark_partial_last_period(fig: go.Figure, note: str) -> go.Figure:
    """Draw every trace's last point hollow and say why: that period is not over yet."""
    for trace in fig.data:
        count = len(trace.x) if trace.x is not None else 0
        if count:
            trace.marker.symbol = ["circle"] * (count - 1) + ["circle-open"]
            trace.marker.size = [5] * (count - 1) + [11]
    fig.add_annotation(text=note, xref="paper", yref="paper", x=1, y=-0.18, showarrow=False,
                       xanchor="right", font={"size": 11, "color": "#666"})
    return fig
