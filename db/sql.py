"""Two small habits every db module shares: a fresh cursor per query, and all-or-nothing writes."""

from __future__ import annotations

import duckdb
import pandas as pd


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    """Run `sql` on a fresh cursor (a DuckDB 2.0 connection refuses a second thread) into a frame."""
    cursor = con.cursor()
    try:
        return cursor.execute(sql, params or []).df()
    finally:
        cursor.close()


def run_in_transaction(con: duckdb.DuckDBPyConnection, statements: list[tuple[str, list]]) -> None:
    """Execute the (sql, params) statements as one transaction: all of them or none."""
    con.execute("BEGIN")
    try:
        for sql, params in statements:
            con.execute(sql, params)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
