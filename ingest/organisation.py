"""The organisation: rosters (person → group, role) and targets (group/person/project × month × metric).

Rosters: a person matches staff as db.imports.resolve_staff says; roles and group bases are words
(组长 → leader, 阶段 → stage …). A membership with a start date upserts on (person, start). A
roster without dates applies to all history the first time (valid_from 1900-01-01); when a later
roster puts the person in another group, the old membership ends and the new one starts at the
as-of date (settings.as_of, else today): past deals keep their group, later ones count for the
new one. Within one file, rows without dates that put a person in two groups (or roles)
contradict each other and are rejected (`check_roster`).

Targets: long form (metric + value columns; an unknown metric word rejects its row) or wide
form (one column per metric, `成交金额目标(万元)` with its unit). The scope is the group when
given, else the person, else the project.
"""

from __future__ import annotations

from datetime import date

import duckdb

from db.groups import membership_problems
from db.imports import (
    ImportRefused,
    UpsertCounts,
    remember,
    resolve_groups,
    setting,
    upsert_rows,
    word_key_sql,
)
from ingest.columns import METRIC_WORDS
from ingest.readers import RawTable
from ingest.stages import BASIS_WORDS, ROLE_WORDS, word_table
from ingest.writing import WriteContext, WriteResult, fetch_rows, people, person_join, project_table

ALL_TIME = date(1900, 1, 1)     # a dateless roster applies to all history


