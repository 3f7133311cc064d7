"""Targets for pacing and attainment (actuals come from kpi_aggregates by (scope, 'day'))."""

from __future__ import annotations

import duckdb
import pandas as pd

from db.filters import Filters
from db.queries._common import frame

SCOPES = ("group", "staff", "project")


def monthly_targets(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: str = "group",
                    metric: str = "won_amount") -> pd.DataFrame:
    """Targets of one scope and metric for the months the window touches.

    Columns: the scope's name (e.g. `group`, holding group_id), month (datetime64, first day),
    target. The filters' group (for scope 'group') or project (scope 'project') lists apply.
    """
    return metric_targets(con, filters, scope=scope, metrics=(metric,)).drop(columns="metric")


def metric_targets(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: str = "group",
                   metrics: tuple[str, ...]) -> pd.DataFrame:
    """monthly_targets of several metrics in one query: the scope's column, metric, month, target;
    in the order of `metrics`, then by month and scope id."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {SCOPES}, not {scope!r}")
    members = {"group": filters.group_ids, "project": filters.project_ids}.get(scope, ())
    clause = f" AND t.scope_id IN ({', '.join('?' * len(members))})" if members else ""
    result = frame(con, f"""
        SELECT t.scope_id AS "{scope}", t.metric, t.month, t.value AS target FROM targets t
        WHERE t.scope = ? AND list_contains(?, t.metric) AND t.month >= date_trunc('month', ?::DATE)
          AND t.month <= ?::DATE{clause}
        ORDER BY list_position(?, t.metric), t.month, t.scope_id
    """, [scope, list(metrics), filters.start, filters.end, *members, list(metrics)])
    return result.assign(month=pd.to_datetime(result["month"]))
