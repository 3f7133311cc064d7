"""The explorer's aggregates: kpi_aggregates' additive columns by customer-need dimensions too.

db.queries.kpi_aggregates groups by who (group, staff, project), where from (source, customer
type) and when (day, week, month). The analyst also asks what customers want and where they live:
grade, intent_layout (户型), area band (intent_area_sqm), budget band (intent_budget, 万元) and
region. Every fact (created deal, close, visit, survey) already joins its customer as `c`, so
these are customer columns read at the same place as source_channel.

The fact SQL below mirrors kpis._fact_queries line for line except for the dimension
expressions; tests/db/test_queries_explorer.py checks that both add up to the same totals.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from db.deal_lists import _BASES as DEAL_BASES
from db.deal_lists import DealSelection
from db.filters import Filters, member_clause
from db.queries._common import (
    DIMENSIONS,
    FILTER_COLUMNS,
    TIME_DIMENSIONS,
    SqlParts,
    dimension_sql,
    frame,
    quoted,
    window_bounds,
)
from db.queries.facts import facts_current
from db.queries.kpis import (
    _AGGREGATES,
    DEFAULT_CONVERSION_DAYS,
    _helper_ctes,
    _order_by,
    fact_dimension_sql,
    group_order_join,
    kpi_aggregates,
    stored_facts_cte,
)
from domain import VISIT_KINDS

# Band edges: a band is named by its lower bound (0 for the first), so values sort by size and
# carry no language. Area in ㎡ (刚需 < 90, 改善 120-144, 大平层 ≥ 144); budget in 万元.
AREA_BAND_EDGES: tuple[float, ...] = (90.0, 120.0, 144.0)
BUDGET_BAND_EDGES: tuple[float, ...] = (200.0, 300.0, 400.0, 500.0)
YUAN_PER_WAN = 1e4


def band_sql(column: str, edges: tuple[float, ...]) -> str:
    """CASE expression giving the lower edge of the band `column` falls in (0 below the first).

    The edges are module constants, never user input, so they are written into the SQL text.
    """
    whens = " ".join(f"WHEN {column} < {edge!r} THEN {low!r}"
                     for low, edge in zip((0.0, *edges), edges, strict=False))
    return f"CASE WHEN {column} IS NULL THEN NULL {whens} ELSE {edges[-1]!r} END"


_CUSTOMER_SQL = {
    "grade": "c.grade",
    "intent_layout": "c.intent_layout",
    "area_band": band_sql("c.intent_area_sqm", AREA_BAND_EDGES),
    "budget_band": band_sql(f"(c.intent_budget / {YUAN_PER_WAN!r})", BUDGET_BAND_EDGES),
    "region": "c.region",
}
CUSTOMER_DIMENSIONS: tuple[str, ...] = tuple(_CUSTOMER_SQL)
EXPLORER_DIMENSIONS: tuple[str, ...] = (*DIMENSIONS, *CUSTOMER_DIMENSIONS)


def explorer_dimensions(by: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """`by` as a tuple of dimensions kpi_aggregates or this module knows; ValueError otherwise."""
    dims = (by,) if isinstance(by, str) else tuple(by)
    unknown = [d for d in dims if d not in EXPLORER_DIMENSIONS]
    if unknown or not dims:
        raise ValueError(f"unknown dimension(s) {unknown or by!r}; expected some of {EXPLORER_DIMENSIONS}")
    return dims


def _dimension(dimension: str, fact: str) -> str:
    return _CUSTOMER_SQL.get(dimension) or dimension_sql(dimension, fact)


def _customer_facts(q: SqlParts, filters: Filters, dims: tuple[str, ...]) -> None:
    """The `facts` CTE of kpis._fact_queries with customer-need dimensions allowed."""
    t0, t1 = window_bounds(filters)

    def select_dims(fact: str) -> str:
        return ", ".join(f"{_dimension(d, fact)} AS {quoted(d)}" for d in dims)

    def members(fact: str) -> tuple[str, list]:
        return member_clause(filters, **FILTER_COLUMNS[fact])

    clause, params = members("created")
    q.add(f""", facts AS (
        SELECT {select_dims('created')}, 1 AS deals, 1 AS followup_n,
               (ot.deal_id IS NOT NULL)::INTEGER AS followup_on_time
        FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
        LEFT JOIN on_time ot ON ot.deal_id = d.deal_id
        WHERE d.created_at >= ? AND d.created_at < ?{clause}""", [t0, t1, *params])
    clause, params = members("closed")
    q.add(f"""UNION ALL BY NAME
        SELECT {select_dims('closed')}, (d.outcome = 'won')::INTEGER AS won_deals,
               (d.outcome = 'lost')::INTEGER AS lost_deals,
               CASE WHEN d.outcome = 'won' THEN coalesce(d.amount, 0) END AS won_amount,
               CASE WHEN d.outcome = 'won' THEN date_diff('day', CAST(d.created_at AS DATE),
                                                          CAST(d.won_at AS DATE)) END AS cycle_days
        FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
        WHERE ((d.outcome = 'won' AND d.won_at >= ? AND d.won_at < ?)
            OR (d.outcome = 'lost' AND d.lost_at >= ? AND d.lost_at < ?)){clause}""",
          [t0, t1, t0, t1, *params])
    clause, params = members("activity")
    q.add(f"""UNION ALL BY NAME
        SELECT {select_dims('activity')}, 1 AS visits, (a.kind = 'first_visit')::INTEGER AS first_visits,
               (vw.activity_id IS NOT NULL)::INTEGER AS first_visits_won
        FROM activities a LEFT JOIN deals ad ON ad.deal_id = a.deal_id
        LEFT JOIN customers c ON c.customer_id = coalesce(a.customer_id, ad.customer_id)
        LEFT JOIN visit_won vw ON vw.activity_id = a.activity_id
        WHERE a.occurred_at >= ? AND a.occurred_at < ?
          AND a.kind IN ({', '.join('?' * len(VISIT_KINDS))}){clause}""", [t0, t1, *VISIT_KINDS, *params])
    clause, params = members("survey")
    q.add(f"""UNION ALL BY NAME
        SELECT {select_dims('survey')}, s.csat AS csat_sum, s.csat * s.csat AS csat_sumsq,
               (s.csat IS NOT NULL)::INTEGER AS csat_n, (s.nps >= 9)::INTEGER AS nps_promoters,
               (s.nps <= 6)::INTEGER AS nps_detractors, (s.nps IS NOT NULL)::INTEGER AS nps_n
        FROM surveys s LEFT JOIN deals sd ON sd.deal_id = s.deal_id
        LEFT JOIN customers c ON c.customer_id = coalesce(s.customer_id, sd.customer_id)
        WHERE s.answered_at >= ? AND s.answered_at < ?{clause}
    )""", [t0, t1, *params])


def explorer_aggregates(con: duckdb.DuckDBPyConnection, filters: Filters,
                        by: str | tuple[str, ...] = "total", *,
                        conversion_days: int = DEFAULT_CONVERSION_DAYS) -> pd.DataFrame:
    """kpi_aggregates' additive columns per value of `by`, which may name customer-need dimensions.

    Without a customer-need dimension this is kpi_aggregates itself (with its zero rows for every
    group and period, and headcount). With one: grade, intent_layout, region hold the stored
    value; area_band is the lower edge in ㎡ of [0, 90), [90, 120), [120, 144), [144, ∞);
    budget_band the lower edge in 万元 of [0, 200) … [500, ∞). A customer without the value
    (or a fact without a customer) gives a NULL row, kept. Only combinations with facts appear;
    there is no headcount column.
    """
    dims = explorer_dimensions(by)
    if not set(dims) & set(CUSTOMER_DIMENSIONS):
        return kpi_aggregates(con, filters, dims, conversion_days=conversion_days)
    q = SqlParts()
    if facts_current(con):
        dims_sql = ", ".join(f"{_CUSTOMER_SQL.get(d) or fact_dimension_sql(d)} AS {quoted(d)}" for d in dims)
        stored_facts_cte(q, filters, conversion_days, dims_sql,
                         join="LEFT JOIN customers c ON c.customer_id = f.customer_id")
    else:
        _helper_ctes(q, filters, conversion_days)
        _customer_facts(q, filters, dims)
    dim_cols = ", ".join(quoted(d) for d in dims)
    measures = ", ".join(f"coalesce({sql}, {empty}) AS {name}" for name, sql, empty in _AGGREGATES)
    q.add(f", totals AS (SELECT {dim_cols}, {measures} FROM facts GROUP BY ALL)")
    q.add(f"SELECT totals.* FROM totals{group_order_join(dims)} ORDER BY {_order_by(dims)}")
    result = frame(con, q.text, q.params)
    dates = [d for d in dims if d in TIME_DIMENSIONS]
    return result.assign(**{d: pd.to_datetime(result[d]) for d in dates}) if dates else result


def customer_need_deals(con: duckdb.DuckDBPyConnection, filters: Filters, selection: DealSelection,
                        needs: tuple[tuple[str, object], ...], limit: int = 500) -> pd.DataFrame:
    """db.deal_lists.deal_list's columns for the deals whose customer matches every (dimension,
    value) in `needs` (customer-need dimensions; a None value selects customers without one).

    Same basis, window, attribution (db.deal_lists._BASES) and member filters as deal_list;
    selection.group_id, staff_id, source_channel and customer_type narrow further. Newest first,
    at most `limit` rows.
    """
    moment, group_column, staff_column = DEAL_BASES[selection.basis]
    start = selection.start or datetime.combine(filters.start, time())
    end = selection.end or datetime.combine(filters.end_exclusive, time())
    conditions, params = [f"{moment} >= ?", f"{moment} < ?"], [start, end]
    for dimension, value in needs:
        conditions.append(f"{_CUSTOMER_SQL[dimension]} IS NULL" if value is None else f"{_CUSTOMER_SQL[dimension]} = ?")
        params.extend([] if value is None else [value])
    if selection.basis in ("won", "lost", "open"):
        conditions.append("d.outcome = ?")
        params.append(selection.basis)
    elif selection.basis == "closed":
        conditions.append("d.outcome IN ('won', 'lost')")
    for column, wanted in ((group_column, selection.group_id), ("c.source_channel", selection.source_channel),
                           ("c.customer_type", selection.customer_type),
                           (staff_column, selection.staff_id)):
        if wanted is not None:
            conditions.append(f"{column} = ?")
            params.append(wanted)
    clause, member_params = member_clause(filters, project="d.project_id", group=group_column, customer="c",
                                          owner="d.owner_staff_id")
    return frame(con, f"""
        SELECT d.deal_id, d.customer_id, c.name AS customer_name, c.phone, s.name AS consultant,
               g.name AS group_name, d.stage, d.source_stage, d.outcome, d.created_at,
               coalesce(d.won_at, d.lost_at) AS closed_at, d.amount, d.lost_reason,
               c.source_channel, c.customer_type
        FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
        LEFT JOIN staff s ON s.staff_id = d.owner_staff_id
        LEFT JOIN groups g ON g.group_id = {group_column}
        WHERE {' AND '.join(conditions)}{clause}
        ORDER BY {moment} DESC, d.deal_id LIMIT ?""", [*params, *member_params, limit])


def _months_earlier(day: date, months: int) -> date:
    """The same day `months` months earlier; the 31st of a shorter month becomes its last day."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def year_earlier(filters: Filters, granularity: str | None) -> Filters:
    """The same window a year earlier, same member filters.

    Weekly views shift by 52 weeks (364 days) so Mondays stay Mondays and week k lines up with
    week k; monthly and undivided views shift by 12 months (so 1-30 November stays 1-30 November).
    """
    if granularity == "week":
        shift = timedelta(weeks=52)
        return replace(filters, start=filters.start - shift, end=filters.end - shift)
    return replace(filters, start=_months_earlier(filters.start, 12), end=_months_earlier(filters.end, 12))
