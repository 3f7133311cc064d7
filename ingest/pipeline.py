"""The import, end to end: file → canonical rows → validation → safe writes → summary.

`import_file` is the one entry point the command line and the Import page share; `preview_file`
runs the same reading, detection and validation without writing anything.

One file is one transaction (on a cursor of the caller's connection): it either commits as a
batch or changes nothing. Refusals (ImportRefused) leave the database as it was: an unreadable
file, a required column missing, or any rejected row under `strict=True`.

Settings the import maintains (documented decisions):
- as_of: moved to the latest date the imported rows speak of (created/won/lost/stage dates,
  activity and history dates; never a future date), when that is later than the stored one.
- currency: when the database has no deals and no currency setting, the first deals import
  with currency information (a currency column or signs such as $ or ¥) sets it to its most
  common currency; otherwise it stays (default CNY). Deals in another currency keep their
  currency column and are listed per currency in the summary, never silently summed.
- Re-importing a file changes nothing: all rows are counted unchanged and no batch is kept
  (the summary says so, naming the batch that imported the same content before).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from db.attribution import refresh_group_attribution
from db.import_scope import refuse_organisation_file, refuse_outside_projects
from db.imports import (
    ImportRefused,
    batch_with_sha256,
    finish_batch,
    mapping_profile,
    mapping_profile_for_signature,
    new_batch,
    save_mapping_profile,
    set_as_of_if_later,
    store_rejects,
    word_key_sql,
)
from db.queries.facts import facts_current, refresh_kpi_facts
from ingest.canonical import Canonical, build_canonical
from ingest.columns import ENTITIES, ENTITY_FIELDS, ENTITY_LABELS, PROFILES, SOURCES, header_key
from ingest.detect import Detection, describe_missing, detect, header_signature, missing_requirements
from ingest.encodings import file_bytes
from ingest.readers import RawTable, load_raw
from ingest.stages import stage_map_table
from ingest.writers import ROW_CHECKS, WRITERS, WriteContext, WriteResult

Progress = Callable[[float, str], None]
# DuckDB's memory during an import (the file's bytes and Python come on top): see _bounded_memory.
IMPORT_MEMORY_LIMIT = "1GB"
__all__ = ["ImportRefused", "ImportSummary", "Preview", "import_file", "preview_file"]


@dataclass
class ImportSummary:
    """What one file's import did (the CLI prints it; the Import page shows it)."""

    file_name: str
    sha256: str
    source_system: str
    entity: str
    detected: str
    batch_id: int | None
    rows_read: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0
    stage_events: int = 0
    pending_stage_events: int = 0
    unmapped_stages: dict[str, int] = field(default_factory=dict)
    other_currencies: dict[str, int] = field(default_factory=dict)
    currency: str | None = None
    encoding: str | None = None
    file_format: str = "csv"
    already_imported_batch: int | None = None
    as_of: date | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    mapping_profile: str | None = None
    notes: list[str] = field(default_factory=list)
    rejects: list[tuple[int, str, str | None]] = field(default_factory=list)
    seconds: float = 0.0
    refresh_all: bool = False          # the batch changed groups or memberships: every fact may move

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.stage_events or self.pending_stage_events)

    @property
    def message(self) -> str:
        """One line: the counts, or that nothing changed (and where the content came in before)."""
        counts = (f"read {self.rows_read} · new {self.inserted} · updated {self.updated} · "
                  f"unchanged {self.unchanged} · rejected {self.rejected}")
        if self.changed:
            return f"{self.file_name}: {counts} (batch {self.batch_id})"
        before = (f"already imported in batch {self.already_imported_batch}: "
                  if self.already_imported_batch else "")
        kept = f" (rejects kept in batch {self.batch_id})" if self.batch_id else ""
        return f"{self.file_name}: {before}nothing changed; {counts}{kept}"

    def lines(self) -> list[str]:
        """The human summary: the message, what the file was, and what needs the user."""
        out = [self.message, f"  detected: {self.detected}"]
        if self.stage_events or self.pending_stage_events:
            out.append(f"  stage events: {self.stage_events} added"
                       + (f", {self.pending_stage_events} waiting for a stage mapping" if self.pending_stage_events else ""))
        if self.unmapped_stages:
            listed = ", ".join(f"{name} ({n})" for name, n in self.unmapped_stages.items())
            out.append(f"  unmapped stages (imported with no stage; map them to fix): {listed}")
        if self.other_currencies:
            listed = ", ".join(f"{c} {n}" for c, n in self.other_currencies.items())
            out.append(f"  other currencies than {self.currency} (not summed with it): {listed}")
        if self.duplicates:
            out.append(f"  {self.duplicates} rows repeat a record id of a later row (the later row was used)")
        for reject in self.rejects[:5]:
            out.append(f"  rejected line {reject[0]}: {reject[1]}")
        if len(self.rejects) > 5:
            out.append(f"  … {len(self.rejects) - 5} more rejected rows (see the batch's rejects)")
        out += [f"  note: {n}" for n in self.notes]
        return out

    def rejects_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rejects, columns=["line_no", "reason", "raw"])


