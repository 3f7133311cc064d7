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

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import FILTER_COLUMNS, customer_join, frame, stage_list, union_part
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

# Deals open at the moment ?, with stage and stage_since as then (placeholders: moment × 3,
# member params, stages, stages, moment; see _open_at_params). Customer names are joined by the
# callers to the rows they return (a join of every customer to ~200k open deals cost 80 ms).
_OPEN_AT = """
open_deals AS (
    SELECT d.deal_id, d.customer_id, d.group_id, d.project_id, d.owner_staff_id, d.stage, d.stage_entered_at,
           d.created_at, d.next_follow_at
    FROM deals d {customers}
    WHERE d.created_at < ? AND (d.won_at IS NULL OR d.won_at >= ?) AND (d.lost_at IS NULL OR d.lost_at >= ?)
      AND NOT (d.outcome <> 'open' AND d.won_at IS NULL AND d.lost_at IS NULL){clause}
), stage_at AS (
    -- the last entry by then (a tie: the later stage) of the open deals only, by one BIGINT key:
    -- a window over the whole history (0.35 s of CPU at 1M deals) or a (time, position) struct
    -- key cost 2-3x as much
    SELECT e.deal_id, arg_max(e.to_stage, epoch_us(e.entered_at) * 16 + list_position(?, e.to_stage)) AS stage,
           max(e.entered_at) AS stage_since
    FROM stage_events e
    WHERE e.deal_id IN (SELECT deal_id FROM open_deals) AND list_position(?, e.to_stage) IS NOT NULL
      AND e.entered_at < ?
    GROUP BY e.deal_id
), open_at AS (
    SELECT o.deal_id, o.customer_id, o.group_id, o.project_id, o.owner_staff_id, o.next_follow_at,
           coalesce(s.stage, o.stage) AS stage, coalesce(s.stage_since, o.stage_entered_at, o.created_at) AS stage_since
    FROM open_deals o LEFT JOIN stage_at s ON s.deal_id = o.deal_id
    WHERE s.stage IS NOT NULL OR o.stage IS NOT NULL
)"""
# The name of the customer of a row under alias x.
_NAMED = "LEFT JOIN customers cn ON cn.customer_id = x.customer_id"

# Who held a deal (a row with deal_id, owner_staff_id under alias x) at the moment: name, group.
_HOLDER = "coalesce(o.last_to, o.next_from, x.owner_staff_id)"
_HOLDER_COLUMNS = f"{_HOLDER} AS owner_staff_id, st.name AS owner, m.group_id AS owner_group_id"
_HOLDER_JOINS = f"""LEFT JOIN owners o ON o.deal_id = x.deal_id
LEFT JOIN staff st ON st.staff_id = {_HOLDER}
LEFT JOIN member_at m ON m.staff_id = {_HOLDER}"""


def _open_at_params(as_of: date, member_params: list) -> list:
    """The parameters of _OWNER_AT then _OPEN_AT."""
    moment = _moment(as_of)
    return [moment, moment, as_of, as_of, moment, moment, moment, *member_params, stage_list(), stage_list(), moment]


def _open_at(filters: Filters) -> tuple[str, list]:
    """_OWNER_AT and _OPEN_AT for these filters, and the filters' parameters."""
    clause, params = _members(filters)
    return f"{_OWNER_AT}, {_OPEN_AT.format(customers=customer_join(filters), clause=clause)}", params


