"""Which group a fact counts for, derived from membership history.

Rule (DOMAIN.md "Group attribution"): a fact counts for the group its responsible consultant was
in when it happened. A deal's `group_id` is its creator's group at created_at (so a consultant's
old deals stay with the old group); `closing_group_id` is the owner's group at won_at/lost_at
(for stage-split groups the closing group differs from the one that received the customer).
Activities and surveys count for their staff member's group at the time. Without a roster the
department column of the export is the group (kept as it is when no membership matches).
"""

from __future__ import annotations

import duckdb

_GROUP_AT = """
    (SELECT m.group_id FROM memberships m
      WHERE m.staff_id = {staff} AND m.valid_from <= CAST({moment} AS DATE)
        AND (m.valid_to IS NULL OR CAST({moment} AS DATE) < m.valid_to)
      ORDER BY m.valid_from DESC LIMIT 1)
"""


def _group_at(staff: str, moment: str) -> str:
    return _GROUP_AT.format(staff=staff, moment=moment)


def refresh_group_attribution(con: duckdb.DuckDBPyConnection) -> None:
    """Recompute group columns of deals, activities and surveys from memberships.

    Rows whose staff has no membership at that time keep the group of their department (deals)
    or stay NULL. Run after an import or a membership change, inside the caller's transaction.
    """
    con.execute(f"""
        UPDATE deals SET
          group_id = coalesce({_group_at('coalesce(deals.creator_staff_id, deals.owner_staff_id)',
                                         'deals.created_at')},
                              (SELECT g.group_id FROM groups g WHERE g.group_id = deals.department
                                  OR g.name = deals.department LIMIT 1)),
          closing_group_id = CASE WHEN deals.outcome = 'open' THEN NULL ELSE
              coalesce({_group_at('deals.owner_staff_id', 'coalesce(deals.won_at, deals.lost_at)')},
                       (SELECT g.group_id FROM groups g WHERE g.group_id = deals.department
                           OR g.name = deals.department LIMIT 1)) END
    """)
    for table, moment in (("activities", "occurred_at"), ("surveys", "answered_at")):
        con.execute(f"UPDATE {table} SET group_id = {_group_at(f'{table}.staff_id', f'{table}.{moment}')}")
