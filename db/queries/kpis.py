"""The additive KPI aggregates, one row per dimension value, computed in one DuckDB query.

`kpi_aggregates` returns sums and counts only (plus one median); ratios are formed afterwards by
analytics.kpis.kpi_table, sum-then-divide, so that any roll-up of these rows stays correct.
"""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import (
    FILTER_COLUMNS,
    TIME_DIMENSIONS,
    SqlParts,
    as_dimensions,
    dimension_sql,
    frame,
    quoted,
    window_bounds,
)
from db.queries.facts import facts_current
from domain import VISIT_KINDS

# Roles in a group that do not sell: they do not count in per-capita figures.
NON_SELLING_ROLES = ("analyst", "manager")
FOLLOWUP_HOURS = 24
DEFAULT_CONVERSION_DAYS = 90

_FOLLOWUPS_RECORDED = "(SELECT count(*) FROM (SELECT 1 FROM activities WHERE kind <> 'first_visit' LIMIT 1))"
# Output columns: (name, SQL aggregate over the facts, value when a dimension has no facts).
_AGGREGATES = (
    ("deals", "sum(deals)::BIGINT", "0"),
    ("visits", "sum(visits)::BIGINT", "0"),
    ("first_visits", "sum(first_visits)::BIGINT", "0"),
    ("first_visits_won", "sum(first_visits_won)::BIGINT", "0"),
    ("won_deals", "sum(won_deals)::BIGINT", "0"),
    ("lost_deals", "sum(lost_deals)::BIGINT", "0"),
    ("won_amount", "sum(won_amount)::DOUBLE", "0.0"),
    ("cycle_days_median", "median(cycle_days)::DOUBLE", "NULL"),
    ("csat_sum", "sum(csat_sum)::BIGINT", "0"),
    ("csat_sumsq", "sum(csat_sumsq)::BIGINT", "0"),
    ("csat_n", "sum(csat_n)::BIGINT", "0"),
    ("nps_promoters", "sum(nps_promoters)::BIGINT", "0"),
    ("nps_detractors", "sum(nps_detractors)::BIGINT", "0"),
    ("nps_n", "sum(nps_n)::BIGINT", "0"),
    # Deals whose follow-up can be judged: none while no follow-up record (an activity other than
    # a first visit) was ever imported, e.g. deal exports alone; timeliness is then "—", not 0%.
    ("followup_n", f"(sum(followup_n) * {_FOLLOWUPS_RECORDED})::BIGINT", "0"),
    ("followup_on_time", "sum(followup_on_time)::BIGINT", "0"),
)
# Every measure column (headcount only for 'group' and 'total').
AGGREGATE_COLUMNS: tuple[str, ...] = (*(name for name, _, _ in _AGGREGATES), "headcount")


def _filtered(filters: Filters, fact: str) -> tuple[str, list]:
    return member_clause(filters, **FILTER_COLUMNS[fact])


def _helper_ctes(q: SqlParts, filters: Filters, conversion_days: int) -> None:
    """CTEs `on_time` (deals followed up within 24 h) and `visit_won` (first visits won in N days).

    An activity belongs to a deal through deal_id or, when it has none, through the customer.
    The visit that opens a deal (kind first_visit) is not its follow-up; a follow-up is any other
    activity in (created_at, created_at + 24 h]. Only activities that can be such a follow-up
    (up to 24 h after the window) and only won deals' first visits are read.
    """
    t0, t1 = window_bounds(filters)
    t1_follow = t1 + timedelta(hours=FOLLOWUP_HOURS)
    q.add(f"""WITH touches AS (
        SELECT a.deal_id, a.occurred_at FROM activities a
        WHERE a.deal_id IS NOT NULL AND a.kind <> 'first_visit' AND a.occurred_at > ? AND a.occurred_at <= ?
        UNION ALL
        SELECT d2.deal_id, a.occurred_at FROM activities a JOIN deals d2 ON d2.customer_id = a.customer_id
        WHERE a.deal_id IS NULL AND a.kind <> 'first_visit' AND a.occurred_at > ? AND a.occurred_at <= ?
    ), on_time AS (
        SELECT DISTINCT d.deal_id FROM deals d JOIN touches t ON t.deal_id = d.deal_id
        WHERE d.created_at >= ? AND d.created_at < ? AND t.occurred_at > d.created_at
          AND t.occurred_at <= d.created_at + INTERVAL {FOLLOWUP_HOURS} HOUR
    ), first_visit_deals AS (
        SELECT a.activity_id, a.occurred_at, d.outcome, d.won_at FROM activities a
        JOIN deals d ON d.deal_id = a.deal_id AND d.outcome = 'won'
        WHERE a.kind = 'first_visit' AND a.occurred_at >= ? AND a.occurred_at < ?
        UNION ALL
        SELECT a.activity_id, a.occurred_at, d.outcome, d.won_at FROM activities a
        JOIN deals d ON a.deal_id IS NULL AND d.customer_id = a.customer_id AND d.outcome = 'won'
        WHERE a.kind = 'first_visit' AND a.occurred_at >= ? AND a.occurred_at < ?
    ), visit_won AS (
        SELECT DISTINCT activity_id FROM first_visit_deals
        WHERE outcome = 'won' AND CAST(won_at AS DATE)
              BETWEEN CAST(occurred_at AS DATE) AND CAST(occurred_at AS DATE) + ?
    )""", [t0, t1_follow, t0, t1_follow, t0, t1, t0, t1, t0, t1, conversion_days])


