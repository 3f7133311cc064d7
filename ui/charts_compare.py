"""Figures and display frames of the 小组对比 page, and the ranked-interval chart both the compare
and the people page draw (Streamlit-free: DataFrames in, `go.Figure` / display frames out).

Win rates are shown as percentages with their 95% Wilson interval and n; ranking is by the
interval's lower bound (analytics.stats.rank_by_lower_bound). A stage-split group that hands its
deals on never closes them: it is not ranked on win rate (see `hands_deals_on`).
"""

from __future__ import annotations

import html
import math
from datetime import date, datetime, time, timedelta

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.stats import rank_by_lower_bound
from db.filters import Filters
from ui import formats
from ui.charts import PALETTE, base_layout
from ui.i18n import BASIS_LABELS, label, t
from ui.metric_text import amount_unit, metric_label, n_text, rate_n, rate_with_n, score_with_n, with_unit

NEUTRAL = PALETTE[8]
ROW_PX = 34   # height of one category row in a horizontal dot chart
# Rows a dot chart draws: 2,800 consultants (400 groups) made a 95,000 px chart that took seconds
# to build and draw; the table beside each chart lists every row.
MAX_DOT_ROWS = 60
MAX_PANELS = 12   # small multiples: 400 groups made 80 rows of panels, seconds to build


def hands_deals_on(basis, phase) -> bool:
    """True for a stage-split group that passes its deals to the next group (it never closes them)."""
    return basis == "stage" and phase != "closing"


def _hands_on_mask(frame: pd.DataFrame) -> pd.Series:
    return (frame["basis"] == "stage") & (frame["phase"].fillna("") != "closing")


def clicked_points(event) -> list[list]:
    """The customdata of the points selected in a plotly chart event ([] when nothing is)."""
    if not event:
        return []
    points = event["selection"]["points"]
    return [point["customdata"] for point in points if point.get("customdata") is not None]


