"""Import writes, people and groups: the staff, groups and projects named in an export.

New rows are recorded as inserts of the batch (NULL before-images) so undo can remove them.
"""

from __future__ import annotations

import duckdb

from db.imports_base import scalar


def resolve_staff(con: duckdb.DuckDBPyConnection, batch_id: int, source_system: str, people: str,
                  role: str = "consultant") -> int:
    """Give each (ref_id, ref_name) of temp table `people` a staff_id; create the new people.

    Match order: the source-scoped id `<source>:<ref_id>`; else the same name (case-insensitive)
    unless that person carries another id of this same source; else a new staff row with id
    `<source>:<ref_id or ref_name>` and the name (the id when no name is known); spellings of one
    name that differ only in case (VICProp, VICPROP) are one person. Returns how many staff rows
    were created. `people` is replaced by (ref_id, ref_name, staff_id).
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _people_r AS
        SELECT p.ref_id, p.ref_name, coalesce(
            (SELECT s.staff_id FROM staff s WHERE s.staff_id = $src || ':' || p.ref_id),
            (SELECT min(s.staff_id) FROM staff s
              WHERE p.ref_name IS NOT NULL AND lower(trim(s.name)) = lower(trim(p.ref_name))
                AND (p.ref_id IS NULL OR s.source_system IS DISTINCT FROM $src
                     OR s.staff_id = $src || ':' || s.name)),
            $src || ':' || coalesce(p.ref_id, min(p.ref_name) OVER (PARTITION BY lower(trim(p.ref_name))))) AS staff_id
        FROM (SELECT DISTINCT ref_id, ref_name FROM {people}
              WHERE ref_id IS NOT NULL OR ref_name IS NOT NULL) p""", {"src": source_system})
    con.execute(f"CREATE OR REPLACE TEMP TABLE {people} AS SELECT * FROM _people_r")
    con.execute("DROP TABLE _people_r")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _created AS
        SELECT staff_id, coalesce(max(ref_name), max(ref_id)) AS name FROM {people}
        WHERE staff_id NOT IN (SELECT staff_id FROM staff) GROUP BY staff_id""")
    created = con.execute("INSERT INTO staff (staff_id, name, role, active, source_system) "
                          "SELECT staff_id, name, ?, TRUE, ? FROM _created", [role, source_system]).fetchall()[0][0]
    _remember_created(con, batch_id, "staff", "staff_id")
    return created


def _remember_created(con: duckdb.DuckDBPyConnection, batch_id: int, table: str, key: str) -> None:
    """Mark the rows of temp table _created as inserts of the batch, in one statement."""
    con.execute(f"""
        INSERT INTO import_changes SELECT ?, '{table}', {key}, NULL FROM _created
        ON CONFLICT DO NOTHING""", [batch_id])
    con.execute("DROP TABLE _created")


def resolve_groups(con: duckdb.DuckDBPyConnection, batch_id: int, names: str) -> int:
    """Give each `ref` of temp table `names` (ref, basis, project_id) a group_id; create new groups.

    A ref matches a group by id or by name (case-insensitive); new groups get id `g:<name>`,
    basis from the table (default 'other'). Returns how many groups were created.
    """
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _names_r AS
        SELECT n.ref, any_value(n.basis) AS basis, any_value(n.project_id) AS project_id,
               coalesce((SELECT min(g.group_id) FROM groups g
                          WHERE g.group_id = n.ref OR lower(g.name) = lower(n.ref)), 'g:' || n.ref) AS group_id
        FROM {names} n WHERE n.ref IS NOT NULL GROUP BY n.ref""")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {names} AS SELECT * FROM _names_r")
    con.execute("DROP TABLE _names_r")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _created AS
        SELECT group_id, any_value(ref) AS name, coalesce(any_value(basis), 'other') AS basis,
               any_value(project_id) AS project_id
        FROM {names} WHERE group_id NOT IN (SELECT group_id FROM groups) GROUP BY group_id""")
    created = con.execute("INSERT INTO groups (group_id, name, basis, project_id) "
                          "SELECT group_id, name, basis, project_id FROM _created").fetchall()[0][0]
    _remember_created(con, batch_id, "groups", "group_id")
    return created


def resolve_projects(con: duckdb.DuckDBPyConnection, batch_id: int, names: list[str]) -> dict[str, str]:
    """Project names or ids → project_id, creating projects (`p:<name>`) that do not exist yet."""
    resolved = {}
    for name in sorted({n for n in names if n}):
        found = scalar(con, "SELECT min(project_id) FROM projects WHERE project_id = ? OR lower(name) = lower(?)",
                        [name, name])
        if found is None:
            found = f"p:{name}"
            con.execute("INSERT INTO projects (project_id, name) VALUES (?, ?)", [found, name])
            con.execute("INSERT INTO import_changes VALUES (?, 'projects', ?, NULL) ON CONFLICT DO NOTHING",
                        [batch_id, found])
        resolved[name] = found
    return resolved
