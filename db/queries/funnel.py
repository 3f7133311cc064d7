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
    dimension_sql,
    frame,
    quoted,
    stage_list,
    window_bounds,
)

BASES = ("cohort", "period")

_REACH = """
WITH scope AS (
    SELECT d.deal_id, d.stage, d.created_at, d.stage_entered_at, {dim} AS {by_col}
    FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
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
    sql = _REACH.format(dim=dimension_sql(by, "created"), by_col=by_col, cohort=cohort, clause=clause,
                        entered_in=entered_in, reached_in=reached_in, size=size, size_source=size_source)
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
    clause, params = member_clause(filters, **FILTER_COLUMNS["created"])
    return frame(con, f"""
        WITH stays AS (
            SELECT e.to_stage AS stage, e.entered_at,
                   lead(e.entered_at) OVER (PARTITION BY e.deal_id
                                            ORDER BY e.entered_at, list_position(?, e.to_stage)) AS left_at
            FROM stage_events e JOIN deals d ON d.deal_id = e.deal_id
            LEFT JOIN customers c ON c.customer_id = d.customer_id
            WHERE list_position(?, e.to_stage) IS NOT NULL{clause}
        )
        SELECT stage, count(*)::BIGINT AS n,
               median(date_diff('second', entered_at, left_at) / 86400.0) AS median_days,
               quantile_cont(date_diff('second', entered_at, left_at) / 86400.0, 0.75) AS p75_days
        FROM stays WHERE left_at IS NOT NULL AND entered_at >= ? AND entered_at < ?
        GROUP BY stage ORDER BY list_position(?, stage)
    """, [stage_list(), stage_list(), *params, t0, t1, stage_list()])


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
        FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
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
    clause, params = member_clause(filters, **FILTER_COLUMNS["created"])
    cutoff = datetime.combine(as_of + timedelta(days=1), time())
    return frame(con, f"""
        WITH open_deals AS (
            SELECT d.deal_id, d.customer_id, c.name AS customer, d.owner_staff_id, st.name AS owner,
                   d.group_id, (SELECT m.group_id FROM memberships m WHERE m.staff_id = d.owner_staff_id
                     AND m.valid_from <= ?::DATE AND (m.valid_to IS NULL OR m.valid_to > ?::DATE)
                   ORDER BY m.valid_from DESC LIMIT 1) AS owner_group_id, d.stage,
                   coalesce(d.stage_entered_at,
                            (SELECT max(e.entered_at) FROM stage_events e
                              WHERE e.deal_id = d.deal_id AND e.to_stage = d.stage),
                            d.created_at) AS stage_since
            FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
            LEFT JOIN staff st ON st.staff_id = d.owner_staff_id
            WHERE d.outcome = 'open' AND d.stage IS NOT NULL AND d.created_at < ?{clause}
        )
        SELECT *, date_diff('day', CAST(stage_since AS DATE), ?::DATE) AS days_in_stage
        FROM open_deals WHERE date_diff('day', CAST(stage_since AS DATE), ?::DATE) >= ?
        ORDER BY days_in_stage DESC, deal_id
    """, [as_of, as_of, cutoff, *params, as_of, as_of, min_days])
