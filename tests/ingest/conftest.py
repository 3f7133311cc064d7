"""Shared fixtures of the import tests: a fresh database, the fixture files, realdata, table hashes."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from db.connection import connect_memory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REPO = Path(__file__).resolve().parents[2]
REALDATA_CANDIDATES = (REPO / ".." / "shared" / "realdata", Path("/work/shared/realdata"))


def realdata_dir() -> Path | None:
    """../shared/realdata next to the repository (or /work/shared/realdata), if present."""
    return next((p.resolve() for p in REALDATA_CANDIDATES if p.is_dir()), None)


def table_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[int, int]]:
    """(row count, order-free hash of all rows) of every stored table: equal means unchanged.

    The audit log is left out: a refused import is recorded there on purpose (who tried what),
    and it is the only row such an attempt may add.
    """
    cur = con.cursor()
    tables = [t for (t,) in cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
        "AND table_name <> 'audit_log'"
    ).fetchall()]
    return {t: tuple(cur.execute(f"SELECT count(*), coalesce(sum(hash(x)::HUGEINT), 0) FROM {t} x").fetchall()[0])
            for t in tables}


def rows(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[tuple]:
    return con.cursor().execute(sql, params or []).fetchall()


@pytest.fixture
def con():
    connection = connect_memory()
    yield connection
    connection.close()


@pytest.fixture
def fixture():
    def path(name: str) -> Path:
        found = FIXTURES / name
        assert found.exists(), f"missing fixture {found}: run tests/fixtures/make_fixtures.py"
        return found
    return path


@pytest.fixture
def realdata():
    found = realdata_dir()
    if found is None:
        pytest.skip("../shared/realdata is not present next to the repository (public exports for import tests)")
    return found
