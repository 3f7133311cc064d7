"""分组方案模拟 figures: today (grey) against the draft (blue) per group, and each seller's tenure
in the draft's groups (Streamlit-free, `go.Figure` out).

Apart from ui.tables_regroup (the editors' frames and the comparison's texts), as the other pages
keep their charts_* and tables_*.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.regroup import NON_SELLING_ROLES, tenure_years
from ui.charts import base_layout
from ui.i18n import t
from ui.metric_text import amount_unit, with_unit

TODAY_COLOR, DRAFT_COLOR = "#9E9E9E", "#0072B2"


def regroup_figure(compared: pd.DataFrame, lang: str) -> go.Figure:
    """Today (grey) against the draft (blue) per group: sellers, open deals per seller,
    conversion with its 95% interval, won amount per month."""
    divisor, unit = amount_unit(lang)
    panels = (("headcount", with_unit(t("mg_rg_sellers", lang), t("unit_people", lang), lang), 1),
              ("open_per_person", with_unit(t("mg_rg_open_per_person", lang), t("cmp_unit_count", lang), lang), 1),
              ("conversion", with_unit(t("mg_rg_conversion", lang), "%", lang), 100),
              ("won_amount_per_month", with_unit(t("mg_rg_won_per_month", lang), unit, lang), 1 / divisor))
    fig = make_subplots(rows=2, cols=2, subplot_titles=[p[1] for p in panels], vertical_spacing=0.16,
                        horizontal_spacing=0.08)
    names = compared["name"].astype("str")
    for index, (column, _, scale) in enumerate(panels):
        row, col = divmod(index, 2)
        for side, color, side_name in (("today", TODAY_COLOR, t("mg_rg_today", lang)),
                                       ("draft", DRAFT_COLOR, t("mg_rg_draft_side", lang))):
            values = compared[f"{column}_{side}"] * scale
            error = None
            if column == "conversion":
                error = {"type": "data", "symmetric": False, "color": "#444", "thickness": 1,
                         "array": (compared[f"conversion_high_{side}"] * 100 - values).fillna(0),
                         "arrayminus": (values - compared[f"conversion_low_{side}"] * 100).fillna(0)}
            fig.add_trace(go.Bar(x=names, y=values, name=side_name, marker_color=color, error_y=error,
                                 legendgroup=side, showlegend=index == 0,
                                 hovertemplate=f"{side_name}: %{{y:,.1f}}<extra>%{{x}}</extra>"), row=row + 1, col=col + 1)
    base_layout(fig, t("mg_rg_figure_title", lang))
    fig.update_layout(barmode="group", height=620, hovermode="closest", margin={"l": 10, "r": 10, "t": 90, "b": 10})
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero")
    return fig


def tenure_figure(people: pd.DataFrame, draft_groups: pd.DataFrame, as_of: date, lang: str) -> go.Figure:
    """Each seller's tenure in the draft's groups (one dot per person, a bar at the median)."""
    sellers = people[~people["role_in_group"].isin(NON_SELLING_ROLES)]
    sellers = sellers.assign(tenure=tenure_years(sellers["hired_on"], as_of))
    names = dict(zip(draft_groups["group_id"], draft_groups["name"], strict=True))
    # One pass over the sellers and the traces added at once, from plain lists: a trace per group
    # added one by one re-validated the figure each time (seconds at 400 groups).
    by_group = {group_id: part for group_id, part in sellers.groupby("group_id", sort=False)}
    fig = go.Figure(data=[
        go.Box(x=list(mine["tenure"]), name=names[group_id], boxpoints="all", jitter=0.4, pointpos=0,
               marker={"color": DRAFT_COLOR, "size": 8}, line={"color": DRAFT_COLOR},
               fillcolor="rgba(0,114,178,0.08)", customdata=list(mine["name"]),
               hovertemplate="%{customdata}: %{x:.1f}<extra></extra>", showlegend=False)
        for group_id in draft_groups["group_id"] if (mine := by_group.get(group_id)) is not None])
    base_layout(fig, t("mg_rg_tenure_title", lang), x_title=with_unit(t("mg_rg_tenure_axis", lang),
                                                                       t("mg_year_unit", lang), lang))
    fig.update_layout(height=120 + 50 * len(fig.data), hovermode="closest")
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5", rangemode="tozero")
    return fig
