"""`python cli.py kpis`: the KPI table per group, consultant, project, source, type, week or month.

Same numbers as the dashboard (db.queries.kpi_aggregates → analytics.kpis.kpi_table): rates as
fractions 0-1 (NPS in points), amounts in the currency's unit, NaN/empty where a denominator is 0.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

import pandas as pd

from analytics.kpis import kpi_table
from analytics.registry import METRICS
from analytics.stats import DEFAULT_MIN_N
from db.connection import DatabaseBusy, connect, database_path
from db.filters import Filters
from db.queries import data_window, dimension_labels, kpi_aggregates
from db.scope import UnknownAccount, scope_of_account_named
from ui.exports import neutralised

BY_CHOICES = ("group", "staff", "project", "source", "customer_type", "week", "month")
FORMATS = ("table", "csv", "json")
NO_VALUE = "(none)"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "kpis", help="print the KPI table (one row per group, consultant, period, …)",
        description="KPIs per dimension value. Without --from/--to the window is all data.")
    parser.add_argument("--db", help="database file (default: $ANCHANG_DB or data/anchang.duckdb)")
    parser.add_argument("--by", choices=BY_CHOICES, default="group")
    parser.add_argument("--from", dest="start", type=date.fromisoformat, metavar="DATE",
                        help="first day of the window, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", type=date.fromisoformat, metavar="DATE",
                        help="last day of the window (inclusive), YYYY-MM-DD")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--project", action="append", default=[], metavar="ID", help="only this project (repeatable)")
    parser.add_argument("--group", action="append", default=[], metavar="ID", help="only this group (repeatable)")
    parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                        help="only what this account may see (its role's data scope)")
    parser.add_argument("--min-n", type=int, default=DEFAULT_MIN_N, help="minimum n for a rate (default 5)")
    parser.add_argument("--details", action="store_true",
                        help="add <rate>_n, _low, _high (95%% interval) and _too_few columns")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path = database_path(args.db)
    if not path.exists():
        print(f"no database at {path}: run `python cli.py demo` or import data first", file=sys.stderr)
        return 2
    try:
        con = connect(path, read_only=True)
    except DatabaseBusy as error:
        print(error, file=sys.stderr)
        return 3
    try:
        table = kpis_for(con, args)
    except UnknownAccount as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        con.close()
    if table is None:
        print(f"{path} holds no dated data yet", file=sys.stderr)
        return 1
    sys.stdout.write(rendered(table, args.format))
    return 0


def kpis_for(con, args: argparse.Namespace) -> pd.DataFrame | None:
    """The output frame for parsed arguments; None when the database has no data to window."""
    window = data_window(con)
    start, end = args.start, args.end
    if start is None or end is None:
        if window is None:
            return None
        start, end = start or window[0], end or window[1]
    filters = Filters(start, end, project_ids=tuple(args.project), group_ids=tuple(args.group))
    if args.as_user:
        filters = scope_of_account_named(con, args.as_user, end).restrict(filters)
    table = kpi_table(kpi_aggregates(con, filters, args.by), args.by, min_n=args.min_n)
    return output_columns(table, args.by, dimension_labels(con, args.by), details=args.details)


def output_columns(table: pd.DataFrame, by: str, labels: dict[str, str], *, details: bool) -> pd.DataFrame:
    """The dimension as display names (ids without a name kept; dates as YYYY-MM-DD), then metrics."""
    values = table[by]
    if by in ("week", "month"):
        shown = values.dt.strftime("%Y-%m-%d")
    else:
        shown = values.map(lambda v: NO_VALUE if pd.isna(v) else labels.get(v, v))
    keep = [c for c in table.columns if c != by and (details or c in METRICS)]
    return pd.concat([shown.rename(by).astype("str"), table[keep]], axis=1)


def _formatter(column: str):
    base = column.removesuffix("_low").removesuffix("_high")
    m = METRICS.get(base)
    if m is None or column.endswith(("_n", "_too_few")):
        return None
    digits = {"count": 0, "yuan": 2, "ratio": 4, "days": 1, "score": 2, "nps": 1}[m.unit]
    return lambda v: "—" if pd.isna(v) else f"{v:,.{digits}f}"


def rendered(table: pd.DataFrame, fmt: str) -> str:
    """The frame as an aligned text table, CSV, or JSON records (NaN → empty / null)."""
    if fmt == "csv":
        return neutralised(table).to_csv(index=False)    # group and staff names may start with = or @
    if fmt == "json":
        return table.to_json(orient="records", force_ascii=False, indent=1) + "\n"
    formatters = {c: f for c in table.columns if (f := _formatter(c)) is not None}
    return table.to_string(index=False, formatters=formatters, na_rep="—") + "\n"
