"""Stage funnel aggregates: how many deals reached each stage, time in stage, open deals' age.

A deal *reached* stage k when it entered k or any later stage (the funnel is monotone: a deal
that went from first visit straight to subscription passed revisit and pledge). It *entered* k
when the history logs k itself. History is stage_events; a deal without any canonical stage
event (a snapshot import) is inferred: it reached every stage up to its current one, the
current stage at stage_entered_at (else created_at), the earlier ones at created_at.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import (
    FILTER_COLUMNS,
    TIME_DIMENSIONS,
    customer_join,
    dimension_sql,
    frame,
    owner_group_sql,
    quoted,
    stage_list,
    window_bounds,
)
from db.queries.facts import REACHED_STAGES, facts_current
from db.queries.kpis import fact_dimension_sql

BASES = ("cohort", "period")

# How both queries end: each value of `by` with its deal count, and its counts per stage (0 where none).
_SIZED_COUNTS = """
), sizes AS (
    SELECT {by_col}, {size} AS deals FROM {size_source} GROUP BY ALL
)
SELECT k.{by_col}, r.stage, r.position, k.deals,
       coalesce(n.entered, 0)::BIGINT AS entered, coalesce(n.reached, 0)::BIGINT AS reached,
       coalesce(n.inferred, 0)::BIGINT AS inferred
