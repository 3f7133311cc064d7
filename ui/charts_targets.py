"""目标与进度: the pace bullet chart and the attainment heat-map (Streamlit-free).

A row is one target: a group and a metric (成交组 · 成交金额). Status is told three ways so it
survives a black-and-white printout and colour-blind eyes: a colour, a symbol (● 正常 / ▲ 有风险 /
■ 落后) and a bar pattern (none / slashes / crosses). Money is shown in 万元 (Chinese) or ¥M
(English), counts with thousands separators.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analytics.pacing import AT_RISK, AT_RISK_FLOOR, OFF_TRACK, ON_TRACK
from analytics.registry import METRICS
from ui import formats
from ui.charts import FONT_FAMILY, base_layout
from ui.i18n import t

# Targets can pace only what adds up day by day: the additive KPI counts and sums.
TARGET_METRICS: tuple[str, ...] = ("won_amount", "won_deals", "first_visits", "visits", "deals")
STATUS_SYMBOL = {ON_TRACK: "●", AT_RISK: "▲", OFF_TRACK: "■"}
STATUS_COLOR = {ON_TRACK: "#009E73", AT_RISK: "#E69F00", OFF_TRACK: "#D55E00"}
STATUS_PATTERN = {ON_TRACK: "", AT_RISK: "/", OFF_TRACK: "x"}
NO_STATUS_COLOR = "#9E9E9E"
# Attainment colours: vermillion below the at-risk floor, white at 100%, blue above.
ATTAINMENT_SCALE = ((0.0, "#B34700"), (0.35, "#F4B183"), (0.5, "#F7F7F7"), (1.0, "#0072B2"))
ATTAINMENT_RANGE = (0.5, 1.5)


def status_text(status, lang: str) -> str:
    """'■ 落后' — symbol and word; '—' without a forecast."""
    if status not in STATUS_SYMBOL:
        return formats.DASH
    return f"{STATUS_SYMBOL[status]} {t('tgt_status_' + status, lang)}"


def attainment_status(ratio) -> str | None:
    """The pace thresholds applied to a finished month's attainment (≥100% / 90-100% / <90%)."""
    if formats.is_missing(ratio):
        return None
    return ON_TRACK if ratio >= 1 else AT_RISK if ratio >= AT_RISK_FLOOR else OFF_TRACK


def metric_label(metric_id: str, lang: str) -> str:
    metric = METRICS[metric_id]
    return metric.label_en if lang == "en" else metric.label_zh


def value_text(metric_id: str, value, lang: str) -> str:
    """A target, actual or projection in the metric's unit: '1.45 亿元', '5,400.0 万元' or '88'."""
    return formats.money(value, lang) if metric_id == "won_amount" else formats.count(value)


def daily_text(metric_id: str, value, lang: str) -> str:
    """A per-selling-day rate: money as value_text, counts with one decimal; 0 reads '已达成'."""
    if not formats.is_missing(value) and value == 0:
        return t("tgt_met", lang)
    if metric_id == "won_amount" or formats.is_missing(value):
        return value_text(metric_id, value, lang)
    return f"{value:,.1f}"


def row_label(group_id: str, metric_id: str, names: dict[str, str], lang: str) -> str:
    """'刚需组 · 成交金额': a target's group and metric."""
    return f"{names.get(group_id, group_id)} · {metric_label(metric_id, lang)}"


def in_display_order(frame: pd.DataFrame, group_order: list[str]) -> pd.DataFrame:
    """Rows by the groups' sort order, then by TARGET_METRICS order (money first)."""
    rank = {g: i for i, g in enumerate(group_order)}
    keyed = frame.assign(_g=frame["group"].map(rank), _m=frame["metric"].map(TARGET_METRICS.index))
    return keyed.sort_values(["_g", "_m", *(["month"] if "month" in frame else [])]).drop(columns=["_g", "_m"])


def _pace_custom(pace: pd.DataFrame, names: dict[str, str], lang: str) -> list[list]:
    return [[row.group, row.metric, row_label(row.group, row.metric, names, lang), status_text(row.status, lang),
             value_text(row.metric, row.target, lang), value_text(row.metric, row.actual, lang),
             value_text(row.metric, row.projected, lang), formats.percent(row.attainment, 0),
             formats.percent(row.pace_forecast, 0), daily_text(row.metric, row.required_daily, lang)]
            for row in pace.itertuples()]


