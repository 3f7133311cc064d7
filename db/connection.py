"""Opening the DuckDB file: where it lives, how it is opened, and seeding it with the demo.

DuckDB lets one process hold a file read-write; others cannot open it at all meanwhile (not even
read-only). The dashboard therefore opens short-lived connections only where it writes, and the
CLI says what to do when the file is busy (see `DatabaseBusy`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb

from db.schema import apply_schema

DB_ENV_VAR = "ANCHANG_DB"
DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "anchang.duckdb"

# Known extensions (read_xlsx, httpfs, …) would try to download and hang for seconds on this
# closed network; failing in milliseconds is better.
_OFFLINE_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
}


class DatabaseBusy(RuntimeError):
    """Another process holds the database file open for writing."""


def database_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database file: the explicit path, else $ANCHANG_DB, else data/anchang.duckdb."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get(DB_ENV_VAR) or DEFAULT_DB_PATH)


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False,
            retry_seconds: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the database (creating the schema when writable).

    Retries for `retry_seconds` while another process holds the file, then raises DatabaseBusy.
    """
    target = database_path(path)
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + retry_seconds
    while True:
        try:
            con = duckdb.connect(str(target), read_only=read_only, config=dict(_OFFLINE_CONFIG))
            break
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"{target} is open in another process (the dashboard or an import). "
                    "Import through the dashboard's 数据导入 page, or stop it and retry."
                ) from error
            time.sleep(0.2)
    if not read_only:
        apply_schema(con)
    return con


def connect_memory() -> duckdb.DuckDBPyConnection:
    """An in-memory database with the schema applied (tests and scratch work)."""
    con = duckdb.connect(":memory:", config=dict(_OFFLINE_CONFIG))
    apply_schema(con)
    return con