def open_deals_at(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date) -> pd.DataFrame:
    """Deals open at the end of `as_of`, as open_deals_in_stage shapes them but point in time.

    Columns: deal_id, customer_id, customer, group_id, owner_staff_id, owner, owner_group_id,
    stage (the last stage entered by then; without history the deal's stage), stage_since,
    days_in_stage (whole days from stage_since's date to as_of). Longest stays first.
    """
    ctes, params = _open_at(filters)
    return frame(con, f"""
        WITH {ctes}
        SELECT x.deal_id, x.customer_id, cn.name AS customer, x.group_id, {_HOLDER_COLUMNS}, x.stage, x.stage_since,
               date_diff('day', CAST(x.stage_since AS DATE), ?::DATE) AS days_in_stage
        FROM open_at x {_NAMED} {_HOLDER_JOINS}
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
        # Both quantiles from one sort, as db.queries.stage_durations.
        return frame(con, f"""
            SELECT stage, n, q[1] AS median_days, q[2] AS p75_days FROM (
                SELECT stage, count(*)::BIGINT AS n, quantile_cont(stay_days, [0.5, 0.75]) AS q
                FROM kpi_facts f WHERE f.fact = 'stay' AND f.moment < ?
                  AND f.moment + to_seconds(CAST(round(f.stay_days * 86400) AS BIGINT)) < ?{clause}
                GROUP BY stage)
            ORDER BY list_position(?, stage)
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


# The deals past their stage's threshold at the moment (placeholders: stages, thresholds, day, day).
_STALLED = """
limits AS (SELECT unnest(?::VARCHAR[]) AS stage, unnest(?::DOUBLE[]) AS p75_days),
stalled AS (
    SELECT x.*, t.p75_days, date_diff('day', CAST(x.stage_since AS DATE), ?::DATE) AS days_in_stage
    FROM open_at x JOIN limits t ON t.stage = x.stage
    WHERE date_diff('day', CAST(x.stage_since AS DATE), ?::DATE) > t.p75_days
)"""

# The stalled deals that crossed the line within ? days (names and owners for those rows only:
# ~10k of ~160k stalled deals at 1M deals), with every stalled deal's count.
_CROSSED = f"""
crossed AS (
    SELECT * FROM (SELECT *, count(*) OVER () AS stalled_total FROM stalled) WHERE days_in_stage - ? <= p75_days
), stalled_rows AS (
    SELECT x.deal_id, x.customer_id, cn.name AS customer, x.group_id, {_HOLDER_COLUMNS}, x.stage, x.stage_since,
           x.days_in_stage, x.p75_days, x.days_in_stage AS days,
           x.days_in_stage / CASE WHEN x.p75_days > 0 THEN x.p75_days END AS over_p75, x.stalled_total,
           row_number() OVER (ORDER BY over_p75 DESC NULLS FIRST, days DESC, x.deal_id) AS seq
    FROM crossed x {_NAMED} {_HOLDER_JOINS}
)"""

# The open deals whose plan in force at the moment had passed (placeholders: moment, moment, day).
_OVERDUE = f"""
touches AS (
    SELECT x.deal_id, a.occurred_at, a.next_follow_at FROM open_at x
    JOIN activities a ON a.deal_id = x.deal_id WHERE a.occurred_at < ?
    UNION ALL
    SELECT x.deal_id, a.occurred_at, a.next_follow_at FROM open_at x
    JOIN activities a ON a.deal_id IS NULL AND a.customer_id = x.customer_id WHERE a.occurred_at < ?
), plans AS (
    SELECT deal_id, arg_max_null(next_follow_at, occurred_at) AS planned FROM touches GROUP BY deal_id
), overdue AS (
    SELECT x.*, CASE WHEN p.deal_id IS NULL THEN x.next_follow_at ELSE p.planned END AS plan_in_force
    FROM open_at x LEFT JOIN plans p ON p.deal_id = x.deal_id
), overdue_rows AS (
    SELECT x.deal_id, x.customer_id, cn.name AS customer, x.group_id, {_HOLDER_COLUMNS}, x.stage,
           x.plan_in_force AS next_follow_at, date_diff('day', CAST(x.plan_in_force AS DATE), ?::DATE) AS days_overdue,
           row_number() OVER (ORDER BY days_overdue DESC, x.deal_id) AS seq
    FROM overdue x {_NAMED} {_HOLDER_JOINS}
    WHERE CAST(x.plan_in_force AS DATE) < ?::DATE
)"""

_STALLED_COLUMNS = {"deal_id": None, "customer_id": None, "customer": None, "group_id": None,
                    "owner_staff_id": None, "owner": None, "owner_group_id": None, "stage": None,
                    "stage_since": None, "days_in_stage": "int64", "p75_days": None, "days": "int64",
                    "over_p75": None}
_OVERDUE_COLUMNS = {"deal_id": None, "customer_id": None, "customer": None, "group_id": None,
                    "owner_staff_id": None, "owner": None, "owner_group_id": None, "stage": None,
                    "next_follow_at": None, "days_overdue": "int64"}


@dataclass(frozen=True)
class OpenDealLists:
    """The weekly digest's lists of deals open at a moment (see open_deal_lists_at)."""

    stalled: pd.DataFrame        # crossed their stage's threshold within the last days
    stalled_total: int           # every stalled deal, crossed lately or not
    overdue: pd.DataFrame        # overdue_followups_at


def open_deal_lists_at(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date,
                       thresholds: tuple[tuple[str, float], ...], *, crossed_within: int) -> OpenDealLists:
    """The stalled deals at the end of `as_of` that crossed their stage's threshold within the last
    `crossed_within` days, how many are stalled in all, and the overdue follow-ups then; from one
    query that finds the deals open then once (~85 ms of each list's ~300 ms at 1M deals).

    stalled: the rows, columns and order of analytics.digest.newly_stalled(analytics.funnel.
    stalled_deals(open_deals_at(…), durations)) with `thresholds` = stall_thresholds(durations),
    cut in SQL (at 1M deals ~160k deals are stalled, ~10k of them newly). overdue: as
    overdue_followups_at.
    """
    ctes, params = _open_at(filters)
    stages, limits = [s for s, _ in thresholds], [float(p) for _, p in thresholds]
    moment = _moment(as_of)
    rows = frame(con, f"""
        WITH {ctes}, {_STALLED}, {_CROSSED}, {_OVERDUE}
        SELECT 'stalled' AS part, * FROM stalled_rows
        UNION ALL BY NAME
        SELECT 'overdue' AS part, * FROM overdue_rows
        ORDER BY part, seq
    """, [*_open_at_params(as_of, params), stages, limits, as_of, as_of, crossed_within, moment, moment, as_of,
          as_of])
    stalled = union_part(rows, "stalled", {**_STALLED_COLUMNS, "stalled_total": "int64"})
    if not stalled.empty:
        total = int(stalled["stalled_total"].iloc[0])
    else:
        total = 0 if not thresholds else _stalled_count(con, ctes, params, as_of, stages, limits)
    return OpenDealLists(stalled.drop(columns="stalled_total"), total, union_part(rows, "overdue", _OVERDUE_COLUMNS))



def _stalled_count(con: duckdb.DuckDBPyConnection, ctes: str, params: list, as_of: date,
                   stages: list[str], limits: list[float]) -> int:
    """The stalled total when none of the stalled deals crossed lately (their rows carry it otherwise)."""
    rows = frame(con, f"WITH {ctes}, {_STALLED} SELECT count(*) AS n FROM stalled",
                 [*_open_at_params(as_of, params), stages, limits, as_of, as_of])
    return int(rows["n"].iloc[0])


def overdue_followups_at(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date) -> pd.DataFrame:
    """Deals open at the end of `as_of` whose planned follow-up day had passed by then.

    The plan in force is the next_follow_at of the deal's latest activity by then (an activity on
    the deal or, without a deal, on its customer); a deal without any activity keeps its own
    next_follow_at. Overdue when the planned day is before as_of: no activity has happened since.
    Columns: deal_id, customer_id, customer, group_id, owner_staff_id, owner, owner_group_id,
    stage, next_follow_at, days_overdue (as_of − the planned day). Most overdue first.
    """
    return open_deal_lists_at(con, filters, as_of, (), crossed_within=0).overdue


Deadline = tuple[str, str, int]   # (stage entered, stage missing, days allowed)


def stage_without_next_at(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date, *,
                          entered: str, missing: str, days: int) -> pd.DataFrame:
    """Deals that entered stage `entered` more than `days` days before `as_of` and had not entered
    `missing` by the end of as_of (nor been lost by then): subscriptions not signed, contracts
    not paid. Needs stage history (a deal without it is not listed).

    Columns: deal_id, customer_id, customer, group_id, owner_staff_id, owner, owner_group_id,
    entered_at (first entry into `entered`), days_since (as_of − that day), amount. Oldest first.
    """
    return deadlines_missed_at(con, filters, as_of, ((entered, missing, days),))[0]


def deadlines_missed_at(con: duckdb.DuckDBPyConnection, filters: Filters, as_of: date,
                        deadlines: tuple[Deadline, ...]) -> list[pd.DataFrame]:
    """stage_without_next_at for each (entered, missing, days) of `deadlines`, in that order, from
    one pass over the stage history (each pass groups ~100k entries by deal at 1M deals)."""
    clause, params = _members(filters)
    moment = _moment(as_of)
    stages = sorted({stage for entered, missing, _ in deadlines for stage in (entered, missing)})
    firsts = ", ".join(f"min(entered_at) FILTER (WHERE to_stage = ?) AS entered_{k}, "
                       f"count(*) FILTER (WHERE to_stage = ?) AS next_{k}" for k in range(len(deadlines)))
    missed = " UNION ALL ".join(f"""
        SELECT {k} AS deadline, x.deal_id, x.customer_id, x.group_id, x.owner_staff_id, x.amount,
               r.entered_{k} AS entered_at, date_diff('day', CAST(r.entered_{k} AS DATE), ?::DATE) AS days_since
        FROM scoped x JOIN reached r ON r.deal_id = x.deal_id
        WHERE r.entered_{k} IS NOT NULL AND r.next_{k} = 0
          AND date_diff('day', CAST(r.entered_{k} AS DATE), ?::DATE) > ?""" for k in range(len(deadlines)))
    rows = frame(con, f"""
        WITH {_OWNER_AT}, reached AS (
            SELECT deal_id, {firsts} FROM stage_events
            WHERE entered_at < ? AND to_stage IN ({", ".join("?" * len(stages))}) GROUP BY deal_id
        ), scoped AS (
            SELECT d.* FROM deals d {customer_join(filters)}
            WHERE (d.lost_at IS NULL OR d.lost_at >= ?){clause}
        ), missed AS ({missed})
        SELECT x.deadline, x.deal_id, x.customer_id, cn.name AS customer, x.group_id, {_HOLDER_COLUMNS},
               x.entered_at, x.days_since, x.amount
        FROM missed x {_NAMED} {_HOLDER_JOINS}
        ORDER BY x.deadline, x.days_since DESC, x.deal_id
    """, [moment, moment, as_of, as_of,
          *(stage for entered, missing, _ in deadlines for stage in (entered, missing)), moment, *stages,
          moment, *params, *(value for _, _, days in deadlines for value in (as_of, as_of, days))])
    return [rows[rows["deadline"] == k].drop(columns="deadline").reset_index(drop=True)
            for k in range(len(deadlines))]


def first_visits_between(con: duckdb.DuckDBPyConnection, filters: Filters, start: date,
                         end: date) -> pd.DataFrame:
    """First visits (activities of kind first_visit) on days start..end: activity_id, deal_id,
    customer_id, customer, occurred_at, staff_id, staff, group_id (the visit's group), source_channel."""
    clause, params = member_clause(filters, **FILTER_COLUMNS["activity"])
    # The visit's deal only for a project filter (a join of every deal: 50 ms at 1M deals).
    deal = "LEFT JOIN deals ad ON ad.deal_id = a.deal_id" if filters.project_ids else ""
    return frame(con, f"""
        SELECT a.activity_id, a.deal_id, a.customer_id, c.name AS customer, a.occurred_at, a.staff_id,
               st.name AS staff, a.group_id, c.source_channel
        FROM activities a {deal}
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
