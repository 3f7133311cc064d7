"""Follow-ups that are overdue at the as-of date (a snapshot, not a window)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import FILTER_COLUMNS, STAFF_GROUP_AT, customer_join, frame, union_part
from db.queries.facts import facts_current

# `overdue`: the open deals whose planned follow-up day is before the as-of day with no activity
# on or after that day (deal_id, customer_id, owner_staff_id, group_id, stage, next_follow_at,
# days_overdue). Placeholders: as-of day twice, then the member filters.
# From open_deal_facts (kept with kpi_facts): each open deal's last touch is stored, one scan of
# 0.2M rows at 1M deals.
_OVERDUE_STORED = """
overdue AS (
    SELECT d.deal_id, d.customer_id, d.owner_staff_id, d.group_id, d.stage, d.next_follow_at,
           date_diff('day', CAST(d.next_follow_at AS DATE), ?::DATE) AS days_overdue
    FROM open_deal_facts d {customers}
    WHERE CAST(d.next_follow_at AS DATE) < ?::DATE
      AND (d.last_touch_at IS NULL OR CAST(d.last_touch_at AS DATE) < CAST(d.next_follow_at AS DATE)){clause}
)"""
# From the tables: two anti-joins against every activity (5M: 0.1 s), not NOT EXISTS over
# "deal_id = … OR customer_id = …" (a nested loop: 50 s).
_OVERDUE_SCANNED = """
due AS (
    SELECT d.deal_id, d.customer_id, d.owner_staff_id, d.group_id, d.stage, d.next_follow_at,
           CAST(d.next_follow_at AS DATE) AS due_day, date_diff('day', CAST(d.next_follow_at AS DATE), ?::DATE)
           AS days_overdue
    FROM deals d {customers}
    WHERE d.outcome = 'open' AND CAST(d.next_follow_at AS DATE) < ?::DATE{clause}
), followed AS (
    SELECT u.deal_id FROM due u JOIN activities a ON a.deal_id = u.deal_id
    WHERE CAST(a.occurred_at AS DATE) >= u.due_day
    UNION
    SELECT u.deal_id FROM due u JOIN activities a ON a.deal_id IS NULL AND a.customer_id = u.customer_id
    WHERE CAST(a.occurred_at AS DATE) >= u.due_day
), overdue AS (
    SELECT * EXCLUDE (due_day) FROM due WHERE deal_id NOT IN (SELECT deal_id FROM followed)
)"""

# Counted per owner's group on the as-of day, and the first rows named: at 1M deals ~15k are
# overdue, of which a page lists 200 (naming all of them cost 40 ms). Placeholders: as-of day
# twice (staff_group), the number of rows listed (NULL: all).
_COUNTS_AND_LIST = """, """ + STAFF_GROUP_AT + """, counted AS (
    SELECT g.group_id AS owner_group_id, sum(o.deals)::BIGINT AS deals
    FROM (SELECT owner_staff_id, count(*) AS deals FROM overdue GROUP BY ALL) o
    LEFT JOIN staff_group g ON g.staff_id = o.owner_staff_id GROUP BY ALL
), firsts AS (
    SELECT * FROM overdue ORDER BY days_overdue DESC, deal_id LIMIT ?
), listed AS (
    SELECT f.deal_id, f.customer_id, c.name AS customer, f.owner_staff_id, st.name AS owner, f.group_id,
           g.group_id AS owner_group_id, f.stage, f.next_follow_at, f.days_overdue
    FROM firsts f LEFT JOIN customers c ON c.customer_id = f.customer_id
    LEFT JOIN staff st ON st.staff_id = f.owner_staff_id
    LEFT JOIN staff_group g ON g.staff_id = f.owner_staff_id
)
SELECT 'list' AS part, row_number() OVER (ORDER BY days_overdue DESC, deal_id) AS seq, * FROM listed
UNION ALL BY NAME
SELECT 'counts' AS part, row_number() OVER (ORDER BY owner_group_id NULLS LAST) AS seq, * FROM counted
ORDER BY part DESC, seq
"""
_COUNT_COLUMNS = {"owner_group_id": None, "deals": "int64"}
_LIST_COLUMNS = {"deal_id": None, "customer_id": None, "customer": None, "owner_staff_id": None, "owner": None,
                 "group_id": None, "owner_group_id": None, "stage": None, "next_follow_at": None,
                 "days_overdue": "int64"}


def overdue_followup_counts_and_list(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date, *,
                                     listed: int | None = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Open deals whose planned follow-up day is before `as_of` with no activity since that day:
    how many per owner's group, and the first `listed` of them (None: all), from one query.

    An activity counts when it is on the deal (or, without a deal, on its customer) and on or
    after the planned day. Member filters apply; the date window does not.
    Counts: owner_group_id (the owner's group at as_of; NULL: in none), deals. List: deal_id,
    customer_id, customer, owner_staff_id, owner, group_id (where the deal was created),
    owner_group_id, stage, next_follow_at, days_overdue (as_of − the planned day); most overdue
    first, then by deal_id.
    """
    clause, params = member_clause(filters, **FILTER_COLUMNS["created"], owner="d.owner_staff_id")
    overdue = _OVERDUE_STORED if facts_current(con) else _OVERDUE_SCANNED
    sql = "WITH " + overdue.format(customers=customer_join(filters), clause=clause) + _COUNTS_AND_LIST
    rows = frame(con, sql, [as_of, as_of, *params, as_of, as_of, listed])
    return union_part(rows, "counts", _COUNT_COLUMNS), union_part(rows, "list", _LIST_COLUMNS)


def overdue_followups(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date) -> pd.DataFrame:
    """Every overdue follow-up at `as_of`: the list of overdue_followup_counts_and_list, unabridged."""
    return overdue_followup_counts_and_list(con, filters, as_of, listed=None)[1]
