"""The deals behind a number: the drill-down list every chart and table click opens.

Returns at most `limit` rows (newest first) with what a reviewer needs to recognise a deal:
customer, consultant, group, stage, outcome, dates and amount. Personal data (customer name,
phone) is returned as stored; masking for privacy mode happens in analytics/privacy.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import duckdb
import pandas as pd

from db.filters import Filters, member_clause

# Which date puts a deal in the window, and which group and staff columns attribute it — the
# same attribution as db/queries kpi_aggregates, so a list always matches the count it explains.
_CREATOR = "coalesce(d.creator_staff_id, d.owner_staff_id)"
_BASES = {
    "created": ("d.created_at", "d.group_id", _CREATOR),
    "won": ("d.won_at", "d.closing_group_id", "d.owner_staff_id"),
    "lost": ("d.lost_at", "d.closing_group_id", "d.owner_staff_id"),
    "closed": ("coalesce(d.won_at, d.lost_at)", "d.closing_group_id", "d.owner_staff_id"),
    "open": ("d.created_at", "d.group_id", _CREATOR),
}


@dataclass(frozen=True)
class DealSelection:
    """What a click selected: the basis date, and optional group / stage / staff / source / outcome."""

    basis: str = "created"
    group_id: str | None = None
    stage: str | None = None
    staff_id: str | None = None
    source_channel: str | None = None
    customer_type: str | None = None
    start: datetime | None = None      # narrower than the filters' window (e.g. one week)
    end: datetime | None = None        # exclusive


def deal_list(con: duckdb.DuckDBPyConnection, filters: Filters, selection: DealSelection,
              limit: int = 500) -> pd.DataFrame:
    """Deals matching the filters and the selection, newest first, at most `limit` rows."""
    moment, group_column, staff_column = _BASES[selection.basis]
    start = selection.start or datetime.combine(filters.start, time())
    end = selection.end or datetime.combine(filters.end_exclusive, time())
    conditions = [f"{moment} >= ?", f"{moment} < ?"]
    params: list = [start, end]
    if selection.basis in ("won", "lost", "open"):
        conditions.append("d.outcome = ?")
        params.append(selection.basis)
    elif selection.basis == "closed":
        conditions.append("d.outcome IN ('won', 'lost')")
    for column, value in ((group_column, selection.group_id), ("d.stage", selection.stage),
                          (staff_column, selection.staff_id),
                          ("c.source_channel", selection.source_channel),
                          ("c.customer_type", selection.customer_type)):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    clause, member_params = member_clause(filters, project="d.project_id", group=group_column,
                                          customer="c", owner="d.owner_staff_id")
    sql = f"""
        SELECT d.deal_id, d.customer_id, c.name AS customer_name, c.phone, s.name AS consultant,
               g.name AS group_name, d.stage, d.source_stage, d.outcome, d.created_at,
               coalesce(d.won_at, d.lost_at) AS closed_at, d.amount, d.lost_reason,
               c.source_channel, c.customer_type
        FROM deals d
        LEFT JOIN customers c ON c.customer_id = d.customer_id
        LEFT JOIN staff s ON s.staff_id = d.owner_staff_id
        LEFT JOIN groups g ON g.group_id = {group_column}
        WHERE {' AND '.join(conditions)}{clause}
        ORDER BY {moment} DESC, d.deal_id
        LIMIT ?"""
    cursor = con.cursor()
    try:
        return cursor.execute(sql, [*params, *member_params, limit]).df()
    finally:
        cursor.close()
