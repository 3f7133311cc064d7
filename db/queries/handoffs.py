"""Hand-offs between stage-based groups (初期接触组 → 跟进组 → 成交组), from ownership history.

A hand-off is an ownership change of a deal in the window whose previous and new owners were,
at that moment, members of two different groups with basis 'stage'. Group membership is looked
up in memberships at the change's date (the precomputed deal columns only know created/closed).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import frame, stage_list, window_bounds
from domain import PHASES, STAGE_PHASE, STAGES

_GROUP_AT = """(SELECT m.group_id FROM memberships m WHERE m.staff_id = o.{who}
       AND m.valid_from <= CAST(o.changed_at AS DATE)
       AND (m.valid_to IS NULL OR CAST(o.changed_at AS DATE) < m.valid_to)
     ORDER BY m.valid_from DESC LIMIT 1)"""


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
    t0, t1 = window_bounds(filters)
    clause, params = member_clause(filters, project="d.project_id", group=None, customer="c")
    groups_clause = ""
    if filters.group_ids:
        marks = ", ".join("?" * len(filters.group_ids))
        groups_clause = f" AND (h.from_group IN ({marks}) OR h.to_group IN ({marks}))"
    phases, phase_ends = _phase_ends()
    return frame(con, f"""
        WITH owners AS (
            SELECT o.deal_id, o.changed_at, d.stage AS current_stage,
                   {_GROUP_AT.format(who='from_staff_id')} AS from_group,
                   {_GROUP_AT.format(who='to_staff_id')} AS to_group
            FROM ownership_events o JOIN deals d ON d.deal_id = o.deal_id
            LEFT JOIN customers c ON c.customer_id = d.customer_id
            WHERE o.changed_at >= ? AND o.changed_at < ?{clause}
        ), phase_end AS (
            SELECT unnest(?::VARCHAR[]) AS phase, unnest(?::INTEGER[]) AS last_position
        ), handoffs AS (
            SELECT h.*, gf.phase AS from_phase, gt.phase AS to_phase, pe.last_position,
                   gf.sort_order AS from_order, gt.sort_order AS to_order
            FROM owners h JOIN groups gf ON gf.group_id = h.from_group AND gf.basis = 'stage'
            JOIN groups gt ON gt.group_id = h.to_group AND gt.basis = 'stage'
            LEFT JOIN phase_end pe ON pe.phase = gf.phase
            WHERE h.from_group <> h.to_group{groups_clause}
        ), outcomes AS (
            SELECT h.*,
                   EXISTS (SELECT 1 FROM stage_events e WHERE e.deal_id = h.deal_id
                             AND list_position(?::VARCHAR[], e.to_stage) IS NOT NULL) AS has_history,
                   (SELECT max(list_position(?::VARCHAR[], e.to_stage)) FROM stage_events e
                     WHERE e.deal_id = h.deal_id AND e.entered_at <= h.changed_at) AS position_at,
                   (SELECT max(list_position(?::VARCHAR[], e.to_stage)) FROM stage_events e
                     WHERE e.deal_id = h.deal_id AND e.entered_at > h.changed_at) AS position_after,
                   (SELECT min(a.occurred_at) FROM activities a WHERE a.deal_id = h.deal_id
                     AND a.group_id = h.to_group AND a.occurred_at >= h.changed_at) AS first_touch_at
            FROM handoffs h
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
    """, [t0, t1, *params, phases, phase_ends, *filters.group_ids, *filters.group_ids,
          stage_list(), stage_list(), stage_list(), stage_list()])
