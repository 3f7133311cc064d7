"""Import writes, undo: restore what a batch changed, remove what it added."""

from __future__ import annotations

import duckdb

from db.attribution import refresh_group_attribution
from db.import_scope import refuse_organisation_file, refuse_outside_projects
from db.imports_base import TABLE_KEYS, ImportRefused, column_types, record_key_sql, scalar, transaction
from db.imports_stages import rebuild_from_stages

# Undo restores in this order, and removes created people/groups/projects last (when unused).
_UNDO_ORDER = ("deals", "customers", "activities", "targets", "memberships", "settings",
               "staff", "groups", "projects")
_UNUSED = {
    "staff": """staff_id NOT IN (
        SELECT owner_staff_id FROM deals WHERE owner_staff_id IS NOT NULL
        UNION SELECT creator_staff_id FROM deals WHERE creator_staff_id IS NOT NULL
        UNION SELECT staff_id FROM activities WHERE staff_id IS NOT NULL
        UNION SELECT staff_id FROM memberships
        UNION SELECT scope_id FROM targets WHERE scope = 'staff')""",
    "groups": """group_id NOT IN (
        SELECT group_id FROM memberships UNION SELECT scope_id FROM targets WHERE scope = 'group')
        AND name NOT IN (SELECT department FROM deals WHERE department IS NOT NULL)""",
    "projects": """project_id NOT IN (
        SELECT project_id FROM deals WHERE project_id IS NOT NULL
        UNION SELECT project_id FROM groups WHERE project_id IS NOT NULL)""",
}


def undo_batch(con: duckdb.DuckDBPyConnection, batch_id: int, *,
               projects: tuple[str, ...] | None = None) -> dict[str, int]:
    """Undo an import batch: restore what it changed, remove what it added; counts per action.

    Refused (ImportRefused) when the batch does not exist, is already undone, or a later batch
    still in force changed the same records; for an undoer limited to `projects` (None: any),
    also when the batch wrote another project's records or is a roster or targets file
    (db/import_scope.py). People, groups and projects the batch created are removed only when
    nothing refers to them any more.
    """
    cur = con.cursor()
    status = scalar(cur, "SELECT status FROM import_batches WHERE batch_id = ?", [batch_id])
    if status is None:
        raise ImportRefused(f"there is no import batch {batch_id}", code="no_batch", batch=batch_id)
    if status == "undone":
        raise ImportRefused(f"batch {batch_id} is already undone", code="already_undone", batch=batch_id)
    # A later batch still in force changed a record this batch wrote: it stored a before-image of
    # the same record, or (for rows this batch inserted into a batch_id table) an image naming it.
    later = scalar(cur, """
        SELECT min(c2.batch_id) FROM import_changes c2 JOIN import_batches b ON b.batch_id = c2.batch_id
        WHERE c2.batch_id > $batch AND b.status = 'done'
          AND c2.table_name NOT IN ('staff', 'groups', 'projects', 'settings')
          AND (EXISTS (SELECT 1 FROM import_changes c1 WHERE c1.batch_id = $batch
                         AND c1.table_name = c2.table_name AND c1.record_id = c2.record_id)
               OR TRY_CAST(json_extract_string(c2.before_json, '$.batch_id') AS INTEGER) = $batch)""",
                    {"batch": batch_id})
    if later is not None:
        raise ImportRefused(f"batch {later} changed the same records after batch {batch_id}: "
                            f"undo batch {later} first", code="undo_blocked", later=later, batch=batch_id)
    refuse_organisation_file(scalar(cur, "SELECT entity FROM import_batches WHERE batch_id = ?", [batch_id]), projects,
                             undo=True)
    refuse_outside_projects(cur, batch_id, projects, undo=True)
    counts = {"restored": 0, "removed": 0, "stage_events_removed": 0}
    with transaction(cur):
        for table in _UNDO_ORDER:
            counts["restored"] += _restore_before_images(cur, batch_id, table)
            counts["removed"] += _delete_inserted(cur, batch_id, table)
        events = "SELECT DISTINCT deal_id FROM stage_events WHERE batch_id = ?"
        touched = [d for (d,) in cur.execute(events, [batch_id]).fetchall()]
        counts["stage_events_removed"] = cur.execute(
            "DELETE FROM stage_events WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
        cur.execute("DELETE FROM pending_stage_events WHERE batch_id = ?", [batch_id])
        if touched:
            cur.execute("CREATE OR REPLACE TEMP TABLE _undo_deals (deal_id VARCHAR)")
            cur.executemany("INSERT INTO _undo_deals VALUES (?)", [(d,) for d in touched])
            rebuild_from_stages(cur, "SELECT deal_id FROM _undo_deals")
            cur.execute("DROP TABLE _undo_deals")
        cur.execute("UPDATE import_batches SET status = 'undone' WHERE batch_id = ?", [batch_id])
        refresh_group_attribution(cur)
    return counts


# A setting (as_of, currency) that a later batch still in force changed again is left as it is.
_LATER_SETTING = """AND NOT EXISTS (SELECT 1 FROM import_changes l JOIN import_batches b ON b.batch_id = l.batch_id
                    WHERE l.table_name = 'settings' AND l.record_id = c.record_id AND l.batch_id > c.batch_id
                      AND b.status = 'done')"""


def _restore_before_images(con: duckdb.DuckDBPyConnection, batch_id: int, table: str) -> int:
    types = column_types(con, table)
    fixed = set(TABLE_KEYS[table]) | {"source_system", "source_record_id"}
    sets = [f"{col} = CAST(c.j ->> '{col}' AS {kind})" for col, kind in types.items() if col not in fixed]
    if not sets:
        return 0
    later = _LATER_SETTING if table == "settings" else ""
    return con.execute(f"""
        UPDATE {table} AS t SET {', '.join(sets)}
        FROM (SELECT c.batch_id, c.record_id, c.before_json::JSON AS j FROM import_changes c
              WHERE c.batch_id = ? AND c.table_name = ? AND c.before_json IS NOT NULL {later}) c
        WHERE {record_key_sql(table, 't')} = c.record_id""", [batch_id, table]).fetchall()[0][0]


def _delete_inserted(con: duckdb.DuckDBPyConnection, batch_id: int, table: str) -> int:
    if "batch_id" in column_types(con, table):
        # After the before-images are back, the rows still carrying this batch are its inserts.
        return con.execute(f"DELETE FROM {table} WHERE batch_id = ?", [batch_id]).fetchall()[0][0]
    unused = f" AND {_UNUSED[table]}" if table in _UNUSED else ""
    if table == "settings":
        unused = " AND " + _LATER_SETTING.replace("c.record_id", "t.key").replace("c.batch_id", "?").removeprefix("AND ")
        return con.execute(f"""
            DELETE FROM settings AS t WHERE t.key IN (
                SELECT record_id FROM import_changes WHERE batch_id = ? AND table_name = 'settings'
                AND before_json IS NULL){unused}""", [batch_id, batch_id]).fetchall()[0][0]
    return con.execute(f"""
        DELETE FROM {table} AS t WHERE {record_key_sql(table, 't')} IN (
            SELECT record_id FROM import_changes
            WHERE batch_id = ? AND table_name = ? AND before_json IS NULL){unused}""",
                       [batch_id, table]).fetchall()[0][0]
