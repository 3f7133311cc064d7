"""Monthly group targets for the demo, set near each group's typical level so attainment varies.

A group's typical level for a month is the mean of its actuals over the full months around it
(±2); months from the as-of month on use the six full months before it, which is why B-FIRST's
November 2026 target ignores its losing streak. Stage groups are set targets for the work of
their own phase, since the win itself happens in 成交组: A-INIT 初期接触组 on first visits,
A-FOLLOW 跟进组 on visits (its revisits); the groups that close deals on won deals and won amount.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from db.demo_calendar import Calendar, month_starts

# Groups whose targets are activity counts: group → (metric, activity kinds counted).
ACTIVITY_TARGETS = {"A-INIT": ("first_visits", ("first_visit",)),
                    "A-FOLLOW": ("visits", ("first_visit", "revisit"))}
ROUNDING = {"won_deals": 0, "won_amount": -5, "first_visits": -1, "visits": -1}

_WON = """
    SELECT closing_group_id AS group_id, project_id, date_trunc('month', won_at) AS month,
           count(*) AS won_deals, sum(amount) AS won_amount
    FROM deals WHERE outcome = 'won' GROUP BY ALL
"""
_ACTIVITIES = """
    SELECT date_trunc('month', occurred_at) AS month, count(*) AS actual
    FROM activities WHERE group_id = ? AND list_contains(?, kind) GROUP BY ALL
"""


def _actuals(con: duckdb.DuckDBPyConnection, groups: list[str], months: list[date]) -> pd.DataFrame:
    """(group_id, metric) × month table of actual values, 0 where nothing happened."""
    won = con.execute(_WON).df()
    won["month"] = pd.to_datetime(won["month"]).dt.date
    rows = []
    for group in groups:
        if group in ACTIVITY_TARGETS:
            metric, kinds = ACTIVITY_TARGETS[group]
            done = con.execute(_ACTIVITIES, [group, list(kinds)]).df()
            done["month"] = pd.to_datetime(done["month"]).dt.date
            rows.append(((group, metric), done.set_index("month")["actual"].reindex(months, fill_value=0)))
            continue
        mine = won[won["group_id"] == group].groupby("month")[["won_deals", "won_amount"]].sum()
        for metric in ("won_deals", "won_amount"):
            rows.append(((group, metric), mine[metric].reindex(months, fill_value=0.0)))
    return pd.DataFrame({key: series.astype(float).to_numpy() for key, series in rows}, index=months).T


def _typical(actual: np.ndarray, full: int) -> np.ndarray:
    """Mean of the full months within ±2 of each month; from month `full` on, of the 6 before it.

    The first month (the sales office's opening) keeps its own actual: deals need weeks to close.
    """
    level = np.array([actual[max(0, m - 2):min(full, m + 3)].mean() if m < full else np.nan
                      for m in range(actual.size)])
    level[full:] = actual[max(0, full - 6):full].mean()
    level[0] = actual[0]   # the sales office's opening month: nothing had time to close yet
    return level


def target_frame(rng: np.random.Generator, con: duckdb.DuckDBPyConnection, groups: list[str],
                 as_of: date) -> pd.DataFrame:
    """scope, scope_id, month, metric, value for every group and month of the period and the next."""
    next_month = (as_of.replace(day=28) + pd.Timedelta(days=7)).replace(day=1)
    months = month_starts(Calendar(as_of).start, next_month)
    full = months.index(as_of.replace(day=1))
    actuals = _actuals(con, groups, months)
    frames = []
    for (group, metric), actual in actuals.iterrows():
        level = _typical(actual.to_numpy(), full)
        value = np.round(level * np.exp(rng.normal(0.04, 0.12, level.size)), ROUNDING[metric])
        value = np.maximum(value, 1.0 if metric == "won_deals" else 0.0)
        frames.append(pd.DataFrame({"scope": "group", "scope_id": group, "month": months,
                                    "metric": metric, "value": value}))
    return pd.concat(frames, ignore_index=True)
