"""Closed deals per group and customer-mix cell, for the mix-adjusted win-rate comparison."""

from __future__ import annotations

import duckdb
import pandas as pd

from db.filters import Filters, member_clause
from db.queries._common import FILTER_COLUMNS, frame, window_bounds

UNKNOWN = "unknown"


def closed_deals_by_cell(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Deals closed in the window per closing group × source_channel × customer_type.

    Columns: group, source_channel, customer_type, won, closed (won by won_at plus lost by
    lost_at in the window, as win_rate). A customer without channel or type falls in the cell
    'unknown' (so its deals still count); deals without a closing group are left out.
    """
    t0, t1 = window_bounds(filters)
    clause, params = member_clause(filters, **FILTER_COLUMNS["closed"])
    return frame(con, f"""
        SELECT d.closing_group_id AS "group",
               coalesce(c.source_channel, ?) AS source_channel,
               coalesce(c.customer_type, ?) AS customer_type,
               count(*) FILTER (WHERE d.outcome = 'won')::BIGINT AS won,
               count(*)::BIGINT AS closed
        FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
        WHERE ((d.outcome = 'won' AND d.won_at >= ? AND d.won_at < ?)
            OR (d.outcome = 'lost' AND d.lost_at >= ? AND d.lost_at < ?))
          AND d.closing_group_id IS NOT NULL{clause}
        GROUP BY ALL ORDER BY 1, 2, 3
    """, [UNKNOWN, UNKNOWN, t0, t1, t0, t1, *params])