def _pace_hover(lang: str) -> str:
    return (f"<b>%{{customdata[2]}}</b> · %{{customdata[3]}}<br>{t('tgt_target', lang)}: %{{customdata[4]}}"
            f"<br>{t('tgt_actual_mtd', lang)}: %{{customdata[5]}} (%{{customdata[7]}})"
            f"<br>{t('tgt_projected', lang)}: %{{customdata[6]}} (%{{customdata[8]}})"
            f"<br>{t('tgt_required_daily', lang)}: %{{customdata[9]}}<extra></extra>")


def pace_figure(pace: pd.DataFrame, names: dict[str, str], lang: str) -> go.Figure:
    """Bullet chart, one row per target: projected month-end (pale, patterned by status) and
    month-to-date actual (solid) as % of target; lines at 100% (target), 90% (off-track line)
    and the share of selling days gone. `pace`: pace_table rows with a `metric` column, in
    display order. customdata starts with group_id, metric (for clicks)."""
    rows = pace.iloc[::-1]     # plotly draws the first category at the bottom
    labels = [f"{STATUS_SYMBOL.get(s, '○')} {row_label(g, m, names, lang)}"
              for g, m, s in zip(rows["group"], rows["metric"], rows["status"], strict=True)]
    colors = [STATUS_COLOR.get(s, NO_STATUS_COLOR) for s in rows["status"]]
    custom, hover = _pace_custom(rows, names, lang), _pace_hover(lang)
    fig = go.Figure()
    fig.add_trace(go.Bar(
        y=labels, x=rows["pace_forecast"].fillna(0), orientation="h", showlegend=False,
        marker={"color": colors, "opacity": 0.35, "line": {"color": colors, "width": 1.5},
                "pattern": {"shape": [STATUS_PATTERN.get(s, "") for s in rows["status"]],
                            "fgcolor": colors, "size": 8, "solidity": 0.25}},
        customdata=custom, hovertemplate=hover))
    fig.add_trace(go.Bar(
        y=labels, x=rows["attainment"].fillna(0), orientation="h", width=0.38, showlegend=False,
        marker={"color": colors}, text=[formats.percent(v, 0) for v in rows["attainment"]],
        textposition="inside", insidetextanchor="start", textfont={"color": "white"},
        customdata=custom, hovertemplate=hover))
    # "预计 83%" right of the projection, or of the target line when short of it: at the bar's
    # own end it would sit on the 90% and 100% lines.
    fig.add_trace(go.Scatter(
        y=labels, x=np.maximum(rows["pace_forecast"].fillna(0).to_numpy(dtype=float), 1.0) + 0.015,
        mode="text", text=[f"{t('tgt_projected_short', lang)} {formats.percent(v, 0)}" for v in rows["pace_forecast"]],
        textposition="middle right", textfont={"color": "#555555"}, cliponaxis=False, showlegend=False,
        hoverinfo="skip"))
    # Legend keys in grey: the bars' own colours say the status, not which bar is which.
    for name, opacity in ((t("tgt_actual_mtd", lang), 1.0), (t("tgt_projected", lang), 0.35)):
        fig.add_trace(go.Bar(x=[None], y=[None], orientation="h", name=name, hoverinfo="skip",
                             marker={"color": "#555555", "opacity": opacity}))
    elapsed = pace["selling_days_elapsed"].max() / max(pace["selling_days_total"].max(), 1)
    for x, dash, key in ((1.0, "solid", "tgt_target_line"), (AT_RISK_FLOOR, "dash", "tgt_risk_line"),
                         (elapsed, "dot", "tgt_time_line")):
        # named in the legend: labels above the lines would collide (83%, 90%, 100%)
        fig.add_vline(x=x, line={"color": "#333333", "dash": dash, "width": 2 if x == 1.0 else 1.2},
                      showlegend=True, name=t(key, lang, p=formats.percent(x, 0)))
    base_layout(fig, t("tgt_pace_title", lang), x_title=t("tgt_pct_of_target", lang))
    top = max(1.25, float(np.nanmax(pace[["pace_forecast", "attainment"]].to_numpy(dtype=float), initial=0)) + 0.25)
    fig.update_layout(barmode="overlay", hovermode="closest", clickmode="event+select",
                      height=190 + 52 * len(pace), margin={"l": 10, "r": 40, "t": 50, "b": 10},
                      # below the axis: above the plot the legend wraps into the title
                      legend={"orientation": "h", "y": -0.09, "yanchor": "top", "x": 0, "xanchor": "left",
                              "font": {"size": 12}})
    fig.update_xaxes(tickformat=".0%", range=[0, top], showgrid=True, gridcolor="#eeeeee")
    fig.update_yaxes(rangemode="normal", tickfont={"size": 13})
    return fig


