"""Safe writes of an import: batches, upserts with before-images, rejects, settings, profiles.

The public face of the import writes; the rest lives beside it and is re-exported here:
imports_base (refusal, keys, SQL helpers), imports_people (staff, groups, projects),
imports_stages (stage events, map_stage), imports_undo (undo_batch).

Every function runs on the connection it is given and inside the caller's transaction (see
`transaction`); the CRM formats live in ingest/, which prepares temp tables of canonical rows.

Guarantees the import layer builds on:
- Records upsert on their key ((source_system, source_record_id) through the derived id for
  deals/customers/activities; the primary key elsewhere). A row equal to the stored one is
  counted unchanged and not written.
- Before a batch changes a row it stores the row's before-image (JSON) in import_changes. Rows it
  inserts are marked by a NULL image, or, in tables with a batch_id column, by that column.
  `undo_batch` restores the images, deletes the inserts and the batch's stage events, and marks
  the batch 'undone'. Undo is refused while a later batch still in force changed the same
  records (undo that one first).
- Stage events: a snapshot whose source stage differs from the stored one adds a stage_event (or
  a pending_stage_event when the new stage is unmapped, so `map_stage` can add it later).
- `stage` keeps the furthest canonical stage a deal reached (schema.sql), so a deal that is now
  lost, or moved backwards, keeps it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from db.imports_base import (
    TABLE_KEYS,
    ImportRefused,
    column_types,
    record_key_sql,
    remember,
    scalar,
    setting,
    stage_rank_sql,
    transaction,
    word_key_sql,
)
from db.imports_people import resolve_groups, resolve_projects, resolve_staff
from db.imports_stages import (
    add_stage_events,
    map_stage,
    prepare_snapshot_stages,
    raise_deal_stages,
    rebuild_from_stages,
    snapshot_stage_events,
)
from db.imports_undo import undo_batch

__all__ = [
    "TABLE_KEYS", "ImportRefused", "UpsertCounts", "add_stage_events", "batch_rejects", "batch_with_sha256",
    "configured_currency", "finish_batch", "import_batches", "map_stage", "mapping_profile",
    "mapping_profile_for_signature", "new_batch", "prepare_snapshot_stages", "raise_deal_stages",
    "rebuild_from_stages", "remember", "resolve_groups", "resolve_projects", "resolve_staff",
    "save_mapping_profile", "set_as_of_if_later", "set_setting", "setting", "snapshot_stage_events",
    "stage_rank_sql", "store_rejects", "transaction", "undo_batch", "upsert_rows", "word_key_sql",
]


# ---------------------------------------------------------------- batches, rejects, settings


def new_batch(con: duckdb.DuckDBPyConnection, *, file_name: str, sha256: str, source_system: str,
              entity: str, imported_by: str | None = None) -> int:
    """Open a batch record (status 'done'; its counts are filled by finish_batch)."""
    return scalar(con, """
        INSERT INTO import_batches (file_name, sha256, source_system, entity, imported_by)
        VALUES (?, ?, ?, ?, ?) RETURNING batch_id""",
                   [file_name, sha256, source_system, entity, imported_by])


def finish_batch(con: duckdb.DuckDBPyConnection, batch_id: int, *, read: int, inserted: int,
                 updated: int, unchanged: int, rejected: int) -> None:
    con.execute("""
        UPDATE import_batches SET rows_read = ?, rows_inserted = ?, rows_updated = ?,
               rows_unchanged = ?, rows_rejected = ? WHERE batch_id = ?""",
                [read, inserted, updated, unchanged, rejected, batch_id])


def batch_with_sha256(con: duckdb.DuckDBPyConnection, sha256: str) -> int | None:
    """The latest batch still in force that imported a file with this content."""
    return scalar(con, "SELECT max(batch_id) FROM import_batches WHERE sha256 = ? AND status = 'done'",
                   [sha256])


def store_rejects(con: duckdb.DuckDBPyConnection, batch_id: int,
                  rejects: list[tuple[int, str, str | None]]) -> None:
    """Keep the rejected rows (line number, reason, raw text); reasons of one line are joined."""
    merged: dict[int, tuple[list[str], str | None]] = {}
    for line, reason, raw in rejects:
        reasons, first_raw = merged.setdefault(int(line), ([], raw))
        reasons.append(reason)
    if merged:
        con.executemany("INSERT INTO import_rejects (batch_id, line_no, reason, raw) VALUES (?, ?, ?, ?)",
                        [(batch_id, line, "; ".join(r), raw) for line, (r, raw) in sorted(merged.items())])


def batch_rejects(con: duckdb.DuckDBPyConnection, batch_id: int) -> pd.DataFrame:
    """The rejected rows of a batch (line_no, reason, raw), in file order, for download."""
    return con.cursor().execute(
        "SELECT line_no, reason, raw FROM import_rejects WHERE batch_id = ? ORDER BY line_no", [batch_id]
    ).df()


def import_batches(con: duckdb.DuckDBPyConnection, imported_by: str | None = None) -> pd.DataFrame:
    """Every batch (or those `imported_by` one account), newest first, with its counts and status."""
    mine = " WHERE imported_by = ?" if imported_by is not None else ""
    return con.cursor().execute(f"""
        SELECT batch_id, file_name, source_system, entity, rows_read, rows_inserted, rows_updated,
               rows_unchanged, rows_rejected, status, imported_at, imported_by, sha256
        FROM import_batches{mine} ORDER BY batch_id DESC""", [imported_by] if mine else []).df()


def set_setting(con: duckdb.DuckDBPyConnection, batch_id: int | None, key: str, value: str) -> None:
    """Upsert a setting, keeping its before-image in the batch (so undo restores it)."""
    if batch_id is not None:
        remember(con, batch_id, "settings", (key,))
    con.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", [key, value])


def configured_currency(con: duckdb.DuckDBPyConnection) -> str:
    """settings.currency, default CNY (amounts in another currency are never summed with it)."""
    return setting(con, "currency", "CNY") or "CNY"


def set_as_of_if_later(con: duckdb.DuckDBPyConnection, batch_id: int, latest: date | None) -> date | None:
    """Move settings.as_of to the latest date seen in the data when that is later; the stored date."""
    stored = setting(con, "as_of")
    current = date.fromisoformat(stored[:10]) if stored else None
    if latest is not None and (current is None or latest > current):
        set_setting(con, batch_id, "as_of", latest.isoformat())
        return latest
    return current


# ---------------------------------------------------------------- upserts


@dataclass
class UpsertCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def upsert_rows(con: duckdb.DuckDBPyConnection, batch_id: int, table: str, incoming: str,
                columns: list[str]) -> UpsertCounts:
    """Insert new rows of `incoming` into `table`, update changed ones, leave equal ones alone.

    `incoming` is a temp table with at least the key and `columns`, one row per key. Rows whose
    every listed column equals the stored value (NULL = NULL) count as unchanged. Before-images
    of updated rows go to import_changes, and so do markers (NULL images) of inserted ones,
    except in tables with a batch_id column (deals, customers, activities): their rows carry
    this batch, which is how undo finds what the batch inserted.
    """
    keys = TABLE_KEYS[table]
    data = [c for c in columns if c not in keys]
    on = " AND ".join(f"t.{k} = i.{k}" for k in keys)
    differs = " OR ".join(f"i.{c} IS DISTINCT FROM t.{c}" for c in data) or "FALSE"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _kinds AS
        SELECT {', '.join(f'i.{k}' for k in keys)},
               CASE WHEN t.{keys[0]} IS NULL THEN 'new' WHEN {differs} THEN 'changed' ELSE 'same' END AS kind
        FROM {incoming} i LEFT JOIN {table} t ON {on}""")
    kinds_on = " AND ".join(f"k.{k} = t.{k}" for k in keys)
    con.execute(f"""
        INSERT INTO import_changes
        SELECT ?, '{table}', {record_key_sql(table, 't')}, to_json(t)::VARCHAR
        FROM {table} t JOIN _kinds k ON {kinds_on} WHERE k.kind = 'changed' ON CONFLICT DO NOTHING""",
                [batch_id])
    counts = dict(con.execute("SELECT kind, count(*) FROM _kinds GROUP BY kind").fetchall())
    has_batch = "batch_id" in column_types(con, table)
    if not has_batch:      # rows of tables with a batch_id column are found by it (undo_batch)
        con.execute(f"""
            INSERT INTO import_changes SELECT ?, '{table}', {record_key_sql(table, 'k')}, NULL
            FROM _kinds k WHERE k.kind = 'new' ON CONFLICT DO NOTHING""", [batch_id])
    sets = [f"{c} = i.{c}" for c in data] + (["batch_id = ?"] if has_batch else [])
    if data and counts.get("changed"):
        con.execute(f"""
            UPDATE {table} AS t SET {', '.join(sets)}
            FROM {incoming} i JOIN _kinds k ON {' AND '.join(f'k.{k} = i.{k}' for k in keys)}
            WHERE {on} AND k.kind = 'changed'""", [batch_id] if has_batch else [])
    insert_cols = list(keys) + data + (["batch_id"] if has_batch else [])
    select_cols = [f"i.{c}" for c in (*keys, *data)] + (["?"] if has_batch else [])
    only_new = counts.get("new", 0) == sum(counts.values())      # a first import: no join needed
    if counts.get("new"):
        con.execute(f"""
            INSERT INTO {table} ({', '.join(insert_cols)})
            SELECT {', '.join(select_cols)} FROM {incoming} i
            {'' if only_new else 'JOIN _kinds k ON ' + ' AND '.join(f'k.{k} = i.{k}' for k in keys)
                                 + " WHERE k.kind = 'new'"}""", [batch_id] if has_batch else [])
    con.execute("DROP TABLE _kinds")
    return UpsertCounts(counts.get("new", 0), counts.get("changed", 0), counts.get("same", 0))


