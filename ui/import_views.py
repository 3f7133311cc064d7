"""Streamlit-free helpers of the 数据导入 Import page: previews and imports through the shared
pipeline (ingest.pipeline, the same code as `python cli.py import`), the mapping the user changed,
display frames of a summary, of the batches and of rejected rows, the stage options, and privacy
masking of raw file rows.

Uploaded files stay bytes in memory: they go to `preview_file` / `import_file` as bytes with their
file name, never to a path of ours.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from analytics.privacy import HIDDEN_TEXT, masked_phone, pseudonym
from db.imports import ImportRefused
from domain import STAGES
from ingest.columns import ENTITIES, ENTITY_FIELDS, REQUIREMENTS, SOURCES, header_key
from ingest.pipeline import ImportSummary, Preview, import_file, preview_file
from ui.exports import to_csv_bytes
from ui.i18n import STAGE_LABELS, STRINGS, label, listed, t

UPLOAD_TYPES: tuple[str, ...] = ("csv", "xlsx", "xls", "json")
PREVIEW_ROWS = 10
NOT_MAPPED = ""
# The stage-map choices: none yet, the canonical funnel, or 流失 (lost).
STAGE_CHOICES: tuple[str, ...] = (NOT_MAPPED, *STAGES, "lost")
# import_file's progress messages → string keys.
PROGRESS_STEPS = {"reading": "imp_step_reading", "checking rows": "imp_step_checking",
                  "writing": "imp_step_writing", "group attribution": "imp_step_attribution",
                  "done": "imp_step_done"}


# ---------------------------------------------------------------- refusals in the user's language


@dataclass(frozen=True)
class Refusal:
    """Why a file could not be imported: the English `reason` (the audit log's text), and the
    `code` and `params` of the ImportRefused it came from, which refusal_text says in the page's
    language. A plain value, so a cached preview or the session can keep it."""

    reason: str
    code: str = "other"
    params: Mapping[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, refused: ImportRefused) -> Refusal:
        return cls(refused.reason, refused.code, dict(refused.params))


def refusal_text(refused: ImportRefused | Refusal, lang: str) -> str:
    """The refusal as one sentence in `lang`: the template imp_why_<code> filled from its params
    (a file kind, a data type, a row reason or missing columns in `lang` too); its English
    `reason` as it is for the code "other", a code without a template or params that do not fit."""
    key = f"imp_why_{refused.code}"
    if refused.code == "other" or key not in STRINGS:
        return refused.reason
    try:      # format even without params: a template whose params are missing falls back
        return t(key, lang).format(**_localized_params(refused.params, lang))
    except (KeyError, IndexError, ValueError, TypeError):
        return refused.reason


def _localized_params(params: Mapping[str, object], lang: str) -> dict[str, object]:
    values = dict(params)
    if (kind := values.get("kind")) is not None and f"imp_kind_{kind}" in STRINGS:
        values["kind"] = t(f"imp_kind_{kind}", lang)
    if values.get("entity") in ENTITIES:
        values["entity"] = entity_label(values["entity"], lang)
    if isinstance(values.get("reason"), str):
        values["reason"] = reject_reason_text(values["reason"], lang)
    if isinstance(values.get("missing"), (tuple, list)):
        values["missing"] = missing_text(values["missing"], lang)
    return values


def missing_text(missing, lang: str) -> str:
    """Required columns a file lacks, per group its fields as (field, the export's column name or
    None): '阶段（商机阶段）、状态（商机状态）中的至少一列' / 'Stage (商机阶段) or Status (商机状态)'."""
    open_, close = (" (", ")") if lang == "en" else ("（", "）")

    def one(name: str, column: str | None) -> str:
        shown = field_label(name, lang) if f"imp_field_{name}" in STRINGS else name
        return f"{shown}{open_}{column}{close}" if column and column != shown else shown

    def group_text(group) -> str:
        items = t("imp_list_or", lang).join(one(name, column) for name, column in group)
        return t("imp_list_one_of", lang, items=items) if len(group) > 1 else items

    return t("imp_list_sep", lang).join(group_text(group) for group in missing)


# The row reasons of ingest (canonical.py, readers.py, organisation.py) → string keys. Each
# pattern ends where the row's next reason starts ("; ") or at the end; the shortest match wins.
_ROW_PATTERNS = (
    ("imp_row_not_date", r'(?P<column>.*?): "(?P<value>.*?)" is not a date'),
    ("imp_row_not_month", r'(?P<column>.*?): "(?P<value>.*?)" is not a month'),
    ("imp_row_not_amount", r'(?P<column>.*?): "(?P<value>.*?)" is not an amount'),
    ("imp_row_no_record_id", r"(?P<column>.*?) is empty \(every row needs its record id\)"),
    ("imp_row_empty", r"(?P<column>.*?) is empty"),
    ("imp_row_unknown_metric", r'metric "(?P<metric>.*?)" is not a known metric \((?P<known>.*?)\)'),
    ("imp_row_roster_clash", r'"(?P<person>.*?)" is listed (?P<n>\d+) times without dates, in different groups or '
                             r'roles \(lines (?P<lines>.*?)\)'),
    ("imp_row_field_count", r"expected (?P<expected>\d+) fields, found (?P<found>\d+)"),
    ("imp_row_not_utf8", r"not UTF-8 text"),
)
_ROW_REASONS = tuple((key, re.compile(pattern + r"(?=; |\Z)", re.DOTALL)) for key, pattern in _ROW_PATTERNS)


def reject_reason_text(reason, lang: str):
    """A rejected row's reason (its reasons joined by "; ") in `lang`; a reason that is not one
    of ingest's own (a DuckDB message) stays as it is, and so does the whole text then."""
    if not isinstance(reason, str) or not reason:
        return reason
    parts, pos = [], 0
    while True:
        found = [(match.end(), key, match) for key, pattern in _ROW_REASONS if (match := pattern.match(reason, pos))]
        if not found:
            return reason
        end, key, match = min(found, key=lambda item: item[0])
        parts.append(t(key, lang, **match.groupdict()))
        if end >= len(reason):
            return t("imp_list_sep", lang).join(parts)
        pos = end + 2


# ---------------------------------------------------------------- previews and imports


def file_preview(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, source: str | None = None,
                 entity: str | None = None, mapping: tuple[tuple[str, str], ...] = ()) -> Preview | Refusal:
    """What the file would import as (`preview_file`, nothing written), or why it cannot be read
    (a Refusal of the ImportRefused: not a table, empty, corrupt, or a mapping naming a missing
    column; refusal_text says it in the page's language).

    Arguments are hashable so the page can cache it with `ui.database.load` (per data version:
    saved stage maps and mapping profiles change the answer).
    """
    try:
        return preview_file(con, data, file_name, source=source, entity=entity, mapping=dict(mapping) or None,
                            rows=PREVIEW_ROWS)
    except ImportRefused as refused:
        return Refusal.of(refused)


@dataclass(frozen=True)
class ImportPlan:
    """One uploaded file and what the user settled for it: overrides, mapping, profile name."""

    file_name: str
    data: bytes
    source: str | None = None
    entity: str | None = None
    mapping: tuple[tuple[str, str], ...] = ()    # empty: the detected (or saved) mapping as it is
    profile_name: str | None = None


@dataclass
class ImportOutcome:
    """An import's result: the summary, or the reason the file was refused (nothing changed):
    `refused` in English (the audit log's text), `refusal` for the page (outcome_refusal_text)."""

    file_name: str
    summary: ImportSummary | None = None
    refused: str | None = None
    refusal: Refusal | None = None


def outcome_refusal_text(outcome: ImportOutcome, lang: str) -> str | None:
    """Why the file was refused, in `lang` (None when it was not)."""
    if outcome.refusal is not None:
        return refusal_text(outcome.refusal, lang)
    return outcome.refused


def run_import(con: duckdb.DuckDBPyConnection, plan: ImportPlan, *, strict: bool = False,
               progress: Callable[[float, str], None] | None = None,
               projects: tuple[str, ...] | None = None, imported_by: str | None = None) -> ImportOutcome:
    """`import_file` of the plan's bytes; a refusal or a database error becomes `refused`.
    `projects`: the importer's projects (a manager's scope; None: any); `imported_by`: the
    signed-in account, kept with the batch.

    The profile name is passed only with a mapping (import_file saves it under that name then).
    """
    mapping = dict(plan.mapping) or None
    try:
        summary = import_file(con, plan.data, plan.file_name, source=plan.source, entity=plan.entity,
                              mapping=mapping, mapping_profile=(plan.profile_name or None) if mapping else None,
                              strict=strict, progress=progress, projects=projects, imported_by=imported_by)
    except ImportRefused as refused:
        return ImportOutcome(plan.file_name, refused=refused.reason, refusal=Refusal.of(refused))
    except duckdb.Error as error:
        first = str(error).splitlines()[0]
        reason = f"database error: {first}"
        return ImportOutcome(plan.file_name, refused=reason,
                             refusal=Refusal(reason, "database_error", {"detail": first}))
    return ImportOutcome(plan.file_name, summary=summary)


def content_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def batch_of_content(batches: pd.DataFrame, sha256: str) -> int | None:
    """The latest batch in force that imported this exact content (None when there is none)."""
    if batches.empty:
        return None
    same = batches[(batches["sha256"] == sha256) & (batches["status"] == "done")]
    return int(same["batch_id"].max()) if len(same) else None


# ---------------------------------------------------------------- the column mapping


def field_options(headers: list[str]) -> list[str]:
    """Choices of a field's column: not mapped, then the file's headers in file order."""
    return [NOT_MAPPED, *headers]


def required_fields(entity: str) -> frozenset[str]:
    """Fields that appear in one of the entity's requirement groups (marked * on the page)."""
    return frozenset(name for group in REQUIREMENTS[entity] for name in group)


def requirement_text(entity: str, lang: str) -> str:
    """'阶段 / 状态 / 是否赢单 / 赢单时间'-style text, one part per requirement group, joined by '；'."""
    return t("clause_sep", lang).join(" / ".join(field_label(name, lang) for name in group)
                                      for group in REQUIREMENTS[entity])


def field_label(name: str, lang: str) -> str:
    return t(f"imp_field_{name}", lang)


def mapping_to_send(entity: str, detected: Mapping[str, str], chosen: Mapping[str, str]) -> dict[str, str] | None:
    """The mapping to give `import_file`: None while the user kept the detected columns (so saved
    profiles and detection apply as they are, and no profile is saved), else every field of the
    entity with its chosen column ("" for a field left unmapped, which unmaps a detected one).
    """
    fields = ENTITY_FIELDS[entity]
    before = {name: detected.get(name) or NOT_MAPPED for name in fields}
    after = {name: chosen.get(name) or NOT_MAPPED for name in fields}
    return None if before == after else after


def changed_fields(entity: str, detected: Mapping[str, str], chosen: Mapping[str, str]) -> list[str]:
    """The fields whose column the user changed, in field order."""
    return [name for name in ENTITY_FIELDS[entity]
            if (detected.get(name) or NOT_MAPPED) != (chosen.get(name) or NOT_MAPPED)]


# ---------------------------------------------------------------- labels


def source_label(source: str | None, lang: str) -> str:
    return t("imp_auto", lang) if source is None else t(f"imp_source_{source}", lang) if source in SOURCES else source


def entity_label(entity: str | None, lang: str) -> str:
    return t("imp_auto", lang) if entity is None else t(f"imp_entity_{entity}", lang)


def stage_options() -> tuple[str, ...]:
    """The stage choices for an unmapped name: none, 来电/线索 … 回款, 流失."""
    return STAGE_CHOICES


def stage_option_label(stage: str, lang: str) -> str:
    return t("imp_stage_none", lang) if stage == NOT_MAPPED else label(STAGE_LABELS, stage, lang)


def stage_widget_suffix(name: str) -> str:
    """A stable widget-key part for a source stage name (any text, any length)."""
    return hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def progress_text(message: str, lang: str) -> str:
    """import_file's progress message in the page's language (unknown ones as they are)."""
    key = PROGRESS_STEPS.get(message)
    return t(key, lang) if key else message


_ENCODING_NOTE = "encoding: "


# The encodings ingest/encodings.py describes → string keys (a description not listed, e.g. one
# charset-normalizer named, stays as it is).
_ENCODING_KEYS = {
    "UTF-8 with BOM": "imp_enc_utf8_bom", "UTF-16 (BOM)": "imp_enc_utf16_bom",
    "UTF-16 LE (no BOM)": "imp_enc_utf16le", "UTF-16 BE (no BOM)": "imp_enc_utf16be",
    "GB18030/GBK (Chinese)": "imp_enc_gb18030", "Windows-1252 (Western single-byte text)": "imp_enc_cp1252",
    "Windows-1252 (fallback)": "imp_enc_cp1252_fallback",
}


def file_facts(preview: Preview, lang: str) -> str:
    """'格式 CSV · 编码 GB18030/GBK（中文） · 7 行数据': the reader's description of the encoding
    (its note) when there is one, else the codec name; spreadsheets have none."""
    described = next((n[len(_ENCODING_NOTE):] for n in preview.notes if n.startswith(_ENCODING_NOTE)), None)
    if key := _ENCODING_KEYS.get(described):
        described = t(key, lang)
    encoding = described or preview.encoding or t("imp_encoding_none", lang)
    return t("imp_facts", lang, format=preview.file_format.upper(), encoding=encoding, rows=f"{preview.rows:,}")


# The reader's notes (ingest/readers.py, sheets.py) → string keys; a note not listed stays as it is.
_NOTE_PATTERNS = tuple((key, re.compile(pattern, re.DOTALL)) for key, pattern in (
    ("imp_note_header_row", r"header row: (?P<row>\d+)"),
    ("imp_note_blank_rows", r"skipped (?P<n>\d+) blank rows"),
    ("imp_note_total_row", r"skipped the total/footer row at line (?P<line>\d+) \((?P<text>.*)\)"),
    ("imp_note_nul_bytes", r"removed (?P<n>\d+) NUL bytes"),
    ("imp_note_delimiter", r"delimiter: (?P<delimiter>.*)"),
    ("imp_note_sheet", r"sheet: (?P<sheet>.*)"),
    ("imp_note_approximate_lines", r"line numbers are approximate \(the file's records could not be counted exactly\)"),
))


def _first_match(text: str, patterns) -> tuple[str, dict] | None:
    """(string key, named groups) of the first of `patterns` ((key, regex) pairs) matching all of `text`."""
    for key, pattern in patterns:
        if match := pattern.fullmatch(text):
            return key, match.groupdict()
    return None


def _translated(text: str, patterns, lang: str) -> str:
    """`text` through the first of `patterns` matching all of it; else as it is."""
    found = _first_match(text, patterns)
    return t(found[0], lang, **found[1]) if found else text


def reading_notes(preview: Preview, lang: str) -> list[str]:
    """The reader's notes (header row, skipped rows, totals …) in `lang`, except the encoding,
    shown in the facts."""
    return [_translated(n, _NOTE_PATTERNS, lang) for n in preview.notes if not n.startswith(_ENCODING_NOTE)]


# Why a file was taken for what it is (ingest/detect.py, pipeline._with_mapping) → string keys.
_GIVEN = r"(?: \((?:source (?P<source>\S+))?(?: and )?(?:entity (?P<entity>\S+))? given\))?"
_REASON_PATTERNS = tuple((key, re.compile(pattern, re.DOTALL)) for key, pattern in (
    ("imp_reason_headers", r"(?P<label>.*?): headers (?P<headers>.*?)" + _GIVEN),
    ("imp_reason_columns", r"(?P<label>.*?): columns (?P<columns>.*?)" + _GIVEN),
    ("imp_reason_saved", r"(?P<label>.*?): your saved mapping ['\"](?P<name>.*)['\"] \(same headers as before\)"),
    ("imp_reason_mapping", r"(?P<label>.*?): your column mapping"),
))


def detection_reason(reason: str, lang: str) -> str:
    """The detection's reason in `lang`: which headers matched, or whose mapping was used, and
    what the user chose instead of detecting (source, data type)."""
    found = _first_match(reason, _REASON_PATTERNS)
    if found is None:
        return reason
    key, values = found
    chosen = {name: values.pop(name, None) for name in ("source", "entity")}
    given = [named(chosen[name], lang) for name, named in (("source", source_label), ("entity", entity_label))
             if chosen[name]]
    text = t(key, lang, **values)
    return text + t("imp_reason_given", lang, given=t("imp_reason_given_sep", lang).join(given)) if given else text


# ---------------------------------------------------------------- the summary


SUMMARY_FIELDS: tuple[str, ...] = ("read", "new", "updated", "unchanged", "rejected", "duplicates",
                                   "stage_events", "unmapped", "currencies")


def summary_numbers(summary: ImportSummary) -> dict[str, int]:
    """The counts of an import, by SUMMARY_FIELDS key (each shown with the label imp_sum_<key>).

    unmapped = distinct unmapped stage names; currencies = deals in currencies other than the
    configured one (summary.other_currencies, summed over currencies).
    """
    return {
        "read": summary.rows_read, "new": summary.inserted, "updated": summary.updated,
        "unchanged": summary.unchanged, "rejected": summary.rejected, "duplicates": summary.duplicates,
        "stage_events": summary.stage_events, "unmapped": len(summary.unmapped_stages),
        "currencies": sum(summary.other_currencies.values()),
    }


def summary_help(summary: ImportSummary, lang: str) -> dict[str, str]:
    """Tooltips of the summary numbers that need one."""
    return {
        "duplicates": t("imp_help_duplicates", lang),
        "stage_events": t("imp_help_stage_events", lang, pending=summary.pending_stage_events),
        "unmapped": t("imp_help_unmapped", lang, rows=sum(summary.unmapped_stages.values())),
        "currencies": t("imp_help_currencies", lang, currency=summary.currency or "CNY"),
    }


def named_counts(counts: Mapping[str, int], lang: str) -> str:
    """'意向金待付（1）、定金（2）' / 'Deposit (1), Hold (2)'."""
    template = "{name} ({n:,})" if lang == "en" else "{name}（{n:,}）"
    return listed((template.format(name=name, n=n) for name, n in counts.items()), lang)


# ---------------------------------------------------------------- rejected rows


def rejects_frame(rejects: pd.DataFrame | list, privacy: bool, lang: str | None = None) -> pd.DataFrame:
    """Rejected rows as (line_no, reason, raw), in line order; raw hidden in privacy mode (it is
    the file's text and may carry customer names and phones). With `lang` the reasons are in that
    language (reject_reason_text): the page's table and its CSV download say the same; the
    database and the CLI keep them in English."""
    frame = (rejects.copy() if isinstance(rejects, pd.DataFrame)
             else pd.DataFrame(list(rejects), columns=["line_no", "reason", "raw"]))
    frame = frame[["line_no", "reason", "raw"]].sort_values("line_no", kind="stable").reset_index(drop=True)
    if lang is not None:
        frame["reason"] = [reject_reason_text(reason, lang) for reason in frame["reason"]]
    if privacy:
        frame["raw"] = [None if pd.isna(raw) else HIDDEN_TEXT for raw in frame["raw"]]
    return frame


def rejects_csv(frame: pd.DataFrame) -> bytes:
    """CSV bytes for download (ui.exports: UTF-8 with BOM for Excel, and the file's raw lines,
    which may start with =, + or @, neutralised as formulas)."""
    return to_csv_bytes(frame)


# ---------------------------------------------------------------- batches


def batches_frame(batches: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Display rows of `db.imports.import_batches`: batch, file, source, entity, the five counts as
    one text, time (YYYY-MM-DD HH:MM), status label, and `undone` (bool) for the undo button."""
    columns = ["batch", "file", "source", "entity", "counts", "time", "status", "undone", "rejected"]
    if batches.empty:
        return pd.DataFrame(columns=columns)
    counts = ["rows_read", "rows_inserted", "rows_updated", "rows_unchanged", "rows_rejected"]
    return pd.DataFrame({
        "batch": batches["batch_id"].astype(int),
        "file": batches["file_name"].astype(str),
        "source": [source_label(s, lang) for s in batches["source_system"]],
        "entity": [entity_label(e, lang) if e else "—" for e in batches["entity"]],
        "counts": [" · ".join(f"{int(v):,}" if pd.notna(v) else "—" for v in row)
                   for row in batches[counts].itertuples(index=False)],
        "time": [pd.Timestamp(when).strftime("%Y-%m-%d %H:%M") if pd.notna(when) else "—"
                 for when in batches["imported_at"]],
        "status": [t(f"imp_status_{s}", lang) if s in ("done", "undone") else str(s) for s in batches["status"]],
        "undone": batches["status"] == "undone",
        "rejected": batches["rows_rejected"].fillna(0).astype(int),
    }, columns=columns)


# ---------------------------------------------------------------- the preview, with privacy


# Canonical fields whose values are personal, by the masking they need (deal names often carry
# the customer's name, e.g. 张伟-3号楼1201).
_FIELD_MASKS = {"customer_name": "name", "first_name": "name", "last_name": "name", "person_name": "name",
                "name": "name", "phone": "phone", "note": "text", "lost_reason": "text"}
_WORD_MASKS = (("phone", ("手机", "电话", "phone", "mobile", "tel")),
               ("text", ("备注", "内容", "描述", "说明", "note", "comment", "description", "remark")),
               ("name", ("姓名", "客户", "联系人", "name", "contact", "account", "customer")))
_ID_HEADER = re.compile(r"(\bid\b|\.id$|编号$|id$)", re.IGNORECASE)


def personal_columns(headers: list[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """{header: 'name' | 'phone' | 'text'} for the columns that may carry personal data.

    A mapped column masks by its field (a column mapped only to impersonal fields is left
    alone); an unmapped one by words in its header; id columns are left alone.
    """
    by_header: dict[str, set[str]] = {}
    for name, header in mapping.items():
        if header:
            by_header.setdefault(header, set()).add(name)
    found = {}
    for header in headers:
        fields = by_header.get(header)
        if fields is not None:
            kinds = [_FIELD_MASKS[f] for f in fields if f in _FIELD_MASKS]
            if kinds:
                found[header] = "phone" if "phone" in kinds else "text" if "text" in kinds else "name"
            continue
        key = header_key(header)
        if _ID_HEADER.search(key):
            continue
        for kind, words in _WORD_MASKS:
            if any(word in key for word in words):
                found[header] = kind
                break
    return found


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def preview_frame(preview: Preview, privacy: bool, lang: str, mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The first rows of the file as text, its line numbers first (column 行号/Line).

    In privacy mode personal columns (see personal_columns) are masked: names become stable
    pseudonyms keyed on the row's record id (else its line), phones are masked, text hidden.
    """
    sample = preview.sample.copy()
    headers = list(sample.columns[1:])
    if privacy:
        personal = personal_columns(headers, preview.mapping if mapping is None else mapping)
        id_header = (mapping or preview.mapping).get("record_id")
        keys = (sample[id_header].astype(str) if id_header in sample.columns else sample["line"].astype(str))
        for header, kind in personal.items():
            values = sample[header]
            if kind == "phone":
                sample[header] = values.map(masked_phone)
            elif kind == "text":
                sample[header] = values.where(values.isna(), HIDDEN_TEXT)
            else:
                sample[header] = [None if pd.isna(v) else pseudonym(k)
                                  for v, k in zip(values, keys, strict=True)]
    sample.columns = _unique([t("imp_line", lang), *headers])
    return sample.astype({sample.columns[0]: "int64"}).reset_index(drop=True)


def outcome_text(outcome: ImportOutcome) -> str:
    """One line for the audit log: the batch and its counts, or why the file was refused."""
    if outcome.refused is not None:
        return f"refused: {outcome.refused}"
    s = outcome.summary
    if s.already_imported_batch is not None:
        return f"already imported in batch {s.already_imported_batch}"
    return (f"batch {s.batch_id} ({s.source_system} {s.entity}): {s.rows_read} read, {s.inserted} new, "
            f"{s.updated} updated, {s.unchanged} unchanged, {s.rejected} rejected")