def needed_joins(filters: Filters, dims: tuple[str, ...], customer_dims: tuple[str, ...] = ()) -> tuple[bool, bool]:
    """(customers, fact deals): whether the fact queries must join the customer, and (for activities
    and surveys) the deal, for these dimensions and filters.

    Both are LEFT JOINs on a primary key (at most one row each), so leaving out one whose columns
    nothing reads changes no count; each costs a hash table of the whole table (1M rows: ~0.1 s).
    """
    customers = bool(filters.source_channels or filters.customer_types
                     or {"source", "customer_type", *customer_dims} & set(dims))
    deals = customers or bool(filters.project_ids) or "project" in dims
    return customers, deals


def _fact_queries(q: SqlParts, filters: Filters, dims: tuple[str, ...]) -> None:
    """The `facts` CTE: one row per counted fact, with its dimension values and measures."""
    t0, t1 = window_bounds(filters)
    customers, fact_deals = needed_joins(filters, dims)
    join_c = "LEFT JOIN customers c ON c.customer_id = d.customer_id" if customers else ""

    def select_dims(fact: str) -> str:
        return ", ".join(f"{dimension_sql(d, fact)} AS {quoted(d)}" for d in dims)

    def fact_joins(alias: str, deal: str) -> str:
        joins = f"LEFT JOIN deals {deal} ON {deal}.deal_id = {alias}.deal_id" if fact_deals else ""
        if customers:
            joins += f" LEFT JOIN customers c ON c.customer_id = coalesce({alias}.customer_id, {deal}.customer_id)"
        return joins

    clause, params = _filtered(filters, "created")
    q.add(f""", facts AS (
        SELECT {select_dims('created')}, 1 AS deals, 1 AS followup_n,
               (ot.deal_id IS NOT NULL)::INTEGER AS followup_on_time
        FROM deals d {join_c}
        LEFT JOIN on_time ot ON ot.deal_id = d.deal_id
        WHERE d.created_at >= ? AND d.created_at < ?{clause}""", [t0, t1, *params])
    clause, params = _filtered(filters, "closed")
    q.add(f"""UNION ALL BY NAME
        SELECT {select_dims('closed')}, (d.outcome = 'won')::INTEGER AS won_deals,
               (d.outcome = 'lost')::INTEGER AS lost_deals,
               CASE WHEN d.outcome = 'won' THEN coalesce(d.amount, 0) END AS won_amount,
               CASE WHEN d.outcome = 'won' THEN date_diff('day', CAST(d.created_at AS DATE),
                                                          CAST(d.won_at AS DATE)) END AS cycle_days
        FROM deals d {join_c}
        WHERE ((d.outcome = 'won' AND d.won_at >= ? AND d.won_at < ?)
            OR (d.outcome = 'lost' AND d.lost_at >= ? AND d.lost_at < ?)){clause}""",
          [t0, t1, t0, t1, *params])
    clause, params = _filtered(filters, "activity")
    q.add(f"""UNION ALL BY NAME
        SELECT {select_dims('activity')}, 1 AS visits, (a.kind = 'first_visit')::INTEGER AS first_visits,
               (vw.activity_id IS NOT NULL)::INTEGER AS first_visits_won
        FROM activities a {fact_joins('a', 'ad')}
        LEFT JOIN visit_won vw ON vw.activity_id = a.activity_id
        WHERE a.occurred_at >= ? AND a.occurred_at < ?
          AND a.kind IN ({', '.join('?' * len(VISIT_KINDS))}){clause}""", [t0, t1, *VISIT_KINDS, *params])
    clause, params = _filtered(filters, "survey")
    q.add(f"""UNION ALL BY NAME
        SELECT {select_dims('survey')}, s.csat AS csat_sum, s.csat * s.csat AS csat_sumsq,
               (s.csat IS NOT NULL)::INTEGER AS csat_n, (s.nps >= 9)::INTEGER AS nps_promoters,
               (s.nps <= 6)::INTEGER AS nps_detractors, (s.nps IS NOT NULL)::INTEGER AS nps_n
        FROM surveys s {fact_joins('s', 'sd')}
        WHERE s.answered_at >= ? AND s.answered_at < ?{clause}
    )""", [t0, t1, *params])