# ---------------------------------------------------------------- mapping profiles


def save_mapping_profile(con: duckdb.DuckDBPyConnection, name: str, header_signature: str, entity: str,
                         mapping: dict[str, str]) -> None:
    """Save (or replace) a named column mapping {canonical field: column header}."""
    con.execute("""INSERT OR REPLACE INTO mapping_profiles (name, header_signature, entity, mapping_json)
                   VALUES (?, ?, ?, ?)""", [name, header_signature, entity, json.dumps(mapping, ensure_ascii=False)])


def mapping_profile(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, str, dict[str, str]] | None:
    """(header signature, entity, mapping) of a named profile, or None."""
    rows = con.execute("SELECT header_signature, entity, mapping_json FROM mapping_profiles WHERE name = ?",
                       [name]).fetchall()
    return (rows[0][0], rows[0][1], json.loads(rows[0][2])) if rows else None


def mapping_profile_for_signature(con: duckdb.DuckDBPyConnection,
                                  header_signature: str) -> tuple[str, str, dict[str, str]] | None:
    """(name, entity, mapping) of the newest profile saved for this header set, or None."""
    rows = con.execute("""SELECT name, entity, mapping_json FROM mapping_profiles WHERE header_signature = ?
                          ORDER BY created_at DESC, name LIMIT 1""", [header_signature]).fetchall()
    return (rows[0][0], rows[0][1], json.loads(rows[0][2])) if rows else None
