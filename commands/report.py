"""`python cli.py report weekly [--week 2026-W47] [--db PATH] [--out FILE.pdf|.html|.xlsx] [--privacy]`.

The same report the 周会 page downloads (ui.reports on ui.weekly_data): the week as frozen in the
database, frozen now if it never was (as opening it on the page would). The format follows the
output file's extension; without --out a PDF named after the week is written to the current
folder. Exit status: 0 written, 1 bad arguments, 2 no database, 3 database busy, 4 rendering failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.weekly import week_bounds, week_key
from db import catalog
from db.connection import DatabaseBusy, connect, database_path
from db.filters import Filters
from db.scope import EVERYTHING, UnknownAccount, scope_of_account_named
from ui import reports, weekly_data
from ui.i18n import LANGS
from ui.periods import last_full_week

FORMATS = ("pdf", "html", "xlsx")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="write the weekly meeting report (PDF, HTML or XLSX)",
        description="The 周会 weekly meeting as a file: PDF (printed by chromium), self-contained HTML "
                    "(interactive charts, no network needed) or XLSX (a sheet per table).")
    parser.add_argument("kind", choices=("weekly",), help="the report to write")
    parser.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: the last full week before the data's as-of date)")
    parser.add_argument("--db", help="database file (default: $ANCHANG_DB or data/anchang.duckdb)")
    parser.add_argument("--out", help="output file; its extension (.pdf, .html, .xlsx) picks the format")
    parser.add_argument("--privacy", action="store_true",
                        help="pseudonyms for customers, masked phones, hidden notes (for sharing)")
    parser.add_argument("--as", dest="as_user", metavar="USERNAME",
                        help="the report this account would see: its groups only, privacy by its role")
    parser.add_argument("--lang", choices=LANGS, default="zh", help="report language (default zh)")
    parser.set_defaults(handler=run)


def _output(args: argparse.Namespace, week: str) -> tuple[Path, str] | None:
    """The output path and format; None (after saying why) for an unknown extension."""
    out = Path(args.out) if args.out else Path(f"weekly-{week}{'-privacy' if args.privacy else ''}.pdf")
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        print(f"--out must end in .pdf, .html or .xlsx, not {out.name!r}", file=sys.stderr)
        return None
    return out, fmt


def run(args: argparse.Namespace) -> int:
    path = database_path(args.db)
    if not path.exists():
        print(f"no database at {path}: run `python cli.py demo` or import data first", file=sys.stderr)
        return 2
    if args.week:
        try:
            week_bounds(args.week)
        except ValueError as error:
            print(error, file=sys.stderr)
            return 1
    try:
        con = connect(path, retry_seconds=10)
    except DatabaseBusy as error:
        print(error, file=sys.stderr)
        return 3
    try:
        week = args.week or week_key(last_full_week(catalog.as_of_date(con))[0])
        target = _output(args, week)
        if target is None:
            return 1
        members = None
        if args.as_user:
            scope = scope_of_account_named(con, args.as_user, catalog.as_of_date(con))
            start, end = week_bounds(week)
            members = scope.restrict(Filters(start, end)) if scope != EVERYTHING else None
            args.privacy = args.privacy or not scope.personal_data
        meeting = weekly_data.frozen_meeting(con, week, members)
        actions, notes = weekly_data.meeting_extras(con, week, args.privacy)
    except UnknownAccount as error:
        print(error, file=sys.stderr)
        return 2
    finally:
        con.close()
    out, fmt = target
    try:
        body = reports.weekly_report(fmt, meeting, actions, notes, args.lang, args.privacy)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 4
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(body)
    print(f"{out} ({fmt}, {len(body):,} bytes): {week}, frozen at {meeting.frozen_at:%Y-%m-%d %H:%M}"
          f"{', privacy mode' if args.privacy else ''}")
    return 0