@dataclass
class Preview:
    """What a file would import as, without writing: detection, mapping, sample rows, problems."""

    file_name: str
    file_format: str
    encoding: str | None
    headers: list[str]
    rows: int
    sample: pd.DataFrame
    detection: Detection | None
    reason: str
    mapping: dict[str, str]
    missing: str
    header_signature: str
    saved_profile: str | None = None
    unmapped_stages: dict[str, int] = field(default_factory=dict)
    rejects: list[tuple[int, str, str | None]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return self.detection is not None and not self.missing


def _name_and_path(source, file_name: str | None) -> tuple[str, Path | None]:
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        return file_name or path.name, path
    return file_name or getattr(source, "name", None) or "upload", None


def _plan(con: duckdb.DuckDBPyConnection, headers: list[str], *, source: str | None, entity: str | None,
          mapping: Mapping[str, str] | None, profile: str | None) -> tuple[Detection | None, str | None]:
    """The detection to import with, after the caller's overrides and saved mapping profiles.

    Returns (detection or None when nothing fits, the profile name used or None).
    """
    used = None
    if source is not None and source not in SOURCES:
        raise ImportRefused(f"unknown source {source!r}: use one of {', '.join(SOURCES)}", code="unknown_source",
                            name=source, choices=", ".join(SOURCES))
    if entity is not None and entity not in ENTITIES:
        raise ImportRefused(f"unknown entity {entity!r}: use one of {', '.join(ENTITIES)}", code="unknown_entity",
                            name=entity, choices=", ".join(ENTITIES))
    explicit = dict(mapping or {})
    if profile and not explicit:
        saved = mapping_profile(con, profile)
        if saved is None:
            raise ImportRefused(f"there is no saved mapping named {profile!r}", code="no_saved_mapping",
                                profile=profile)
        explicit, entity, used = saved[2], entity or saved[1], profile
    elif not explicit and source is None and entity is None:
        saved = mapping_profile_for_signature(con, header_signature(headers))
        if saved is not None:
            used, entity, explicit = saved[0], saved[1], saved[2]
    found = detect(headers, source=source, entity=entity)
    if not explicit:
        return found, None
    return _with_mapping(headers, found, explicit, source, entity, used), used


def _with_mapping(headers: list[str], found: Detection | None, explicit: dict[str, str], source: str | None,
                  entity: str | None, used: str | None) -> Detection:
    by_key = {header_key(h): h for h in headers}
    resolved = {}
    for name, column in explicit.items():
        if not column:
            resolved[name] = None
            continue
        header = by_key.get(header_key(column))
        if header is None:
            raise ImportRefused(f"the mapping names column {column!r}, which is not in the file "
                                f"(columns: {', '.join(headers[:12])})", code="mapping_column_missing",
                                column=column, columns=", ".join(headers[:12]))
        resolved[name] = header
    entity = entity or (found.entity if found else None) or _entity_of(resolved)
    unknown = [n for n in resolved if n not in ENTITY_FIELDS[entity]]
    if unknown:
        raise ImportRefused(f"unknown field(s) for {entity}: {', '.join(unknown)} "
                            f"(fields: {', '.join(ENTITY_FIELDS[entity])})", code="unknown_fields",
                            entity=entity, fields=", ".join(unknown), known=", ".join(ENTITY_FIELDS[entity]))
    base = dict(found.mapping) if found and found.entity == entity else {}
    base.update(resolved)
    merged = {k: v for k, v in base.items() if v}
    how = f"your saved mapping {used!r} (same headers as before)" if used else "your column mapping"
    label = found.label if found and found.entity == entity else ENTITY_LABELS[entity]
    return Detection(
        source_system=source or (found.source_system if found and found.entity == entity else "generic"),
        entity=entity, label=label, reason=f"{label}: {how}", mapping=merged,
        profile_key=found.profile_key if found else None,
        missing=missing_requirements(entity, merged, headers),
        default_kind=found.default_kind if found else None, us_dates=found.us_dates if found else False,
    )


def _entity_of(mapping: dict[str, str | None]) -> str:
    names = set(mapping)
    for entity, marks in (("targets", {"month", "metric"}), ("roster", {"person_name", "person_id", "group"}),
                          ("stage_history", {"entered_at"}), ("activities", {"occurred_at", "kind"}),
                          ("deals", {"stage", "status", "amount", "won_at", "is_won"})):
        if names & marks:
            return entity
    return "customers"


def _refuse_undetected(raw: RawTable, det: Detection | None) -> Detection:
    if det is None:
        shown = ", ".join(raw.headers[:10]) + (", …" if len(raw.headers) > 10 else "")
        raise ImportRefused(f"cannot tell what this file is (columns: {shown}): give the entity and a column "
                            "mapping (--entity deals --map stage=<column> …)", code="undetected", columns=shown)
    if det.missing:
        profile = next((p for p in PROFILES if p.key == det.profile_key), None)
        # missing: per requirement group, its fields as (field, the export's column name or None)
        missing = tuple(tuple((name, (profile.fields.get(name, ()) or (None,))[0] if profile else None)
                              for name in group) for group in det.missing)
        raise ImportRefused(f"{det.label}: a required column is missing: {describe_missing(det.missing, profile)}",
                            code="required_column_missing", label=det.label, missing=missing)
    return det


def _validate(con: duckdb.DuckDBPyConnection, raw: RawTable, det: Detection) -> tuple[Canonical, list]:
    canonical = build_canonical(con, raw, det)
    rejects = sorted(raw.rejects + canonical.rejects, key=lambda reject: reject[0])
    if (check := ROW_CHECKS.get(det.entity)) is not None:
        extra = check(con, raw)
        canonical.rows -= len(extra)
        rejects = sorted(rejects + extra, key=lambda reject: reject[0])
    return canonical, rejects


def import_file(con: duckdb.DuckDBPyConnection, path_or_bytes, file_name: str | None = None, *,
                source: str | None = None, entity: str | None = None,
                mapping: Mapping[str, str] | None = None, mapping_profile: str | None = None,
                strict: bool = False, progress: Progress | None = None,
                imported_by: str | None = None, projects: tuple[str, ...] | None = None) -> ImportSummary:
    """Import one export file; see the module docstring. Raises ImportRefused (nothing changed).

    `projects`: the projects the importer may write (a manager's scope; None: any), see
    db/import_scope.py.

    `mapping` {canonical field: column} overrides or completes the detected columns (a value
    of "" unmaps a field) and is saved as a profile (`mapping_profile` or the file's stem) for
    the next file with the same headers; `mapping_profile` alone uses a saved profile.
    """
    started = time.monotonic()
    say = progress or (lambda fraction, message: None)
    name, path = _name_and_path(path_or_bytes, file_name)
    data = file_bytes(path_or_bytes)
    sha = _sha256_meanwhile(data)
    cur = con.cursor()
    try:
        say(0.02, "reading")
        facts_were_current = facts_current(cur)
        with _bounded_memory(cur):
            try:
                summary = _import_in_transaction(cur, data, name, path, sha, source=source, entity=entity,
                                                 mapping=mapping, profile=mapping_profile, strict=strict,
                                                 say=say, imported_by=imported_by, projects=projects)
            except BaseException:
                _rollback_if_begun(cur)
                raise
            cur.execute("COMMIT" if summary.batch_id is not None else "ROLLBACK")
            if summary.batch_id is not None:
                say(0.95, "KPI facts")
                _drop_temp_tables(cur)
                _refresh_facts_after(cur, summary, only_batch=facts_were_current and not summary.refresh_all)
    finally:
        cur.close()
    summary.seconds = round(time.monotonic() - started, 3)
    say(1.0, "done")
    return summary


def _sha256_meanwhile(data: bytes) -> Callable[[], str]:
    """A function returning the SHA-256 of `data`, hashed on a thread started now.

    hashlib and DuckDB both release the GIL, so the hash (0.2 s for a 225 MB export) runs while
    DuckDB reads the file instead of before it.
    """
    digest: list[str] = []
    worker = threading.Thread(target=lambda: digest.append(hashlib.sha256(data).hexdigest()), daemon=True)
    worker.start()

    def result() -> str:
        worker.join()
        return digest[0]
    return result


@contextmanager
def _bounded_memory(cur) -> Iterator[None]:
    """Cap DuckDB's memory while the import runs (IMPORT_MEMORY_LIMIT), then restore the setting.

    A transaction keeps every intermediate table until it ends (a DROP frees nothing), so a
    1M-row file peaked at 1.7 GB; capped, DuckDB moves cold blocks to its temp directory and the
    import stays under the 1.5 GB budget (bench/RESULTS.md) for ~7% more time. A lower limit the
    caller set is kept.
    """
    before = cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    if _setting_bytes(before) <= _setting_bytes(IMPORT_MEMORY_LIMIT):
        yield
        return
    cur.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}'")
    try:
        yield
    finally:
        # RESET when the limit was the default: re-setting its rounded text would drift downwards.
        cur.execute("RESET memory_limit")
        if cur.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] != before:
            cur.execute(f"SET memory_limit = '{before}'")


