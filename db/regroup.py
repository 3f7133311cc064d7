"""Regrouping drafts (分组方案模拟): the people and facts a draft is judged on, drafts, and applying one.

A draft is stored in three tables (regroup_drafts, regroup_draft_groups, regroup_draft_members).
Applying it is one transaction: the draft's groups are upserted (a new group is created, a basis
switch updates the group), then every person whose group or role differs moves on the effective
date through db.groups' checked moves; any broken rule rolls everything back.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from analytics.membership import Move
from db.groups import UPSERT_GROUP, GroupRefused, moves_in_transaction
from db.sql import frame as _frame
from domain import GROUP_BASES, PHASES, STAGE_PHASE, STAGES


def regroup_people(con: duckdb.DuckDBPyConnection, as_of: date, months: int) -> pd.DataFrame:
    """Everyone in a group on as_of: staff_id, name, hired_on, group_id, role_in_group,
    open_deals (open deals they own now), and won_deals, lost_deals, won_amount of the deals they
    owned at the close, closed in the `months` months up to as_of (their own past results)."""
    since = as_of - timedelta(days=round(months * 30.44))
    return _frame(con, """
        WITH closes AS (
            SELECT owner_staff_id AS staff_id,
                   count(*) FILTER (WHERE outcome = 'won' AND won_at >= ? AND won_at < ?) AS won_deals,
                   count(*) FILTER (WHERE outcome = 'lost' AND lost_at >= ? AND lost_at < ?) AS lost_deals,
                   coalesce(sum(amount) FILTER (WHERE outcome = 'won' AND won_at >= ? AND won_at < ?), 0) AS won_amount,
                   count(*) FILTER (WHERE outcome = 'open') AS open_deals
            FROM deals GROUP BY 1)
        SELECT s.staff_id, s.name, s.hired_on, m.group_id, m.role_in_group,
               coalesce(c.open_deals, 0)::INTEGER AS open_deals, coalesce(c.won_deals, 0)::INTEGER AS won_deals,
               coalesce(c.lost_deals, 0)::INTEGER AS lost_deals, coalesce(c.won_amount, 0)::DOUBLE AS won_amount
        FROM memberships m JOIN staff s ON s.staff_id = m.staff_id
        LEFT JOIN closes c ON c.staff_id = s.staff_id
        WHERE m.valid_from <= ? AND (m.valid_to IS NULL OR ? < m.valid_to)
        ORDER BY m.group_id, s.staff_id
    """, [since, as_of + timedelta(days=1)] * 3 + [as_of, as_of])


def phase_crossings(con: duckdb.DuckDBPyConnection, as_of: date, months: int) -> pd.DataFrame:
    """project_id, phase, deals_per_month: deals created in the `months` months up to as_of that
    reached the phase's first stage (furthest stage, so snapshot exports count too), per month."""
    firsts = [next(s for s in STAGES if STAGE_PHASE[s] == phase) for phase in PHASES]
    since = as_of - timedelta(days=round(months * 30.44))
    return _frame(con, """
        WITH phases AS (SELECT unnest(?::VARCHAR[]) AS phase, unnest(?::INTEGER[]) AS first_position)
        SELECT d.project_id, p.phase, count(*) / ? AS deals_per_month
        FROM deals d JOIN phases p ON list_position(?::VARCHAR[], d.stage) >= p.first_position
        WHERE d.created_at >= ? AND d.created_at < ?
        GROUP BY ALL ORDER BY 1, 2
    """, [list(PHASES), [STAGES.index(s) + 1 for s in firsts], float(months), list(STAGES),
          since, as_of + timedelta(days=1)])


# ---------------------------------------------------------------- drafts

def drafts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """draft_id, name, note, created_at, updated_at, applied_on, applied_at, moves (people listed)."""
    return _frame(con, """SELECT d.*, (SELECT count(*) FROM regroup_draft_members m WHERE m.draft_id = d.draft_id)
                          AS people FROM regroup_drafts d ORDER BY d.updated_at DESC, d.draft_id DESC""")


def draft_groups(con: duckdb.DuckDBPyConnection, draft_id: int) -> pd.DataFrame:
    """The draft's groups in today's menu order, new groups last."""
    return _frame(con, """SELECT d.group_id, d.name, d.basis, d.project_id, d.phase FROM regroup_draft_groups d
                          LEFT JOIN groups g ON g.group_id = d.group_id WHERE d.draft_id = ?
                          ORDER BY g.sort_order NULLS LAST, d.group_id""", [int(draft_id)])


def draft_members(con: duckdb.DuckDBPyConnection, draft_id: int) -> pd.DataFrame:
    return _frame(con, "SELECT staff_id, group_id, role_in_group FROM regroup_draft_members "
                       "WHERE draft_id = ? ORDER BY staff_id", [int(draft_id)])


