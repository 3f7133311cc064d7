"""KPI tables: ratios formed from additive aggregates, sum-then-divide, with n and intervals.

The input is the frame of db.queries.kpi_aggregates (or any roll-up of it: sums stay sums); the
metric declarations in analytics.registry say what each output column is. Nothing here reads a
database or mutates its inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.registry import KPI_METRIC_IDS, METRICS, Metric
from analytics.stats import DEFAULT_MIN_N, mean_bounds, nps_bounds, wilson_bounds


def _values(aggregates: pd.DataFrame, column: str) -> np.ndarray:
    return aggregates[column].to_numpy(dtype="float64", na_value=np.nan)


def _column_sum(aggregates: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """The row sums of `columns` as float64, NaN where any of them is missing."""
    total = _values(aggregates, columns[0])
    for column in columns[1:]:
        total = total + _values(aggregates, column)
    return total


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN (never 0 or inf) where the denominator is 0 or missing."""
    return numerator / np.where(denominator > 0, denominator, np.nan)


def _interval(m: Metric, aggregates: pd.DataFrame, n: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    if m.interval == "wilson":
        return wilson_bounds(_column_sum(aggregates, m.numerator), n)
    if m.interval == "mean":
        return mean_bounds(*(_values(aggregates, c) for c in ("csat_sum", "csat_sumsq", "csat_n")))
    if m.interval == "nps":
        return nps_bounds(*(_values(aggregates, c) for c in ("nps_promoters", "nps_detractors", "nps_n")))
    return None


def metric_columns(m: Metric, aggregates: pd.DataFrame, min_n: int = DEFAULT_MIN_N) -> dict[str, object]:
    """The output columns of one metric (arrays in the rows' order): its value and, for rates,
    `_n`, `_low`, `_high`, `_too_few`."""
    # numpy within a metric, one frame built at the end: a Series per column and pandas'
    # per-operation overhead made kpi_table ~20 ms for 400 rows.
    if m.aggregation == "sum":
        return {m.id: aggregates[m.source].array}
    n = _column_sum(aggregates, m.denominator)
    if m.aggregation == "ratio":
        value = _ratio(_column_sum(aggregates, m.numerator), n)
    elif m.aggregation == "nps":
        value = 100 * _ratio(_values(aggregates, "nps_promoters") - _values(aggregates, "nps_detractors"), n)
    else:  # median: computed in SQL; meaningless without any observation
        value = np.where(n > 0, _values(aggregates, m.source), np.nan)
    counted = np.nan_to_num(n, nan=0.0)
    columns = {m.id: value, f"{m.id}_n": counted.astype("int64")}
    bounds = _interval(m, aggregates, n)
    if bounds is not None:
        columns[f"{m.id}_low"], columns[f"{m.id}_high"] = bounds
    columns[f"{m.id}_too_few"] = counted < min_n if m.needs_min_n else np.zeros(len(n), dtype=bool)
    return columns


def kpi_table(aggregates: pd.DataFrame, by: str | tuple[str, ...], *, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """One row per dimension value: the `by` column(s), then a column per KPI metric id.

    Metrics: deals, visits, first_visits, won_deals, lost_deals, win_rate, won_amount,
    avg_deal_amount, median_cycle_days, visit_to_won_rate, followup_timeliness, csat, nps, and
    per_capita_won_amount when `headcount` is present. Rates are fractions 0-1 (NPS in points
    −100…100, CSAT on 1-5), NaN when the denominator is 0. Every non-count metric also has
    `<id>_n` (its denominator) and `<id>_too_few` (n < min_n); proportions get a 95% Wilson
    `<id>_low`/`<id>_high`, CSAT and NPS a normal-approximation interval. The input is not changed.
    """
    dims = [by] if isinstance(by, str) else list(by)
    missing = [d for d in dims if d not in aggregates.columns]
    if missing:
        raise KeyError(f"dimension column(s) {missing} not in aggregates")
    metric_ids = list(KPI_METRIC_IDS)
    if "headcount" in aggregates.columns:
        metric_ids.append("per_capita_won_amount")
    columns: dict[str, object] = {d: aggregates[d].array for d in dims}
    for metric_id in metric_ids:
        columns.update(metric_columns(METRICS[metric_id], aggregates, min_n))
    return pd.DataFrame(columns, index=pd.RangeIndex(len(aggregates)))


def rolled_up(aggregates: pd.DataFrame, by: str | list[str] | None) -> pd.DataFrame:
    """Aggregates summed to a coarser dimension (None: one total row, `total` = 'total').

    Every additive column is summed. A median cannot be rolled up from medians and a consultant
    who moved counts in two groups' headcounts: cycle_days_median and headcount become NaN (ask
    kpi_aggregates for the coarser dimension instead). The input is not changed.
    """
    keys = [by] if isinstance(by, str) else list(by or [])
    not_additive = ("cycle_days_median", "headcount")
    additive = [c for c in aggregates.columns if c not in keys and c not in not_additive
                and pd.api.types.is_numeric_dtype(aggregates[c])]
    if keys:
        summed = aggregates.groupby(keys, dropna=False, sort=True)[additive].sum(min_count=0).reset_index()
    else:
        summed = aggregates[additive].sum().to_frame().T.assign(total="total")[["total", *additive]]
    return summed.assign(**{c: np.nan for c in not_additive if c in aggregates.columns})


def overdue_counts(overdue: pd.DataFrame, by: str = "group_id") -> pd.DataFrame:
    """overdue_followups per `by` value (from the list overdue_followups returns), most first.

    Columns: `by`, overdue_followups, oldest_days (the largest days_overdue). Deals without a
    group form their own row. The input is not changed.
    """
    grouped = overdue.groupby(by, dropna=False)["days_overdue"]
    counts = pd.DataFrame({"overdue_followups": grouped.size(), "oldest_days": grouped.max()}).reset_index()
    return counts.sort_values(["overdue_followups", by], ascending=[False, True]).reset_index(drop=True)
