"""Shared pieces of the import writes (db/imports*.py): refusal, keys, SQL helpers, before-images."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from domain import STAGES


class ImportRefused(ValueError):
    """A file (or an undo) that cannot be imported at all; the database is left as it was.

    `reason` is the English sentence (the CLI prints it, the audit log stores it); `code` and
    `params` let the Import page say it in the user's language: the template `imp_why_<code>`
    of ui/strings/import_refusals.py, filled from `params`. "other" has no template (the page
    shows `reason`).
    """

    def __init__(self, reason: str, /, code: str = "other", **params):
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.params = params


# The key of each table an import writes: before-images and undo find rows by it.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "deals": ("deal_id",), "customers": ("customer_id",), "activities": ("activity_id",),
    "staff": ("staff_id",), "groups": ("group_id",), "projects": ("project_id",),
    "memberships": ("staff_id", "valid_from"), "targets": ("scope", "scope_id", "month", "metric"),
    "settings": ("key",),
}
STAGE_LIST_SQL = "[" + ", ".join(f"'{s}'" for s in STAGES) + "]"   # constants, not user input


def stage_rank_sql(expr: str) -> str:
    """SQL: 1-based funnel position of a canonical stage; NULL for NULL, 'lost' or unknown."""
    return f"list_position({STAGE_LIST_SQL}, {expr})"


def word_key_sql(expr: str) -> str:
    """SQL: the form stage/status words are matched in.

    Lower case, trimmed, runs of spaces as one, and a trailing probability such as "(30%)" or
    "（30%）" dropped (Fxiaoke shows stages as `验证客户(10%)`).
    """
    return (f"regexp_replace(regexp_replace(lower(trim({expr})), "
            f"'\\s*[(（]\\s*\\d+(\\.\\d+)?\\s*%\\s*[)）]\\s*$', ''), '\\s+', ' ', 'g')")


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT, or ROLLBACK when the block raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    rows = con.execute(sql, params or []).fetchall()
    return rows[0][0] if rows else None


def record_key_sql(table: str, alias: str) -> str:
    keys = TABLE_KEYS[table]
    if len(keys) == 1:
        return f"CAST({alias}.{keys[0]} AS VARCHAR)"
    return "concat_ws('|', " + ", ".join(f"CAST({alias}.{k} AS VARCHAR)" for k in keys) + ")"


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position", [table]
    ).fetchall()
    return dict(rows)


def setting(con: duckdb.DuckDBPyConnection, key: str, default: str | None = None) -> str | None:
    value = scalar(con, "SELECT value FROM settings WHERE key = ?", [key])
    return default if value is None else value


def remember(con: duckdb.DuckDBPyConnection, batch_id: int, table: str, key: tuple) -> None:
    """Store the before-image of the row with this key (NULL when it does not exist yet) in the batch.

    The first image a batch stores for a row wins, so call this before every change.
    """
    where = " AND ".join(f"{k} = ?" for k in TABLE_KEYS[table])
    before = scalar(con, f"SELECT to_json(t)::VARCHAR FROM {table} t WHERE {where}", list(key))
    con.execute("INSERT INTO import_changes VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [batch_id, table, "|".join(str(k) for k in key), before])