def write_roster(con: duckdb.DuckDBPyConnection, batch_id: int, ctx: WriteContext) -> WriteResult:
    """People, their groups and memberships; a move without dates starts at the as-of date."""
    src, result = ctx.source, WriteResult()
    word_table(con, "_role_words", ROLE_WORDS)
    word_table(con, "_basis_words", BASIS_WORDS)
    created = people(con, batch_id, src, "SELECT DISTINCT person_id AS ref_id, person_name AS ref_name FROM _valid")
    project_table(con, batch_id)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _roster AS
        SELECT v._line, p.staff_id, v.person_name, v."group" AS grp, v.role AS role_text,
               coalesce(r.value, 'consultant') AS role, CAST(v.valid_from AS DATE) AS valid_from,
               CAST(v.valid_to AS DATE) AS valid_to, b.value AS basis, pr.project_id
        FROM _valid v {person_join('p', 'v.person_id', 'v.person_name')}
        LEFT JOIN _role_words r ON r.key = {word_key_sql('v.role')}
        LEFT JOIN _basis_words b ON b.key = {word_key_sql('v.basis')}
        LEFT JOIN _projects pr ON pr.name = v.project""")
    con.execute("""CREATE OR REPLACE TEMP TABLE _gnames AS SELECT grp AS ref, any_value(basis) AS basis,
                   any_value(project_id) AS project_id FROM _roster GROUP BY grp""")
    resolve_groups(con, batch_id, "_gnames")
    con.execute("""CREATE OR REPLACE TEMP TABLE _in_staff AS
        SELECT s.staff_id, coalesce(max(r.person_name), any_value(s.name)) AS name,
               CASE WHEN bool_or(r.role_text IS NOT NULL) THEN max(r.role) ELSE any_value(s.role) END AS role
        FROM _roster r JOIN staff s ON s.staff_id = r.staff_id GROUP BY s.staff_id""")
    upsert_rows(con, batch_id, "staff", "_in_staff", ["staff_id", "name", "role"])
    updated = fetch_rows(con, """SELECT count(*) FROM import_changes WHERE batch_id = ? AND table_name = 'staff'
                            AND before_json IS NOT NULL""", [batch_id])[0][0]
    result.counts = _memberships(con, batch_id)
    _refuse_membership_conflicts(con)
    result.notes.append(f"people: {created} new, {updated} existing updated (name or role); the counts are "
                        "memberships (person → group)")
    return result


def _refuse_membership_conflicts(con: duckdb.DuckDBPyConnection) -> None:
    """ImportRefused (the caller rolls back) when the roster leaves its people in two groups at
    once, with overlapping stints, or a group with two leaders: the rules the group pages keep."""
    staff_ids = [staff_id for (staff_id,) in fetch_rows(con, "SELECT DISTINCT staff_id FROM _roster")]
    problems = membership_problems(con, staff_ids)
    if not problems:
        return
    involved = sorted({p.staff_id for p in problems if p.staff_id} | {p.other_staff_id for p in problems
                                                                    if p.other_staff_id})
    names = dict(fetch_rows(con, "SELECT staff_id, name FROM staff WHERE list_contains(?, staff_id)", [involved]))
    people = ", ".join(names.get(staff_id) or staff_id for staff_id in involved)
    kinds = ", ".join(sorted({p.kind for p in problems}))
    raise ImportRefused(f"the roster breaks the membership rules ({kinds}) for: {people}; nothing was imported",
                        code="roster_conflicts", people=people, n=len(involved))


def _memberships(con: duckdb.DuckDBPyConnection, batch_id: int) -> UpsertCounts:
    members = fetch_rows(con, """SELECT r.staff_id, g.group_id, r.role, r.valid_from, r.valid_to FROM _roster r
                         JOIN _gnames g ON g.ref = r.grp ORDER BY r._line""")
    stored = setting(con, "as_of")
    effective = date.fromisoformat(stored[:10]) if stored else date.today()
    counts = UpsertCounts()
    for staff_id, group_id, role, valid_from, valid_to in members:
        if valid_from is not None:
            _dated_membership(con, batch_id, counts, (staff_id, group_id, role, valid_from, valid_to))
        else:
            _undated_membership(con, batch_id, counts, staff_id, group_id, role, effective)
    return counts


def _dated_membership(con, batch_id: int, counts: UpsertCounts, row: tuple) -> None:
    staff_id, group_id, role, valid_from, valid_to = row
    stored = fetch_rows(con, "SELECT group_id, role_in_group, valid_to FROM memberships WHERE staff_id = ? AND valid_from = ?",
                   [staff_id, valid_from])
    if stored and stored[0] == (group_id, role, valid_to):
        counts.unchanged += 1
        return
    remember(con, batch_id, "memberships", (staff_id, valid_from))
    con.execute("INSERT OR REPLACE INTO memberships VALUES (?, ?, ?, ?, ?)", [staff_id, group_id, role, valid_from, valid_to])
    if stored:
        counts.updated += 1
    else:
        counts.inserted += 1


def _undated_membership(con, batch_id: int, counts: UpsertCounts, staff_id: str, group_id: str, role: str,
                        effective: date) -> None:
    current = fetch_rows(con, """SELECT group_id, role_in_group, valid_from FROM memberships
                            WHERE staff_id = ? AND valid_to IS NULL ORDER BY valid_from DESC LIMIT 1""", [staff_id])
    if current and current[0][:2] == (group_id, role):
        counts.unchanged += 1
        return
    if current and (current[0][0] == group_id or current[0][2] >= effective):
        remember(con, batch_id, "memberships", (staff_id, current[0][2]))
        con.execute("UPDATE memberships SET group_id = ?, role_in_group = ? WHERE staff_id = ? AND valid_from = ?",
                    [group_id, role, staff_id, current[0][2]])
        counts.updated += 1
        return
    if current:
        remember(con, batch_id, "memberships", (staff_id, current[0][2]))
        con.execute("UPDATE memberships SET valid_to = ? WHERE staff_id = ? AND valid_from = ?",
                    [effective, staff_id, current[0][2]])
    any_before = fetch_rows(con, "SELECT count(*) FROM memberships WHERE staff_id = ?", [staff_id])[0][0]
    start = effective if any_before else ALL_TIME
    remember(con, batch_id, "memberships", (staff_id, start))
    con.execute("INSERT OR REPLACE INTO memberships VALUES (?, ?, ?, ?, NULL)", [staff_id, group_id, role, start])
    counts.inserted += 1


def _dropped_as_rejects(con: duckdb.DuckDBPyConnection, bad: list[tuple]) -> list[tuple[int, str, str | None]]:
    """Remove the (line, reason, row text) rows from `_valid`; they are the file's rejects."""
    if bad:
        con.executemany("DELETE FROM _valid WHERE _line = ?", [(line,) for line, _, _ in bad])
    return [(int(line), reason, text) for line, reason, text in bad]


