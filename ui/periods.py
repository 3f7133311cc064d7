"""Date-window presets (本周, 上周, 本月, …), relative to the data's as-of date, not the clock.

Anchoring on the as-of date keeps a demo or an old export meaningful on any day, and makes a
pasted link reproduce the same numbers.
"""

from __future__ import annotations

from datetime import date, timedelta

from db.filters import Filters

PRESETS: tuple[str, ...] = ("this_week", "last_week", "this_month", "last_month", "last_90_days",
                            "custom")
DEFAULT_PRESET = "last_90_days"


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month_start(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def preset_window(preset: str, as_of: date) -> tuple[date, date]:
    """The inclusive [start, end] a preset means on `as_of` (weeks start on Monday)."""
    monday = as_of - timedelta(days=as_of.weekday())
    if preset == "this_week":
        return monday, as_of
    if preset == "last_week":
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if preset == "this_month":
        return month_start(as_of), as_of
    if preset == "last_month":
        start = previous_month_start(as_of)
        return start, month_start(as_of) - timedelta(days=1)
    if preset == "last_90_days":
        return as_of - timedelta(days=89), as_of
    raise ValueError(f"unknown preset {preset!r}")


def last_full_week(as_of: date) -> tuple[date, date]:
    """Monday..Sunday of the last week that ended before `as_of`'s week."""
    return preset_window("last_week", as_of)


TREND_WEEKS = 13


def trend_weeks(filters: Filters, weeks: int = TREND_WEEKS) -> tuple[Filters, int]:
    """The `weeks` calendar weeks (Monday start) ending with the window's last day, and how many
    days of that last week the data covers (7 = a full week).

    A trend of a 25-day window would be three and a half points; a quarter of whole weeks shows
    a direction, and the unfinished last week is marked rather than read as a fall.
    """
    last_monday = filters.end - timedelta(days=filters.end.weekday())
    start = last_monday - timedelta(weeks=weeks - 1)
    trend = Filters(start, filters.end, filters.project_ids, filters.group_ids,
                    filters.source_channels, filters.customer_types)
    return trend, (filters.end - last_monday).days + 1
