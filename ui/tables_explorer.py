"""趋势探索: what the explorer shows, as one tidy frame, and the pivot table of it (Streamlit-free).

`shown_frame` turns kpi_table rows into the cells on screen (display units, n, interval,
too-few masking, ★ best per column); the pivot table, the downloads and the chart are all
drawn from that one frame, so they cannot disagree. Rates keep their n beside them; below the
minimum n they show "样本不足", never a number. Also here: the view kept in the URL and the
deals behind a clicked cell.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.registry import KPI_METRIC_IDS, METRICS
from db.queries.explorer import AREA_BAND_EDGES, BUDGET_BAND_EDGES
from ui import formats
from ui.i18n import CHANNEL_LABELS, CUSTOMER_TYPE_LABELS, label, t

ROW_DIMENSIONS: tuple[str, ...] = ("group", "source", "customer_type", "grade", "intent_layout", "area_band",
                                   "budget_band", "region", "project", "staff")
TIME_COLUMNS: tuple[str, ...] = ("month", "week")
CHART_TYPES: tuple[str, ...] = ("heatmap", "line", "bar")
SERIES: tuple[str, ...] = ("current", "year_earlier")

@dataclass(frozen=True)
class Scale:
    """How a metric is shown: divide by `factor`, unit text, and whether it is a rate with n."""

    factor: float
    unit: str
    is_rate: bool
    tick_format: str


DEFAULT_VIEW = {"metric": "win_rate", "rows": "source", "cols": "group", "chart": "heatmap", "yoy": False}


def view_from_params(params: dict[str, str]) -> dict:
    """The explorer view a URL asks for (x_metric, x_rows, x_cols, x_chart, x_yoy=1); unknown or
    missing values fall back to DEFAULT_VIEW (the page re-checks combinations)."""
    allowed = {"metric": KPI_METRIC_IDS, "rows": ROW_DIMENSIONS,
               "cols": (*TIME_COLUMNS, "none", *ROW_DIMENSIONS), "chart": CHART_TYPES}
    view = {key: params.get(f"x_{key}") if params.get(f"x_{key}") in options else DEFAULT_VIEW[key]
            for key, options in allowed.items()}
    return {**view, "yoy": params.get("x_yoy") == "1"}


def view_params(view: dict) -> dict[str, str]:
    """URL parameters of an explorer view (the inverse of view_from_params)."""
    return {**{f"x_{key}": str(view[key]) for key in ("metric", "rows", "cols", "chart")},
            "x_yoy": "1" if view["yoy"] else "0"}


def metric_label(metric_id: str, lang: str) -> str:
    metric = METRICS[metric_id]
    return metric.label_en if lang == "en" else metric.label_zh


def metric_scale(metric_id: str, lang: str) -> Scale:
    metric = METRICS[metric_id]
    rate = metric.is_rate
    if metric.unit == "yuan":
        return Scale(1e6 if lang == "en" else 1e4, t(f"exp_unit_money_{lang}", lang), rate, ",.1f")
    units = {"count": ("exp_unit_count", ",.0f"), "ratio": ("exp_unit_pct", ".0%"), "days": ("exp_unit_days", ",.0f"),
             "score": ("exp_unit_score", ".2f"), "nps": ("exp_unit_nps", ",.0f")}
    key, tick = units[metric.unit]
    return Scale(1.0, t(key, lang), rate, tick)


def _band_label(kind: str, edges: tuple[float, ...], low: float, lang: str) -> str:
    def number(v: float) -> str:
        return f"{v:g}"
    if low < edges[0]:
        return t(f"exp_{kind}_first", lang, hi=number(edges[0]), hi_m=number(edges[0] / 100))
    if low >= edges[-1]:
        return t(f"exp_{kind}_last", lang, lo=number(low), lo_m=number(low / 100))
    high = next(edge for edge in edges if edge > low)
    return t(f"exp_{kind}_mid", lang, lo=number(low), hi=number(high), lo_m=number(low / 100),
             hi_m=number(high / 100))


def value_label(dimension: str, value, names: dict, lang: str) -> str:
    """Display text of one dimension value (names: id → name for group/staff/project)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return t("exp_not_given", lang)
    if dimension in ("group", "staff", "project"):
        return names.get(value, str(value))
    if dimension == "source":
        return label(CHANNEL_LABELS, value, lang)
    if dimension == "customer_type":
        return label(CUSTOMER_TYPE_LABELS, value, lang)
    if dimension == "grade":
        return t("exp_grade_value", lang, v=value)
    if dimension == "area_band":
        return _band_label("area", AREA_BAND_EDGES, float(value), lang)
    if dimension == "budget_band":
        return _band_label("budget", BUDGET_BAND_EDGES, float(value), lang)
    if dimension == "month":
        return f"{pd.Timestamp(value):%Y-%m}"
    if dimension == "week":
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    return str(value)


