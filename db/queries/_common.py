"""Shared plumbing of the aggregate queries: running SQL into small frames, dimensions, windows.

Every query here aggregates in DuckDB and returns a frame of at most a few thousand rows; the
pandas side (analytics/) only shapes them. Values always travel as `?` parameters.
"""

from __future__ import annotations

from datetime import datetime, time

import duckdb
import pandas as pd

from db.filters import Filters
from domain import STAGES

# Each fact type and the SQL of the moment it counts at (DOMAIN.md date bases).
#   created: deals by created_at; closed: won deals by won_at, lost deals by lost_at;
#   activity: activities by occurred_at; survey: surveys by answered_at.
MOMENT = {
    "created": "d.created_at",
    "closed": "CASE WHEN d.outcome = 'won' THEN d.won_at ELSE d.lost_at END",
    "activity": "a.occurred_at",
    "survey": "s.answered_at",
}

# The dimension value of each fact type. Group columns are the precomputed attribution
# (db/attribution.py): a deal counts where its creator was at created_at, a close where the owner
# was at closing, an activity or survey where its staff member was at the time.
# Aliases: d deal (created/closed), a activity + ad its deal, s survey + sd its deal, c customer.
_ENTITY_DIMENSIONS = {
    "group": {"created": "d.group_id", "closed": "d.closing_group_id",
              "activity": "a.group_id", "survey": "s.group_id"},
    "staff": {"created": "coalesce(d.creator_staff_id, d.owner_staff_id)",
              "closed": "d.owner_staff_id", "activity": "a.staff_id", "survey": "s.staff_id"},
    "project": {"created": "d.project_id", "closed": "d.project_id",
                "activity": "ad.project_id", "survey": "sd.project_id"},
    "source": dict.fromkeys(MOMENT, "c.source_channel"),
    "customer_type": dict.fromkeys(MOMENT, "c.customer_type"),
    "total": dict.fromkeys(MOMENT, "'total'"),
}
_TIME_DIMENSIONS = {
    "day": "CAST({m} AS DATE)",
    "week": "CAST(date_trunc('week', {m}) AS DATE)",
    "month": "CAST(date_trunc('month', {m}) AS DATE)",
}
DIMENSIONS: tuple[str, ...] = (*_ENTITY_DIMENSIONS, *_TIME_DIMENSIONS)
TIME_DIMENSIONS: tuple[str, ...] = tuple(_TIME_DIMENSIONS)

# The columns member filters test, per fact type (see db.filters.member_clause).
FILTER_COLUMNS = {
    "created": {"project": "d.project_id", "group": "d.group_id", "customer": "c"},
    "closed": {"project": "d.project_id", "group": "d.closing_group_id", "customer": "c"},
    "activity": {"project": "ad.project_id", "group": "a.group_id", "customer": "c"},
    "survey": {"project": "sd.project_id", "group": "s.group_id", "customer": "c"},
}


def dimension_sql(dimension: str, fact: str) -> str:
    """The SQL expression giving `dimension`'s value for a row of fact type `fact`."""
    if dimension in _TIME_DIMENSIONS:
        return _TIME_DIMENSIONS[dimension].format(m=MOMENT[fact])
    try:
        return _ENTITY_DIMENSIONS[dimension][fact]
    except KeyError:
        raise ValueError(f"unknown dimension {dimension!r}; expected one of {DIMENSIONS}") from None


def as_dimensions(by: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """`by` as a tuple of known dimension names (a single name is allowed)."""
    dims = (by,) if isinstance(by, str) else tuple(by)
    unknown = [d for d in dims if d not in DIMENSIONS]
    if unknown or not dims:
        raise ValueError(f"unknown dimension(s) {unknown or by!r}; expected some of {DIMENSIONS}")
    return dims


def quoted(name: str) -> str:
    """A column name as an SQL identifier (`group` is a reserved word)."""
    return '"' + name.replace('"', '""') + '"'


def window_bounds(filters: Filters) -> list[datetime]:
    """[start 00:00, day after end 00:00): the half-open timestamp range of the inclusive window."""
    return [datetime.combine(filters.start, time()), datetime.combine(filters.end_exclusive, time())]


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run `sql` on a fresh cursor and return its (small) result as a DataFrame."""
    cursor = con.cursor()
    try:
        # sql(...).to_arrow_table(): execute(...) results warn and copy (TECH-NOTES, DuckDB 2.0).
        return cursor.sql(sql, params=params or None).to_arrow_table().to_pandas()
    finally:
        cursor.close()


def union_part(rows: pd.DataFrame, part: str, columns: dict[str, str | None]) -> pd.DataFrame:
    """One part's rows of a `SELECT '<part>' AS part, … UNION ALL BY NAME …` result, with its
    columns (dtype given: integers again where the other part's rows had made them floats)."""
    kept = rows.loc[rows["part"] == part, list(columns)].reset_index(drop=True)
    return kept.astype({name: dtype for name, dtype in columns.items() if dtype})


def customer_join(filters: Filters, on: str = "d.customer_id") -> str:
    """`LEFT JOIN customers c` when the filters test customer columns, else nothing.

    The join is on the customers' primary key (at most one row), so leaving it out when nothing
    reads `c` changes no result; it builds a hash table of every customer (0.1 s at 1M).
    """
    if filters.source_channels or filters.customer_types:
        return f"LEFT JOIN customers c ON c.customer_id = {on}"
    return ""


def owner_group_sql(deals: str) -> str:
    """SELECT deal_id, group_id: the group each deal's owner is in on day `?` (a DATE parameter,
    given twice), from the rows of `deals` (deal_id, owner_staff_id).

    The membership stint covering the day that started last, as a join (a subquery per deal
    with ORDER BY … LIMIT 1 costs a second per 100k deals). Deals whose owner has no stint that
    day are absent (a LEFT JOIN gives them NULL).
    """
    return f"""SELECT x.deal_id, arg_max(m.group_id, m.valid_from) AS group_id
        FROM {deals} x JOIN memberships m ON m.staff_id = x.owner_staff_id
         AND m.valid_from <= ?::DATE AND (m.valid_to IS NULL OR m.valid_to > ?::DATE)
        GROUP BY x.deal_id"""


# `staff_group`: each person's group on day `?` (a DATE parameter, given twice), the stint covering
# the day that started last. Per person (a few thousand rows), joined to the deals a query keeps.
STAFF_GROUP_AT = """staff_group AS (
    SELECT m.staff_id, arg_max(m.group_id, m.valid_from) AS group_id FROM memberships m
    WHERE m.valid_from <= ?::DATE AND (m.valid_to IS NULL OR m.valid_to > ?::DATE)
    GROUP BY m.staff_id
)"""


def stage_list() -> list[str]:
    """The canonical stages in funnel order, as a parameter for list_position(?, stage)."""
    return list(STAGES)


class SqlParts:
    """SQL text and its positional parameters, appended in the order they appear."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.params: list = []

    def add(self, text: str, params: list | tuple = ()) -> SqlParts:
        self.parts.append(text)
        self.params.extend(params)
        return self

    @property
    def text(self) -> str:
        return "\n".join(self.parts)