_UNITS = {"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30,
          "TIB": 2**40}


def _setting_bytes(text: str) -> float:
    """'18.8 GiB' → bytes (DuckDB's memory_limit text); unknown text counts as unlimited."""
    found = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", text)
    if not found or (found.group(2) or "B").upper() not in _UNITS:
        return float("inf")
    return float(found.group(1)) * _UNITS[(found.group(2) or "B").upper()]


def _import_in_transaction(cur, data: bytes, name: str, path: Path | None, sha256: Callable[[], str], *, source,
                           entity, mapping, profile, strict: bool, say: Progress, imported_by,
                           projects: tuple[str, ...] | None) -> ImportSummary:
    """Read and check the file into temp tables, then write it in a transaction left open.

    Reading and checking write only this cursor's temp tables, so they run before BEGIN: the
    raw rows can then really be dropped before the writes (inside a transaction a DROP frees
    nothing), ~300 MB of a 1M-row file. The caller commits, or rolls back when this raises.
    """
    raw = load_raw(cur, data, name, path=path)
    det, used_profile = _plan(cur, raw.headers, source=source, entity=entity, mapping=mapping, profile=profile)
    det = _refuse_undetected(raw, det)
    refuse_organisation_file(det.entity, projects)
    say(0.35, "checking rows")
    canonical, rejects = _validate(cur, raw, det)
    if strict and rejects:
        line, reason, _ = rejects[0]
        raise ImportRefused(f"strict mode: {len(rejects)} row(s) cannot be read (first: line {line}: {reason}); "
                            "nothing was imported", code="strict_rejects", n=len(rejects), line=line, reason=reason)
    _drop_raw_rows(cur, raw)
    say(0.6, "writing")
    cur.execute("BEGIN TRANSACTION")
    sha = sha256()
    before = batch_with_sha256(cur, sha)
    batch = new_batch(cur, file_name=name, sha256=sha, source_system=det.source_system, entity=det.entity,
                      imported_by=imported_by)
    ctx = WriteContext(det.source_system, det.entity, canonical, det.default_kind, frozenset(det.mapping))
    written: WriteResult = WRITERS[det.entity](cur, batch, ctx)
    refuse_outside_projects(cur, batch, projects)
    store_rejects(cur, batch, rejects)
    summary = _summary(name, sha, det, raw, canonical, rejects, written, batch)
    summary.already_imported_batch = before
    summary.mapping, summary.mapping_profile = dict(det.mapping), used_profile
    keep = summary.changed or (rejects and before is None)
    if not keep:
        summary.batch_id = None
        return summary
    summary.as_of = set_as_of_if_later(cur, batch, written.latest)
    say(0.9, "group attribution")
    summary.refresh_all = _changed_groups_or_memberships(cur, batch)
    refresh_group_attribution(cur, None if summary.refresh_all else batch, facts=False)
    finish_batch(cur, batch, read=summary.rows_read, inserted=summary.inserted, updated=summary.updated,
                 unchanged=summary.unchanged, rejected=summary.rejected)
    if mapping:
        summary.mapping_profile = profile or Path(name).stem
        save_mapping_profile(cur, summary.mapping_profile, header_signature(raw.headers), det.entity, det.mapping)
    return summary


