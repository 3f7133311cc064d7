"""Award rules and announced awards (激励), training records (培训), and the monthly inputs they need.

Rules live in `award_rules`; without rows the two DEFAULT_RULES apply (nothing is written until a
manager saves a rule). Every write is one transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd

from analytics.awards import CANDIDATE_MEASURES, CHAMPION_METRICS, TEAM_METRICS, TIE_BREAKS, AwardRule
from db.filters import Filters
from db.queries._common import SqlParts
from db.queries._common import frame as _facts_frame
from db.queries.facts import facts_current
from db.queries.handoffs import monthly_handoff_counts
from db.queries.kpis import (
    _AGGREGATES,
    DEFAULT_CONVERSION_DAYS,
    GROUP_ORDER_JOIN,
    fact_dimension_sql,
    kpi_aggregates,
    stored_facts_cte,
)
from db.sql import frame as _frame
from db.sql import run_in_transaction as _write

# An empty name shows the award's usual name in the reader's language (月度销冠 / 团队协作奖).
DEFAULT_RULES: tuple[AwardRule, ...] = (
    AwardRule("champion", "champion", "", "won_amount", 3, "won_deals"),
    AwardRule("team", "team", "", "attainment", 10, "csat"),
)
NON_SELLING_ROLES = ("analyst", "manager")


# ---------------------------------------------------------------- rules and announced awards

def award_rules(con: duckdb.DuckDBPyConnection) -> tuple[AwardRule, ...]:
    """The saved rules (champion first), each default standing in for a kind never saved."""
    rows = con.cursor().execute("SELECT rule_id, kind, name, metric, min_n, tie_break, active FROM award_rules "
                                "ORDER BY kind, rule_id").fetchall()
    saved = {row[0]: AwardRule(*row) for row in rows}
    defaults = tuple(rule for rule in DEFAULT_RULES if rule.rule_id not in saved)
    return tuple(sorted((*saved.values(), *defaults), key=lambda r: (r.kind != "champion", r.rule_id)))


def save_award_rule(con: duckdb.DuckDBPyConnection, rule: AwardRule) -> None:
    """Upsert a rule; ValueError when the metric does not fit the kind, min_n < 1 or the
    tie-break is unknown (nothing is stored)."""
    allowed = CHAMPION_METRICS if rule.kind == "champion" else TEAM_METRICS
    if rule.kind not in ("champion", "team") or rule.metric not in allowed:
        raise ValueError(f"metric {rule.metric!r} is not one a {rule.kind} award can rank on")
    if rule.min_n < 1:
        raise ValueError("min_n must be at least 1")
    if rule.tie_break not in TIE_BREAKS or rule.tie_break == rule.metric:
        raise ValueError(f"tie-break {rule.tie_break!r} cannot decide a tie on {rule.metric!r}")
    _write(con, [("""INSERT INTO award_rules (rule_id, kind, name, metric, min_n, tie_break, active, updated_at)
                     VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp) ON CONFLICT (rule_id) DO UPDATE SET
                     kind = excluded.kind, name = excluded.name, metric = excluded.metric, min_n = excluded.min_n,
                     tie_break = excluded.tie_break, active = excluded.active, updated_at = now()""",
                  [rule.rule_id, rule.kind, rule.name, rule.metric, int(rule.min_n), rule.tie_break, rule.active])])


def announced_awards(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Awards recorded as given: rule_id, month, winner_id, value, n, rule_text, awarded_at."""
    return _frame(con, "SELECT rule_id, month, winner_id, value, n, rule_text, awarded_at FROM award_history "
                       "ORDER BY month DESC, rule_id, winner_id")


def announce_award(con: duckdb.DuckDBPyConnection, rule_id: str, month: date,
                   winners: list[tuple[str, float, int]], rule_text: str) -> None:
    """Record a month's winners (id, value, n) with the rule's words; replaces that month's record."""
    first = month.replace(day=1)
    statements = [("DELETE FROM award_history WHERE rule_id = ? AND month = ?", [rule_id, first])]
    statements += [("INSERT INTO award_history (rule_id, month, winner_id, value, n, rule_text) VALUES (?, ?, ?, ?, ?, ?)",
                    [rule_id, first, winner, float(value), int(n), rule_text]) for winner, value, n in winners]
    _write(con, statements)


# ---------------------------------------------------------------- monthly inputs of team awards