def _unique_labels(dimension: str, values: list, names: dict, lang: str) -> list[str]:
    labels, seen = [], set()
    for value in values:
        text = value_label(dimension, value, names, lang)
        labels.append(text if text not in seen else f"{text} ({value})")
        seen.add(labels[-1])
    return labels


def _cell_text(value, n, too_few: bool, scale: Scale, metric_id: str, lang: str) -> str:
    """'52.3% (n=44)', '样本不足 (n=3)', '4.31 (n=120)' or '1,234' / '308.5'."""
    if not scale.is_rate:
        return formats.DASH if formats.is_missing(value) else format(value, scale.tick_format.replace("%", "f"))
    count = 0 if formats.is_missing(n) else int(n)
    n_text = t("n_label", lang, n=count)
    if too_few and count:
        return f"{t('too_few', lang)} ({n_text})"
    if formats.is_missing(value):
        return f"{formats.DASH} ({n_text})"
    if METRICS[metric_id].unit == "ratio":
        number = formats.percent(value)
    elif METRICS[metric_id].unit == "nps":
        number = f"{value:.0f}".replace("-", "\u2212")   # a leading '-' would read as a formula
    else:
        number = format(value, ".2f" if METRICS[metric_id].unit == "score" else ",.1f")
    return f"{number} ({n_text})"


def _part(table: pd.DataFrame, metric_id: str, rows: str, cols: str | None, series: str,
          scale: Scale) -> pd.DataFrame:
    values = table[metric_id].astype("float64")
    n = table[f"{metric_id}_n"] if scale.is_rate else pd.Series(np.nan, index=table.index)
    too_few = table[f"{metric_id}_too_few"].astype(bool) if scale.is_rate else pd.Series(False, index=table.index)
    low = table.get(f"{metric_id}_low", pd.Series(np.nan, index=table.index))
    high = table.get(f"{metric_id}_high", pd.Series(np.nan, index=table.index))
    return pd.DataFrame({
        "row": table[rows].to_numpy(), "col": table[cols].to_numpy() if cols else "total", "series": series,
        "value": (values / scale.factor).where(~too_few).to_numpy(), "n": n.to_numpy(),
        "low": low.to_numpy(), "high": high.to_numpy(), "too_few": too_few.to_numpy()})


def _shifted_forward(part: pd.DataFrame, cols: str | None) -> pd.DataFrame:
    """Year-earlier periods moved onto the periods they are compared with (52 weeks / 12 months)."""
    if cols == "week":
        return part.assign(col=pd.to_datetime(part["col"]) + pd.Timedelta(weeks=52))
    if cols == "month":
        return part.assign(col=pd.to_datetime(part["col"]) + pd.DateOffset(months=12))
    return part


