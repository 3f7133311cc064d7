"""Hand-offs between stage-based groups (初期接触组 → 跟进组 → 成交组), from ownership history.

A hand-off is an ownership change of a deal in the window whose previous and new owners were,
at that moment, members of two different groups with basis 'stage'. Group membership is looked
up in memberships at the change's date (the precomputed deal columns only know created/closed).
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import customer_join, frame, stage_list, window_bounds
from domain import PHASES, STAGE_PHASE, STAGES


def _phase_ends() -> tuple[list[str], list[int]]:
    """Each phase with the 1-based position of its last stage (what the sender had to reach)."""
    return list(PHASES), [max(STAGES.index(s) + 1 for s in STAGES if STAGE_PHASE[s] == p) for p in PHASES]


def handoff_aggregates(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Per (from_group, to_group): hand-offs in the window and what the receiving group did.

    Columns: from_group, to_group, from_phase, to_phase, handed_on (hand-offs, changed_at in
    the window), moved_on (of those, deals that later reached a stage beyond the one they were
    at when handed on), first_touched (hand-offs followed by an activity of the receiving group on
    the deal), first_touch_hours_median (median hours from hand-off to that first activity).
    The stage at hand-off is the furthest logged stage by then; for a deal without stage
    history it is taken as the last stage of the sender's phase, and "moved on" means its
    current stage lies beyond it. Filters: project and customer of the deal; groups match
    either side of the hand-off.
    """
    t0, _ = window_bounds(filters)
    sql, params = _handoffs_sql(filters)
    # Joins over the window's hand-offs only (a subquery per hand-off ran over all of
    # stage_events and activities: 0.25 s per call at 1M deals).
    return frame(con, sql + """        ), touches AS (
            SELECT h.deal_id, h.changed_at, min(a.occurred_at) AS first_touch_at
            FROM handoffs h JOIN activities a ON a.deal_id = h.deal_id AND a.group_id = h.to_group
             AND a.occurred_at >= h.changed_at
            WHERE a.occurred_at >= ?   -- the window's start: lets the scan skip older row groups
            GROUP BY h.deal_id, h.changed_at
        ), outcomes AS (
            SELECT h.*, coalesce(x.has_history, false) AS has_history, x.position_at, x.position_after,
                   t.first_touch_at
            FROM handoffs h LEFT JOIN history x ON x.deal_id = h.deal_id AND x.changed_at = h.changed_at
            LEFT JOIN touches t ON t.deal_id = h.deal_id AND t.changed_at = h.changed_at
        )
        SELECT from_group, to_group, any_value(from_phase) AS from_phase, any_value(to_phase) AS to_phase,
               count(*)::BIGINT AS handed_on,
               count(*) FILTER (WHERE CASE WHEN has_history
                   THEN coalesce(position_after > coalesce(position_at, 0), false)
                   ELSE coalesce(list_position(?::VARCHAR[], current_stage) > last_position, false)
                   END)::BIGINT AS moved_on,
               count(first_touch_at)::BIGINT AS first_touched,
               median(date_diff('second', changed_at, first_touch_at) / 3600.0) AS first_touch_hours_median
        FROM outcomes GROUP BY from_group, to_group
        ORDER BY min(from_order), min(to_order), from_group, to_group
    """, [*params, t0, stage_list()])


def monthly_handoff_counts(con: duckdb.DuckDBPyConnection, first: date, last: date) -> pd.DataFrame:
    """month, group (the sending group), handed_on, moved_on: handoff_aggregates' two counts per
    calendar month of the hand-off (summed over receivers), for the days `first` to `last`.

    One pass over the span: a handoff_aggregates call per month cost 0.1-0.2 s each at 1M deals,
    and these counts need neither the receivers' first touches nor a filter.
    """
    sql, params = _handoffs_sql(Filters(first, last))
    return frame(con, sql + """
        )
        SELECT date_trunc('month', h.changed_at)::TIMESTAMP AS month, h.from_group AS "group",
               count(*)::BIGINT AS handed_on,
               count(*) FILTER (WHERE CASE WHEN coalesce(x.has_history, false)
                   THEN coalesce(x.position_after > coalesce(x.position_at, 0), false)
                   ELSE coalesce(list_position(?::VARCHAR[], h.current_stage) > h.last_position, false)
                   END)::BIGINT AS moved_on
        FROM handoffs h LEFT JOIN history x ON x.deal_id = h.deal_id AND x.changed_at = h.changed_at
        GROUP BY ALL ORDER BY month, "group"
    """, [*params, stage_list()])


