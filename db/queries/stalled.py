"""Stalled open deals, cut in SQL: open deals longer in their current stage than the stage's threshold.

analytics.funnel.stalled_deals finds them in pandas from every open deal (open_deals_in_stage);
at 1M deals that is ~200k open deals fetched to keep ~160k stalled ones, of which a page shows a
count per group and stage and the first few rows (0.5 s). These queries apply the same
thresholds (analytics.funnel.stall_thresholds) in the database and return only the counts, or
only the first rows of each stage, with the columns and order stalled_deals gives.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import FILTER_COLUMNS, STAFF_GROUP_AT, customer_join, frame, union_part
from db.queries.facts import facts_current

Thresholds = tuple[tuple[str, float], ...]

# The open deals in a stage with a threshold (`dated`), dated as open_deals_in_stage dates their
# stay: the stage's entry, else the last logged entry into it, else creation. Placeholders: the
# stages, their thresholds, the as-of cutoff, the member filters.
# From open_deal_facts (kept with kpi_facts, which stores that date): 0.2M rows at 1M deals.
_DATED_STORED = """
WITH limits AS (
    SELECT unnest(?::VARCHAR[]) AS stage, unnest(?::DOUBLE[]) AS p75_days
), dated AS (
    SELECT d.deal_id, d.customer_id, d.owner_staff_id, d.group_id, d.stage, d.stage_since, t.p75_days
    FROM open_deal_facts d JOIN limits t ON t.stage = d.stage {customers}
    WHERE d.created_at < ?{clause}
)"""
# From the tables: every deal, and the stage history of those without a stage entry.
_DATED_SCANNED = """
WITH limits AS (
    SELECT unnest(?::VARCHAR[]) AS stage, unnest(?::DOUBLE[]) AS p75_days
), open_deals AS (
    SELECT d.deal_id, d.customer_id, d.owner_staff_id, d.group_id, d.stage, d.stage_entered_at, d.created_at
    FROM deals d {customers}
    WHERE d.outcome = 'open' AND d.stage IN (SELECT stage FROM limits) AND d.created_at < ?{clause}
), logged AS (
    SELECT e.deal_id, max(e.entered_at) AS entered_at FROM stage_events e
    JOIN open_deals o ON o.deal_id = e.deal_id AND o.stage = e.to_stage AND o.stage_entered_at IS NULL
    GROUP BY e.deal_id
), dated AS (
    SELECT o.deal_id, o.customer_id, o.owner_staff_id, o.group_id, o.stage,
           coalesce(o.stage_entered_at, l.entered_at, o.created_at) AS stage_since, t.p75_days
    FROM open_deals o JOIN limits t ON t.stage = o.stage LEFT JOIN logged l ON l.deal_id = o.deal_id
)"""
# Those past their stage's threshold, and each owner's group on the as-of day, per person (a few
# thousand rows) rather than per deal.
_STALLED = """, stalled AS (
    SELECT *, date_diff('day', CAST(stage_since AS DATE), ?::DATE) AS days_in_stage FROM dated
    WHERE date_diff('day', CAST(stage_since AS DATE), ?::DATE) > p75_days
), """ + STAFF_GROUP_AT + """
"""

# Counted per owner before the owners' groups are joined: a join of a few thousand rows, not of
# every stalled deal (~160k at 1M deals: 8 ms).
_COUNTED = """
SELECT s.stage, g.group_id AS owner_group_id, sum(s.deals)::BIGINT AS deals
FROM (SELECT stage, owner_staff_id, count(*) AS deals FROM stalled GROUP BY ALL) s
LEFT JOIN staff_group g ON g.staff_id = s.owner_staff_id
GROUP BY ALL"""
_COUNTS = _COUNTED + """ ORDER BY s.stage, owner_group_id NULLS LAST
"""

# stalled_deals' order: the longest overrun first (no ratio when the threshold is 0: first), then
# the most days, then deal_id (open_deals_in_stage's order, which pandas' stable sort keeps).
# Within a stage the threshold is one number, so its longest overruns are its most days: the
# n-th most days of each stage bounds the candidates before they are numbered (a window over
# every stalled deal cost 60 ms at 1M deals).
_FIRSTS = """, floors AS (
    SELECT stage, list_min(max(days_in_stage, ?)) AS floor FROM stalled GROUP BY stage
), firsts AS (
    SELECT s.*, s.days_in_stage / CASE WHEN s.p75_days > 0 THEN s.p75_days END AS over_p75
    FROM stalled s JOIN floors k ON k.stage = s.stage AND s.days_in_stage >= k.floor
    QUALIFY row_number() OVER (PARTITION BY s.stage ORDER BY s.days_in_stage DESC, s.deal_id) <= ?
)"""
_LISTED = """
SELECT f.deal_id, f.customer_id, c.name AS customer, f.owner_staff_id, st.name AS owner, f.group_id,
       g.group_id AS owner_group_id, f.stage, f.stage_since, f.days_in_stage, f.p75_days,
       f.days_in_stage AS days, f.over_p75
