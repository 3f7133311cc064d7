"""Date-window presets (本周, 上周, 本月, …), relative to the data's as-of date, not the clock.

Anchoring on the as-of date keeps a demo or an old export meaningful on any day, and makes a
pasted link reproduce the same numbers.
"""

from __future__ import annotations

from datetime import date, timedelta

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
