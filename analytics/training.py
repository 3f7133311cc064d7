"""Training (培训): each trained consultant's conversion and satisfaction before and after.

Honest by construction: a rate travels with its n and 95% Wilson interval, and a change counts as
"clear" only when the before and after intervals do not overlap. The rest of the team over the
same two windows is the seasonality check: if everybody rose by as much, the training did not
cause the rise. An after-window still running (training less than `window_days` before as_of) is
marked with the days it has. Nothing here reads a database or mutates its inputs.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from analytics.stats import DEFAULT_MIN_N, wilson_interval

DEFAULT_WINDOW_DAYS = 60
# Conversion measures: id → (numerator, denominator) columns of kpi_aggregates.
CONVERSIONS: dict[str, tuple[str, str]] = {
    "win_rate": ("won_deals", "closed"),
    "visit_to_won_rate": ("first_visits_won", "first_visits"),
}


def _window_sums(daily: pd.DataFrame, first: date, last: date) -> pd.Series:
    """Sums of the measures over days first..last (inclusive)."""
    days = pd.to_datetime(daily["day"])
    inside = daily[(days >= pd.Timestamp(first)) & (days <= pd.Timestamp(last))]
    sums = inside[["won_deals", "lost_deals", "first_visits", "first_visits_won", "csat_sum", "csat_n"]].sum()
    return pd.concat([sums, pd.Series({"closed": sums["won_deals"] + sums["lost_deals"]})])


def _rate(sums: pd.Series, conversion: str) -> tuple[float, int, float, float]:
    numerator, denominator = CONVERSIONS[conversion]
    n = int(sums[denominator])
    low, high = wilson_interval(int(sums[numerator]), n)
    return (sums[numerator] / n if n else np.nan), n, low, high


def _side(daily: pd.DataFrame, staff_id: str, first: date, last: date, conversion: str, prefix: str) -> dict:
    mine = _window_sums(daily[daily["staff"] == staff_id], first, last)
    others = _window_sums(daily[daily["staff"] != staff_id], first, last)
    rate, n, low, high = _rate(mine, conversion)
    team_rate = _rate(others, conversion)[0]
    csat_n = int(mine["csat_n"])
    return {f"rate_{prefix}": rate, f"rate_{prefix}_n": n, f"rate_{prefix}_low": low, f"rate_{prefix}_high": high,
            f"csat_{prefix}": mine["csat_sum"] / csat_n if csat_n else np.nan, f"csat_{prefix}_n": csat_n,
            f"team_rate_{prefix}": team_rate}


def before_after(daily: pd.DataFrame, trainings: pd.DataFrame, *, as_of: date,
                 conversion: str = "win_rate", window_days: int = DEFAULT_WINDOW_DAYS,
                 min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """One row per training: the trainee's conversion and CSAT in the `window_days` before the
    training day and from it on (to as_of at most), and the rest of the team's conversion.

    `daily`: kpi_aggregates by ('staff', 'day') with won_deals, lost_deals, first_visits,
    first_visits_won, csat_sum, csat_n. `trainings`: training_id, staff_id, trained_on (+ any
    columns, kept). conversion: 'win_rate' (won / closed, close date) or 'visit_to_won_rate'.
    Added: rate_before/_after with _n, _low, _high; csat_before/_after with _n; team_rate_before/
    _after (everybody else); change and team_change (after − before); after_days (days of the
    after-window elapsed); complete (after_days == window_days); too_few (either n < min_n);
    clear (not too_few and the two intervals do not overlap).
    """
    rows = []
    for record in trainings.to_dict("records"):
        day = pd.Timestamp(record["trained_on"]).date()
        after_last = min(day + timedelta(days=window_days - 1), as_of)
        row = {**record, "after_days": max((after_last - day).days + 1, 0)}
        row |= _side(daily, record["staff_id"], day - timedelta(days=window_days), day - timedelta(days=1),
                     conversion, "before")
        row |= _side(daily, record["staff_id"], day, after_last, conversion, "after")
        rows.append(row)
    result = pd.DataFrame(rows)
    if result.empty:
        return result
    too_few = (result["rate_before_n"] < min_n) | (result["rate_after_n"] < min_n)
    apart = (result["rate_after_low"] > result["rate_before_high"]) | (result["rate_after_high"] < result["rate_before_low"])
    return result.assign(change=result["rate_after"] - result["rate_before"],
                         team_change=result["team_rate_after"] - result["team_rate_before"],
                         complete=result["after_days"] >= window_days, too_few=too_few,
                         clear=~too_few & apart.fillna(False).astype(bool))
