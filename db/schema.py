"""Applying `schema.sql`: idempotent, and recorded in `schema_version`."""

from __future__ import annotations

from pathlib import Path

import duckdb

SCHEMA_VERSION = 1
SCHEMA_FILE = Path(__file__).with_name("schema.sql")


def apply_schema(con: duckdb.DuckDBPyConnection) -> int:
    """Create every table that is missing and record SCHEMA_VERSION; returns the version.

    Safe to run on every start: existing tables and their rows are left as they are.
    """
    con.execute(SCHEMA_FILE.read_text(encoding="utf-8"))
    con.execute(
        "INSERT INTO schema_version (version) VALUES (?) ON CONFLICT DO NOTHING", [SCHEMA_VERSION]
    )
    return stored_schema_version(con)


def stored_schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest schema version recorded in the database (0 for an empty database)."""
    # fetchall, not fetchone: an unfinished result would block con.sql() on this connection.
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0][0]


def table_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Every stored table with its column names in order, as DuckDB describes them."""
    rows = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns
