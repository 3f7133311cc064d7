"""趋势探索: the explorer's figures — line, grouped bar, heat-map — from the shown frame (Streamlit-free).

Every figure is drawn from ui.tables_explorer.shown_frame, the same cells as the pivot table
and the downloads. Every point, bar and cell carries customdata [row_pos, col_pos, series, …]
so a click can be traced back to its cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.registry import METRICS
from ui.charts import FONT_FAMILY, PALETTE, base_layout
from ui.i18n import t
from ui.tables_explorer import SERIES, TIME_COLUMNS, Scale, metric_label, metric_scale

# Beyond this many cells or columns the numbers in a heat-map overlap: hover only. Beyond
# MAX_TOP_COLUMNS column labels tilt, and at the top they would run into the title.
MAX_CELL_TEXTS, MAX_TEXT_COLUMNS, MAX_TOP_COLUMNS = 160, 8, 8
HEAT_SCALE = [[0.0, "#c6dbef"], [0.5, "#4292c6"], [1.0, "#08306b"]]
NO_VALUE = "#e6e6e6"


def _colors(shown: pd.DataFrame, rows: str, group_colors: dict[str, str]) -> dict[int, str]:
    """Colour per row position: a group keeps its own colour, other values take the palette."""
    positions = shown.drop_duplicates("row_pos")[["row_pos", "row"]]
    return {pos: group_colors.get(row, PALETTE[pos % len(PALETTE)]) if rows == "group" else PALETTE[pos % len(PALETTE)]
            for pos, row in zip(positions["row_pos"], positions["row"], strict=True)}


def _hover(value_title: str) -> str:
    return f"<b>%{{customdata[3]}}</b> · %{{customdata[4]}}<br>{value_title}: %{{customdata[5]}}<extra></extra>"


def _custom(part: pd.DataFrame, lang: str) -> list[list]:
    series = [t(f"exp_series_{s}", lang) for s in part["series"]]
    return [[int(r), int(c), s, row_label, f"{col_label} · {series_label}" if s == "year_earlier" else col_label, text]
            for r, c, s, row_label, col_label, text, series_label in zip(
                part["row_pos"], part["col_pos"], part["series"], part["row_label"], part["col_label"], part["hover"],
                series, strict=True)]


def _trace_name(part: pd.DataFrame, lang: str) -> str:
    name = part["row_label"].iloc[0]
    return name if part["series"].iloc[0] == "current" else f"{name} · {t('exp_series_year_earlier', lang)}"


def _line(shown: pd.DataFrame, colors: dict[int, str], lang: str, value_title: str) -> go.Figure:
    fig = go.Figure()
    for (row_pos, series), part in shown.groupby(["row_pos", "series"], sort=True):
        earlier = series == "year_earlier"
        fig.add_trace(go.Scatter(
            x=part["col_label"], y=part["value"], mode="lines+markers", name=_trace_name(part, lang),
            legendgroup=str(row_pos), line={"color": colors[row_pos], "width": 1.5 if earlier else 2.5,
                                            "dash": "dash" if earlier else "solid"},
            marker={"size": 6, "symbol": "circle-open" if earlier else "circle"},
            customdata=_custom(part, lang), hovertemplate=_hover(value_title)))
    return fig


def _bar(shown: pd.DataFrame, colors: dict[int, str], lang: str, value_title: str, split: bool) -> go.Figure:
    """Grouped bars: x = column values, one bar per row value (split); else x = row values."""
    fig = go.Figure()
    for key, part in shown.groupby(["row_pos", "series"] if split else ["series"], sort=True):
        series, earlier = key[-1], key[-1] == "year_earlier"
        color = colors[key[0]] if split else [colors[p] for p in part["row_pos"]]
        fig.add_trace(go.Bar(
            x=part["col_label"] if split else part["row_label"], y=part["value"].fillna(0),
            name=_trace_name(part, lang) if split else t(f"exp_series_{series}", lang),
            legendgroup=str(key[0]) if split else series,
            marker={"color": color, "opacity": 0.55 if earlier else 1, "pattern": {"shape": "/" if earlier else ""}},
            customdata=_custom(part, lang), hovertemplate=_hover(value_title)))
    fig.update_layout(barmode="group", showlegend=split or shown["series"].nunique() > 1)
    return fig


def _heatmap(shown: pd.DataFrame, lang: str, value_title: str, scale: Scale) -> go.Figure:
    shown = shown.assign(y=[label if s == "current" else f"{label} · {t('exp_series_year_earlier', lang)}"
                            for label, s in zip(shown["row_label"], shown["series"], strict=True)])
    ordered = shown.sort_values(["row_pos", "series", "col_pos"], key=lambda c: c.map(SERIES.index)
                                if c.name == "series" else c)
    y_order = list(dict.fromkeys(ordered["y"]))
    x_order = list(dict.fromkeys(shown.sort_values("col_pos")["col_label"]))
    z = ordered.pivot(index="y", columns="col_label", values="value").reindex(index=y_order, columns=x_order)
    show_text = z.size <= MAX_CELL_TEXTS and len(x_order) <= MAX_TEXT_COLUMNS
    text = ordered.assign(short=[("★ " if b else "") + txt.replace(" (", "<br>(") for b, txt in
                                 zip(ordered["best"], ordered["text"], strict=True)]) \
        .pivot(index="y", columns="col_label", values="short").reindex(index=y_order, columns=x_order)
    # Cells without a value (too few, no denominator) in grey beneath: the colour scale never
    # starts at white, so "no value" cannot read as "lowest value".
    missing = z.isna().to_numpy()
    fig = go.Figure(go.Heatmap(
        x=x_order, y=y_order, z=np.where(missing, 1.0, np.nan), colorscale=[[0, NO_VALUE], [1, NO_VALUE]],
        showscale=False, xgap=2, ygap=2, hoverinfo="skip"))
    fig.add_trace(go.Heatmap(
        x=x_order, y=y_order, z=z.to_numpy(), text=text.to_numpy() if show_text else None,
        texttemplate="%{text}" if show_text else None, textfont={"size": 12, "family": FONT_FAMILY},
        colorscale=HEAT_SCALE, xgap=2, ygap=2, hoverinfo="skip",
        colorbar={"title": {"text": value_title}, "tickformat": scale.tick_format}))
    if show_text:   # the grey cells still say why they are grey
        fig.data[0].update(text=text.to_numpy(), texttemplate="%{text}", textfont={"size": 12, "family": FONT_FAMILY})
    fig.add_trace(go.Scatter(
        x=[x_order[c] for c in ordered["col_pos"]], y=ordered["y"], customdata=_custom(ordered, lang),
        mode="markers", showlegend=False, marker={"symbol": "square", "size": 30, "color": "rgba(0,0,0,0)"},
        selected={"marker": {"color": "rgba(230,159,0,0.45)"}}, unselected={"marker": {"opacity": 1}},
        hovertemplate=_hover(value_title)))
    fig.update_layout(height=max(380, 150 + 44 * len(y_order)), showlegend=False)
    fig.update_yaxes(autorange="reversed", showgrid=False, rangemode="normal", type="category")
    fig.update_xaxes(side="top" if len(x_order) <= MAX_TOP_COLUMNS else "bottom", type="category")
    return fig


def explorer_figure(shown: pd.DataFrame, chart: str, metric_id: str, rows: str, cols: str | None,
                    group_colors: dict[str, str], lang: str) -> go.Figure:
    """The shown cells as a line (time columns only), grouped bar or heat-map chart.

    Every point, bar and cell carries customdata [row_pos, col_pos, series, …] for clicks.
    """
    scale = metric_scale(metric_id, lang)
    value_title = f"{metric_label(metric_id, lang)}（{scale.unit}）" if lang == "zh" else \
        f"{metric_label(metric_id, lang)} ({scale.unit})"
    if chart == "heatmap":
        fig = _heatmap(shown, lang, value_title, scale)
    elif chart == "line" and cols in TIME_COLUMNS:
        fig = _line(shown, _colors(shown, rows, group_colors), lang, value_title)
    else:
        fig = _bar(shown, _colors(shown, rows, group_colors), lang, value_title, split=cols is not None)
    cols_title = t(f"exp_dim_{cols}", lang) if cols else t(f"exp_dim_{rows}", lang)
    title = t("exp_title", lang, metric=metric_label(metric_id, lang), rows=t(f"exp_dim_{rows}", lang),
              cols=t("exp_title_cols", lang, cols=t(f"exp_dim_{cols}", lang)) if cols else "")
    if (shown["series"] == "year_earlier").any():
        title += t("exp_title_yoy", lang)
    base_layout(fig, title, y_title=t(f"exp_dim_{rows}", lang) if chart == "heatmap" else value_title,
                x_title=cols_title)
    if chart != "heatmap":
        # period labels stay labels ('2026-11' must not become a date axis); money ticks in whole 万元
        fig.update_xaxes(type="category")
        fig.update_yaxes(tickformat=",.0f" if METRICS[metric_id].unit == "yuan" else scale.tick_format)
        fig.update_layout(height=460)
    # after base_layout: its unified x hover would make a click pick the last row of a column
    fig.update_layout(hovermode="closest", hoverdistance=-1 if chart == "heatmap" else 20,
                      clickmode="event+select", margin={"l": 10, "r": 10, "t": 90, "b": 10})
    return fig


# Which deals stand behind a metric's number (DealSelection basis); visits and surveys have no
# exact deal list, the deals created in the cell are the closest.
