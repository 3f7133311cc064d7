"""Targets: attainment per month, and pacing on selling days (预计完成率).

A 案场 sells every day and is busiest at weekends, so the default calendar counts all seven
weekdays as selling days and only configured holidays (closing days) as non-selling. Pacing
projects the month-to-date actual over the month's selling days:
projected = actual / elapsed × total; pace_forecast = projected / target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

ON_TRACK, AT_RISK, OFF_TRACK = "on_track", "at_risk", "off_track"
# "Off track" when the projection is more than 10% under target (DOMAIN.md).
AT_RISK_FLOOR = 0.9


@dataclass(frozen=True)
class SellingCalendar:
    """Which days are selling days: weekdays (Monday = 0 … Sunday = 6) minus holidays."""

    selling_weekdays: frozenset[int] = frozenset(range(7))
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_selling_day(self, day: date) -> bool:
        return day.weekday() in self.selling_weekdays and day not in self.holidays

    def selling_days(self, first: date, last: date) -> int:
        """Selling days in [first, last], inclusive; 0 when last < first."""
        count, day = 0, first
        while day <= last:
            count += self.is_selling_day(day)
            day += timedelta(days=1)
        return count


def month_bounds(month: date) -> tuple[date, date]:
    """First and last day of the month containing `month`."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def selling_days_elapsed(month: date, as_of: date, calendar: SellingCalendar) -> tuple[int, int]:
    """(elapsed, total) selling days of `month` by `as_of`, as_of itself counting as elapsed.

    A month entirely before as_of is fully elapsed; one after it has 0 elapsed.
    """
    first, last = month_bounds(month)
    total = calendar.selling_days(first, last)
    return calendar.selling_days(first, min(last, as_of)), total


def pace_status(pace: float) -> str | None:
    """'on_track' (≥ 100%), 'at_risk' (90-100%), 'off_track' (< 90%); None without a forecast."""
    if pace is None or np.isnan(pace):
        return None
    return ON_TRACK if pace >= 1 else AT_RISK if pace >= AT_RISK_FLOOR else OFF_TRACK


def _keys(by: str | list[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def monthly_actuals(daily: pd.DataFrame, by: str | list[str], value: str, *,
                    as_of: date | None = None) -> pd.DataFrame:
    """Daily actuals (`by`, day, `value`) summed to (`by`, month, actual), days after as_of ignored.

    Monthly actuals (`by`, month, `value`: kpi_aggregates by month over a window that ends by
    as_of) give the same sums from 30 times fewer rows.
    """
    days = pd.to_datetime(daily["day" if "day" in daily.columns else "month"])
    kept = daily.assign(day=days)
    if as_of is not None:
        kept = kept[days <= pd.Timestamp(as_of)]
    months = kept["day"].dt.to_period("M").dt.to_timestamp()
    summed = kept.assign(month=months).groupby([*_keys(by), "month"], dropna=False)[value].sum()
    return summed.rename("actual").reset_index()


def metric_actuals(daily: pd.DataFrame, by: str, metrics: tuple[str, ...], *, as_of: date | None = None) -> pd.DataFrame:
    """monthly_actuals of several measures of `daily` at once, long: `by`, metric, month, actual
    (the shape of db.queries.metric_targets, for pace_table(…, by=[by, "metric"]))."""
    long = daily.melt(id_vars=[c for c in (by, "day", "month") if c in daily.columns], value_vars=list(metrics),
                      var_name="metric", value_name="value")
    return monthly_actuals(long, [by, "metric"], "value", as_of=as_of)


def attainment_table(targets: pd.DataFrame, actuals: pd.DataFrame, by: str | list[str] = "group") -> pd.DataFrame:
    """Per `by` and month with a target: target, actual, attainment = actual / target.

    `targets`: `by`, month, target; `actuals`: `by`, month, actual (monthly_actuals). A month
    without actuals has actual 0; a target of 0 gives NaN attainment. Inputs unchanged.
    """
    keyed = targets.assign(month=pd.to_datetime(targets["month"]))
    facts = actuals.assign(month=pd.to_datetime(actuals["month"]))
    merged = keyed.merge(facts, on=[*_keys(by), "month"], how="left")
    merged = merged.assign(actual=merged["actual"].fillna(0.0))
    return merged.assign(attainment=merged["actual"] / merged["target"].where(merged["target"] > 0))


def pace_table(targets: pd.DataFrame, actuals: pd.DataFrame, *, as_of: date,
               calendar: SellingCalendar | None = None, by: str | list[str] = "group") -> pd.DataFrame:
    """Pacing per `by` and month: attainment_table's columns plus the selling-day projection.

    Added columns: selling_days_elapsed (as_of included), selling_days_total,
    selling_days_remaining, projected (actual / elapsed × total; NaN before the month's first
    selling day), required_daily ((target − actual) / remaining selling days, 0 once the target
    is met, NaN when none remain), pace_forecast (projected / target), status (on_track ≥ 100%,
    at_risk 90-100%, off_track < 90%, missing without a forecast). `actuals` must be month-to-date
    as of `as_of` (monthly_actuals(…, as_of=as_of)).
    """
    calendar = calendar or SellingCalendar()
    base = attainment_table(targets, actuals, by)
    # One count of selling days per month, not per row, and the projection on whole columns
    # (400 groups x 4 metrics on the overview: a dict per row cost 6 ms per metric).
    days = {month: selling_days_elapsed(month.date(), as_of, calendar) for month in set(base["month"])}
    elapsed = np.array([days[m][0] for m in base["month"]], dtype="int64")
    total = np.array([days[m][1] for m in base["month"]], dtype="int64")
    remaining = total - elapsed
    target, actual = base["target"].to_numpy(dtype=float), base["actual"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        projected = np.where(elapsed > 0, actual / elapsed * total, np.nan)
        pace = np.where(target > 0, projected / target, np.nan)
        required = np.where(remaining > 0, np.maximum(target - actual, 0.0) / remaining, np.nan)
    extra = pd.DataFrame({
        "selling_days_elapsed": elapsed, "selling_days_total": total, "selling_days_remaining": remaining,
        "projected": projected, "required_daily": required, "pace_forecast": pace,
        "status": [pace_status(p) for p in pace]}, index=base.index)
    return pd.concat([base, extra], axis=1)
