"""Figures of the funnel page: the stage funnel, monthly cohorts, time in stage (no Streamlit).

Each builder takes the frame an analytics function returned and the language, and returns a
`go.Figure` with a title, axis titles with units, hover text in that language and the page font.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.stats import DEFAULT_MIN_N, wilson_intervals
from domain import STAGE_PHASE, STAGES
from ui import formats
from ui.charts import PALETTE, base_layout
from ui.i18n import STAGE_LABELS, label, t

# One colour per phase of the funnel: the seed's three stage-based groups own one phase each.
PHASE_COLORS = {"initial_contact": "#56B4E9", "follow_up": PALETTE[0], "closing": PALETTE[2]}
IMMATURE_COLOR = "#C4C4C4"


def _stage_labels(stages, lang: str) -> list[str]:
    return [label(STAGE_LABELS, stage, lang) for stage in stages]


def _funnel_hover(row, step_in, lang: str) -> str:
    lines = [f"<b>{label(STAGE_LABELS, row.stage, lang)}</b>",
             t("fun_hover_reached", lang, n=formats.count(row.reached)),
             t("fun_hover_cumulative", lang, rate=formats.percent(row.cumulative_conversion))]
    if not formats.is_missing(step_in):
        lines.append(t("fun_hover_step_in", lang, rate=formats.percent(step_in)))
    if not formats.is_missing(row.drop_off):
        lines.append(t("fun_hover_drop", lang, n=formats.count(row.drop_off),
                       rate=formats.percent(row.drop_off_rate)))
    lines.append(t("fun_hover_phase", lang, phase=t(f"fun_phase_{STAGE_PHASE[row.stage]}", lang)))
    lines.append(f"<i>{t('fun_hover_click', lang)}</i>")
    return "<br>".join(lines)


def stage_funnel_figure(funnel: pd.DataFrame, lang: str, *, title: str) -> go.Figure:
    """Horizontal bars of deals reached per stage, lead on top, one trace (colour) per phase.

    `funnel`: stage_funnel's frame for one funnel (stage, position, reached, cumulative_conversion,
    step_conversion, drop_off, drop_off_rate). customdata carries the stage key so a click
    knows which stage was picked. Bar text: count and cumulative conversion.
    """
    rows = funnel.sort_values("position").assign(step_in=lambda f: f["step_conversion"].shift(1))
    phases = rows["stage"].map(STAGE_PHASE)
    fig = go.Figure()
    for phase, color in PHASE_COLORS.items():
        part = rows[phases == phase]
        fig.add_trace(go.Bar(
            x=part["reached"], y=_stage_labels(part["stage"], lang), orientation="h",
            name=t(f"fun_phase_{phase}", lang), marker={"color": color},
            text=[t("fun_bar_text", lang, n=formats.count(n), cumulative=formats.percent(c))
                  for n, c in zip(part["reached"], part["cumulative_conversion"], strict=True)],
            textposition="outside", cliponaxis=False, customdata=list(part["stage"]),
            hovertext=[_funnel_hover(row, row.step_in, lang) for row in part.itertuples()],
            hovertemplate="%{hovertext}<extra></extra>"))
    base_layout(fig, title, x_title=t("fun_axis_deals", lang), y_title=t("fun_axis_stage", lang))
    top = float(rows["reached"].max()) if len(rows) and rows["reached"].max() > 0 else 1.0
    fig.update_xaxes(range=[0, top * 1.55], gridcolor="#e5e5e5", showgrid=True, tickformat=",d", automargin=True)
    fig.update_yaxes(categoryorder="array", categoryarray=_stage_labels(rows["stage"], lang),
                     autorange="reversed", showgrid=False, automargin=True, title_standoff=12)
    fig.update_layout(hovermode="closest", bargap=0.25, barmode="overlay", height=420,
                      clickmode="event+select", dragmode=False,
                      # inside, bottom right: the later stages' bars are short, so that corner is empty
                      legend={"orientation": "v", "x": 0.99, "xanchor": "right", "y": 0.02, "yanchor": "bottom",
                              "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 12}})
    return fig


def cohort_conversion(funnel_by_month: pd.DataFrame, *, to_stage: str = "subscription",
                      min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Per monthly cohort: n (entered the funnel), won (reached `to_stage`), rate, Wilson low/high,
    too_few (n < min_n).

    `funnel_by_month`: stage_funnel's frame with by='month'. A cohort nobody entered has NaN rate.
    (A pure reshaping of the funnel frame; it belongs in analytics.funnel, see the page's notes.)
    """
    wide = funnel_by_month.pivot(index="month", columns="stage", values="reached").reset_index()
    n, won = wide[STAGES[0]].astype("int64"), wide[to_stage].astype("int64")
    bounds = wilson_intervals(won, n)
    return pd.DataFrame({"month": pd.to_datetime(wide["month"]), "n": n, "won": won,
                         "rate": won / n.where(n > 0), "low": bounds["low"], "high": bounds["high"],
                         "too_few": n < min_n})