FROM firsts f LEFT JOIN customers c ON c.customer_id = f.customer_id
LEFT JOIN staff st ON st.staff_id = f.owner_staff_id
LEFT JOIN staff_group g ON g.staff_id = f.owner_staff_id"""
_LIST = _FIRSTS + _LISTED + """
ORDER BY f.over_p75 DESC NULLS FIRST, f.days_in_stage DESC, f.deal_id
"""
# Both in one result (stalled_deal_counts_and_list): the list's rows, then the counts', each in
# its own order; integer columns come back as floats where the other part has NULLs.
_BOTH = _FIRSTS + """, listed AS (""" + _LISTED + """
), counted AS (""" + _COUNTED + """
)
SELECT 'list' AS part, row_number() OVER (ORDER BY over_p75 DESC NULLS FIRST, days_in_stage DESC, deal_id) AS seq, *
FROM listed
UNION ALL BY NAME
SELECT 'counts' AS part, row_number() OVER (ORDER BY stage, owner_group_id NULLS LAST) AS seq, * FROM counted
ORDER BY part DESC, seq
"""
_COUNT_COLUMNS = {"stage": None, "owner_group_id": None, "deals": "int64"}
_LIST_COLUMNS = {"deal_id": None, "customer_id": None, "customer": None, "owner_staff_id": None, "owner": None,
                 "group_id": None, "owner_group_id": None, "stage": None, "stage_since": None,
                 "days_in_stage": "int64", "p75_days": None, "days": "int64", "over_p75": None}


def _stalled_sql(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date,
                 thresholds: Thresholds) -> tuple[str, list]:
    clause, params = member_clause(filters, **FILTER_COLUMNS["created"], owner="d.owner_staff_id")
    cutoff = datetime.combine(as_of + timedelta(days=1), time())
    stages, limits = [s for s, _ in thresholds], [float(p) for _, p in thresholds]
    dated = _DATED_STORED if facts_current(con) else _DATED_SCANNED
    sql = dated.format(customers=customer_join(filters), clause=clause) + _STALLED
    return sql, [stages, limits, cutoff, *params, as_of, as_of, as_of, as_of]


def stalled_deal_counts(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date,
                        thresholds: Thresholds) -> pd.DataFrame:
    """Stalled open deals per stage and owner's group: stage, owner_group_id, deals.

    `thresholds`: (stage, p75_days) pairs (analytics.funnel.stall_thresholds); a deal is stalled
    when its whole days in its current stage exceed its stage's threshold, as in
    analytics.funnel.stalled_deals. owner_group_id is the owner's group on `as_of` (NULL: none).
    Member filters apply; the date window does not. No threshold: an empty frame.
    """
    sql, params = _stalled_sql(con, filters, as_of, thresholds)
    return frame(con, sql + _COUNTS, params)


def stalled_deal_list(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date,
                      thresholds: Thresholds, *, per_stage: int = 200) -> pd.DataFrame:
    """The first `per_stage` stalled deals of each stage, in analytics.funnel.stalled_deals' order
    and with its columns (open_deals_in_stage's, then p75_days, days, over_p75).

    The first n rows of the whole list are the first n of stalled_deals for any n ≤ per_stage;
    a stage's first rows likewise. Counts: stalled_deal_counts.
    """
    sql, params = _stalled_sql(con, filters, as_of, thresholds)
    return frame(con, sql + _LIST, [*params, per_stage, per_stage])


def stalled_deal_counts_and_list(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date,
                                 thresholds: Thresholds, *, per_stage: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(stalled_deal_counts(…), stalled_deal_list(…, per_stage=per_stage)), the same frames, from
    one query that finds the stalled deals once (each of the two scans every deal and the
    stage history for them: ~40 ms apiece at 1M deals)."""
    sql, params = _stalled_sql(con, filters, as_of, thresholds)
    rows = frame(con, sql + _BOTH, [*params, per_stage, per_stage])
    return union_part(rows, "counts", _COUNT_COLUMNS), union_part(rows, "list", _LIST_COLUMNS)
