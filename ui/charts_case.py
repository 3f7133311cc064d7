"""案例复盘 figures (Streamlit-free): a deal's timeline in lanes, and its days per stage against
the typical won path of its peers and a similar lost deal.

Hover text comes from the frame handed in: in privacy mode the caller passes the timeline with
notes already hidden (analytics.cases.timeline_shown), so no customer text reaches a tooltip.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ui import formats
from ui.charts import PALETTE, base_layout
from ui.i18n import STAGE_LABELS, label, t

# Lanes top to bottom, with colour and marker (the symbol tells them apart in black and white).
LANES: tuple[tuple[str, str, str], ...] = (
    ("stage", PALETTE[0], "diamond"),
    ("visit", PALETTE[2], "circle"),
    ("contact", PALETTE[8], "circle-open"),
    ("survey", PALETTE[3], "star"),
    ("owner", PALETTE[1], "triangle-right"),
)
# (path, fill, outline): solid blue, pale grey, vermillion — apart in black and white by lightness.
PATHS: tuple[tuple[str, str, str], ...] = (
    ("this", PALETTE[0], PALETTE[0]), ("typical", "#D9D9D9", "#666666"), ("lost", PALETTE[5], PALETTE[5]),
)


def event_label(kind: str, lang: str) -> str:
    """'认购', '复访', '流失', '负责人变更' …: a stage key, an activity kind or an event type."""
    if kind in STAGE_LABELS:
        return label(STAGE_LABELS, kind, lang)
    return t(f"case_kind_{kind}", lang)


def _hover_text(row, lang: str) -> str:
    parts = [f"<b>{event_label(row.kind, lang)}</b> · {pd.Timestamp(row.at):%Y-%m-%d %H:%M}"]
    if isinstance(row.staff, str):
        parts.append(f"{t('col_consultant', lang)}: {formats.plotly_text(row.staff)}")
    if isinstance(row.detail, str) and row.detail:
        detail = label(STAGE_LABELS, row.detail, lang) if row.lane == "stage" and row.kind != "lost" else row.detail
        parts.append(f"{t('case_detail_' + row.lane, lang)}: {formats.plotly_text(detail)}")
    if isinstance(row.note, str) and row.note:
        parts.append(f"{t('case_note', lang)}: {formats.plotly_text(row.note)}")
    return "<br>".join(parts)


def timeline_figure(events: pd.DataFrame, lang: str, title: str) -> go.Figure:
    """Time on x, one lane per event type on y; stage markers labelled with the stage entered."""
    fig = go.Figure()
    lanes = [lane for lane, _, _ in LANES]
    for lane, color, symbol in LANES:
        part = events[events["lane"] == lane]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["at"], y=[t(f"case_lane_{lane}", lang)] * len(part), cliponaxis=False,
            mode="markers+text" if lane == "stage" else "markers",
            name=t(f"case_lane_{lane}", lang), marker={"color": color, "symbol": symbol, "size": 13,
                                                       "line": {"width": 1.5, "color": color}},
            text=[event_label(k, lang) for k in part["kind"]] if lane == "stage" else None,
            textposition="top center", hovertext=[_hover_text(row, lang) for row in part.itertuples()],
            hovertemplate="%{hovertext}<extra></extra>"))
    base_layout(fig, title, x_title=t("case_axis_date", lang), y_title="")
    fig.update_layout(hovermode="closest", height=380, showlegend=False, margin={"l": 10, "r": 20, "t": 80, "b": 10})
    fig.update_yaxes(categoryorder="array", categoryarray=[t(f"case_lane_{lane}", lang) for lane in reversed(lanes)],
                     rangemode="normal", showgrid=True, gridcolor="#eeeeee")
    fig.update_xaxes(showgrid=True, gridcolor="#f3f3f3", tickformat="%Y-%m-%d")
    return fig


def path_figure(comparison: pd.DataFrame, lang: str) -> go.Figure:
    """Days spent in each stage: this deal, the won peers' median, the similar lost deal."""
    stages = [label(STAGE_LABELS, s, lang) for s in comparison["stage"]]
    fig = go.Figure()
    for key, color, outline in PATHS:
        column = f"{key}_days"
        if column not in comparison or comparison[column].isna().all():
            continue
        name = t(f"case_path_{key}", lang)
        fig.add_trace(go.Bar(
            x=stages, y=comparison[column], name=name,
            marker={"color": color, "line": {"color": outline, "width": 1.2}},
            text=[formats.DASH if formats.is_missing(v) else f"{v:.0f}" for v in comparison[column]],
            textposition="outside", cliponaxis=False,
            hovertemplate=f"%{{x}} · {name}<br>%{{y:.1f}} {t('unit_days', lang)}<extra></extra>"))
    base_layout(fig, t("case_path_title", lang), y_title=t("case_axis_days", lang), x_title=t("col_stage", lang))
    fig.update_layout(barmode="group", hovermode="closest", height=380)
    return fig