def _refresh_facts_after(cur, summary: ImportSummary, *, only_batch: bool) -> None:
    """kpi_facts for what the committed batch wrote, in a transaction of its own.

    Read back from committed storage the facts of 1M new deals take 0.5 s instead of 2.5 s
    inside the import's transaction. Should this step fail, the import stands and kpi_facts is
    merely stale, which kpi_aggregates notices (db/queries/facts.facts_current) and then reads
    the tables; the next import or refresh rebuilds it. Only the batch's facts are refreshed
    when the facts were current before the import and the batch moved no group or membership.
    """
    cur.execute("BEGIN TRANSACTION")
    try:
        refresh_kpi_facts(cur, summary.batch_id if only_batch else None)
    except duckdb.Error:
        cur.execute("ROLLBACK")
        return
    cur.execute("COMMIT")


def _rollback_if_begun(cur) -> None:
    """ROLLBACK the import's transaction when the failure came after its BEGIN."""
    with suppress(duckdb.TransactionException):      # refused while reading or checking: nothing to undo
        cur.execute("ROLLBACK")


def _drop_raw_rows(cur, raw: RawTable) -> None:
    """Drop the file's text rows once `_valid` holds them typed (and `_canon`, its source when it was copied)."""
    cur.execute(f"DROP VIEW IF EXISTS {raw.table}")
    cur.execute(f"DROP TABLE IF EXISTS {raw.base}")
    cur.execute("DROP TABLE IF EXISTS _canon")


