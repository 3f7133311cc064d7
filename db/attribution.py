"""Which group a fact counts for, derived from membership history.

Rule (DOMAIN.md "Group attribution"): a fact counts for the group its responsible consultant was
in when it happened. A deal's `group_id` is its creator's group at created_at (so a consultant's
old deals stay with the old group); `closing_group_id` is the owner's group at won_at/lost_at
(for stage-split groups the closing group differs from the one that received the customer).
Activities and surveys count for their staff member's group at the time. Without a roster the
department column of the export is the group (kept as it is when no membership matches).

The group at a moment is that of the membership stint covering the moment's day that started
last (valid_from <= day < valid_to). It is found with one join per table (not a subquery per
row) and only rows whose group changes are written: a full refresh of 1M deals and 5M
activities takes seconds, and an import refreshes only the rows of its batch.
"""

from __future__ import annotations

import duckdb

from db.queries.facts import refresh_kpi_facts

# The group of `staff` at `moment` for every row of `rows` (alias f, key column `key`).
_MEMBER_AT = """
    SELECT f.{key} AS key, arg_max(m.group_id, m.valid_from) AS group_id
    FROM {rows} f JOIN memberships m ON m.staff_id = {staff}
     AND m.valid_from <= CAST({moment} AS DATE)
     AND (m.valid_to IS NULL OR CAST({moment} AS DATE) < m.valid_to)
    GROUP BY f.{key}"""


def _member_at(rows: str, key: str, staff: str, moment: str) -> str:
    return _MEMBER_AT.format(rows=rows, key=key, staff=staff, moment=moment)


def _refresh_deals(con: duckdb.DuckDBPyConnection, where: str, params: dict) -> None:
    con.execute(f"""
        UPDATE deals SET group_id = n.group_id, closing_group_id = n.closing_group_id
        FROM (
            WITH scope AS (
                SELECT deal_id, coalesce(creator_staff_id, owner_staff_id) AS creator, owner_staff_id,
                       created_at, coalesce(won_at, lost_at) AS closed_at, outcome, department
                FROM deals WHERE {where}
            ), opened AS ({_member_at('scope', 'deal_id', 'f.creator', 'f.created_at')}
            ), closed AS ({_member_at('(SELECT * FROM scope WHERE outcome <> $open)', 'deal_id',
                                      'f.owner_staff_id', 'f.closed_at')}
            ), departments AS (
                -- the export's department names a group by id or by name (an id match first)
                SELECT d.department, coalesce(min(g.group_id) FILTER (WHERE g.group_id = d.department),
                                              min(g.group_id)) AS group_id
                FROM (SELECT DISTINCT department FROM scope WHERE department IS NOT NULL) d
                JOIN groups g ON g.group_id = d.department OR g.name = d.department
                GROUP BY d.department
            )
            SELECT s.deal_id, coalesce(o.group_id, dp.group_id) AS group_id,
                   CASE WHEN s.outcome = $open THEN NULL ELSE coalesce(c.group_id, dp.group_id) END
                       AS closing_group_id
            FROM scope s LEFT JOIN opened o ON o.key = s.deal_id LEFT JOIN closed c ON c.key = s.deal_id
            LEFT JOIN departments dp ON dp.department = s.department
        ) n
        WHERE deals.deal_id = n.deal_id
          AND (deals.group_id IS DISTINCT FROM n.group_id OR deals.closing_group_id IS DISTINCT FROM n.closing_group_id)
    """, {"open": "open", **params})


def _refresh_facts(con: duckdb.DuckDBPyConnection, table: str, key: str, moment: str, where: str,
                   params: dict) -> None:
    con.execute(f"""
        UPDATE {table} SET group_id = n.group_id
        FROM (
            WITH scope AS (SELECT {key}, staff_id, {moment} FROM {table} WHERE {where})
            SELECT s.{key}, g.group_id FROM scope s
            LEFT JOIN ({_member_at('scope', key, 'f.staff_id', f'f.{moment}')}) g ON g.key = s.{key}
        ) n
        WHERE {table}.{key} = n.{key} AND {table}.group_id IS DISTINCT FROM n.group_id
    """, params)


def _any_group_or_membership(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any group or membership exists; without either every group column becomes NULL.

    Then only rows that still carry a group need writing: a first import without a roster or
    a department column skips the join of its 1M deals (0.5 s) and changes nothing.
    """
    return con.execute("SELECT EXISTS (SELECT 1 FROM memberships) OR EXISTS (SELECT 1 FROM groups)").fetchall()[0][0]


def refresh_group_attribution(con: duckdb.DuckDBPyConnection, batch_id: int | None = None, *,
                              facts: bool = True) -> None:
    """Recompute group columns of deals, activities and surveys from memberships.

    Rows whose staff has no membership at that time keep the group of their department (deals)
    or stay NULL. Run after an import or a membership change, inside the caller's transaction.
    With `batch_id`, only the rows that batch wrote (their batch_id) are recomputed: enough after
    an import that changed no memberships and no groups; without it, every row. The derived
    kpi_facts follow (db/queries/facts.py): every writer of facts or memberships calls this;
    `facts=False` leaves them to the caller (the import refreshes them after its commit).
    """
    where, params = ("batch_id = $batch", {"batch": batch_id}) if batch_id is not None else ("TRUE", {})
    deals_where, rows_where = where, where
    if not _any_group_or_membership(con):      # every group becomes NULL: only rows carrying one change
        deals_where += " AND coalesce(group_id, closing_group_id) IS NOT NULL"
        rows_where += " AND group_id IS NOT NULL"
    _refresh_deals(con, deals_where, params)
    for table, key, moment in (("activities", "activity_id", "occurred_at"), ("surveys", "survey_id", "answered_at")):
        _refresh_facts(con, table, key, moment, rows_where, params)
    if facts:
        refresh_kpi_facts(con, batch_id)
