"""Groups, their members over time, and their targets: what the 小组管理 pages read and write.

Membership changes go through `apply_moves` and nowhere else: one transaction that reads the
stints, applies the moves with analytics.membership's rules, refuses the whole change when any
rule breaks (nothing written), writes the affected people's stints and refreshes the group
attribution of deals, activities and surveys (db/attribution.py) before COMMIT. The roster import
(ingest/organisation.py) writes memberships itself and then passes `membership_problems`.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from analytics.membership import Move, Person, Problem, Stint, changed_staff, history_problems
from analytics.membership import add_stint as added_stint
from analytics.membership import apply_moves as moved_stints
from db.attribution import refresh_group_attribution
from db.sql import frame as _frame
from domain import GROUP_BASES, PHASES

# Metrics a target can be set for on the editor (csat is an average: it is never split).
TARGET_METRICS: tuple[str, ...] = ("won_amount", "won_deals", "first_visits", "visits", "csat")
TARGET_SCOPES: tuple[str, ...] = ("group", "staff")
UPSERT_GROUP = """INSERT INTO groups VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id) DO UPDATE SET
    name = excluded.name, basis = excluded.basis, project_id = excluded.project_id, phase = excluded.phase,
    sort_order = excluded.sort_order"""


class MembershipRefused(ValueError):
    """A membership change that breaks a rule; `problems` say which (nothing was written)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(f"{p.kind}: {p.staff_id} {p.group_id or ''}".strip() for p in problems))
        self.problems = problems


