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
from db.queries.facts import facts_current
from domain import PHASES, STAGE_PHASE, STAGES

# Whether hand-off `h` (with last_position, the sender's phase's last stage) moved on, from its
# deal's `progress` row `p` (see _handoffs_sql).
_MOVED_ON = """CASE WHEN p.furthest_at IS NOT NULL THEN p.furthest_at > h.changed_at
                    ELSE coalesce(p.current_position > h.last_position, false) END"""
# `progress` from deal_progress (kept with kpi_facts): a lookup.
_PROGRESS_STORED = """progress AS (
            SELECT p.* FROM deal_progress p WHERE p.deal_id IN (SELECT deal_id FROM handoffs)"""
# `progress` from the tables: one group per deal over its events, not a join of each hand-off
# with each event of its deal (700k rows at 1M deals); the key orders by position, then earliest
# first, as db.queries.facts._logged's. The deals without history: their current stage.
_PROGRESS_SCANNED = """history AS (
            SELECT e.deal_id,
                   arg_max(e.entered_at, list_position(?::VARCHAR[], e.to_stage) * 10000000000000000
                                         - epoch_us(e.entered_at)) AS furthest_at
            FROM stage_events e
            WHERE e.deal_id IN (SELECT deal_id FROM handoffs) AND list_position(?::VARCHAR[], e.to_stage) IS NOT NULL
            GROUP BY e.deal_id
        ), progress AS (
            SELECT x.deal_id, x.furthest_at, NULL::INTEGER AS current_position FROM history x
            UNION ALL
            SELECT d.deal_id, NULL, list_position(?::VARCHAR[], d.stage) FROM deals d
            WHERE d.deal_id IN (SELECT h.deal_id FROM handoffs h ANTI JOIN history x ON x.deal_id = h.deal_id)"""


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
    sql, params = _handoffs_sql(con, filters)
    # Joins over the window's hand-offs only (a subquery per hand-off ran over all of
    # stage_events and activities: 0.25 s per call at 1M deals).
    return frame(con, sql + f"""        ), touches AS (
            SELECT h.deal_id, h.changed_at, min(a.occurred_at) AS first_touch_at
            FROM handoffs h JOIN activities a ON a.deal_id = h.deal_id AND a.group_id = h.to_group
             AND a.occurred_at >= h.changed_at
            WHERE a.occurred_at >= ?   -- the window's start: lets the scan skip older row groups
            GROUP BY h.deal_id, h.changed_at
        ), outcomes AS (
            SELECT h.*, {_MOVED_ON} AS moved_on, t.first_touch_at
            FROM handoffs h LEFT JOIN progress p ON p.deal_id = h.deal_id
            LEFT JOIN touches t ON t.deal_id = h.deal_id AND t.changed_at = h.changed_at
        )
        SELECT from_group, to_group, any_value(from_phase) AS from_phase, any_value(to_phase) AS to_phase,
               count(*)::BIGINT AS handed_on, count(*) FILTER (WHERE moved_on)::BIGINT AS moved_on,
               count(first_touch_at)::BIGINT AS first_touched,
               median(date_diff('second', changed_at, first_touch_at) / 3600.0) AS first_touch_hours_median
        FROM outcomes GROUP BY from_group, to_group
        ORDER BY min(from_order), min(to_order), from_group, to_group
    """, [*params, t0])


def monthly_handoff_counts(con: duckdb.DuckDBPyConnection, first: date, last: date) -> pd.DataFrame:
    """month, group (the sending group), handed_on, moved_on: handoff_aggregates' two counts per
    calendar month of the hand-off (summed over receivers), for the days `first` to `last`.

    One pass over the span: a handoff_aggregates call per month cost 0.1-0.2 s each at 1M deals,
    and these counts need neither the receivers' first touches nor a filter.
    """
    sql, params = _handoffs_sql(con, Filters(first, last))
    return frame(con, sql + f"""
        )
        SELECT date_trunc('month', h.changed_at)::TIMESTAMP AS month, h.from_group AS "group",
               count(*)::BIGINT AS handed_on, count(*) FILTER (WHERE {_MOVED_ON})::BIGINT AS moved_on
        FROM handoffs h LEFT JOIN progress p ON p.deal_id = h.deal_id
        GROUP BY ALL ORDER BY month, "group"
    """, params)


