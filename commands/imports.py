"""`python cli.py import FILE…`: import CRM exports (the same code as the 数据导入 page).

    python cli.py import Deals_2026_05_28.csv 商机.xlsx [--db PATH] [--source zoho] [--entity deals]
                         [--map stage=阶段 --map amount=金额 …] [--mapping PROFILE] [--strict]
                         [--stage "Engaging=first_visit" …]
    python cli.py import --batches | --rejects N [--out rejects.csv] | --undo N

Exit status: 0 when every file imported (or changed nothing), 2 when a file was refused (that
file changed nothing; the others still ran), 3 when the database is busy, 1 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from db import audit
from db.connection import DatabaseBusy, connect
from db.imports import ImportRefused, batch_rejects, import_batches, map_stage, undo_batch
from domain import STAGES
from ingest.columns import ENTITIES, SOURCES
from ingest.pipeline import import_file
from ui.exports import to_csv_bytes

BAR_FROM_BYTES = 1 << 20     # files of 1 MB and more get a progress bar


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help="import CRM export files (CSV/XLSX/JSON) into the database",
        description="Import CRM exports: 纷享销客, Zoho, Salesforce, HubSpot, rosters, targets, or any "
                    "table with a column mapping. Each file is one transaction and one undoable batch.")
    parser.add_argument("files", nargs="*", metavar="FILE", help="export files to import, in order")
    parser.add_argument("--db", help="database file (default $ANCHANG_DB or data/anchang.duckdb)")
    parser.add_argument("--source", choices=SOURCES, help="the CRM the files come from (default: detected)")
    parser.add_argument("--entity", choices=ENTITIES, help="what the files hold (default: detected)")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                        help="use COLUMN for canonical FIELD (repeatable); saved as a mapping profile")
    parser.add_argument("--mapping", metavar="PROFILE", help="use (or, with --map, save as) this mapping profile")
    parser.add_argument("--strict", action="store_true", help="refuse a file if any row cannot be read")
    parser.add_argument("--stage", action="append", default=[], metavar="WORDS=STAGE",
                        help=f"map a source stage name to {'/'.join(STAGES)}/lost before importing (repeatable)")
    parser.add_argument("--batches", action="store_true", help="list the import batches")
    parser.add_argument("--rejects", type=int, metavar="BATCH", help="print a batch's rejected rows")
    parser.add_argument("--out", help="with --rejects: write them to this CSV file")
    parser.add_argument("--undo", type=int, metavar="BATCH", help="undo an import batch")
    parser.set_defaults(handler=run)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"{what} {item!r} is not of the form NAME=VALUE")
        pairs[key.strip()] = value.strip()
    return pairs


def run(args: argparse.Namespace) -> int:
    try:
        mapping = _pairs(args.map, "--map")
        stages = _pairs(args.stage, "--stage")
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not (args.files or args.batches or args.rejects or args.undo or stages):
        print("error: give FILE(s) to import, or --batches / --rejects N / --undo N", file=sys.stderr)
        return 1
    try:
        con = connect(args.db, retry_seconds=2.0)
    except DatabaseBusy as error:
        print(f"error: {error}", file=sys.stderr)
        return 3
    try:
        return _run(con, args, mapping, stages)
    finally:
        con.close()


def _run(con, args: argparse.Namespace, mapping: dict[str, str], stages: dict[str, str]) -> int:
    if args.undo is not None:
        return _undo(con, args.undo)
    if args.rejects is not None:
        return _rejects(con, args.rejects, args.out)
    if args.batches:
        print(import_batches(con).drop(columns=["sha256"]).to_string(index=False))
        return 0
    for words, stage in stages.items():
        changed = map_stage(con, args.source or "generic", words, stage)
        print(f"stage map: {words} → {stage} ({args.source or 'generic'}; {changed} deals re-derived)")
    status = 0
    for name in args.files:
        status = max(status, _import_one(con, Path(name), args, mapping))
    return status


def _import_one(con, path: Path, args: argparse.Namespace, mapping: dict[str, str]) -> int:
    bar = _Bar(path.name) if path.exists() and path.stat().st_size >= BAR_FROM_BYTES else None
    try:
        summary = import_file(con, path, source=args.source, entity=args.entity, mapping=mapping or None,
                              mapping_profile=args.mapping, strict=args.strict, progress=bar)
    except (ImportRefused, duckdb.Error) as error:
        if bar:
            bar.close()
        reason = error.reason if isinstance(error, ImportRefused) else f"database error: {str(error).splitlines()[0]}"
        print(f"error: {path.name}: {reason} (database unchanged)", file=sys.stderr)
        audit.record(con, audit.cli_actor(), "import", f"{path.name}: refused: {reason}")
        return 2
    if bar:
        bar.close()
    print("\n".join(summary.lines()))
    audit.record(con, audit.cli_actor(), "import", f"{path.name}: batch {summary.batch_id}, {summary.rows_read} read, "
                 f"{summary.inserted} new, {summary.updated} updated, {summary.rejected} rejected")
    if summary.unmapped_stages:
        example = next(iter(summary.unmapped_stages))
        print(f'  to map: python cli.py import --source {summary.source_system} --stage "{example}=<stage>" '
              f"(stages: {', '.join(STAGES)}, lost)")
    print(f"  {summary.seconds:.2f} s")
    return 0


def _undo(con, batch_id: int) -> int:
    try:
        counts = undo_batch(con, batch_id)
    except ImportRefused as error:
        print(f"error: {error.reason}", file=sys.stderr)
        return 2
    audit.record(con, audit.cli_actor(), "undo", f"batch {batch_id}: {counts['restored']} restored, "
                 f"{counts['removed']} removed")
    print(f"batch {batch_id} undone: {counts['restored']} records restored, {counts['removed']} removed, "
          f"{counts['stage_events_removed']} stage events removed")
    return 0


def _rejects(con, batch_id: int, out: str | None) -> int:
    frame = batch_rejects(con, batch_id)
    if out:
        Path(out).write_bytes(to_csv_bytes(frame))     # raw lines may start with = or @: neutralised
        print(f"{len(frame)} rejected rows of batch {batch_id} written to {out}")
    else:
        print(frame.to_string(index=False) if len(frame) else f"batch {batch_id} has no rejected rows")
    return 0


class _Bar:
    """A one-line text progress bar on stderr: `name [#######-------]  45% writing`."""

    def __init__(self, name: str, width: int = 30):
        self.name, self.width, self.started = name, width, time.monotonic()

    def __call__(self, fraction: float, message: str) -> None:
        done = int(round(self.width * max(0.0, min(1.0, fraction))))
        line = f"\r{self.name} [{'#' * done}{'-' * (self.width - done)}] {fraction:4.0%} {message:<20}"
        sys.stderr.write(line)
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write(f"  {time.monotonic() - self.started:.1f} s\n")
        sys.stderr.flush()
