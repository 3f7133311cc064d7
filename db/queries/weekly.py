"""The weekly meeting's "what changed" lists, each as of a moment (point in time), not as of now.

Event lists (first visits, stage moves, ownership changes) take the events dated in [start, end].
State lists (stalled deals, overdue follow-ups, overdue signings and payments) take the state at
the end of day `as_of`: a deal counts as open then when it was created before and neither won
nor lost by then, its stage is the last stage it had entered by then, its owner the one the
ownership history names at that moment. So last week's lists read the same when computed later
(as long as no backdated history is imported; the frozen snapshot covers that case).

Member filters (project, creating group, customer attributes) apply; the filters' date window
does not. Customer names and phones are returned as stored; masking happens in the UI.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import FILTER_COLUMNS, customer_join, frame, stage_list
from db.queries.facts import facts_current


def _moment(day: date) -> datetime:
    """The end of `day`: midnight starting the next day (timestamps strictly before it count)."""
    return datetime.combine(day + timedelta(days=1), time())


def _members(filters: Filters) -> tuple[str, list]:
    return member_clause(filters, **FILTER_COLUMNS["created"])


# The owner of each deal and the owner's group at a moment ? (three placeholders: moment, moment,
# day). Ownership history: the last change before the moment, else the first change's "from",
# else the deal's current owner.
_OWNER_AT = """
owners AS (
    SELECT deal_id, arg_max(to_staff_id, changed_at) FILTER (WHERE changed_at < ?) AS last_to,
           arg_min(from_staff_id, changed_at) FILTER (WHERE changed_at >= ?) AS next_from
    FROM ownership_events GROUP BY deal_id
), member_at AS (
    SELECT staff_id, arg_max(group_id, valid_from) AS group_id FROM memberships
    WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) GROUP BY staff_id
)"""

# Deals open at the moment ?, with stage and stage_since as then (placeholders: stages, stages,
# moment, moment, moment, moment, + member params).
_OPEN_AT = """
stage_at AS (
    SELECT deal_id, to_stage AS stage, entered_at AS stage_since FROM (
        SELECT e.deal_id, e.to_stage, e.entered_at,
               row_number() OVER (PARTITION BY e.deal_id
                                  ORDER BY e.entered_at DESC, list_position(?, e.to_stage) DESC) AS k
        FROM stage_events e WHERE list_position(?, e.to_stage) IS NOT NULL AND e.entered_at < ?)
    WHERE k = 1
), open_at AS (
    SELECT d.deal_id, d.customer_id, c.name AS customer, d.group_id, d.project_id, d.owner_staff_id,
           coalesce(s.stage, d.stage) AS stage,
           coalesce(s.stage_since, d.stage_entered_at, d.created_at) AS stage_since
    FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
    LEFT JOIN stage_at s ON s.deal_id = d.deal_id
    WHERE d.created_at < ? AND (d.won_at IS NULL OR d.won_at >= ?) AND (d.lost_at IS NULL OR d.lost_at >= ?)
      AND NOT (d.outcome <> 'open' AND d.won_at IS NULL AND d.lost_at IS NULL)
      AND (s.stage IS NOT NULL OR d.stage IS NOT NULL){clause}
)"""

# Who held a deal (a row with deal_id, owner_staff_id under alias x) at the moment: name, group.
_HOLDER = "coalesce(o.last_to, o.next_from, x.owner_staff_id)"
_HOLDER_COLUMNS = f"{_HOLDER} AS owner_staff_id, st.name AS owner, m.group_id AS owner_group_id"
_HOLDER_JOINS = f"""LEFT JOIN owners o ON o.deal_id = x.deal_id
LEFT JOIN staff st ON st.staff_id = {_HOLDER}
LEFT JOIN member_at m ON m.staff_id = {_HOLDER}"""


def _open_at_params(as_of: date, member_params: list) -> list:
    moment = _moment(as_of)
    return [moment, moment, as_of, as_of, stage_list(), stage_list(), moment, moment, moment, moment,
            *member_params]


def open_deals_at(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date) -> pd.DataFrame:
    """Deals open at the end of `as_of`, as open_deals_in_stage shapes them but point in time.

    Columns: deal_id, customer_id, customer, group_id, owner_staff_id, owner, owner_group_id,
    stage (the last stage entered by then; without history the deal's stage), stage_since,
    days_in_stage (whole days from stage_since's date to as_of). Longest stays first.
    """
    clause, params = _members(filters)
    return frame(con, f"""
        WITH {_OWNER_AT}, {_OPEN_AT.format(clause=clause)}
        SELECT x.deal_id, x.customer_id, x.customer, x.group_id, {_HOLDER_COLUMNS}, x.stage, x.stage_since,
               date_diff('day', CAST(x.stage_since AS DATE), ?::DATE) AS days_in_stage
        FROM open_at x {_HOLDER_JOINS}
        ORDER BY days_in_stage DESC, x.deal_id
    """, [*_open_at_params(as_of, params), as_of])


def stage_durations_at(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date) -> pd.DataFrame:
    """stage, n, median_days, p75_days of the stays that began and ended before the end of `as_of`.

    Like db.queries.stage_durations over all history, but blind to what happened later, so a
    week's stalled list is judged by the thresholds known at the time.
    """
    moment = _moment(as_of)
    if facts_current(con):
        # A stay counts when it had ended by the moment: entered + its length (whole seconds).
        clause, params = member_clause(filters, project="f.project_id", group="f.group_id", customer="f")
        return frame(con, f"""
            SELECT stage, count(*)::BIGINT AS n, median(stay_days) AS median_days,
                   quantile_cont(stay_days, 0.75) AS p75_days
            FROM kpi_facts f WHERE f.fact = 'stay' AND f.moment < ?
              AND f.moment + to_seconds(CAST(round(f.stay_days * 86400) AS BIGINT)) < ?{clause}
            GROUP BY stage ORDER BY list_position(?, stage)
        """, [moment, moment, *params, stage_list()])
    clause, params = _members(filters)
    return frame(con, f"""
        WITH stays AS (
            SELECT e.to_stage AS stage, e.entered_at,
                   lead(e.entered_at) OVER (PARTITION BY e.deal_id
                                            ORDER BY e.entered_at, list_position(?, e.to_stage)) AS left_at
            FROM stage_events e JOIN deals d ON d.deal_id = e.deal_id
            {customer_join(filters)}
            WHERE list_position(?, e.to_stage) IS NOT NULL AND e.entered_at < ?{clause}
        )
        SELECT stage, count(*)::BIGINT AS n,
               median(date_diff('second', entered_at, left_at) / 86400.0) AS median_days,
               quantile_cont(date_diff('second', entered_at, left_at) / 86400.0, 0.75) AS p75_days
        FROM stays WHERE left_at IS NOT NULL GROUP BY stage ORDER BY list_position(?, stage)
    """, [stage_list(), stage_list(), moment, *params, stage_list()])


def overdue_followups_at(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date) -> pd.DataFrame:
    """Deals open at the end of `as_of` whose planned follow-up day had passed by then.

    The plan in force is the next_follow_at of the deal's latest activity by then (an activity on
    the deal or, without a deal, on its customer); a deal without any activity keeps its own
    next_follow_at. Overdue when the planned day is before as_of: no activity has happened since.
    Columns: deal_id, customer_id, customer, group_id, owner_staff_id, owner, owner_group_id,
    stage, next_follow_at, days_overdue (as_of − the planned day). Most overdue first.
    """
    clause, params = _members(filters)
    moment = _moment(as_of)
    return frame(con, f"""
        WITH {_OWNER_AT}, {_OPEN_AT.format(clause=clause)},
        touches AS (
            SELECT x.deal_id, a.occurred_at, a.next_follow_at FROM open_at x
            JOIN activities a ON a.deal_id = x.deal_id WHERE a.occurred_at < ?
            UNION ALL
            SELECT x.deal_id, a.occurred_at, a.next_follow_at FROM open_at x
            JOIN activities a ON a.deal_id IS NULL AND a.customer_id = x.customer_id WHERE a.occurred_at < ?
        ), plans AS (
            SELECT deal_id, arg_max_null(next_follow_at, occurred_at) AS planned FROM touches GROUP BY deal_id
        )
        SELECT * FROM (
            SELECT x.deal_id, x.customer_id, x.customer, x.group_id, {_HOLDER_COLUMNS}, x.stage,
                   CASE WHEN p.deal_id IS NULL THEN d.next_follow_at ELSE p.planned END AS next_follow_at,
                   date_diff('day', CAST(CASE WHEN p.deal_id IS NULL THEN d.next_follow_at ELSE p.planned END
                                         AS DATE), ?::DATE) AS days_overdue
            FROM open_at x JOIN deals d ON d.deal_id = x.deal_id
            LEFT JOIN plans p ON p.deal_id = x.deal_id {_HOLDER_JOINS})
        WHERE days_overdue > 0
        ORDER BY days_overdue DESC, deal_id
    """, [*_open_at_params(as_of, params), moment, moment, as_of])


def stage_without_next_at(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date, *,
                          entered: str, missing: str, days: int) -> pd.DataFrame:
    """Deals that entered stage `entered` more than `days` days before `as_of` and had not entered
    `missing` by the end of as_of (nor been lost by then): subscriptions not signed, contracts
    not paid. Needs stage history (a deal without it is not listed).

    Columns: deal_id, customer_id, customer, group_id, owner_staff_id, owner, owner_group_id,
    entered_at (first entry into `entered`), days_since (as_of − that day), amount. Oldest first.
    """
    clause, params = _members(filters)
    moment = _moment(as_of)
    return frame(con, f"""
        WITH {_OWNER_AT}, reached AS (
            SELECT deal_id, min(entered_at) FILTER (WHERE to_stage = ?) AS entered_at,
                   count(*) FILTER (WHERE to_stage = ?) AS next_entries
            FROM stage_events WHERE entered_at < ? GROUP BY deal_id
        ), scoped AS (
            SELECT d.*, c.name AS customer FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
            WHERE (d.lost_at IS NULL OR d.lost_at >= ?){clause}
        )
        SELECT x.deal_id, x.customer_id, x.customer, x.group_id, {_HOLDER_COLUMNS},
               r.entered_at, date_diff('day', CAST(r.entered_at AS DATE), ?::DATE) AS days_since, x.amount
        FROM scoped x JOIN reached r ON r.deal_id = x.deal_id {_HOLDER_JOINS}
        WHERE r.entered_at IS NOT NULL AND r.next_entries = 0
          AND date_diff('day', CAST(r.entered_at AS DATE), ?::DATE) > ?
        ORDER BY days_since DESC, x.deal_id
    """, [moment, moment, as_of, as_of, entered, missing, moment, moment, *params, as_of, as_of, days])


def first_visits_between(con: duckdb.DuckDBPyConnection, filters: Filters, start: date,
                         end: date) -> pd.DataFrame:
    """First visits (activities of kind first_visit) on days start..end: activity_id, deal_id,
    customer_id, customer, occurred_at, staff_id, staff, group_id (the visit's group), source_channel."""
    clause, params = member_clause(filters, **FILTER_COLUMNS["activity"])
    return frame(con, f"""
        SELECT a.activity_id, a.deal_id, a.customer_id, c.name AS customer, a.occurred_at, a.staff_id,
               st.name AS staff, a.group_id, c.source_channel
        FROM activities a LEFT JOIN deals ad ON ad.deal_id = a.deal_id
        LEFT JOIN customers c ON c.customer_id = a.customer_id
        LEFT JOIN staff st ON st.staff_id = a.staff_id
        WHERE a.kind = 'first_visit' AND a.occurred_at >= ? AND a.occurred_at < ?{clause}
        ORDER BY a.occurred_at, a.activity_id
    """, [_moment(start - timedelta(days=1)), _moment(end), *params])


def stage_moves_between(con: duckdb.DuckDBPyConnection, filters: Filters, start: date, end: date) -> pd.DataFrame:
    """Stage changes logged on days start..end: deal_id, customer_id, customer, entered_at,
    from_stage, to_stage, staff_id, staff (who moved it; else the deal's owner), group_id."""
    clause, params = _members(filters)
    return frame(con, f"""
        SELECT e.deal_id, d.customer_id, c.name AS customer, e.entered_at, e.from_stage, e.to_stage,
               coalesce(e.staff_id, d.owner_staff_id) AS staff_id, st.name AS staff, d.group_id
        FROM stage_events e JOIN deals d ON d.deal_id = e.deal_id
        LEFT JOIN customers c ON c.customer_id = d.customer_id
        LEFT JOIN staff st ON st.staff_id = coalesce(e.staff_id, d.owner_staff_id)
        WHERE e.entered_at >= ? AND e.entered_at < ?{clause}
        ORDER BY e.entered_at, e.deal_id
    """, [_moment(start - timedelta(days=1)), _moment(end), *params])


def ownership_changes_between(con: duckdb.DuckDBPyConnection, filters: Filters, start: date,
                              end: date) -> pd.DataFrame:
    """Ownership changes on days start..end: deal_id, customer_id, customer, changed_at,
    from_staff, to_staff (names), from_group_id, to_group_id (their groups that day), stage (the
    deal's stage now)."""
    clause, params = _members(filters)
    return frame(con, f"""
        SELECT o.deal_id, d.customer_id, c.name AS customer, o.changed_at,
               sf.name AS from_staff, stt.name AS to_staff,
               (SELECT arg_max(m.group_id, m.valid_from) FROM memberships m WHERE m.staff_id = o.from_staff_id
                  AND m.valid_from <= CAST(o.changed_at AS DATE)
                  AND (m.valid_to IS NULL OR m.valid_to > CAST(o.changed_at AS DATE))) AS from_group_id,
               (SELECT arg_max(m.group_id, m.valid_from) FROM memberships m WHERE m.staff_id = o.to_staff_id
                  AND m.valid_from <= CAST(o.changed_at AS DATE)
                  AND (m.valid_to IS NULL OR m.valid_to > CAST(o.changed_at AS DATE))) AS to_group_id,
               d.stage
        FROM ownership_events o JOIN deals d ON d.deal_id = o.deal_id
        LEFT JOIN customers c ON c.customer_id = d.customer_id
        LEFT JOIN staff sf ON sf.staff_id = o.from_staff_id
        LEFT JOIN staff stt ON stt.staff_id = o.to_staff_id
        WHERE o.changed_at >= ? AND o.changed_at < ?{clause}
        ORDER BY o.changed_at, o.deal_id
    """, [_moment(start - timedelta(days=1)), _moment(end), *params])


def staff_at(con: duckdb.DuckDBPyConnection, day: date) -> pd.DataFrame:
    """staff_id, name, role, group_id (the group they were in on `day`, else NULL)."""
    return frame(con, """
        SELECT st.staff_id, st.name, st.role,
               (SELECT arg_max(m.group_id, m.valid_from) FROM memberships m WHERE m.staff_id = st.staff_id
                  AND m.valid_from <= ?::DATE AND (m.valid_to IS NULL OR m.valid_to > ?::DATE)) AS group_id
        FROM staff st ORDER BY st.staff_id
    """, [day, day])