# The facts CTE's measures from kpi_facts (db/queries/facts.py): the columns _fact_queries gives.
_FACT_MEASURES = """f.deals, f.deals AS followup_n, f.followup_on_time, f.won_deals, f.lost_deals, f.won_amount,
    f.cycle_days, f.visits, f.first_visits,
    CASE WHEN f.fact = 'activity' THEN coalesce(f.first_won_days <= ?, false)::INTEGER END AS first_visits_won,
    f.csat AS csat_sum, f.csat * f.csat AS csat_sumsq,
    CASE WHEN f.fact = 'survey' THEN (f.csat IS NOT NULL)::INTEGER END AS csat_n,
    (f.nps >= 9)::INTEGER AS nps_promoters, (f.nps <= 6)::INTEGER AS nps_detractors,
    CASE WHEN f.fact = 'survey' THEN (f.nps IS NOT NULL)::INTEGER END AS nps_n"""
# A dimension's value on a kpi_facts row (the fact's own attribution was stored with it).
_FACT_DIMENSIONS = {"group": "f.group_id", "staff": "f.staff_id", "project": "f.project_id",
                    "source": "f.source_channel", "customer_type": "f.customer_type", "total": "'total'"}


def fact_dimension_sql(dimension: str) -> str:
    """The SQL of `dimension` on a kpi_facts row `f` (time dimensions from its moment)."""
    if dimension in TIME_DIMENSIONS:
        return dimension_sql(dimension, "created").replace("d.created_at", "f.moment")
    return _FACT_DIMENSIONS[dimension]


def stored_facts_cte(q: SqlParts, filters: Filters, conversion_days: int, select_dims: str,
                     join: str = "") -> None:
    """`WITH facts AS (…)` from kpi_facts: the rows of _fact_queries, read instead of joined.

    `select_dims` is the dimension SELECT list over `f` (and `join`'s aliases). 'reach' rows are
    left out: they measure nothing, and each has its deal's 'created' row beside it with the same
    moment and dimensions (db/queries/facts.py builds them together), so no row or number changes;
    they are a third of a window's facts (kpi_aggregates by group at 1M deals: 30 -> 27 ms).
    'stay' rows measure nothing either, and their moment (a stage's entry) has no 'created' row
    beside it: kept, a day with only a stay gave a row of zeros the tables do not give.
    """
    t0, t1 = window_bounds(filters)
    clause, params = member_clause(filters, project="f.project_id", group="f.group_id", customer="f")
    q.add(f"""WITH facts AS (
        SELECT {select_dims}, {_FACT_MEASURES}
        FROM kpi_facts f {join}
        WHERE f.moment >= ? AND f.moment < ? AND f.fact NOT IN ('reach', 'stay'){clause})""", [conversion_days, t0, t1, *params])


def _keys_cte(q: SqlParts, filters: Filters, dims: tuple[str, ...]) -> bool:
    """A `keys` CTE listing dimension values that must appear even without facts; False if none.

    Groups (every group the filters allow: an empty group shows as zeros, its rates as NaN),
    each week/month of the window, and the single 'total' row.
    """
    if len(dims) != 1:
        return False
    dim = dims[0]
    if dim == "group":
        clause, params = member_clause(filters, project=None, group="g.group_id", customer=None)
        projects = ""
        if filters.project_ids:
            projects = f" AND (g.project_id IS NULL OR g.project_id IN ({', '.join('?' * len(filters.project_ids))}))"
        q.add(f""", keys AS (SELECT g.group_id AS "group" FROM groups g WHERE TRUE{clause}{projects})""",
              [*params, *filters.project_ids])
        return True
    if dim in ("week", "month"):
        q.add(f""", keys AS (SELECT CAST(k AS DATE) AS {quoted(dim)} FROM generate_series(
              CAST(date_trunc('{dim}', ?::DATE) AS TIMESTAMP), CAST(?::DATE AS TIMESTAMP),
              INTERVAL 1 {dim.upper()}) AS t(k))""",
              [filters.start, filters.end])
        return True
    if dim == "total":
        q.add(""", keys AS (SELECT 'total' AS "total")""")
        return True
    return False


