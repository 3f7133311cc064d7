"""Names for dimension ids, and the span of dates the database holds."""

from __future__ import annotations

from datetime import date

import duckdb


def dimension_labels(con: duckdb.DuckDBPyConnection, by: str) -> dict[str, str]:
    """Display names for the ids of a dimension: group, staff and project names.

    Other dimensions (source, customer_type, periods, total) have no stored names: {} (their
    labels are vocabulary in ui/i18n.py or the values themselves).
    """
    tables = {"group": ("groups", "group_id"), "staff": ("staff", "staff_id"),
              "project": ("projects", "project_id")}
    if by not in tables:
        return {}
    table, key = tables[by]
    cursor = con.cursor()
    try:
        return dict(cursor.execute(f"SELECT {key}, name FROM {table}").fetchall())
    finally:
        cursor.close()


def data_window(con: duckdb.DuckDBPyConnection) -> tuple[date, date] | None:
    """(first, last) day with any dated fact (deals, closes, activities, surveys); None if empty."""
    cursor = con.cursor()
    try:
        row = cursor.execute("""
            SELECT CAST(min(lo) AS DATE), CAST(max(hi) AS DATE) FROM (
              SELECT min(created_at) AS lo, max(greatest(created_at, coalesce(won_at, created_at),
                                                        coalesce(lost_at, created_at))) AS hi FROM deals
              UNION ALL SELECT min(occurred_at), max(occurred_at) FROM activities
              UNION ALL SELECT min(answered_at), max(answered_at) FROM surveys)
        """).fetchone()
    finally:
        cursor.close()
    return None if row is None or row[0] is None else (row[0], row[1])
