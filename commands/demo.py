"""`python cli.py demo`: build the deterministic demo 案场 into the database file."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from db.connection import DatabaseBusy, connect, database_path
from db.demo import DEFAULT_AS_OF, DEFAULT_SEED, ensure_demo_database, has_real_data, timed_build


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo", help="build the demo database (演示数据)",
        description="Build the deterministic demo 案场 (two projects, five groups, 18 months).")
    parser.add_argument("--db", help="database file (default: $ANCHANG_DB or data/anchang.duckdb)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--as-of", type=date.fromisoformat, default=DEFAULT_AS_OF,
                        help=f"the data's last day, YYYY-MM-DD (default {DEFAULT_AS_OF.isoformat()})")
    parser.add_argument("--force", action="store_true",
                        help="recreate the file even if it holds deals (its sign-in accounts are kept)")
    parser.add_argument("--if-missing", action="store_true",
                        help="build only when the file is missing or empty; otherwise leave it (make run)")
    parser.set_defaults(handler=run)


def _remove_database(path: Path) -> None:
    for file in (path, path.with_name(path.name + ".wal")):
        file.unlink(missing_ok=True)


def run(args: argparse.Namespace) -> int:
    """Exit status 0 when built; 1 when the file holds data (without --force) or is busy."""
    path = database_path(args.db)
    if args.if_missing:
        return _ensure(path)
    try:
        if path.exists() and not args.force:
            with connect(path) as con:
                if has_real_data(con):
                    print(f"{path} already holds data; use --force to replace it with the demo.")
                    return 1
        kept = _accounts_of(path) if args.force else None
        if args.force:
            _remove_database(path)
        with connect(path) as con:
            counts, seconds = timed_build(con, args.seed, args.as_of)
            _restore_accounts(con, kept)
    except DatabaseBusy as error:
        print(error)
        return 1
    print(f"demo built into {path} in {seconds:.1f} s (seed {args.seed}, as of {args.as_of.isoformat()})")
    if kept is not None and kept.num_rows:
        print(f"  kept {kept.num_rows} sign-in account(s)")
    for table, count in counts.items():
        print(f"  {table:<17}{count:>9,}")
    return 0


def _accounts_of(path: Path) -> pa.Table | None:
    """The sign-in accounts of the file about to be replaced: a rebuilt demo keeps its people's
    passwords and roles (without them the next start would ask for an administrator again)."""
    if not path.exists():
        return None
    with connect(path, read_only=True) as con:
        try:
            return con.sql("SELECT * FROM accounts").to_arrow_table()
        except duckdb.CatalogException:
            return None


def _restore_accounts(con: duckdb.DuckDBPyConnection, kept: pa.Table | None) -> None:
    if kept is not None and kept.num_rows:
        con.register("_kept_accounts", kept)
        con.execute("INSERT INTO accounts BY NAME SELECT * FROM _kept_accounts")
        con.unregister("_kept_accounts")


def _ensure(path: Path) -> int:
    try:
        built = ensure_demo_database(path)
    except DatabaseBusy as error:
        print(error)
        return 1
    print(f"demo built into {path}" if built else f"using the existing database {path}")
    return 0
