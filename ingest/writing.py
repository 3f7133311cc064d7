"""What every entity writer shares: its context and result, and the resolution of references.

Ids: a record of source S with CRM id X is `S:X` (deals, activities); customers from a leads
file are `S:lead:X` (Zoho numbers leads and contacts in overlapping ranges), from a customers or
contacts file `S:X`. People are matched by db.imports.resolve_staff; a reference to a deal or
customer is resolved by record id, else by a unique name, else kept as `S:<reference>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from db.imports import UpsertCounts, resolve_projects, resolve_staff
from ingest.canonical import Canonical


@dataclass
class WriteContext:
    source: str
    entity: str
    canonical: Canonical
    default_kind: str | None = None
    mapped: frozenset[str] = frozenset()


@dataclass
class WriteResult:
    counts: UpsertCounts = field(default_factory=UpsertCounts)
    stage_events: int = 0
    pending_events: int = 0
    unmapped_stages: dict[str, int] = field(default_factory=dict)
    currencies: dict[str, int] = field(default_factory=dict)
    currency: str | None = None
    latest: date | None = None
    notes: list[str] = field(default_factory=list)


def fetch_rows(con: duckdb.DuckDBPyConnection, sql: str, params=None) -> list[tuple]:
    return con.execute(sql, params or []).fetchall()


def latest_day(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> date | None:
    value = fetch_rows(con, f"SELECT max(greatest({', '.join(columns)})) FROM {table}")[0][0]
    if value is None:
        return None
    day = value.date() if isinstance(value, datetime) else value
    return min(day, date.today())


def people(con: duckdb.DuckDBPyConnection, batch_id: int, source: str, pairs_sql: str) -> int:
    """Temp table people(ref_id, ref_name, staff_id) for the pairs; how many staff were created."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE _people AS SELECT * FROM ({pairs_sql})")
    return resolve_staff(con, batch_id, source, "_people")


def person_join(alias: str, id_col: str, name_col: str) -> str:
    return (f"LEFT JOIN _people {alias} ON {alias}.ref_id IS NOT DISTINCT FROM {id_col} "
            f"AND {alias}.ref_name IS NOT DISTINCT FROM {name_col}")


def ref_table(con: duckdb.DuckDBPyConnection, name: str, table: str, key: str, source: str, refs_sql: str) -> None:
    """Temp table name(ref, id) of the references that resolve to a stored record: by record id,
    else by a unique name. The others stand for `S:ref` (see `resolved_ref`).

    Two joins, not two subqueries per reference: a deals file names up to one customer per row.
    With no stored record of the source (a first import) there is nothing to look up, and the
    1M distinct references of a big file are not even collected.
    """
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} (ref VARCHAR, id VARCHAR)")
    if not fetch_rows(con, f"SELECT count(*) > 0 FROM (SELECT 1 FROM {table} WHERE source_system = ? LIMIT 1)",
                      [source])[0][0]:
        return
    con.execute(f"""
        INSERT INTO {name}
        WITH r AS (SELECT DISTINCT ref FROM ({refs_sql}) WHERE ref IS NOT NULL),
        by_id AS (
            SELECT t.source_record_id AS ref, min(t.{key}) AS id FROM {table} t
            WHERE t.source_system = $src AND t.source_record_id IN (SELECT ref FROM r) GROUP BY 1
        ), by_name AS (
            SELECT t.name AS ref, CASE WHEN count(*) = 1 THEN min(t.{key}) END AS id FROM {table} t
            WHERE t.source_system = $src AND t.name IN (SELECT ref FROM r) GROUP BY 1
        )
        SELECT * FROM (SELECT r.ref, coalesce(i.id, n.id) AS id
                       FROM r LEFT JOIN by_id i ON i.ref = r.ref LEFT JOIN by_name n ON n.ref = r.ref)
        WHERE id IS NOT NULL""", {"src": source})


def resolved_ref(alias: str, ref: str) -> str:
    """SQL of a reference's record id: its row in a ref_table (under `alias`), else `S:ref` ($src)."""
    return f"coalesce({alias}.id, $src || ':' || {ref})"


def project_table(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    names = [n for (n,) in fetch_rows(con, "SELECT DISTINCT project FROM _valid WHERE project IS NOT NULL")]
    resolved = resolve_projects(con, batch_id, names)
    con.execute("CREATE OR REPLACE TEMP TABLE _projects (name VARCHAR, project_id VARCHAR)")
    if resolved:
        con.executemany("INSERT INTO _projects VALUES (?, ?)", list(resolved.items()))


def columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {row[0] for row in fetch_rows(con, f"DESCRIBE {table}")}