def _handoffs_sql(filters: Filters) -> tuple[str, list]:
    """The CTEs up to `history`: each hand-off of the window with its groups, phases and stages."""
    t0, t1 = window_bounds(filters)
    clause, params = member_clause(filters, project="d.project_id", group=None, customer="c")
    groups_clause = ""
    if filters.group_ids:
        marks = ", ".join("?" * len(filters.group_ids))
        groups_clause = f" AND (h.from_group IN ({marks}) OR h.to_group IN ({marks}))"
    phases, phase_ends = _phase_ends()
    return f"""
        WITH changes AS (
            SELECT o.deal_id, o.changed_at, o.from_staff_id, o.to_staff_id, d.stage AS current_stage
            FROM ownership_events o JOIN deals d ON d.deal_id = o.deal_id
            {customer_join(filters)}
            WHERE o.changed_at >= ? AND o.changed_at < ?{clause}
        ), owners AS (
            -- each side's group on the day of the change: the stint that started last (one row
            -- per change: (deal_id, changed_at) is the table's key)
            SELECT c.deal_id, c.changed_at, c.current_stage,
                   arg_max(mf.group_id, mf.valid_from) AS from_group, arg_max(mt.group_id, mt.valid_from) AS to_group
            FROM changes c
            LEFT JOIN memberships mf ON mf.staff_id = c.from_staff_id AND mf.valid_from <= CAST(c.changed_at AS DATE)
             AND (mf.valid_to IS NULL OR CAST(c.changed_at AS DATE) < mf.valid_to)
            LEFT JOIN memberships mt ON mt.staff_id = c.to_staff_id AND mt.valid_from <= CAST(c.changed_at AS DATE)
             AND (mt.valid_to IS NULL OR CAST(c.changed_at AS DATE) < mt.valid_to)
            GROUP BY c.deal_id, c.changed_at, c.current_stage
        ), phase_end AS (
            SELECT unnest(?::VARCHAR[]) AS phase, unnest(?::INTEGER[]) AS last_position
        ), handoffs AS (
            SELECT h.*, gf.phase AS from_phase, gt.phase AS to_phase, pe.last_position,
                   gf.sort_order AS from_order, gt.sort_order AS to_order
            FROM owners h JOIN groups gf ON gf.group_id = h.from_group AND gf.basis = 'stage'
            JOIN groups gt ON gt.group_id = h.to_group AND gt.basis = 'stage'
            LEFT JOIN phase_end pe ON pe.phase = gf.phase
            WHERE h.from_group <> h.to_group{groups_clause}
        ), events AS (
            SELECT e.deal_id, e.entered_at, list_position(?::VARCHAR[], e.to_stage) AS position
            FROM stage_events e WHERE e.deal_id IN (SELECT deal_id FROM handoffs)
        ), history AS (
            SELECT h.deal_id, h.changed_at, count(*) > 0 AS has_history,
                   max(e.position) FILTER (WHERE e.entered_at <= h.changed_at) AS position_at,
                   max(e.position) FILTER (WHERE e.entered_at > h.changed_at) AS position_after
            FROM handoffs h JOIN events e ON e.deal_id = h.deal_id
            WHERE e.position IS NOT NULL
            GROUP BY h.deal_id, h.changed_at
    """, [t0, t1, *params, phases, phase_ends, *filters.group_ids, *filters.group_ids, stage_list()]