def groups_in_filters(groups: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The catalog's groups the global filters allow (group list; project, keeping groups without one)."""
    keep = pd.Series(True, index=groups.index)
    if filters.group_ids:
        keep &= groups["group_id"].isin(filters.group_ids)
    if filters.project_ids:
        keep &= groups["project_id"].isna() | groups["project_id"].isin(filters.project_ids)
    return groups[keep].reset_index(drop=True)


def basis_text(basis, phase, lang: str) -> str:
    """'按阶段 · 负责成交' for stage-split groups, else the basis label ('按客户类型')."""
    text = label(BASIS_LABELS, basis, lang)
    if basis == "stage" and isinstance(phase, str):
        text += " · " + t(f"cmp_phase_{phase}", lang)
    return text


def basis_badges_html(groups: pd.DataFrame, colors: dict[str, str], projects: dict[str, str],
                      lang: str) -> str:
    """A row of small cards, one per group: its colour, name, split basis, project and headcount."""
    cards = []
    for row in groups.itertuples():
        place = [projects.get(row.project_id, row.project_id)] if isinstance(row.project_id, str) else []
        place.append(t("cmp_members", lang, n=int(row.members)))
        cards.append(
            '<div style="flex:1 1 150px;border:1px solid #e3e3e3;border-radius:8px;padding:8px 12px">'
            f'<div style="font-weight:600"><span style="color:{colors.get(row.group_id, NEUTRAL)}">'
            f'&#9632;</span> {html.escape(str(row.name))}</div>'
            f'<div style="color:#333;font-size:0.85rem">{html.escape(basis_text(row.basis, row.phase, lang))}</div>'
            f'<div style="color:#777;font-size:0.8rem">{html.escape(" · ".join(place))}</div></div>')
    return f'<div style="display:flex;flex-wrap:wrap;gap:10px">{"".join(cards)}</div>'


def group_win_rate_ranking(by_group: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Groups that close their own deals, best first by the lower bound of their win rate.

    by_group: kpi_table(…, 'group'); groups: catalog.groups rows (group_id, name, basis, phase).
    Left out: stage-split groups that hand deals on, and groups with no deal won or lost in the
    window (no rate). Adds `rank` (1 = best; ties share a rank). The inputs are not changed.
    """
    merged = groups[["group_id", "name", "basis", "phase"]].merge(
        by_group, left_on="group_id", right_on="group", how="inner")
    closers = merged[~_hands_on_mask(merged) & (merged["win_rate_n"] > 0)]
    return rank_by_lower_bound(closers, "win_rate")


def _rate_label(row, lang: str) -> str:
    if row.too_few:
        return f"{t('too_few', lang)} ({n_text(row.n, lang)})"
    return f"{formats.percent(row.rate)} · {n_text(row.n, lang)}"


def _rate_hover(row, lang: str) -> str:
    lines = [f"<b>{html.escape(str(row.name))}</b>", t("cmp_hover_rate", lang, rate=formats.percent(row.rate)),
             t("cmp_hover_interval", lang, low=formats.percent(row.low), high=formats.percent(row.high)),
             t("cmp_hover_closed", lang, n=int(row.n), won=int(row.won), lost=int(row.n - row.won)),
             t("cmp_hover_lower", lang, low=formats.percent(row.low)), t("cmp_hover_click", lang)]
    return "<br>".join(lines)


def ranking_rows(ranked: pd.DataFrame, *, id_col: str, name_col: str, legend_col: str,
                 color_key_col: str, colors: dict[str, str]) -> pd.DataFrame:
    """The plotted rows of `interval_dot_figure` from a frame ranked by rank_by_lower_bound.

    Columns: id, name, label ('1. 成交组'), legend, color, rate, low, high, n, won, too_few.
    """
    ranks = ranked["rank"].map(lambda r: "—" if formats.is_missing(r) else f"{int(r)}")
    return pd.DataFrame({
        "id": ranked[id_col], "name": ranked[name_col],
        "label": ranks + ". " + ranked[name_col].astype(str),
        "legend": ranked[legend_col].fillna("—"),
        "color": ranked[color_key_col].map(lambda key: colors.get(key, NEUTRAL)),
        "rate": ranked["win_rate"], "low": ranked["win_rate_low"], "high": ranked["win_rate_high"],
        "n": ranked["win_rate_n"], "won": ranked["won_deals"], "too_few": ranked["win_rate_too_few"],
    }).reset_index(drop=True)


def _category_axis(fig: go.Figure, ids: list, labels: list, title: str) -> None:
    """Categories top-down in the given order, shown by their labels."""
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(reversed(ids)),
                     tickmode="array", tickvals=ids, ticktext=labels, title_text=title,
                     showgrid=False, rangemode="normal")


def _x_range(highs: pd.Series) -> list[float]:
    # Room on the right for the "80.0% · n=210" label beside the whisker's end.
    top = max(float(highs.max(skipna=True)) * 100 if highs.notna().any() else 10.0, 5.0)
    return [0, min(top, 100.0) * 1.22 + 4]


def _interval_trace(legend: str, part: list, lang: str) -> go.Scatter:
    """One legend value's points (rows of `ranking_rows`) in its colour, whiskers to the interval."""
    color = part[0].color
    return go.Scatter(
        x=[row.rate * 100 for row in part], y=[row.id for row in part], mode="markers", name=legend,
        marker={"color": color, "size": 13, "line": {"color": color, "width": 2},
                "symbol": ["circle-open" if row.too_few else "circle" for row in part]},
        error_x={"type": "data", "symmetric": False, "array": [(row.high - row.rate) * 100 for row in part],
                 "arrayminus": [(row.rate - row.low) * 100 for row in part], "color": color,
                 "thickness": 2, "width": 7},
        customdata=[[row.id] for row in part],
        hovertext=[_rate_hover(row, lang) for row in part],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def interval_dot_figure(rows: pd.DataFrame, *, title: str, x_title: str, y_title: str,
                        lang: str, show_legend: bool = False, max_rows: int | None = MAX_DOT_ROWS) -> go.Figure:
    """Horizontal dot-and-whisker chart of rates (%) with 95% intervals, best at the top.

    `rows` as `ranking_rows` returns, in display order. One trace per legend value (a group), in
    that group's colour; an open marker where n is below the minimum. Each point's customdata is
    [id], so a click tells which row it was. Only the first `max_rows` rows are drawn, with a
    note under the title saying so (None: all).
    """
    if max_rows is not None and len(rows) > max_rows:
        note = t("cmp_top_shown", lang, shown=max_rows, total=f"{len(rows):,}")
        rows, title = rows.head(max_rows), f"{title}<br><sup>{note}</sup>"
    # Traces and labels are built from plain lists and added at once: plotly re-validates the
    # whole figure on each add_trace / add_annotation (minutes for 2,800 consultants), and a
    # pandas column costs it five times a list.
    records = list(rows.itertuples())
    parts: dict[str, list] = {}
    for row in records:
        parts.setdefault(str(row.legend), []).append(row)
    fig = go.Figure(data=[_interval_trace(legend, part, lang) for legend, part in parts.items()])
    fig.update_layout(annotations=[
        {"x": (row.high if not formats.is_missing(row.high) else row.rate) * 100, "y": row.id,
         "text": _rate_label(row, lang), "showarrow": False, "xanchor": "left", "xshift": 8,
         "font": {"size": 12, "color": "#333"}}
        for row in records])
    base_layout(fig, title, x_title=x_title)
    _category_axis(fig, list(rows["id"]), list(rows["label"]), y_title)
    fig.update_xaxes(range=_x_range(rows["high"]), ticksuffix="%", showgrid=True, gridcolor="#eee",
                     zeroline=True, zerolinecolor="#bbb")
    fig.update_layout(hovermode="closest", height=max(240, 140 + ROW_PX * len(rows)), showlegend=show_legend,
                      legend={"y": 1.02, "yanchor": "bottom"}, margin={"l": 10, "r": 20, "t": 80, "b": 10})
    return _auto_margins(fig)


def _auto_margins(fig: go.Figure) -> go.Figure:
    """Let plotly grow the margins to fit tick labels and axis titles (nothing is clipped)."""
    fig.update_xaxes(automargin=True, title_standoff=8)
    fig.update_yaxes(automargin=True, title_standoff=8)
    return fig


def _amount_text(value, lang: str) -> str:
    scale, _ = amount_unit(lang)
    return formats.DASH if formats.is_missing(value) else f"{value / scale:,.1f}"


def _nps_with_n(row, lang: str) -> str:
    if int(row.nps_n) == 0:
        return formats.DASH
    if row.nps_too_few:
        return f"{t('too_few', lang)} ({n_text(row.nps_n, lang)})"
    return f"{row.nps:+.0f} ({n_text(row.nps_n, lang)})"


def group_row_order(ranked: pd.DataFrame, groups: pd.DataFrame) -> list[str]:
    """Ranked groups first (best first), then the others in their catalog order."""
    first = list(ranked["group_id"])
    return first + [g for g in groups["group_id"] if g not in first]


def group_kpi_frame(by_group: pd.DataFrame, groups: pd.DataFrame, ranked: pd.DataFrame,
                    lang: str) -> tuple[pd.DataFrame, list[str]]:
    """The side-by-side KPI table (display strings, n beside every rate) and its rows' group ids.

    Rows: ranked groups best first, then the rest in catalog order; a stage-split group that
    hands deals on shows "n/a" for win rate. The split basis is on the badges above the table.
    """
    order = group_row_order(ranked, groups)
    info = groups.set_index("group_id").loc[order].reset_index()
    merged = info.merge(by_group, left_on="group_id", right_on="group", how="left")
    ranks = dict(zip(ranked["group_id"], ranked["rank"], strict=True))
    _, unit = amount_unit(lang)
    rows = list(merged.itertuples())

    def win_rate(row) -> str:
        if hands_deals_on(row.basis, row.phase):
            return t("cmp_na_hands_on", lang)
        return rate_with_n(row.win_rate, row.win_rate_n, row.win_rate_low, row.win_rate_high,
                           bool(row.win_rate_too_few), lang)

    frame = pd.DataFrame({
        t("cmp_col_rank_group", lang): [f"{int(ranks[r.group_id])}. {r.name}" if r.group_id in ranks
                                        else f"— {r.name}" for r in rows],
        metric_label("deals", lang): merged["deals"].fillna(0).astype(int),
        metric_label("won_deals", lang): merged["won_deals"].fillna(0).astype(int),
        metric_label("win_rate", lang): [win_rate(r) for r in rows],
        with_unit(metric_label("won_amount", lang), unit, lang): [
            _amount_text(v, lang) for v in merged["won_amount"]],
        with_unit(t("cmp_col_per_capita", lang), unit, lang): [
            _amount_text(v, lang) for v in merged["per_capita_won_amount"]],
        metric_label("followup_timeliness", lang): [
            rate_n(r.followup_timeliness, r.followup_timeliness_n, r.followup_timeliness_too_few, lang)
            for r in rows],
        f"{metric_label('csat', lang)} (1-5)": [score_with_n(r.csat, r.csat_n, lang) for r in rows],
        metric_label("nps", lang): [_nps_with_n(r, lang) for r in rows],
    })
    return frame, order


def mix_rows(mix: pd.DataFrame, groups: pd.DataFrame, colors: dict[str, str]) -> pd.DataFrame:
    """Groups the mix adjustment applies to (not stage-split, some closed deal), largest effect first."""
    merged = groups[["group_id", "name", "basis", "phase"]].merge(
        mix, left_on="group_id", right_on="group", how="inner")
    kept = merged[(merged["basis"] != "stage") & (merged["closed"] > 0)]
    kept = kept.sort_values(["mix_effect", "group_id"], ascending=[False, True], kind="stable")
    return kept.assign(color=kept["group_id"].map(lambda g: colors.get(g, NEUTRAL))).reset_index(drop=True)


def _mix_hover(row, lang: str) -> str:
    return "<br>".join([
        f"<b>{html.escape(str(row.name))}</b>",
        t("cmp_hover_rate", lang, rate=formats.percent(row.win_rate)),
        t("cmp_hover_interval", lang, low=formats.percent(row.win_rate_low),
          high=formats.percent(row.win_rate_high)),
        t("cmp_hover_expected", lang, rate=formats.percent(row.expected_win_rate)),
        t("cmp_hover_effect", lang, pp=f"{row.mix_effect * 100:+.1f} pp"),
        t("cmp_hover_closed", lang, n=int(row.closed), won=int(row.won), lost=int(row.closed - row.won)),
        t("cmp_hover_click", lang)])


def _mix_trace(row, lang: str) -> go.Scatter:
    """One group's actual win rate with its 95% interval, in the group's colour."""
    return go.Scatter(
        x=[row.win_rate * 100], y=[row.group_id], mode="markers", name=str(row.name), showlegend=False,
        marker={"color": row.color, "size": 13},
        error_x={"type": "data", "symmetric": False, "array": [(row.win_rate_high - row.win_rate) * 100],
                 "arrayminus": [(row.win_rate - row.win_rate_low) * 100], "color": row.color,
                 "thickness": 2, "width": 7},
        customdata=[[row.group_id]], hovertext=[_mix_hover(row, lang)],
        hovertemplate="%{hovertext}<extra></extra>")


def mix_figure(rows: pd.DataFrame, *, title: str, lang: str, max_rows: int | None = MAX_DOT_ROWS) -> go.Figure:
    """Dumbbells: each group's expected win rate (grey ◇) joined to its actual rate (● + 95% interval).

    `rows` from `mix_rows`. Traces: one per group (actual, customdata [group_id]), one for the
    expected rates, and a legend-only entry for "actual". Beyond `max_rows` groups only those
    furthest from their expected rate are drawn (in the order of `rows`), with a note.
    """
    if max_rows is not None and len(rows) > max_rows:
        note = t("cmp_mix_top_shown", lang, shown=max_rows, total=f"{len(rows):,}")
        furthest = rows["mix_effect"].abs().sort_values(ascending=False, kind="stable").index[:max_rows]
        rows, title = rows.loc[sorted(furthest)], f"{title}<br><sup>{note}</sup>"
    records = list(rows.itertuples())
    # Built as lists and added at once (plotly re-validates the figure on every add_*).
    fig = go.Figure(data=[*(_mix_trace(row, lang) for row in records), go.Scatter(
        x=[row.expected_win_rate * 100 for row in records], y=[row.group_id for row in records], mode="markers",
        name=t("cmp_mix_expected", lang),
        marker={"symbol": "diamond-open", "size": 13, "color": "#555", "line": {"width": 2}},
        customdata=[[row.group_id] for row in records], hovertext=[_mix_hover(row, lang) for row in records],
        hovertemplate="%{hovertext}<extra></extra>"),
        go.Scatter(x=[None], y=[None], mode="markers", name=t("cmp_mix_actual", lang),
                   marker={"color": "#555", "size": 11}, hoverinfo="skip")])
    fig.update_layout(
        shapes=[{"type": "line", "x0": row.expected_win_rate * 100, "x1": row.win_rate * 100, "y0": row.group_id,
                 "y1": row.group_id, "line": {"color": "#b5b5b5", "width": 3}, "layer": "below"}
                for row in records],
        annotations=[{"x": max(row.win_rate_high, row.expected_win_rate) * 100, "y": row.group_id,
                      "text": f"{row.mix_effect * 100:+.1f} pp", "showarrow": False, "xanchor": "left",
                      "xshift": 14, "font": {"size": 12, "color": "#333"}} for row in records])
    base_layout(fig, title, x_title=t("cmp_axis_win_rate", lang))
    _category_axis(fig, list(rows["group_id"]), list(rows["name"]), t("cmp_axis_group", lang))
    highs = pd.concat([rows["win_rate_high"], rows["expected_win_rate"]])
    fig.update_xaxes(range=_x_range(highs), ticksuffix="%", showgrid=True, gridcolor="#eee")
    fig.update_layout(hovermode="closest", height=max(260, 150 + 48 * len(rows)),
                      legend={"y": 1.02, "yanchor": "bottom"}, margin={"l": 10, "r": 20, "t": 90, "b": 10})
    return _auto_margins(fig)


def mix_frame(rows: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The mix table of `mix_rows`: closed n, actual rate (n, interval), expected, difference in pp."""
    return pd.DataFrame({
        t("group", lang): rows["name"],
        t("cmp_col_closed", lang): rows["closed"].astype(int),
        t("cmp_col_actual", lang): [
            rate_with_n(r.win_rate, r.closed, r.win_rate_low, r.win_rate_high, bool(r.win_rate_too_few), lang)
            for r in rows.itertuples()],
        t("cmp_col_expected", lang): [formats.percent(v) for v in rows["expected_win_rate"]],
        t("cmp_col_mix_effect", lang): [f"{v * 100:+.1f}" for v in rows["mix_effect"]],
    })


def week_selection_bounds(week: str, filters: Filters) -> tuple[datetime, datetime]:
    """[start, end) of the week starting `week` (ISO date), clipped to the filters' window."""
    monday = date.fromisoformat(week[:10])
    start = max(monday, filters.start)
    end = min(monday + timedelta(days=7), filters.end_exclusive)
    return datetime.combine(start, time()), datetime.combine(end, time())


def _top_groups(weekly: pd.DataFrame, groups: pd.DataFrame, value_col: str, limit: int) -> pd.DataFrame:
    """The `limit` groups of `groups` with the highest total of `value_col`, in their catalog order."""
    totals = weekly.groupby("group")[value_col].sum()
    ranked = groups.assign(_total=groups["group_id"].map(totals).fillna(0))
    keep = ranked["_total"].sort_values(ascending=False, kind="stable").index[:limit]
    return groups.loc[sorted(keep)]


def weekly_small_multiples(weekly: pd.DataFrame, groups: pd.DataFrame, colors: dict[str, str], *,
                           value_col: str, title: str, y_title: str, lang: str,
                           hover_format: str = ",.0f", columns: int = 5,
                           max_panels: int | None = MAX_PANELS) -> go.Figure:
    """One small bar chart per group (same y-axis), in the catalog order of `groups`.

    `weekly`: columns week (datetime), group, `value_col` (already scaled to the unit shown).
    Each bar's customdata is [group_id, 'YYYY-MM-DD' of its Monday]; a group without rows gets
    an empty panel so the grid keeps its place. Beyond `max_panels` groups only those with the
    highest totals get a panel, with a note under the title.
    """
    if max_panels is not None and len(groups) > max_panels:
        note = t("chart_top_groups", lang, shown=max_panels, total=f"{len(groups):,}")
        groups, title = _top_groups(weekly, groups, value_col, max_panels), f"{title}<br><sup>{note}</sup>"
    ids, names = list(groups["group_id"]), list(groups["name"])
    cols = max(1, min(columns, len(ids)))
    grid_rows = max(1, math.ceil(len(ids) / cols))
    titles = [f"{formats.plotly_text(name)} · {label(BASIS_LABELS, basis, lang)}" for name, basis in zip(names, groups["basis"],
                                                                                     strict=True)]
    fig = make_subplots(rows=grid_rows, cols=cols, shared_yaxes="all", shared_xaxes="all",
                        subplot_titles=titles, horizontal_spacing=0.025, vertical_spacing=0.22 / grid_rows)
    week_text = t("cmp_hover_week", lang, week="%{x|%Y-%m-%d}")
    shown = weekly[weekly["group"].isin(ids)].sort_values("week", kind="stable")
    by_group = dict(list(shown.groupby("group", sort=False)))
    traces = []
    for group_id, name in zip(ids, names, strict=True):
        part = by_group.get(group_id, shown.iloc[:0])
        traces.append(go.Bar(
            x=list(part["week"]), y=list(part[value_col]), name=str(name), showlegend=False,
            marker={"color": colors.get(group_id, NEUTRAL)},
            customdata=[[group_id, pd.Timestamp(w).date().isoformat()] for w in part["week"]],
            hovertemplate=f"<b>{html.escape(str(name))}</b><br>{week_text}<br>"
                          f"{html.escape(y_title)}: %{{y:{hover_format}}}<br>{t('cmp_hover_click', lang)}"
                          "<extra></extra>",
        ))
    fig.add_traces(traces, rows=[i // cols + 1 for i in range(len(ids))], cols=[i % cols + 1 for i in range(len(ids))])
    base_layout(fig, title)
    weeks = pd.to_datetime(weekly["week"]).drop_duplicates().sort_values()
    step = max(1, math.ceil(len(weeks) / 3))   # about three ticks per panel, each on a Monday
    x_axis = {"tickformat": "%m-%d", "showgrid": False, "dtick": step * 7 * 86_400_000,
              "tick0": weeks.iloc[0] if len(weeks) else None, "automargin": True, "title_standoff": 8}
    y_axis = {"gridcolor": "#e5e5e5", "rangemode": "tozero", "automargin": True, "title_standoff": 8}
    # Every axis in one layout update: plotly walks the whole figure on each update_xaxes call.
    axes = {}
    for index in range(grid_rows * cols):
        suffix = str(index + 1) if index else ""
        axes[f"xaxis{suffix}"] = {**x_axis, "title_text": t("cmp_axis_week", lang) if index // cols == grid_rows - 1
                                  else ""}
        axes[f"yaxis{suffix}"] = {**y_axis, "title_text": y_title if index % cols == 0 else ""}
    fig.update_layout(axes, hovermode="closest", height=130 + 250 * grid_rows, bargap=0.15,
                      margin={"l": 10, "r": 10, "t": 90, "b": 10})
    fig.update_annotations(font={"size": 13})
    return fig

