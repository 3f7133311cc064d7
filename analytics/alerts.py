"""Alerts for the overview: what a manager should look at first, each with the list behind it.

Pure functions over frames the other analytics modules produce; each returns one row per alert.
"""

from __future__ import annotations

import pandas as pd

from analytics.pacing import AT_RISK, OFF_TRACK

# A CSAT fall smaller than this (on the 1-5 scale) is within week-to-week noise of a group.
CSAT_DROP_THRESHOLD = 0.3


def pace_alerts(pace: pd.DataFrame, metric: str | None = None) -> pd.DataFrame:
    """Rows of `pace` (pace_table output for one month) whose status is off or at risk.

    `metric`: the metric `pace` is of; None when `pace` has a `metric` column (pace_table by
    group and metric), its metrics kept in their order of appearance. Output columns: group,
    status, pace_forecast, target, actual, projected, required_daily, metric; per metric,
    off-track groups first, then the lowest forecast.
    """
    flagged = pace[pace["status"].isin([OFF_TRACK, AT_RISK])]
    if metric is not None:
        flagged = flagged.assign(metric=metric)
    order = flagged.assign(_metric=pd.factorize(flagged["metric"])[0],
                           _off=(flagged["status"] != OFF_TRACK).astype(int))
    order = order.sort_values(["_metric", "_off", "pace_forecast"]).drop(columns=["_metric", "_off"])
    columns = ["group", "status", "pace_forecast", "target", "actual", "projected", "required_daily", "metric"]
    return order[columns].reset_index(drop=True)


def satisfaction_drops(current: pd.DataFrame, previous: pd.DataFrame, *, min_n: int = 5,
                       threshold: float = CSAT_DROP_THRESHOLD) -> pd.DataFrame:
    """Groups whose CSAT fell by at least `threshold` against the previous window.

    Both inputs are kpi_table outputs by group (columns group, csat, csat_n). Only groups with at
    least `min_n` answers in both windows are judged (a fall on 3 surveys is noise).
    Output: group, csat, csat_previous, change, csat_n, csat_n_previous; largest fall first.
    """
    merged = current[["group", "csat", "csat_n"]].merge(
        previous[["group", "csat", "csat_n"]], on="group", suffixes=("", "_previous"))
    judged = merged[(merged["csat_n"] >= min_n) & (merged["csat_n_previous"] >= min_n)]
    judged = judged.assign(change=judged["csat"] - judged["csat_previous"])
    dropped = judged[judged["change"] <= -threshold]
    return dropped.sort_values("change").reset_index(drop=True)


def counts_by_group(deals: pd.DataFrame, group_column: str = "group_id", *,
                    count_column: str | None = None) -> pd.DataFrame:
    """Number of listed deals per group (for overdue and stalled lists): group, deals.

    `count_column`: the rows are counts already (e.g. per stage and group): their sum per group.
    """
    if deals.empty:
        return pd.DataFrame({"group": pd.Series(dtype="str"), "deals": pd.Series(dtype="int64")})
    grouped = deals.groupby(group_column, dropna=False)
    counted = (grouped[count_column].sum() if count_column else grouped.size()).rename("deals").reset_index()
    counted = counted.rename(columns={group_column: "group"})
    return counted.sort_values(["deals", "group"], ascending=[False, True]).reset_index(drop=True)