def _handoffs_sql(con: duckdb.DuckDBPyConnection, filters: Filters) -> tuple[str, list]:
    """The CTEs up to `progress`: each hand-off of the window with its groups, phases and stages.

    `progress`: per deal of those hand-offs, furthest_at (with canonical stage history: the
    first entry into the furthest stage it ever reached) or current_position (without: its
    current stage's 1-based position). Every stage logged up to a hand-off lies at or before the
    furthest one logged by then, so a stage beyond that one was logged after the hand-off exactly
    when furthest_at > changed_at ("moved on", _MOVED_ON). From deal_progress when kpi_facts is
    current (kept with it: a lookup), else from the stage history (~80 ms at 1M deals).
    """
    stored = facts_current(con)
    t0, t1 = window_bounds(filters)
    clause, params = member_clause(filters, project="d.project_id", group=None, customer="c")
    groups_clause = ""
    if filters.group_ids:
        marks = ", ".join("?" * len(filters.group_ids))
        groups_clause = f" AND (h.from_group IN ({marks}) OR h.to_group IN ({marks}))"
    phases, phase_ends = _phase_ends()
    # The deal's row only for its project and customer filters: its current stage matters only
    # to hand-offs without stage history (`undated`), and joining every change with deals cost
    # ~25 ms at 1M deals.
    deals = f"JOIN deals d ON d.deal_id = o.deal_id {customer_join(filters)}" if clause else ""
    return f"""
        WITH changes AS (
            SELECT o.deal_id, o.changed_at, o.from_staff_id, o.to_staff_id
            FROM ownership_events o {deals}
            WHERE o.changed_at >= ? AND o.changed_at < ?{clause}
        ), bounds AS (
            SELECT staff_id, valid_from AS since FROM memberships
            UNION SELECT staff_id, valid_to FROM memberships WHERE valid_to IS NOT NULL
        ), spans AS (
            -- each person's group from each day a stint starts or ends until the next such day:
            -- of the stints covering the day, the one that started last (NULL: none); replaces a
            -- join of every change with every stint of both people and an arg_max per change (~0.1 s)
            SELECT b.staff_id, b.since, lead(b.since) OVER (PARTITION BY b.staff_id ORDER BY b.since) AS until,
                   arg_max(m.group_id, m.valid_from) AS group_id
            FROM bounds b LEFT JOIN memberships m ON m.staff_id = b.staff_id AND m.valid_from <= b.since
             AND (m.valid_to IS NULL OR b.since < m.valid_to)
            GROUP BY b.staff_id, b.since
        ), stage_spans AS (
            SELECT s.staff_id, s.since, s.until, s.group_id, g.phase, g.sort_order
            FROM spans s JOIN groups g ON g.group_id = s.group_id AND g.basis = 'stage'
        ), owners AS (
            -- each side's group on the day of the change, when it is a stage group: a person's
            -- spans do not overlap, so each side matches at most one
            SELECT c.deal_id, c.changed_at, sf.group_id AS from_group, st.group_id AS to_group,
                   sf.phase AS from_phase, st.phase AS to_phase, sf.sort_order AS from_order, st.sort_order AS to_order
            FROM changes c
            JOIN stage_spans sf ON sf.staff_id = c.from_staff_id AND sf.since <= CAST(c.changed_at AS DATE)
             AND (sf.until IS NULL OR CAST(c.changed_at AS DATE) < sf.until)
            JOIN stage_spans st ON st.staff_id = c.to_staff_id AND st.since <= CAST(c.changed_at AS DATE)
             AND (st.until IS NULL OR CAST(c.changed_at AS DATE) < st.until)
            WHERE sf.group_id <> st.group_id
        ), phase_end AS (
            SELECT unnest(?::VARCHAR[]) AS phase, unnest(?::INTEGER[]) AS last_position
        ), handoffs AS (
            SELECT h.*, pe.last_position
            FROM owners h LEFT JOIN phase_end pe ON pe.phase = h.from_phase
            WHERE TRUE{groups_clause}
        ), {_PROGRESS_STORED if stored else _PROGRESS_SCANNED}
    """, [t0, t1, *params, phases, phase_ends, *filters.group_ids, *filters.group_ids,
          *([] if stored else [stage_list(), stage_list(), stage_list()])]
