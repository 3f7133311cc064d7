"""Follow-ups that are overdue at the as-of date (a snapshot, not a window)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import FILTER_COLUMNS, frame, owner_group_sql
from db.queries.facts import facts_current

# The due deals (`due`: deal_id, customer_id, due_day) touched on or after their planned day.
_FOLLOWED_STORED = """
    SELECT u.deal_id FROM due u JOIN deal_touches t ON t.deal_id = u.deal_id
    WHERE CAST(t.last_touch_at AS DATE) >= u.due_day"""
_FOLLOWED_SCANNED = """
    SELECT u.deal_id FROM due u JOIN activities a ON a.deal_id = u.deal_id
    WHERE CAST(a.occurred_at AS DATE) >= u.due_day
    UNION
    SELECT u.deal_id FROM due u JOIN activities a ON a.deal_id IS NULL AND a.customer_id = u.customer_id
    WHERE CAST(a.occurred_at AS DATE) >= u.due_day"""


def overdue_followups(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date) -> pd.DataFrame:
    """Open deals whose planned follow-up day is before `as_of` with no activity since that day.

    Columns: deal_id, customer_id, customer, owner_staff_id, owner, group_id (where the deal was
    created), owner_group_id (the owner's group at as_of), stage, next_follow_at, days_overdue (as_of − the planned day). An activity counts when it is on the
    deal (or, without a deal, on its customer) and on or after the planned day. Member filters
    apply; the date window does not. Most overdue first.
    """
    clause, params = member_clause(filters, **FILTER_COLUMNS["created"], owner="d.owner_staff_id")
    # Each deal's last activity is kept in deal_touches with kpi_facts (1M rows at 1M deals);
    # without it, two anti-joins against every activity (5M: 0.1 s), not NOT EXISTS over
    # "deal_id = … OR customer_id = …" (a nested loop: 50 s). The owner's group by one join
    # instead of a subquery per deal.
    followed = _FOLLOWED_STORED if facts_current(con) else _FOLLOWED_SCANNED
    return frame(con, f"""
        WITH due AS (
            SELECT d.deal_id, d.customer_id, c.name AS customer, d.owner_staff_id, st.name AS owner,
                   d.group_id, d.stage, d.next_follow_at, CAST(d.next_follow_at AS DATE) AS due_day
            FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
            LEFT JOIN staff st ON st.staff_id = d.owner_staff_id
            WHERE d.outcome = 'open' AND CAST(d.next_follow_at AS DATE) < ?::DATE{clause}
        ), followed AS ({followed}
        ), owner_group AS ({owner_group_sql('due')})
        SELECT u.deal_id, u.customer_id, u.customer, u.owner_staff_id, u.owner, u.group_id,
               og.group_id AS owner_group_id, u.stage, u.next_follow_at,
               date_diff('day', u.due_day, ?::DATE) AS days_overdue
        FROM due u LEFT JOIN owner_group og ON og.deal_id = u.deal_id
        WHERE u.deal_id NOT IN (SELECT deal_id FROM followed)
        ORDER BY days_overdue DESC, u.deal_id
    """, [as_of, *params, as_of, as_of, as_of])