def _drop_temp_tables(cur) -> None:
    """Drop the import's temp tables and views (they live on this cursor only) once it committed.

    Those of a 1M-row file hold ~850 MB, most of the import's memory limit: the KPI facts that
    follow would otherwise sort and write in the ~150 MB left, moving blocks to disk.
    """
    temp = cur.execute("""SELECT 'VIEW', view_name FROM duckdb_views() WHERE database_name = 'temp' AND NOT internal
                          UNION ALL
                          SELECT 'TABLE', table_name FROM duckdb_tables() WHERE database_name = 'temp'""").fetchall()
    for kind, name in sorted(temp, key=lambda row: row[0] != "VIEW"):        # views first: they read the tables
        cur.execute(f'DROP {kind} IF EXISTS temp.main."{name}"')


def _changed_groups_or_memberships(cur, batch: int) -> bool:
    """Whether the batch changed memberships or groups: then every row's group may have moved."""
    return cur.execute("""SELECT count(*) > 0 FROM import_changes WHERE batch_id = ?
                          AND table_name IN ('memberships', 'groups')""", [batch]).fetchall()[0][0]


def _summary(name: str, sha: str, det: Detection, raw: RawTable, canonical: Canonical, rejects: list,
             written: WriteResult, batch: int) -> ImportSummary:
    counts = written.counts
    return ImportSummary(
        file_name=name, sha256=sha, source_system=det.source_system, entity=det.entity, detected=det.reason,
        batch_id=batch, rows_read=raw.rows + len(raw.rejects), inserted=counts.inserted, updated=counts.updated,
        unchanged=counts.unchanged, rejected=len(rejects), duplicates=len(canonical.duplicates),
        stage_events=written.stage_events, pending_stage_events=written.pending_events,
        unmapped_stages=written.unmapped_stages, other_currencies=written.currencies, currency=written.currency,
        encoding=raw.encoding, file_format=raw.file_format, notes=raw.notes + written.notes, rejects=rejects,
    )


