"""Small lookups the frame needs on every page: as-of date, projects, groups, freshness."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from db.sql import frame as _frame


def settings(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.cursor().execute("SELECT key, value FROM settings").fetchall())


def as_of_date(con: duckdb.DuckDBPyConnection) -> date:
    """The data's "today": settings.as_of, else the latest deal or activity date, else today."""
    stored = settings(con).get("as_of")
    if stored:
        return date.fromisoformat(stored)
    latest = con.cursor().execute(
        "SELECT CAST(greatest(max(d.created_at), max(d.won_at), max(d.lost_at)) AS DATE) FROM deals d"
    ).fetchone()[0]
    return latest or date.today()


def projects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """project_id, name; projects that own groups or deals."""
    return _frame(con, "SELECT project_id, name FROM projects ORDER BY project_id")


def groups(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """group_id, name, basis, project_id, phase, sort_order, members (current headcount)."""
    return _frame(con, """
        SELECT g.group_id, g.name, g.basis, g.project_id, g.phase, g.sort_order,
               count(m.staff_id) AS members
        FROM groups g
        LEFT JOIN memberships m ON m.group_id = g.group_id AND m.valid_to IS NULL
        GROUP BY ALL ORDER BY g.sort_order, g.group_id
    """)


def distinct_values(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    """The distinct non-empty values of a customer attribute used as a filter."""
    allowed = {"source_channel", "customer_type", "grade", "region"}
    if column not in allowed:
        raise ValueError(f"not a filterable customer column: {column}")
    rows = con.cursor().execute(
        f"SELECT DISTINCT {column} FROM customers WHERE {column} IS NOT NULL ORDER BY 1").fetchall()
    return [row[0] for row in rows]


def freshness(con: duckdb.DuckDBPyConnection) -> dict:
    """as_of, data source, the last import (file, time) and the record counts."""
    info = settings(con)
    last = con.cursor().execute(
        "SELECT file_name, imported_at FROM import_batches WHERE status = 'done' "
        "ORDER BY imported_at DESC LIMIT 1").fetchone()
    deals = con.cursor().execute("SELECT count(*) FROM deals").fetchone()[0]
    return {
        "as_of": as_of_date(con),
        "source": info.get("data_source", "import"),
        "last_import_file": last[0] if last else None,
        "last_import_at": last[1] if last else None,
        "deals": deals,
    }