def _headcount_cte(q: SqlParts, filters: Filters, dims: tuple[str, ...]) -> bool:
    """Add a `headcount` CTE (aliased h when joined) for the group and total dimensions.

    Headcount = distinct staff with a membership overlapping the window in a selling role; a
    consultant who moved groups mid-window counts in both. Other dimensions have no headcount.
    """
    if dims not in (("group",), ("total",)):
        return False
    clause, params = member_clause(filters, project=None, group="m.group_id", customer=None)
    key = 'm.group_id AS "group"' if dims == ("group",) else "'total' AS \"total\""
    q.add(f""", headcount AS (
        SELECT {key}, count(DISTINCT m.staff_id) AS headcount FROM memberships m
        WHERE m.valid_from <= ? AND (m.valid_to IS NULL OR m.valid_to > ?)
          AND m.role_in_group NOT IN ({', '.join('?' * len(NON_SELLING_ROLES))}){clause}
        GROUP BY ALL)""", [filters.end, filters.start, *NON_SELLING_ROLES, *params])
    return True


# Joined to a result with a "group" column to sort its rows by the groups' sort_order: a join of
# 400 rows, not a subquery per row (4 of kpi_aggregates' ~25 ms at 1M deals).
GROUP_ORDER_JOIN = """ LEFT JOIN (SELECT group_id AS order_group_id, sort_order AS group_sort_order FROM groups)
    group_order ON group_order.order_group_id = "group" """


def group_order_join(dims: tuple[str, ...]) -> str:
    """GROUP_ORDER_JOIN when `dims` has a group, else nothing (see _order_by)."""
    return GROUP_ORDER_JOIN if "group" in dims else ""


def _order_by(dims: tuple[str, ...]) -> str:
    """Dimension order: groups by their sort_order (the rows joined with group_order_join),
    everything else by value; NULLs last."""
    terms = []
    for d in dims:
        if d == "group":
            terms.append("group_order.group_sort_order NULLS LAST")
        terms.append(f"{quoted(d)} NULLS LAST")
    return ", ".join(terms)


def kpi_aggregates(con: duckdb.DuckDBPyConnection, filters: Filters,
                   by: str | tuple[str, ...] = "total", *,
                   conversion_days: int = DEFAULT_CONVERSION_DAYS) -> pd.DataFrame:
    """Additive KPI inputs per value of `by`, for facts dated in [filters.start, filters.end].

    `by`: 'group', 'staff', 'project', 'source', 'customer_type', 'week', 'month', 'day',
    'total', or a tuple of them (e.g. ('group', 'day') for pacing). One column per dimension,
    named after it (ids: group_id, staff_id, project_id, source_channel, customer_type; week/month
    /day as datetime64 of the period's first day, weeks starting Monday; 'total' = "total").

    Measures (each on its own date basis, DOMAIN.md):
      deals, followup_n (deals created), followup_on_time (of those, followed up within 24 h);
      won_deals, won_amount, cycle_days_median (won_at; calendar days created→won, median);
      lost_deals (lost_at); visits, first_visits (activities of a visit kind, occurred_at);
      first_visits_won (first visits whose customer's deal was won within `conversion_days`);
      csat_sum, csat_sumsq, csat_n, nps_promoters (9-10), nps_detractors (0-6), nps_n (answered_at);
      headcount (by 'group' and 'total' only: selling members during the window).
    A won deal without an amount adds 0 to won_amount. Rows with a NULL dimension (unattributed
    facts) are kept. Every group, every week/month of the window and the total row appear even
    without facts (zeros; cycle_days_median NaN).
    """
    dims = as_dimensions(by)
    q = SqlParts()
    if facts_current(con):
        stored_facts_cte(q, filters, conversion_days,
                         ", ".join(f"{fact_dimension_sql(d)} AS {quoted(d)}" for d in dims))
    else:
        _helper_ctes(q, filters, conversion_days)
        _fact_queries(q, filters, dims)
    has_keys = _keys_cte(q, filters, dims)
    with_headcount = _headcount_cte(q, filters, dims)
    dim_cols = ", ".join(quoted(d) for d in dims)
    q.add(f""", totals AS (
        SELECT {dim_cols}, {', '.join(f'{sql} AS {name}' for name, sql, _ in _AGGREGATES)}
        FROM facts GROUP BY ALL)""")
    source = f"totals FULL JOIN keys USING ({dim_cols})" if has_keys else "totals"
    measures = ", ".join(f"coalesce({name}, {empty}) AS {name}" for name, _, empty in _AGGREGATES)
    if with_headcount:
        source += f" LEFT JOIN headcount h USING ({dim_cols})"
        measures += ", coalesce(h.headcount, 0)::BIGINT AS headcount"
    q.add(f"SELECT {dim_cols}, {measures} FROM {source}{group_order_join(dims)} ORDER BY {_order_by(dims)}")
    result = frame(con, q.text, q.params)
    dates = [d for d in dims if d in TIME_DIMENSIONS]
    return result.assign(**{d: pd.to_datetime(result[d]) for d in dates}) if dates else result