def _cohort_trace(part: pd.DataFrame, months: list[str], name: str, color: str, lang: str) -> go.Bar:
    rate = part["rate"] * 100
    shown = [t("too_few", lang) if few else formats.percent(r) for r, few in zip(part["rate"], part["too_few"], strict=True)]
    texts = [f"{value}<br>{t('fun_elapsed', lang, share=formats.percent(share, 0))}" if immature else value
             for value, immature, share in zip(shown, part["immature"], part["elapsed_share"], strict=True)]
    hover = [f"{t('fun_hover_cohort', lang, month=m, rate=formats.percent(r), won=formats.count(w), n=formats.count(n))}"
             f"<br>{t('fun_hover_interval', lang, interval=formats.interval(lo, hi))}"
             + (f"<br>{t('fun_elapsed', lang, share=formats.percent(s, 0))}" if imm else "")
             for m, r, w, n, lo, hi, s, imm in zip(months, part["rate"], part["won"], part["n"], part["low"],
                                                   part["high"], part["elapsed_share"], part["immature"],
                                                   strict=True)]
    # Text inside at the base: above the bar it would collide with the error bar.
    return go.Bar(x=months, y=rate, name=name, marker={"color": color}, text=texts,
                  textposition="inside", insidetextanchor="start", textangle=0,
                  textfont={"color": "white" if color != IMMATURE_COLOR else "#333333"}, hovertext=hover,
                  hovertemplate="%{hovertext}<extra></extra>",
                  error_y={"type": "data", "symmetric": False, "array": (part["high"] - part["rate"]) * 100,
                           "arrayminus": (part["rate"] - part["low"]) * 100, "color": "#7F7F7F",
                           "thickness": 1, "width": 3})


def cohort_figure(cohorts: pd.DataFrame, lang: str) -> go.Figure:
    """Bars of each monthly cohort's conversion (in %), immature cohorts grey with the share elapsed.

    `cohorts`: cohort_conversion's frame passed through analytics.funnel.mark_immature (columns
    month, n, won, rate, low, high, elapsed_share, immature).
    """
    ordered = cohorts.sort_values("month")
    months = ordered["month"].dt.strftime("%Y-%m").tolist()
    fig = go.Figure()
    for immature, name, color in ((False, t("fun_mature", lang), PALETTE[0]),
                                  (True, t("fun_immature", lang), IMMATURE_COLOR)):
        mask = ordered["immature"] == immature
        part = ordered[mask]
        fig.add_trace(_cohort_trace(part, [m for m, keep in zip(months, mask, strict=True) if keep],
                                    name, color, lang))
    base_layout(fig, t("fun_cohort_chart_title", lang), y_title=t("fun_axis_conversion_pct", lang),
                x_title=t("fun_axis_month_created", lang))
    top = float((ordered["high"] * 100).max()) if ordered["high"].notna().any() else 10.0
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=months, automargin=True)
    fig.update_yaxes(range=[0, top * 1.08], ticksuffix="%", automargin=True)
    fig.update_layout(hovermode="closest", height=380, bargap=0.3)
    return fig


def time_in_stage_figure(durations: pd.DataFrame, lang: str) -> go.Figure:
    """Grouped horizontal bars of the median and P75 days per stage (time_in_stage's frame).

    Stages without a finished stay (n = 0, often 回款, the last stage) are left out.
    """
    rows = durations[durations["n"] > 0].sort_values("position")
    labels = _stage_labels(rows["stage"], lang)
    fig = go.Figure()
    for column, key, color in (("median_days", "fun_median", PALETTE[0]), ("p75_days", "fun_p75", "#9FCBEA")):
        which = t(key, lang)
        fig.add_trace(go.Bar(
            x=rows[column], y=labels, orientation="h", name=which, marker={"color": color},
            text=[formats.days(v, lang) if not formats.is_missing(v) else "" for v in rows[column]],
            textposition="outside", cliponaxis=False,
            hovertext=[t("fun_hover_days", lang, stage=s, which=which, days=formats.days(v, lang),
                         n=formats.count(n)) for s, v, n in zip(labels, rows[column], rows["n"], strict=True)],
            hovertemplate="%{hovertext}<extra></extra>"))
    base_layout(fig, t("fun_time_chart_title", lang), x_title=t("fun_axis_days", lang),
                y_title=t("fun_axis_stage", lang))
    top = float(rows["p75_days"].max()) if rows["p75_days"].notna().any() else 1.0
    fig.update_xaxes(range=[0, top * 1.2], gridcolor="#e5e5e5", showgrid=True, automargin=True)
    fig.update_yaxes(autorange="reversed", showgrid=False, automargin=True, title_standoff=12)
    fig.update_layout(barmode="group", hovermode="closest", height=380, bargap=0.25)
    return fig
