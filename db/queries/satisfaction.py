"""Survey aggregates: score distributions and the lowest-scoring comments.

CSAT/NPS sums per group, staff or period come from kpi_aggregates (same date basis and
attribution: answered_at, the surveyed staff member's group at the time).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import FILTER_COLUMNS, TIME_DIMENSIONS, dimension_sql, frame, quoted, window_bounds
from db.queries.facts import facts_current
from db.queries.kpis import fact_dimension_sql


def _survey_from(surveys: str = "surveys") -> str:
    """FROM the answers in `surveys` (the table, or a subquery of it) with their deal, customer and
    staff, WHERE answered in the window (two parameters)."""
    return f"""
    FROM {surveys} s LEFT JOIN deals sd ON sd.deal_id = s.deal_id
    LEFT JOIN customers c ON c.customer_id = coalesce(s.customer_id, sd.customer_id)
    LEFT JOIN staff st ON st.staff_id = s.staff_id
    WHERE s.answered_at >= ? AND s.answered_at < ?"""


def survey_score_counts(con: duckdb.DuckDBPyConnection, filters: Filters, by: str = "total") -> pd.DataFrame:
    """Answers per score: `by`, scale ('csat' 1-5 or 'nps' 0-10), score, n (scores with answers only).

    Read from the survey rows of kpi_facts while they are current: they hold each answer's scores
    and dimensions, joined to its deal and customer once when stored (not per call: at 1M deals
    the join of the window's answers with every deal cost ~40 ms).
    """
    t0, t1 = window_bounds(filters)
    if facts_current(con):
        clause, params = member_clause(filters, project="f.project_id", group="f.group_id", customer="f")
        answers = (f"SELECT {fact_dimension_sql(by)} AS {quoted(by)}, f.csat, f.nps FROM kpi_facts f "
                   f"WHERE f.fact = 'survey' AND f.moment >= ? AND f.moment < ?{clause}")
    else:
        clause, params = member_clause(filters, **FILTER_COLUMNS["survey"])
        answers = f"SELECT {dimension_sql(by, 'survey')} AS {quoted(by)}, s.csat, s.nps {_survey_from()}{clause}"
    result = frame(con, f"""
        WITH answers AS ({answers})
        SELECT {quoted(by)}, 'csat' AS scale, csat::INTEGER AS score, count(*)::BIGINT AS n
        FROM answers WHERE csat IS NOT NULL GROUP BY ALL
        UNION ALL
        SELECT {quoted(by)}, 'nps' AS scale, nps::INTEGER AS score, count(*)::BIGINT AS n
        FROM answers WHERE nps IS NOT NULL GROUP BY ALL
        ORDER BY 1 NULLS LAST, 2, 3
    """, [t0, t1, *params])
    return result.assign(**{by: pd.to_datetime(result[by])}) if by in TIME_DIMENSIONS else result


def lowest_survey_comments(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 20) -> pd.DataFrame:
    """The `limit` answered surveys with a comment and the lowest scores, worst first.

    Columns: survey_id, answered_at, customer_id (for pseudonyms in privacy mode), customer
    (name), staff_id, staff (name), group_id, csat, nps, comment. CSAT and NPS are put on one
    0-1 scale ((csat − 1) / 4, nps / 10) and the lower of the two orders the rows.
    """
    t0, t1 = window_bounds(filters)
    clause, params = member_clause(filters, **FILTER_COLUMNS["survey"], owner="s.staff_id")
    commented = "s.comment IS NOT NULL AND trim(s.comment) <> '' AND (s.csat IS NOT NULL OR s.nps IS NOT NULL)"
    worst_first = "ORDER BY least((s.csat - 1) / 4.0, s.nps / 10.0), s.answered_at DESC, s.survey_id"
    source, source_params = "surveys", []
    if not (filters.project_ids or filters.source_channels or filters.customer_types):
        # Every filter is on the survey itself: take the worst answers first and join only those
        # to their deal, customer and staff, not every answer of the window (40 -> ~15 ms at 1M).
        source = f"""(SELECT * FROM surveys s WHERE s.answered_at >= ? AND s.answered_at < ?{clause}
                      AND {commented} {worst_first} LIMIT ?)"""
        source_params = [t0, t1, *params, limit]
    return frame(con, f"""
        SELECT s.survey_id, s.answered_at, coalesce(s.customer_id, sd.customer_id) AS customer_id,
               c.name AS customer, s.staff_id, st.name AS staff, s.group_id, s.csat, s.nps, s.comment
        {_survey_from(source)}{clause}
          AND {commented}
        {worst_first}
        LIMIT ?
    """, [*source_params, t0, t1, *params, limit])