def monthly_award_measures(con: duckdb.DuckDBPyConnection, window: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The award candidates' inputs by month: kpi_aggregates(con, window, ("month", "staff")) and
    kpi_aggregates(con, window, ("month", "group")), the same rows in the same order, with the
    columns month, staff (group), then CANDIDATE_MEASURES only, from one pass over kpi_facts.

    The two full calls scanned the window's ~5M facts twice and computed 16 measures (12 months
    at 1M deals: 110-140 ms each); one pass summing the 7 measures per cell takes ~105 ms. With two
    dimensions kpi_aggregates adds no key rows and no headcount, so its rows are the facts'
    groups, as here. When kpi_facts is not current: the two kpi_aggregates calls, cut to these columns.
    """
    if not facts_current(con):
        return tuple(kpi_aggregates(con, window, ("month", by))[["month", by, *CANDIDATE_MEASURES]]
                     for by in ("staff", "group"))
    q = SqlParts()
    dims = ", ".join(f'{fact_dimension_sql(d)} AS "{d}"' for d in ("month", "staff", "group"))
    stored_facts_cte(q, window, DEFAULT_CONVERSION_DAYS, dims)
    chosen = [(name, sql, empty) for name, sql, empty in _AGGREGATES if name in CANDIDATE_MEASURES]
    sums = ", ".join(f"{sql} AS {name}" for name, sql, _ in chosen)
    measures = ", ".join(f"coalesce({sql}, {empty}) AS {name}" for name, sql, empty in chosen)
    # Every candidate measure is a sum of its own column (`sum(x)::T AS x`): the facts are summed
    # once per (month, staff, group) and the same sums, taken again over those ~35k cells, give
    # the two groupings (grouping sets over the ~5M facts hashed every fact twice). 'reach' rows
    # measure nothing and stored_facts_cte leaves them out.
    q.add(f""", cells AS (
        SELECT "month", "staff", "group", {sums} FROM facts GROUP BY ALL
    ), candidates AS (
        SELECT grouping("staff") = 1 AS by_group, "month", "staff", "group", {measures}
        FROM cells GROUP BY GROUPING SETS (("month", "staff"), ("month", "group")))
        SELECT candidates.* FROM candidates{GROUP_ORDER_JOIN}
        ORDER BY by_group, "month" NULLS LAST, group_order.group_sort_order NULLS LAST,
                 "group" NULLS LAST, "staff" NULLS LAST""")
    rows = _facts_frame(con, q.text, q.params)   # as kpi_aggregates reads it (Arrow): the same dtypes
    rows["month"] = pd.to_datetime(rows["month"])
    by_group = rows["by_group"].astype(bool)
    return (rows.loc[~by_group, ["month", "staff", *CANDIDATE_MEASURES]].reset_index(drop=True),
            rows.loc[by_group, ["month", "group", *CANDIDATE_MEASURES]].reset_index(drop=True))


def monthly_headcount(con: duckdb.DuckDBPyConnection, first: date, last: date) -> pd.DataFrame:
    """month, group, headcount: selling members (not analyst/manager) with a stint overlapping the
    month, for each month from the one holding `first` to the one holding `last`."""
    return _frame(con, """
        WITH months AS (SELECT CAST(m AS DATE) AS month, CAST(m + INTERVAL 1 MONTH AS DATE) AS next_month
                        FROM generate_series(CAST(date_trunc('month', ?::DATE) AS TIMESTAMP),
                                             CAST(?::DATE AS TIMESTAMP), INTERVAL 1 MONTH) AS t(m))
        SELECT mo.month, m.group_id AS "group", count(DISTINCT m.staff_id)::INTEGER AS headcount
        FROM months mo JOIN memberships m ON m.valid_from < mo.next_month
             AND (m.valid_to IS NULL OR m.valid_to > mo.month)
        WHERE m.role_in_group NOT IN (?, ?)
        GROUP BY ALL ORDER BY 1, 2
    """, [first, last, *NON_SELLING_ROLES])


def monthly_handoffs(con: duckdb.DuckDBPyConnection, months: tuple[date, ...]) -> pd.DataFrame:
    """month, group (the sending group), handed_on, moved_on: hand-offs between stage groups
    in each month (db.queries.handoff_aggregates summed over receivers), in the order of `months`."""
    columns = ["month", "group", "handed_on", "moved_on"]
    if not months:
        return pd.DataFrame(columns=columns)
    firsts = [month.replace(day=1) for month in months]
    last = (max(firsts) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    counts = monthly_handoff_counts(con, min(firsts), last)   # one pass over the span, not one per month
    order = {pd.Timestamp(first): index for index, first in enumerate(firsts)}
    kept = counts[counts["month"].isin(list(order))]
    kept = kept.assign(_order=kept["month"].map(order)).sort_values(["_order", "group"], kind="stable")
    return kept[columns].reset_index(drop=True)


def monthly_group_targets(con: duckdb.DuckDBPyConnection, first: date, last: date) -> pd.DataFrame:
    """month, group, metric, target: every group target in the months from `first` to `last`."""
    return _frame(con, """SELECT month, scope_id AS "group", metric, value AS target FROM targets
                          WHERE scope = 'group' AND month >= date_trunc('month', ?::DATE) AND month <= ?
                          ORDER BY 1, 2, 3""", [first, last])


# ---------------------------------------------------------------- training

def training_records(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """training_id, staff_id, name, topic, trained_on, hours, trainer, note; newest first."""
    return _frame(con, """SELECT t.training_id, t.staff_id, s.name, t.topic, t.trained_on, t.hours, t.trainer, t.note
                          FROM training_records t LEFT JOIN staff s ON s.staff_id = t.staff_id
                          ORDER BY t.trained_on DESC, t.training_id DESC""")


def add_training(con: duckdb.DuckDBPyConnection, staff_ids: list[str], topic: str, trained_on: date,
                 hours: float | None = None, trainer: str | None = None, note: str | None = None) -> int:
    """One record per person trained; ValueError without people or topic. Returns rows added."""
    topic = (topic or "").strip()
    if not staff_ids or not topic:
        raise ValueError("who and what are required")
    _write(con, [("INSERT INTO training_records (staff_id, topic, trained_on, hours, trainer, note) "
                  "VALUES (?, ?, ?, ?, ?, ?)", [staff_id, topic, trained_on, hours, trainer or None, note or None])
                 for staff_id in staff_ids])
    return len(staff_ids)


def delete_training(con: duckdb.DuckDBPyConnection, training_id: int) -> None:
    _write(con, [("DELETE FROM training_records WHERE training_id = ?", [int(training_id)])])