def preview_file(con: duckdb.DuckDBPyConnection, path_or_bytes, file_name: str | None = None, *,
                 source: str | None = None, entity: str | None = None,
                 mapping: Mapping[str, str] | None = None, mapping_profile: str | None = None,
                 rows: int = 20) -> Preview:
    """Read, detect and validate a file without writing: what `import_file` would do with it.

    Raises ImportRefused only when the file cannot be read at all; a file that cannot be
    detected, or lacks a required column, comes back with `detection`/`missing` saying so.
    """
    name, path = _name_and_path(path_or_bytes, file_name)
    data = file_bytes(path_or_bytes)
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        try:
            return _preview(cur, data, name, path, source, entity, mapping, mapping_profile, rows)
        finally:
            cur.execute("ROLLBACK")
    finally:
        cur.close()


def _preview(cur, data, name, path, source, entity, mapping, profile, rows) -> Preview:
    raw = load_raw(cur, data, name, path=path)
    det, used = _plan(cur, raw.headers, source=source, entity=entity, mapping=mapping, profile=profile)
    sample = cur.execute(f"SELECT _line, {', '.join(raw.columns)} FROM {raw.table} ORDER BY _line LIMIT ?",
                         [rows]).df()
    sample.columns = ["line", *raw.headers]
    preview = Preview(
        file_name=name, file_format=raw.file_format, encoding=raw.encoding, headers=raw.headers,
        rows=raw.rows + len(raw.rejects), sample=sample, detection=det,
        reason=det.reason if det else "cannot tell what this file is: choose the entity and map the columns",
        mapping=dict(det.mapping) if det else {}, missing=describe_missing(det.missing) if det else "",
        header_signature=header_signature(raw.headers), saved_profile=used, notes=list(raw.notes),
    )
    if det is None or det.missing:
        return preview
    canonical, preview.rejects = _validate(cur, raw, det)
    if det.entity in ("deals", "stage_history") and "stage" in det.mapping:
        stage_map_table(cur, det.source_system, "_stage_map")
        preview.unmapped_stages = dict(cur.execute(f"""
            SELECT v.stage, count(*) FROM _valid v LEFT JOIN _stage_map sm ON sm.key = {word_key_sql('v.stage')}
            WHERE v.stage IS NOT NULL AND sm.value IS NULL GROUP BY 1 ORDER BY 2 DESC, 1""").fetchall())
    return preview