FROM sizes k CROSS JOIN ranks r
LEFT JOIN counted n ON n.{by_col} IS NOT DISTINCT FROM k.{by_col} AND n.position = r.position
ORDER BY k.{by_col} NULLS LAST, r.position
"""

_REACH = """
WITH scope AS (
    SELECT d.deal_id, d.stage, d.created_at, d.stage_entered_at, {dim} AS {by_col}
    FROM deals d {customers}
    WHERE TRUE{cohort}{clause}
), ranks AS (
    SELECT unnest(?::VARCHAR[]) AS stage, generate_subscripts(?::VARCHAR[], 1) - 1 AS position
), logged AS (
    SELECT e.deal_id, r.position, min(e.entered_at) AS entered_at, false AS inferred
    FROM stage_events e JOIN scope s ON s.deal_id = e.deal_id JOIN ranks r ON r.stage = e.to_stage
    GROUP BY ALL
), inferred AS (
    SELECT s.deal_id, r.position,
           CASE WHEN r.position = cur.position THEN coalesce(s.stage_entered_at, s.created_at)
                ELSE s.created_at END AS entered_at, true AS inferred
    FROM scope s JOIN ranks cur ON cur.stage = s.stage JOIN ranks r ON r.position <= cur.position
    WHERE s.deal_id NOT IN (SELECT deal_id FROM logged)
), entries AS (
    SELECT deal_id, position, entered_at, inferred FROM logged
    UNION ALL SELECT deal_id, position, entered_at, inferred FROM inferred
), reach AS (
    SELECT e.deal_id, r.position, min(e.entered_at) AS reached_at,
           min(e.entered_at) FILTER (WHERE e.position = r.position) AS entered_at,
           bool_or(e.inferred) AS inferred
    FROM entries e JOIN ranks r ON r.position <= e.position
    GROUP BY ALL
), counted AS (
    SELECT s.{by_col}, x.position,
           count(*) FILTER (WHERE {entered_in}) AS entered,
           count(*) FILTER (WHERE {reached_in}) AS reached,
           count(*) FILTER (WHERE x.inferred AND {reached_in}) AS inferred
    FROM reach x JOIN scope s ON s.deal_id = x.deal_id
    GROUP BY ALL
""" + _SIZED_COUNTS


# The same counts from kpi_facts' 'created' rows and each deal's reached stages with its
# created-at dimensions (db/queries/facts.py: REACHED_STAGES).
_REACH_FACTS = """
WITH ranks AS (
    SELECT unnest(?::VARCHAR[]) AS stage, generate_subscripts(?::VARCHAR[], 1) - 1 AS position
), scope AS (
    SELECT f.fact_id AS deal_id, {dim} AS {by_col} FROM kpi_facts f WHERE f.fact = 'created'{cohort}{clause}
), x AS (
    SELECT f.fact_id AS deal_id, f.position, f.reached_at, f.entered_at, f.inferred, {dim} AS {by_col}
    FROM (""" + REACHED_STAGES.replace("{", "{{").replace("}", "}}") + """) f WHERE TRUE{cohort}{clause}
), counted AS (
    SELECT {by_col}, x.position,
           count(*) FILTER (WHERE {entered_in}) AS entered,
           count(*) FILTER (WHERE {reached_in}) AS reached,
           count(*) FILTER (WHERE x.inferred AND {reached_in}) AS inferred
    FROM x GROUP BY ALL
""" + _SIZED_COUNTS


def stage_reach_counts(con: duckdb.DuckDBPyConnection, filters: Filters, *, basis: str = "cohort",
                       by: str = "total") -> pd.DataFrame:
    """Per value of `by` and canonical stage: deals, entered, reached, inferred.

    basis 'cohort': deals created in the window, counted at every stage they ever reached.
    basis 'period': stage arrivals in the window (a deal counts at stage k if it reached k
    within the window, whenever it was created); `by` 'week'/'month' is cohort-only.
    deals: cohort size (every deal created, including deals that never reached a canonical
    stage) or, for 'period', deals that reached any stage in the window. entered: the stage
    itself was logged (or inferred). inferred: of `reached`, deals without stage history.
    Member filters apply to the deal (its project, creating group, customer).
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, not {basis!r}")
    if basis == "period" and by in TIME_DIMENSIONS:
        raise ValueError("a period funnel has no creation cohort: use basis='cohort' for week/month")
    t0, t1 = window_bounds(filters)
    clause, params = member_clause(filters, **FILTER_COLUMNS["created"])
    by_col = quoted(by)
    stages = stage_list()
    if basis == "cohort":
        cohort, cohort_params = " AND d.created_at >= ? AND d.created_at < ?", [t0, t1]
        entered_in, reached_in, window_params = "x.entered_at IS NOT NULL", "TRUE", []
        size, size_source, size_params = "count(*)", "scope", []
    else:
        cohort, cohort_params = "", []
        entered_in = "x.entered_at >= ? AND x.entered_at < ?"
        reached_in = "x.reached_at >= ? AND x.reached_at < ?"
        window_params = [t0, t1, t0, t1, t0, t1]
        size = "count(DISTINCT x.deal_id)"
        size_source = ("reach x JOIN scope USING (deal_id) WHERE x.reached_at >= ? AND x.reached_at < ?")
        size_params = [t0, t1]
    if facts_current(con):
        clause, params = member_clause(filters, project="f.project_id", group="f.group_id", customer="f")
        sql = _REACH_FACTS.format(dim=fact_dimension_sql(by), by_col=by_col, cohort=cohort.replace("d.created_at", "f.moment"),
                                  clause=clause, entered_in=entered_in, reached_in=reached_in, size=size,
                                  size_source="scope" if basis == "cohort" else
                                  "x WHERE x.reached_at >= ? AND x.reached_at < ?")
        args = [stages, stages, *cohort_params, *params, *cohort_params, *params, *window_params, *size_params]
        result = frame(con, sql, args)
    else:
        customers = ("LEFT JOIN customers c ON c.customer_id = d.customer_id"
                     if by in ("source", "customer_type") else customer_join(filters))
        sql = _REACH.format(dim=dimension_sql(by, "created"), by_col=by_col, cohort=cohort, clause=clause,
                            customers=customers, entered_in=entered_in, reached_in=reached_in, size=size,
                            size_source=size_source)
        result = frame(con, sql, [*cohort_params, *params, stages, stages, *window_params, *size_params])
    result = result.assign(basis=basis)
    return result.assign(**{by: pd.to_datetime(result[by])}) if by in TIME_DIMENSIONS else result


def stage_durations(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Time spent in each stage by logged stays entered in the window: stage, n, median_days, p75_days.

    A stay runs from a stage event to the deal's next stage event (forward or backward); the
    last stay of a deal is unfinished and not counted. Days are fractional. Stages without any
    finished stay in the window are absent. Deals without history contribute nothing.
    """
    t0, t1 = window_bounds(filters)
    if facts_current(con):
        clause, params = member_clause(filters, project="f.project_id", group="f.group_id", customer="f")
        # Both quantiles from one sort of each stage's stays (a median and a P75: two; 22 -> 13 ms
        # over 0.8M stays at 1M deals); the median is the interpolated 0.5 quantile.
        return frame(con, f"""
            SELECT stage, n, q[1] AS median_days, q[2] AS p75_days FROM (
                SELECT stage, count(*)::BIGINT AS n, quantile_cont(stay_days, [0.5, 0.75]) AS q
                FROM kpi_facts f WHERE f.fact = 'stay' AND f.moment >= ? AND f.moment < ?{clause}
                GROUP BY stage)
            ORDER BY list_position(?, stage)
        """, [t0, t1, *params, stage_list()])
    clause, params = member_clause(filters, **FILTER_COLUMNS["created"])
    # Only the deals with an entry in the window matter (a stay's end is its own deal's next
    # entry); the window function then sorts those deals' history instead of all of it.
    return frame(con, f"""
        WITH stays AS (
            SELECT e.to_stage AS stage, e.entered_at,
                   lead(e.entered_at) OVER (PARTITION BY e.deal_id
                                            ORDER BY e.entered_at, list_position(?, e.to_stage)) AS left_at
            FROM stage_events e JOIN deals d ON d.deal_id = e.deal_id
            {customer_join(filters)}
            WHERE list_position(?, e.to_stage) IS NOT NULL{clause}
              AND e.deal_id IN (SELECT deal_id FROM stage_events WHERE entered_at >= ? AND entered_at < ?)
        )
        SELECT stage, count(*)::BIGINT AS n,
               median(date_diff('second', entered_at, left_at) / 86400.0) AS median_days,
               quantile_cont(date_diff('second', entered_at, left_at) / 86400.0, 0.75) AS p75_days
        FROM stays WHERE left_at IS NOT NULL AND entered_at >= ? AND entered_at < ?
        GROUP BY stage ORDER BY list_position(?, stage)
    """, [stage_list(), stage_list(), *params, t0, t1, t0, t1, stage_list()])


def cycle_time(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Overall cycle of deals won in the window (won_at; closing group): n, median_days, p75_days.

    Days are calendar days from the created date to the won date (as median_cycle_days).
    """
    t0, t1 = window_bounds(filters)
    clause, params = member_clause(filters, **FILTER_COLUMNS["closed"])
    return frame(con, f"""
        SELECT count(*)::BIGINT AS n,
               median(date_diff('day', CAST(d.created_at AS DATE), CAST(d.won_at AS DATE)))::DOUBLE AS median_days,
               quantile_cont(date_diff('day', CAST(d.created_at AS DATE), CAST(d.won_at AS DATE)), 0.75)::DOUBLE
                 AS p75_days
        FROM deals d {customer_join(filters)}
        WHERE d.outcome = 'won' AND d.won_at >= ? AND d.won_at < ?{clause}
    """, [t0, t1, *params])


def open_deals_in_stage(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date, *,
                        min_days: float = 0.0) -> pd.DataFrame:
    """Open deals created by `as_of` with the time in their current stage, oldest stays first.

    Columns: deal_id, customer_id, customer (name), owner_staff_id, owner (name), group_id
    (where the deal was created), owner_group_id (the owner's group at as_of: who holds it now),
    stage, stage_since (stage_entered_at, else the last logged entry into the stage, else
    created_at), days_in_stage (whole days from stage_since's date to as_of). Only stays of at
    least `min_days` are returned (a pre-filter that keeps the frame small). Member filters apply;
    the date window does not (a stalled deal may be old).
    """
    clause, params = member_clause(filters, **FILTER_COLUMNS["created"], owner="d.owner_staff_id")
    cutoff = datetime.combine(as_of + timedelta(days=1), time())
    # Joins, not a subquery per deal: the owner's group (owner_group_sql) and, for the deals
    # without stage_entered_at only, their last logged entry into the current stage.
    return frame(con, f"""
        WITH open_deals AS (
            SELECT d.deal_id, d.customer_id, c.name AS customer, d.owner_staff_id, st.name AS owner,
                   d.group_id, d.stage, d.stage_entered_at, d.created_at
            FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
            LEFT JOIN staff st ON st.staff_id = d.owner_staff_id
            WHERE d.outcome = 'open' AND d.stage IS NOT NULL AND d.created_at < ?{clause}
        ), logged AS (
            SELECT e.deal_id, max(e.entered_at) AS entered_at FROM stage_events e
            JOIN open_deals o ON o.deal_id = e.deal_id AND o.stage = e.to_stage AND o.stage_entered_at IS NULL
            GROUP BY e.deal_id
        ), owner_group AS ({owner_group_sql('open_deals')}
        ), stays AS (
            SELECT o.deal_id, o.customer_id, o.customer, o.owner_staff_id, o.owner, o.group_id,
                   og.group_id AS owner_group_id, o.stage,
                   coalesce(o.stage_entered_at, l.entered_at, o.created_at) AS stage_since
            FROM open_deals o LEFT JOIN logged l ON l.deal_id = o.deal_id
            LEFT JOIN owner_group og ON og.deal_id = o.deal_id
        )
        SELECT *, date_diff('day', CAST(stage_since AS DATE), ?::DATE) AS days_in_stage
        FROM stays WHERE date_diff('day', CAST(stage_since AS DATE), ?::DATE) >= ?
        ORDER BY days_in_stage DESC, deal_id
    """, [cutoff, *params, as_of, as_of, as_of, as_of, min_days])
