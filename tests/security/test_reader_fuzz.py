"""Whatever bytes arrive, the readers either read them or refuse them cleanly (ImportRefused),
and a refused file leaves the database as it was.

Random bytes and mutations of the real fixtures (truncated, bytes flipped, re-encoded, NULs,
huge fields) go through preview_file and import_file on an in-memory database.
"""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.connection import connect_memory
from db.imports import ImportRefused, undo_batch
from ingest.pipeline import import_file, preview_file
from tests.ingest.conftest import FIXTURES, table_hashes

SEEDS = {name: (FIXTURES / name).read_bytes() for name in (
    "zoho_deals_week1.csv", "roster.csv", "fxiaoke_deals_gb18030.csv", "fxiaoke_followups.csv",
    "utf16_deals.csv", "fxiaoke_deals.xlsx", "fxiaoke_api_deals.json", "hubspot_deals.csv", "targets.csv")}
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "cp1252", "latin-1", "big5", "shift_jis")


@pytest.fixture(scope="module")
def filled():
    """One database for every example: each refused example must leave it exactly as it was."""
    con = connect_memory()
    import_file(con, FIXTURES / "zoho_deals_week1.csv")
    yield con
    con.close()


@st.composite
def mutated(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[name])
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(("truncate", "flip", "insert_nul", "huge_field", "re_encode", "splice")))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "truncate":
            data = data[:at]
        elif kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "insert_nul":
            data[at:at] = b"\x00" * draw(st.integers(1, 8))
        elif kind == "huge_field":
            data[at:at] = b'"' + b"x" * draw(st.integers(10_000, 200_000)) + b'"'
        elif kind == "re_encode":
            text = bytes(data).decode("utf-8", errors="replace")
            data = bytearray(text.encode(draw(st.sampled_from(ENCODINGS)), errors="replace"))
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
    return draw(st.sampled_from((name, "upload.csv", "upload.xlsx", "upload.json", "upload"))), bytes(data)


def fingerprint(con) -> list[tuple]:
    """table_hashes in one query (per example it runs twice; thirty queries would dominate)."""
    tables = sorted(table_hashes(con))
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*), coalesce(sum(hash(x)::HUGEINT), 0) FROM {t} x"
                             for t in tables)
    return con.cursor().execute(sql + " ORDER BY 1").fetchall()


def read_or_refuse(con, name: str, data: bytes) -> None:
    """preview_file then import_file; the only failure allowed is ImportRefused (nothing changed)."""
    before = fingerprint(con)
    with contextlib.suppress(ImportRefused):     # preview rolls back; the check after the import covers it
        preview_file(con, data, name)
    try:
        summary = import_file(con, data, name)
    except ImportRefused:
        assert fingerprint(con) == before
    else:
        assert summary.rows_read >= 0
        if summary.batch_id is not None:          # keep the database comparable for the next example
            undo_batch(con, summary.batch_id)


FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.large_base_example, HealthCheck.data_too_large])


@settings(FUZZ, max_examples=40)
@given(st.sampled_from(("x.csv", "x.xlsx", "x.json", "x.xls", "x")), st.binary(max_size=4096))
def test_random_bytes_are_read_or_refused_cleanly(filled, name, data):
    read_or_refuse(filled, name, data)


@FUZZ
@given(mutated())
def test_mutated_exports_are_read_or_refused_cleanly(filled, case):
    read_or_refuse(filled, *case)
