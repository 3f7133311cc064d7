"""Follow-ups that are overdue at the as-of date (a snapshot, not a window)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import FILTER_COLUMNS, frame


def overdue_followups(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date) -> pd.DataFrame:
    """Open deals whose planned follow-up day is before `as_of` with no activity since that day.

    Columns: deal_id, customer_id, customer, owner_staff_id, owner, group_id (where the deal was
    created), owner_group_id (the owner's group at as_of), stage, next_follow_at, days_overdue (as_of − the planned day). An activity counts when it is on the
    deal (or, without a deal, on its customer) and on or after the planned day. Member filters
    apply; the date window does not. Most overdue first.
    """
    clause, params = member_clause(filters, **FILTER_COLUMNS["created"])
    return frame(con, f"""
        SELECT d.deal_id, d.customer_id, c.name AS customer, d.owner_staff_id, st.name AS owner,
               d.group_id, (SELECT m.group_id FROM memberships m WHERE m.staff_id = d.owner_staff_id
                     AND m.valid_from <= ?::DATE AND (m.valid_to IS NULL OR m.valid_to > ?::DATE)
                   ORDER BY m.valid_from DESC LIMIT 1) AS owner_group_id,
               d.stage, d.next_follow_at,
               date_diff('day', CAST(d.next_follow_at AS DATE), ?::DATE) AS days_overdue
        FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
        LEFT JOIN staff st ON st.staff_id = d.owner_staff_id
        WHERE d.outcome = 'open' AND CAST(d.next_follow_at AS DATE) < ?::DATE{clause}
          AND NOT EXISTS (SELECT 1 FROM activities a
              WHERE (a.deal_id = d.deal_id OR (a.deal_id IS NULL AND a.customer_id = d.customer_id))
                AND CAST(a.occurred_at AS DATE) >= CAST(d.next_follow_at AS DATE))
        ORDER BY days_overdue DESC, d.deal_id
    """, [as_of, as_of, as_of, as_of, *params])