class GroupRefused(ValueError):
    """A group or target edit that cannot be stored; `kind` names the reason for the UI."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind} {detail}".strip())
        self.kind, self.detail = kind, detail


# ---------------------------------------------------------------- reads

def group_overview(con: duckdb.DuckDBPyConnection, on: date) -> pd.DataFrame:
    """One row per group: group_id, name, basis, project_id, project, phase, sort_order, leader
    (name of the leader on `on`, NULL when none), members (everyone in the group on `on`) and
    sellers (members who are neither analyst nor manager)."""
    return _frame(con, """
        SELECT g.group_id, g.name, g.basis, g.project_id, p.name AS project, g.phase, g.sort_order,
               string_agg(s.name, '、' ORDER BY s.staff_id) FILTER (WHERE m.role_in_group = 'leader') AS leader,
               count(m.staff_id)::INTEGER AS members,
               (count(m.staff_id) FILTER (WHERE m.role_in_group NOT IN ('analyst', 'manager')))::INTEGER AS sellers
        FROM groups g LEFT JOIN projects p ON p.project_id = g.project_id
        LEFT JOIN memberships m ON m.group_id = g.group_id AND m.valid_from <= ?
             AND (m.valid_to IS NULL OR ? < m.valid_to)
        LEFT JOIN staff s ON s.staff_id = m.staff_id
        GROUP BY ALL ORDER BY g.sort_order, g.group_id
    """, [on, on])


def membership_history(con: duckdb.DuckDBPyConnection, group_id: str | None = None) -> pd.DataFrame:
    """Every stint (of one group, or all): staff_id, name, group_id, group_name, role_in_group,
    valid_from, valid_to (NULL = still in it), newest first per group."""
    clause, params = (" WHERE m.group_id = ?", [group_id]) if group_id else ("", [])
    return _frame(con, f"""
        SELECT m.staff_id, s.name, m.group_id, g.name AS group_name, m.role_in_group, m.valid_from, m.valid_to
        FROM memberships m LEFT JOIN staff s ON s.staff_id = m.staff_id
        LEFT JOIN groups g ON g.group_id = m.group_id{clause}
        ORDER BY g.sort_order, m.group_id, m.valid_from DESC, m.staff_id
    """, params)


def staff_directory(con: duckdb.DuckDBPyConnection, on: date) -> pd.DataFrame:
    """Everyone on the staff list: staff_id, name, role, active, hired_on, left_on and the
    group_id / role_in_group / since (valid_from) of the stint they hold on `on` (NULL: none)."""
    return _frame(con, """
        SELECT s.staff_id, s.name, s.role, s.active, s.hired_on, s.left_on,
               m.group_id, m.role_in_group, m.valid_from AS since
        FROM staff s LEFT JOIN memberships m ON m.staff_id = s.staff_id AND m.valid_from <= ?
             AND (m.valid_to IS NULL OR ? < m.valid_to)
        ORDER BY s.staff_id
    """, [on, on])


def targets_for_month(con: duckdb.DuckDBPyConnection, scope: str, month: date) -> pd.DataFrame:
    """scope_id, metric, value of the targets of `scope` for the month starting `month`."""
    return _frame(con, "SELECT scope_id, metric, value FROM targets WHERE scope = ? AND month = ? "
                       "ORDER BY scope_id, metric", [scope, month.replace(day=1)])


def stint_problems(stints: list[Stint], staff_ids: list[str]) -> list[Problem]:
    """The membership rules (overlaps, two groups at once, two leaders) over a stint list: the
    check any writer of memberships (page, draft, roster import) should pass before writing."""
    return history_problems(stints, staff_ids)


def membership_problems(con: duckdb.DuckDBPyConnection, staff_ids: list[str]) -> list[Problem]:
    """stint_problems of `staff_ids` over the memberships as stored (in an open transaction: with
    its writes so far), e.g. after a roster import wrote them and before it commits."""
    return stint_problems(_stints(con), staff_ids)


# ---------------------------------------------------------------- membership writes

def _stints(con: duckdb.DuckDBPyConnection) -> list[Stint]:
    rows = con.execute("SELECT staff_id, group_id, role_in_group, valid_from, valid_to FROM memberships").fetchall()
    return [Stint(*row) for row in rows]


def _people(con: duckdb.DuckDBPyConnection) -> dict[str, Person]:
    rows = con.execute("SELECT staff_id, hired_on, left_on FROM staff").fetchall()
    return {staff_id: Person(staff_id, hired, left) for staff_id, hired, left in rows}


def _write_stints(con: duckdb.DuckDBPyConnection, after: list[Stint], staff_ids: set[str]) -> None:
    for staff_id in sorted(staff_ids):
        con.execute("DELETE FROM memberships WHERE staff_id = ?", [staff_id])
        rows = [(s.staff_id, s.group_id, s.role_in_group, s.valid_from, s.valid_to)
                for s in after if s.staff_id == staff_id]
        if rows:
            con.executemany("INSERT INTO memberships VALUES (?, ?, ?, ?, ?)", rows)


def moves_in_transaction(con: duckdb.DuckDBPyConnection, moves: list[Move]) -> list[Stint]:
    """Apply `moves` inside the caller's open transaction: check, write, refresh attribution.

    Raises MembershipRefused before writing anything when a rule breaks; the caller rolls back.
    Returns the new stints of the people whose history changed.
    """
    before = _stints(con)
    group_ids = [row[0] for row in con.execute("SELECT group_id FROM groups").fetchall()]
    after, problems = moved_stints(before, moves, _people(con), group_ids)
    if problems:
        raise MembershipRefused(problems)
    touched = changed_staff(before, after)
    _write_stints(con, after, touched)
    refresh_group_attribution(con)
    return [s for s in after if s.staff_id in touched]


def apply_membership_moves(con: duckdb.DuckDBPyConnection, moves: list[Move]) -> list[Stint]:
    """Apply `moves` all-or-nothing; returns the new stints of the people moved.

    Raises MembershipRefused (after ROLLBACK: the database is as it was) when a rule breaks.
    Group attribution is refreshed in the same transaction, so a move's effective date decides
    which group every fact counts for: facts before it stay with the old group.
    """
    con.execute("BEGIN")
    try:
        changed = moves_in_transaction(con, moves)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return changed


def move_member(con: duckdb.DuckDBPyConnection, staff_id: str, group_id: str | None, role_in_group: str,
                effective: date) -> list[Stint]:
    """One person into `group_id` as `role_in_group` from `effective` (None: leaves the group)."""
    return apply_membership_moves(con, [Move(staff_id, group_id, role_in_group, effective)])


def add_past_stint(con: duckdb.DuckDBPyConnection, stint: Stint) -> None:
    """Record a stint with both dates (a past assignment); MembershipRefused when it overlaps
    the person's other stints or another leader's, nothing written then."""
    con.execute("BEGIN")
    try:
        group_ids = [row[0] for row in con.execute("SELECT group_id FROM groups").fetchall()]
        _, problems = added_stint(_stints(con), stint, _people(con), group_ids)
        if problems:
            raise MembershipRefused(problems)
        con.execute("INSERT INTO memberships VALUES (?, ?, ?, ?, ?)",
                    [stint.staff_id, stint.group_id, stint.role_in_group, stint.valid_from, stint.valid_to])
        refresh_group_attribution(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


# ---------------------------------------------------------------- group and target writes

def save_group(con: duckdb.DuckDBPyConnection, group_id: str, name: str, basis: str,
               project_id: str | None, phase: str | None, sort_order: int | None = None) -> None:
    """Create or update a group. A phase belongs to stage-based groups only (and they need one).

    Raises GroupRefused: empty_id, empty_name, bad_basis, bad_phase, phase_needed, name_taken.
    Past facts are not re-attributed: groups have no history of their basis.
    """
    group_id, name = group_id.strip(), name.strip()
    phase = phase if basis == "stage" else None
    if not group_id:
        raise GroupRefused("empty_id")
    if not name:
        raise GroupRefused("empty_name")
    if basis not in GROUP_BASES:
        raise GroupRefused("bad_basis", basis)
    if basis == "stage" and phase not in PHASES:
        raise GroupRefused("phase_needed" if phase is None else "bad_phase", str(phase))
    con.execute("BEGIN")
    try:
        taken = con.execute("SELECT count(*) FROM groups WHERE name = ? AND group_id <> ?", [name, group_id]).fetchall()
        if taken[0][0]:
            raise GroupRefused("name_taken", name)
        order = sort_order
        if order is None:
            order = con.execute("SELECT coalesce((SELECT sort_order FROM groups WHERE group_id = ?), "
                                "(SELECT coalesce(max(sort_order), 0) + 1 FROM groups))", [group_id]).fetchall()[0][0]
        con.execute(UPSERT_GROUP, [group_id, name, basis, project_id, phase, order])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _checked_target(metric: str, value: float | None) -> None:
    if metric not in TARGET_METRICS:
        raise GroupRefused("bad_metric", metric)
    if value is None:
        return
    if value < 0:
        raise GroupRefused("negative_target", metric)
    if metric == "csat" and not 1 <= value <= 5:
        raise GroupRefused("csat_range", f"{value}")


def save_targets(con: duckdb.DuckDBPyConnection, scope: str, month: date,
                 values: list[tuple[str, str, float | None]]) -> int:
    """Upsert (scope_id, metric, value) targets of `scope` for `month`; value None deletes one.

    All-or-nothing: one bad value (negative, CSAT outside 1-5, unknown metric) raises
    GroupRefused and stores none. Returns the number of targets stored or deleted.
    """
    if scope not in TARGET_SCOPES:
        raise GroupRefused("bad_scope", scope)
    for _, metric, value in values:
        _checked_target(metric, value)
    first = month.replace(day=1)
    con.execute("BEGIN")
    try:
        for scope_id, metric, value in values:
            if value is None:
                con.execute("DELETE FROM targets WHERE scope = ? AND scope_id = ? AND month = ? AND metric = ?",
                            [scope, scope_id, first, metric])
            else:
                con.execute("""INSERT INTO targets VALUES (?, ?, ?, ?, ?)
                               ON CONFLICT (scope, scope_id, month, metric) DO UPDATE SET value = excluded.value""",
                            [scope, scope_id, first, metric, float(value)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(values)