def _checked_groups(groups: pd.DataFrame) -> None:
    for row in groups.itertuples():
        if not str(row.group_id).strip() or not str(row.name).strip():
            raise GroupRefused("empty_name")
        if row.basis not in GROUP_BASES:
            raise GroupRefused("bad_basis", str(row.basis))
        if row.basis == "stage" and row.phase not in PHASES:
            raise GroupRefused("phase_needed", str(row.name))


def save_draft(con: duckdb.DuckDBPyConnection, name: str, note: str | None, groups: pd.DataFrame,
               members: pd.DataFrame, draft_id: int | None = None) -> int:
    """Store a draft (new, or replacing `draft_id`'s content); returns its id.

    groups: group_id, name, basis, project_id, phase; members: staff_id, group_id, role_in_group.
    A member's group must be one of the draft's groups (GroupRefused otherwise).
    """
    if not (name or "").strip():
        raise GroupRefused("empty_draft_name")
    _checked_groups(groups)
    unknown = set(members["group_id"]) - set(groups["group_id"])
    if unknown:
        raise GroupRefused("unknown_group", ", ".join(sorted(unknown)))
    con.execute("BEGIN")
    try:
        if draft_id is None:
            draft_id = con.execute("INSERT INTO regroup_drafts (name, note) VALUES (?, ?) RETURNING draft_id",
                                   [name.strip(), note]).fetchall()[0][0]
        else:
            con.execute("UPDATE regroup_drafts SET name = ?, note = ?, updated_at = now() WHERE draft_id = ?",
                        [name.strip(), note, int(draft_id)])
        for table in ("regroup_draft_groups", "regroup_draft_members"):
            con.execute(f"DELETE FROM {table} WHERE draft_id = ?", [int(draft_id)])
        con.executemany("INSERT INTO regroup_draft_groups VALUES (?, ?, ?, ?, ?, ?)",
                        [(int(draft_id), g.group_id, g.name, g.basis, g.project_id,
                          g.phase if g.basis == "stage" else None) for g in groups.itertuples()])
        if len(members):
            con.executemany("INSERT INTO regroup_draft_members VALUES (?, ?, ?, ?)",
                            [(int(draft_id), m.staff_id, m.group_id, m.role_in_group) for m in members.itertuples()])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(draft_id)


def delete_draft(con: duckdb.DuckDBPyConnection, draft_id: int) -> None:
    con.execute("BEGIN")
    try:
        for table in ("regroup_draft_members", "regroup_draft_groups", "regroup_drafts"):
            con.execute(f"DELETE FROM {table} WHERE draft_id = ?", [int(draft_id)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _moves_for(con: duckdb.DuckDBPyConnection, draft_id: int, effective: date) -> list[Move]:
    rows = con.execute("""
        SELECT dm.staff_id, dm.group_id, dm.role_in_group FROM regroup_draft_members dm
        LEFT JOIN memberships m ON m.staff_id = dm.staff_id AND m.valid_from <= ?
             AND (m.valid_to IS NULL OR ? < m.valid_to)
        WHERE dm.draft_id = ? AND (m.group_id IS DISTINCT FROM dm.group_id
                                   OR m.role_in_group IS DISTINCT FROM dm.role_in_group)
        ORDER BY dm.staff_id""", [effective, effective, int(draft_id)]).fetchall()
    return [Move(staff_id, group_id, role, effective) for staff_id, group_id, role in rows]


def apply_draft(con: duckdb.DuckDBPyConnection, draft_id: int, effective: date) -> int:
    """Make the draft the grouping from `effective` on; returns the number of people moved.

    All-or-nothing: the draft's groups are upserted, the moves checked and written
    (db.groups.moves_in_transaction raises MembershipRefused on a broken rule) and the draft
    marked applied in one transaction.
    """
    con.execute("BEGIN")
    try:
        rows = con.execute("""SELECT dg.group_id, dg.name, dg.basis, dg.project_id, dg.phase, g.sort_order
                              FROM regroup_draft_groups dg LEFT JOIN groups g ON g.group_id = dg.group_id
                              WHERE dg.draft_id = ? ORDER BY dg.group_id""", [int(draft_id)]).fetchall()
        next_order = con.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM groups").fetchall()[0][0]
        for *group, order in rows:
            if order is None:               # a new group goes to the end of the menu
                order, next_order = next_order, next_order + 1
            con.execute(UPSERT_GROUP, [*group, order])
        moves = _moves_for(con, draft_id, effective)
        moves_in_transaction(con, moves)
        con.execute("UPDATE regroup_drafts SET applied_on = ?, applied_at = now() WHERE draft_id = ?",
                    [effective, int(draft_id)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(moves)
