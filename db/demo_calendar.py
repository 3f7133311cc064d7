"""The demo's clock: the period, how busy each day is, and when in a day things happen.

Times inside the generator are float seconds since the period start (midnight of `Calendar.start`,
18 months before the as-of month ends), NaN for "did not happen"; `Calendar.timestamps` turns them
into datetime64 for storage. Launches and holidays are fixed dates: outside the period they vanish. Every draw comes
from the caller's numpy Generator, so a seed fixes the whole calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

DAY = 86_400.0
HOUR = 3_600.0
# The period covers the as-of month and the 17 before it (June 2025 for the default as-of date).
PERIOD_MONTHS = 18
# The as-of day is partly filled: nothing happens after this time of day on it.
AS_OF_CUTOFF_HOUR = 15.5

# Relative first-visit traffic Monday … Sunday: weekends bring 2-3x a weekday's walk-ins.
WALK_IN_WEEKDAY = np.array([0.80, 0.75, 0.80, 0.85, 1.00, 2.30, 2.10])
# Calls and web leads hardly care about weekends.
LEAD_WEEKDAY = np.array([1.00, 1.00, 1.00, 1.00, 1.00, 1.20, 1.10])

# (first day, last day, multiplier) per project: 开盘 weekends with their run-up and echo.
LAUNCHES = {
    "PA": [(date(2025, 9, 13), date(2025, 9, 19), 1.6), (date(2025, 9, 20), date(2025, 9, 21), 5.0),
           (date(2025, 9, 22), date(2025, 9, 28), 1.4),
           (date(2026, 9, 12), date(2026, 9, 18), 1.5), (date(2026, 9, 19), date(2026, 9, 20), 4.0),
           (date(2026, 9, 21), date(2026, 9, 27), 1.3)],
    "PB": [(date(2026, 5, 9), date(2026, 5, 15), 1.8), (date(2026, 5, 16), date(2026, 5, 17), 6.0),
           (date(2026, 5, 18), date(2026, 5, 24), 1.5)],
}
# Public holidays that bring buyers out (金九银十, 五一) and the 春节 trough (New Year 2026-02-17).
HOLIDAYS = [(date(2025, 10, 1), date(2025, 10, 7), 1.5), (date(2026, 5, 1), date(2026, 5, 5), 1.3),
            (date(2026, 10, 1), date(2026, 10, 7), 1.5)]
SPRING_FESTIVAL = [(date(2026, 2, 10), date(2026, 2, 11), 0.5), (date(2026, 2, 12), date(2026, 2, 23), 0.2),
                   (date(2026, 2, 24), date(2026, 2, 25), 0.5)]
# Project B's sales office only warmed up before its launch (蓄客期).
PB_LAUNCH = date(2026, 5, 16)


@dataclass(frozen=True)
class Calendar:
    """The days of the demo period [start, as_of] and the cut-off on the as-of day."""

    as_of: date

    @property
    def start(self) -> date:
        """First day of the month PERIOD_MONTHS - 1 months before the as-of month."""
        months = self.as_of.year * 12 + self.as_of.month - 1 - (PERIOD_MONTHS - 1)
        return date(months // 12, months % 12 + 1, 1)

    @property
    def n_days(self) -> int:
        return (self.as_of - self.start).days + 1

    @property
    def cutoff(self) -> float:
        """Seconds from the period start to the last moment with data (on the as-of day)."""
        return (self.n_days - 1) * DAY + AS_OF_CUTOFF_HOUR * HOUR

    def day_of(self, when: date) -> int:
        return (when - self.start).days

    def weekdays(self) -> np.ndarray:
        """Monday = 0 … Sunday = 6 for every day of the period."""
        return (np.arange(self.n_days) + self.start.weekday()) % 7

    def month_index(self, seconds: np.ndarray) -> np.ndarray:
        """Months since the period start's month (0 = June 2025) of each time."""
        days = np.floor(np.nan_to_num(seconds) / DAY).astype(np.int64)
        dates = np.datetime64(self.start, "D") + days
        months = dates.astype("datetime64[M]") - np.datetime64(self.start, "M")
        return months.astype(np.int64)

    def _spans(self, spans: list[tuple[date, date, float]]) -> np.ndarray:
        factor = np.ones(self.n_days)
        for first, last, multiplier in spans:
            lo, hi = max(self.day_of(first), 0), min(self.day_of(last), self.n_days - 1)
            if lo <= hi:
                factor[lo:hi + 1] *= multiplier
        return factor

    def traffic(self, project: str, *, walk_in: bool) -> np.ndarray:
        """Relative expected number of new deals per day for one project and arrival kind."""
        trend = np.linspace(0.85, 1.2, self.n_days)
        if project == "PB":
            launch = self.day_of(PB_LAUNCH)
            trend = np.where(np.arange(self.n_days) < launch, 0.55, trend)
        week = (WALK_IN_WEEKDAY if walk_in else LEAD_WEEKDAY)[self.weekdays()]
        events = self._spans(LAUNCHES[project]) * self._spans(HOLIDAYS)
        if not walk_in:
            events = np.sqrt(events)
        factor = trend * week * events * self._spans(SPRING_FESTIVAL)
        factor[-1] *= 0.6  # the as-of day is only filled up to the cut-off
        return factor

    def timestamps(self, seconds: np.ndarray) -> np.ndarray:
        """datetime64[s] for seconds since the period start; NaT where NaN."""
        out = np.full(seconds.shape, np.datetime64("NaT"), dtype="datetime64[s]")
        known = ~np.isnan(seconds)
        out[known] = np.datetime64(self.start, "s") + seconds[known].astype(np.int64).astype("timedelta64[s]")
        return out

    def in_spring_festival(self, day: np.ndarray) -> np.ndarray:
        first, last = self.day_of(date(2026, 2, 12)), self.day_of(date(2026, 2, 23))
        return (day >= first) & (day <= last)


def visit_time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight of an on-site event: morning and afternoon peaks, 09:30-19:30."""
    slot = rng.choice(3, size=n, p=[0.4, 0.5, 0.1])
    start = np.array([9.5, 13.5, 17.5])[slot]
    length = np.array([2.5, 4.0, 2.0])[slot]
    return np.floor((start + rng.random(n) * length) * HOUR)


def call_time_of_day(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after midnight of a call or a web lead: 09:00-21:00."""
    return np.floor((9.0 + rng.random(n) * 12.0) * HOUR)


def next_visit_day(rng: np.random.Generator, cal: Calendar, day: np.ndarray) -> np.ndarray:
    """Move planned visit days: 40% of weekday visits wait for the weekend; 春节 visits wait it out."""
    weekday = (day + cal.start.weekday()) % 7
    to_weekend = (weekday < 5) & (rng.random(day.size) < 0.4)
    day = np.where(to_weekend, day + (5 - weekday) + (rng.random(day.size) < 0.45), day)
    festival = cal.in_spring_festival(day) & (rng.random(day.size) < 0.85)
    return np.where(festival, day + 12, day)


def month_starts(first: date, last: date) -> list[date]:
    """First days of every month from first's month through last's month."""
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    return months
