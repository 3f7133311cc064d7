"""The dashboard's access to DuckDB (Streamlit-aware).

Connections are short-lived: one is opened when a cached result is missing and closed right
after, so the file is free between reruns and `python cli.py import` can write while the
dashboard runs. Results are cached by the database file's version (size and mtime of the file
and its WAL), so a new import shows up on the next rerun without a restart, and an unchanged
file never touches DuckDB at all.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb
import pandas as pd
import streamlit as st

from db.connection import connect, database_path


def data_version() -> tuple[int, ...]:
    """A cheap fingerprint of the database file; changes whenever DuckDB writes."""
    path = database_path()
    parts: list[int] = []
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            info = os.stat(candidate)
        except FileNotFoundError:
            parts.extend((0, 0))
        else:
            parts.extend((info.st_size, info.st_mtime_ns))
    return tuple(parts)


@contextmanager
def open_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection for one unit of work; waits up to 10 s while an import holds the file."""
    con = connect(database_path(), retry_seconds=10)
    try:
        yield con
    finally:
        con.close()


def load(query: Callable[..., pd.DataFrame], *args, **kwargs):
    """`query(con, *args, **kwargs)`, cached per data version; arguments must be hashable."""
    name = f"{query.__module__}:{query.__qualname__}"
    return _cached_query(name, data_version(), str(database_path()), args,
                         tuple(sorted(kwargs.items())))


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _cached_query(name: str, version: tuple, path: str, args: tuple, kwargs: tuple):
    # version and path are part of the cache key only (no leading underscore: Streamlit skips
    # hashing those).
    del version, path
    module_name, function_name = name.split(":")
    query = getattr(importlib.import_module(module_name), function_name)
    with open_connection() as con:
        return query(con, *args, **dict(kwargs))