def shown_frame(kpis: pd.DataFrame, metric_id: str, rows: str, cols: str | None, names: dict, lang: str,
                earlier: pd.DataFrame | None = None, not_applicable: frozenset = frozenset()) -> pd.DataFrame:
    """The cells on screen: one row per (row value, column value, series) of the full grid.

    `kpis` (and `earlier`, the same a year before) are kpi_table frames by (rows[, cols]).
    Columns: row, col (ids; col 'total' without a split), series ('current'/'year_earlier'),
    row_pos/col_pos (display order), row_label, col_label, value (display units; NaN when too
    few or no denominator), n, low, high, too_few, text (as in the pivot), best (★: highest
    interval lower bound — or value — of its column among rates with enough n, this period),
    hover (text with the 95% interval).
    Missing combinations are 0 for counts and sums, no value for rates. Left out: groups in
    `not_applicable` when rows or columns are groups (a stage-split group that hands its deals
    on cannot win them: its win rate says nothing about its work), and for rates any row or
    non-period column without a single observation (n = 0 throughout).
    """
    scale = metric_scale(metric_id, lang)
    parts = [_part(kpis, metric_id, rows, cols, "current", scale)]
    if earlier is not None:
        parts.append(_shifted_forward(_part(earlier, metric_id, rows, cols, "year_earlier", scale), cols))
    tidy = pd.concat(parts, ignore_index=True)
    row_values, col_values = list(pd.unique(tidy["row"])), list(pd.unique(tidy["col"]))
    if cols in TIME_COLUMNS:
        col_values = sorted(col_values)
    series = [s for s in SERIES if s in set(tidy["series"])]
    grid = pd.MultiIndex.from_product([range(len(row_values)), range(len(col_values)), series],
                                      names=["row_pos", "col_pos", "series"])
    tidy = tidy.assign(row_pos=[_position(row_values, v) for v in tidy["row"]],
                       col_pos=[_position(col_values, v) for v in tidy["col"]])
    full = tidy.set_index(["row_pos", "col_pos", "series"]).reindex(grid).reset_index()
    full = full.assign(row=[row_values[p] for p in full["row_pos"]], col=[col_values[p] for p in full["col_pos"]],
                       too_few=full["too_few"].fillna(False).astype(bool),
                       n=full["n"].fillna(0) if scale.is_rate else full["n"],
                       value=full["value"] if scale.is_rate else full["value"].fillna(0.0))
    dropped: dict[str, set[int]] = {"row": set(), "col": set()}
    if not_applicable and "group" in (rows, cols):
        key = "row" if rows == "group" else "col"
        dropped[key] |= {p for p, v in enumerate(row_values if key == "row" else col_values) if v in not_applicable}
    if scale.is_rate:   # a row or column without any denominator has nothing to show (periods stay)
        for key in ("row", "col") if cols not in TIME_COLUMNS else ("row",):
            n_total = full.groupby(f"{key}_pos")["n"].sum()
            dropped[key] |= set(n_total.index[n_total == 0])
    full, row_values = _without(full, "row", row_values, dropped["row"])
    full, col_values = _without(full, "col", col_values, dropped["col"])
    row_labels = _unique_labels(rows, row_values, names, lang)
    col_labels = _unique_labels(cols, col_values, names, lang) if cols else [metric_label(metric_id, lang)]
    full = full.assign(row_label=[row_labels[p] for p in full["row_pos"]],
                       col_label=[col_labels[p] for p in full["col_pos"]],
                       text=[_cell_text(v, n, f, scale, metric_id, lang)
                             for v, n, f in zip(full["value"], full["n"], full["too_few"], strict=True)])
    hover = [f"{text} {formats.interval(low, high)}".strip() if scale.is_rate and not formats.is_missing(value)
             else text for text, low, high, value in zip(full["text"], full["low"], full["high"], full["value"],
                                                         strict=True)]
    return full.assign(hover=hover, best=_best_per_column(full, scale))


def _without(full: pd.DataFrame, key: str, values: list, dropped: set[int]) -> tuple[pd.DataFrame, list]:
    """`full` without the rows/columns at the dropped positions, positions renumbered from 0."""
    kept = [p for p in range(len(values)) if p not in dropped]
    renumber = {old: new for new, old in enumerate(kept)}
    full = full[full[f"{key}_pos"].isin(kept)]
    return full.assign(**{f"{key}_pos": full[f"{key}_pos"].map(renumber)}), [values[p] for p in kept]


def _position(values: list, value) -> int:
    for index, candidate in enumerate(values):
        if candidate is value or candidate == value or (pd.isna(candidate) and pd.isna(value)):
            return index
    raise KeyError(value)