def _month_label(month: pd.Timestamp, as_of: date, lang: str) -> str:
    label = month.strftime("%Y-%m")
    if (month.year, month.month) == (as_of.year, as_of.month):
        return f"{label} {t('tgt_forecast_suffix', lang)}"
    return label


def _heat_cells(attainment: pd.DataFrame, pace: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per (group, metric, month) with the ratio that colours it: attainment for
    finished months, the pace forecast (and its status) for the as-of month."""
    cells = attainment.assign(ratio=attainment["attainment"], status=attainment["attainment"].map(attainment_status))
    now = pd.Timestamp(as_of.replace(day=1))
    if pace.empty:
        return cells
    current = pace.assign(ratio=pace["pace_forecast"])[cells.columns]
    return pd.concat([cells[cells["month"] != now], current], ignore_index=True)


def _heat_custom(cell, label: str, month_label: str, lang: str) -> list:
    return [cell.group, pd.Timestamp(cell.month).date().isoformat(), label, month_label,
            value_text(cell.metric, cell.target, lang), value_text(cell.metric, cell.actual, lang),
            formats.percent(cell.attainment, 0), formats.percent(cell.ratio, 0), status_text(cell.status, lang)]


def attainment_figure(attainment: pd.DataFrame, pace: pd.DataFrame, group_order: list[str],
                      names: dict[str, str], as_of: date, lang: str) -> go.Figure:
    """Heat-map of attainment (actual / target) per target × month; the as-of month shows the
    pace forecast (its actual is month-to-date only). Cells read '■ 72%' so the status survives
    without colour; a transparent marker per cell makes it clickable (customdata: group_id,
    month ISO date, …)."""
    cells = in_display_order(_heat_cells(attainment, pace, as_of), group_order)
    months = sorted(pd.Timestamp(m) for m in cells["month"].unique())
    x = [_month_label(pd.Timestamp(m), as_of, lang) for m in months]
    keys = list(dict.fromkeys(zip(cells["group"], cells["metric"], strict=True)))
    y = [row_label(g, m, names, lang) for g, m in keys]
    z = [[None] * len(months) for _ in keys]
    text = [[""] * len(months) for _ in keys]
    marks: dict[str, list] = {"x": [], "y": [], "custom": []}
    for cell in cells.itertuples():
        i, j = keys.index((cell.group, cell.metric)), months.index(cell.month)
        if not formats.is_missing(cell.ratio):
            z[i][j] = float(np.clip(cell.ratio, *ATTAINMENT_RANGE))
        text[i][j] = f"{STATUS_SYMBOL.get(cell.status, '')} {formats.percent(cell.ratio, 0)}"
        marks["x"].append(x[j])
        marks["y"].append(y[i])
        marks["custom"].append(_heat_custom(cell, y[i], x[j], lang))
    fig = go.Figure(go.Heatmap(
        x=x, y=y, z=z, text=text, texttemplate="%{text}", textfont={"size": 14, "family": FONT_FAMILY},
        colorscale=[list(stop) for stop in ATTAINMENT_SCALE], zmin=ATTAINMENT_RANGE[0], zmax=ATTAINMENT_RANGE[1],
        xgap=3, ygap=3, hoverinfo="skip",
        colorbar={"title": {"text": t("tgt_pct_of_target", lang)}, "tickformat": ".0%", "len": 0.9}))
    fig.add_trace(go.Scatter(
        x=marks["x"], y=marks["y"], customdata=marks["custom"], mode="markers", showlegend=False,
        marker={"symbol": "square", "size": 36, "color": "rgba(0,0,0,0)"},
        selected={"marker": {"color": "rgba(0,0,0,0.12)"}}, unselected={"marker": {"opacity": 1}},
        hovertemplate=(f"<b>%{{customdata[2]}}</b> · %{{customdata[3]}}<br>{t('tgt_target', lang)}: %{{customdata[4]}}"
                       f"<br>{t('tgt_actual', lang)}: %{{customdata[5]}} (%{{customdata[6]}})"
                       f"<br>{t('tgt_colour_value', lang)}: %{{customdata[7]}} · %{{customdata[8]}}<extra></extra>")))
    base_layout(fig, t("tgt_heat_title", lang), x_title=t("tgt_month", lang), y_title=t("tgt_target_row", lang))
    fig.update_layout(hovermode="closest", hoverdistance=-1, clickmode="event+select",
                      height=150 + 50 * len(keys), showlegend=False)
    fig.update_yaxes(autorange="reversed", rangemode="normal", showgrid=False, type="category", tickfont={"size": 13})
    fig.update_xaxes(side="top", type="category", tickfont={"size": 13})
    return fig
