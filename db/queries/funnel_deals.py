"""The deals behind one bar of the stage funnel: the deals that *reached* a stage.

`ui.drilldown.show_deals` selects deals by their current (furthest) stage; a funnel bar counts
every deal that reached the stage or any later one. This query uses exactly the rules of
`db.queries.funnel.stage_reach_counts`, so the list behind a bar has as many rows as the bar
(tests/db/test_queries_funnel_deals.py checks it stage by stage on the demo):

- a deal with canonical stage events reached stage k when it logged k or a later stage, at the
  earliest such event;
- a deal without any (a snapshot import) is inferred to have reached every stage up to its
  current one: the current stage at stage_entered_at (else created_at), earlier ones at
  created_at;
- basis 'cohort': deals created in the window (whenever they reached k); basis 'period': deals
  that reached k inside the window (whenever they were created).

Columns are those of `db.deal_lists.deal_list` plus reached_at, so the drill-down's display
frame (`ui.drilldown.deal_display_frame`) shows both the same way.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import FILTER_COLUMNS, frame, stage_list, window_bounds
from domain import STAGES

_REACHED = """
WITH scope AS (
    SELECT d.deal_id, d.stage, d.created_at, d.stage_entered_at
    FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
    WHERE TRUE{cohort}{clause}{group}
), ranks AS (
    SELECT unnest(?::VARCHAR[]) AS stage, generate_subscripts(?::VARCHAR[], 1) - 1 AS position
), history AS (
    SELECT DISTINCT e.deal_id
    FROM stage_events e JOIN scope s ON s.deal_id = e.deal_id JOIN ranks r ON r.stage = e.to_stage
), logged AS (
    SELECT e.deal_id, min(e.entered_at) AS reached_at
    FROM stage_events e JOIN scope s ON s.deal_id = e.deal_id JOIN ranks r ON r.stage = e.to_stage
    WHERE r.position >= ?
    GROUP BY e.deal_id
), inferred AS (
    SELECT s.deal_id,
           CASE WHEN cur.position = ? THEN coalesce(s.stage_entered_at, s.created_at)
                ELSE least(s.created_at, coalesce(s.stage_entered_at, s.created_at)) END AS reached_at
    FROM scope s JOIN ranks cur ON cur.stage = s.stage
    WHERE cur.position >= ? AND s.deal_id NOT IN (SELECT deal_id FROM history)
), reached AS (
    SELECT deal_id, reached_at FROM logged
    UNION ALL SELECT deal_id, reached_at FROM inferred
)
SELECT d.deal_id, d.customer_id, c.name AS customer_name, c.phone, st.name AS consultant,
       g.name AS group_name, d.stage, d.source_stage, d.outcome, d.created_at,
       coalesce(d.won_at, d.lost_at) AS closed_at, d.amount, d.lost_reason,
       c.source_channel, c.customer_type, x.reached_at
FROM reached x JOIN deals d ON d.deal_id = x.deal_id
LEFT JOIN customers c ON c.customer_id = d.customer_id
LEFT JOIN staff st ON st.staff_id = d.owner_staff_id
LEFT JOIN groups g ON g.group_id = d.group_id
WHERE TRUE{period}
ORDER BY x.reached_at DESC, d.deal_id
LIMIT ?
"""


def deals_reaching_stage(con: duckdb.DuckDBPyConnection, filters: Filters, stage: str, *,
                         basis: str = "cohort", group_id: str | None = None,
                         limit: int = 500) -> pd.DataFrame:
    """Deals that reached `stage` (or a later one) under `basis`, latest arrival first.

    `group_id` narrows to the group that created the deal (deals.group_id, as the funnel's
    `by='group'`); member filters apply to the deal as in stage_reach_counts. At most `limit`
    rows. An unknown stage or basis raises ValueError.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; expected one of {STAGES}")
    if basis not in ("cohort", "period"):
        raise ValueError(f"basis must be 'cohort' or 'period', not {basis!r}")
    t0, t1 = window_bounds(filters)
    clause, member_params = member_clause(filters, **FILTER_COLUMNS["created"], owner="d.owner_staff_id")
    cohort, cohort_params = (" AND d.created_at >= ? AND d.created_at < ?", [t0, t1]) \
        if basis == "cohort" else ("", [])
    period, period_params = (" AND x.reached_at >= ? AND x.reached_at < ?", [t0, t1]) \
        if basis == "period" else ("", [])
    group, group_params = (" AND d.group_id = ?", [group_id]) if group_id else ("", [])
    position = STAGES.index(stage)
    sql = _REACHED.format(cohort=cohort, clause=clause, group=group, period=period)
    params = [*cohort_params, *member_params, *group_params, stage_list(), stage_list(),
              position, position, position, *period_params, limit]
    return frame(con, sql, params)