def check_roster(con: duckdb.DuckDBPyConnection, raw: RawTable) -> list[tuple[int, str, str | None]]:
    """Rows without dates that list one person more than once in different groups or roles:
    rejects (and dropped). A roster without dates says where each person is now, so two such
    rows contradict each other; taken in file order they would read as a move at the as-of date."""
    bad = fetch_rows(con, f"""
        WITH undated AS (
            SELECT _line, coalesce(person_id, person_name) AS person, "group", role FROM _valid
            WHERE valid_from IS NULL AND valid_to IS NULL AND coalesce(person_id, person_name) IS NOT NULL
        ), clashing AS (
            SELECT person, count(*) AS n, string_agg(CAST(_line AS VARCHAR), ', ' ORDER BY _line) AS lines
            FROM undated GROUP BY person
            HAVING count(DISTINCT "group") > 1 OR count(DISTINCT coalesce(role, '')) > 1
        )
        SELECT u._line, '"' || c.person || '" is listed ' || c.n || ' times without dates, in different '
                        || 'groups or roles (lines ' || c.lines || ')', {raw.row_text_sql('r')}
        FROM undated u JOIN clashing c USING (person) JOIN {raw.table} r ON r._line = u._line
        ORDER BY u._line""")
    return _dropped_as_rejects(con, bad)


def check_targets(con: duckdb.DuckDBPyConnection, raw: RawTable) -> list[tuple[int, str, str | None]]:
    """Targets in long form whose metric text names no known metric: rejects (and dropped)."""
    if not fetch_rows(con, "SELECT count(*) FROM _valid WHERE metric IS NOT NULL")[0][0]:
        return []
    word_table(con, "_metric_words", METRIC_WORDS)
    bad = fetch_rows(con, f"""SELECT v._line, 'metric "' || v.metric || '" is not a known metric ('
                             || (SELECT string_agg(DISTINCT value, ', ' ORDER BY value) FROM _metric_words) || ')',
                             {raw.row_text_sql('r')}
                         FROM _valid v LEFT JOIN _metric_words m ON m.key = {word_key_sql('v.metric')}
                         JOIN {raw.table} r ON r._line = v._line
                         WHERE m.value IS NULL ORDER BY v._line""")
    return _dropped_as_rejects(con, bad)


def write_targets(con: duckdb.DuckDBPyConnection, batch_id: int, ctx: WriteContext) -> WriteResult:
    """Targets per (scope, month, metric): long form (metric + value) or one column per metric."""
    src, result = ctx.source, WriteResult()
    word_table(con, "_metric_words", METRIC_WORDS)
    people(con, batch_id, src, "SELECT DISTINCT CAST(NULL AS VARCHAR) AS ref_id, person AS ref_name FROM _valid")
    con.execute("""CREATE OR REPLACE TEMP TABLE _gnames AS SELECT DISTINCT "group" AS ref,
                   CAST(NULL AS VARCHAR) AS basis, CAST(NULL AS VARCHAR) AS project_id FROM _valid WHERE "group" IS NOT NULL""")
    resolve_groups(con, batch_id, "_gnames")
    project_table(con, batch_id)
    wide = ctx.canonical.metric_columns
    values = ([f"SELECT _line, m.value AS metric, v.value FROM _valid v JOIN _metric_words m "
               f"ON m.key = {word_key_sql('v.metric')}"] if not wide else
              [f"SELECT _line, '{metric}' AS metric, {col} AS value FROM _valid WHERE {col} IS NOT NULL"
               for col, (metric, _, _) in wide.items()])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _in_targets AS
        SELECT CASE WHEN v."group" IS NOT NULL THEN 'group' WHEN v.person IS NOT NULL THEN 'staff' ELSE 'project' END AS scope,
               coalesce(g.group_id, p.staff_id, pr.project_id) AS scope_id, v.month, x.metric, x.value
        FROM ({' UNION ALL '.join(values)}) x JOIN _valid v ON v._line = x._line
        LEFT JOIN _gnames g ON g.ref = v."group"
        LEFT JOIN _people p ON v."group" IS NULL AND p.ref_name = v.person
        LEFT JOIN _projects pr ON v."group" IS NULL AND v.person IS NULL AND pr.name = v.project
        WHERE x.value IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY scope, scope_id, v.month, x.metric ORDER BY v._line DESC) = 1""")
    result.counts = upsert_rows(con, batch_id, "targets", "_in_targets", ["scope", "scope_id", "month", "metric", "value"])
    return result