def _best_per_column(full: pd.DataFrame, scale: Scale) -> pd.Series:
    """True for the rate cell of each column whose lower bound (else value) is highest."""
    best = pd.Series(False, index=full.index)
    if not scale.is_rate or full["row_pos"].nunique() < 2:
        return best
    ranked = full[(full["series"] == "current") & full["value"].notna()]
    score = ranked["low"].where(ranked["low"].notna(), ranked["value"])
    for _, index in score.groupby(ranked["col_pos"]).idxmax().items():
        # a column of zeros (or a lone value) has no winner worth a star
        column = ranked["col_pos"] == ranked.at[index, "col_pos"]
        best[index] = column.sum() > 1 and ranked.at[index, "value"] > ranked.loc[column, "value"].min()
    return best


def pivot_table(shown: pd.DataFrame, metric_id: str, rows: str, lang: str) -> pd.DataFrame:
    """Rows × columns exactly as charted (the downloads are this frame): first column the row
    dimension, then the series when a year earlier is shown, then one column per column value.
    Rates are text with their n ('52.3% (n=44)'); counts are integers, money in display units."""
    scale = metric_scale(metric_id, lang)
    if scale.is_rate:
        cell = shown["text"]
    elif METRICS[metric_id].unit == "count":
        cell = shown["value"].round().astype("int64")
    else:
        cell = shown["value"].round(1)
    series_order = {name: index for index, name in enumerate(SERIES)}
    wide = shown.assign(cell=cell, series_rank=shown["series"].map(series_order)).pivot(
        index=["row_pos", "series_rank"], columns="col_pos", values="cell").sort_index()
    col_labels = shown.drop_duplicates("col_pos").set_index("col_pos")["col_label"].to_dict()
    row_labels = shown.drop_duplicates("row_pos").set_index("row_pos")["row_label"].to_dict()
    frame = wide.rename(columns=col_labels).reset_index()
    frame.columns.name = None
    frame.insert(0, t(f"exp_dim_{rows}", lang), [row_labels[p] for p in frame["row_pos"]])
    if shown["series"].nunique() > 1:
        frame.insert(1, t("exp_series_col", lang), [t(f"exp_series_{SERIES[r]}", lang) for r in frame["series_rank"]])
    return frame.drop(columns=["row_pos", "series_rank"])


DRILL_BASIS = {"deals": "created", "visits": "created", "first_visits": "created", "won_deals": "won",
               "lost_deals": "lost", "win_rate": "closed", "won_amount": "won", "avg_deal_amount": "won",
               "median_cycle_days": "won", "visit_to_won_rate": "created", "followup_timeliness": "created",
               "csat": "closed", "nps": "closed"}
_SELECTION_FIELDS = {"group": "group_id", "staff": "staff_id", "source": "source_channel",
                     "customer_type": "customer_type"}


def _period_bounds(dimension: str, value, series: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(value)
    if series == "year_earlier":   # the cell was moved forward onto this year's period
        start = start - (pd.Timedelta(weeks=52) if dimension == "week" else pd.DateOffset(months=12))
    end = start + (pd.Timedelta(weeks=1) if dimension == "week" else pd.DateOffset(months=1))
    return start, end


def drill_request(cell: pd.Series, rows: str, cols: str | None, metric_id: str, window):
    """(filters, DealSelection keyword arguments, customer needs) for the deals behind a shown cell;
    None when a dimension value is unknown (no list can be narrowed to it).

    `window` is the Filters of the cell's series (this period or a year earlier).
    """
    fields: dict = {"basis": DRILL_BASIS.get(metric_id, "created")}
    needs: list[tuple[str, object]] = []
    for dimension, value in ((rows, cell["row"]), (cols, cell["col"])):
        if dimension is None:
            continue
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        if dimension in TIME_COLUMNS:
            start, end = _period_bounds(dimension, value, cell["series"])
            fields["start"] = max(start, pd.Timestamp(window.start)).to_pydatetime()
            fields["end"] = min(end, pd.Timestamp(window.end_exclusive)).to_pydatetime()
        elif dimension in _SELECTION_FIELDS:
            fields[_SELECTION_FIELDS[dimension]] = value
        elif dimension == "project":
            window = replace(window, project_ids=(value,))
        else:
            needs.append((dimension, value.item() if hasattr(value, "item") else value))
    return window, fields, tuple(needs)
