"""How much one import may read: the file's size, its rows, and what an XLSX archive unpacks to.

A file over a limit is refused (ImportRefused) before its rows are read, so it changes nothing.
The limits are settings (environment variables) with defaults that fit the 1.5 GB budget of an
import (bench/RESULTS.md: 1M rows of CSV, ~140 MB, import in ~1 GB):

- ANCHANG_MAX_IMPORT_MB     (default 200): the file's size in MB; Streamlit's own upload cap
  (`server.maxUploadSize`) has the same default, and the Import page passes this value to it.
- ANCHANG_MAX_IMPORT_ROWS   (default 2,000,000): data rows of one file.

An XLSX is a zip of XML. A "zip bomb" of a few hundred KB can unpack to gigabytes and exhaust
memory inside the Excel reader, so the archive's directory is checked first: its entry count,
the total it unpacks to, and each large entry's compression ratio (real sheets compress 5-20x;
the 100x bound leaves room for very repetitive exports).
"""

from __future__ import annotations

import io
import os
import zipfile

from db.imports import ImportRefused

MAX_FILE_MB_VAR = "ANCHANG_MAX_IMPORT_MB"
MAX_ROWS_VAR = "ANCHANG_MAX_IMPORT_ROWS"
DEFAULT_MAX_FILE_MB = 200
DEFAULT_MAX_ROWS = 2_000_000
# An XLSX sheet of 2M rows x 12 columns is ~0.7-1 GB of XML; beyond 2 GB the reader's Python
# cells alone would not fit the budget.
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_ENTRY_RATIO = 100
RATIO_CHECKED_FROM = 1024**2       # small entries (styles, a one-cell sheet) may compress better
MAX_ENTRIES = 10_000


def _positive_setting(name: str, default: int) -> int:
    """An integer setting from the environment; a missing, unreadable or non-positive value is the default."""
    try:
        value = int(float(os.environ.get(name, "") or default))
    except ValueError:
        return default
    return value if value > 0 else default


def max_file_mb() -> int:
    """The largest file an import reads, in MB (10^6 bytes, as Streamlit counts them)."""
    return _positive_setting(MAX_FILE_MB_VAR, DEFAULT_MAX_FILE_MB)


def max_rows() -> int:
    """The most data rows one file may have."""
    return _positive_setting(MAX_ROWS_VAR, DEFAULT_MAX_ROWS)


def refuse_oversized(size: int) -> None:
    """ImportRefused when a file of `size` bytes is over the size limit."""
    limit = max_file_mb()
    if size > limit * 1_000_000:
        raise ImportRefused(f"the file is {size / 1_000_000:,.1f} MB, over the {limit:,} MB limit "
                            f"({MAX_FILE_MB_VAR}): split it (e.g. by month) and import the parts",
                            code="over_size_limit", size_mb=size / 1_000_000, limit_mb=limit,
                            setting=MAX_FILE_MB_VAR)


def refuse_too_many_rows(rows: int) -> None:
    """ImportRefused when a file has more data rows than the row limit."""
    limit = max_rows()
    if rows > limit:
        raise ImportRefused(f"the file has {rows:,} rows, over the {limit:,}-row limit "
                            f"({MAX_ROWS_VAR}): split it (e.g. by month) and import the parts",
                            code="over_row_limit", rows=rows, limit=limit, setting=MAX_ROWS_VAR)


def refuse_archive_bomb(data: bytes) -> None:
    """ImportRefused when an XLSX archive unpacks to too much, too many entries, or too high a ratio.

    Reads only the zip's directory (no decompression); the reader itself stops at the declared
    sizes, which the zip's CRC check ties to the content.
    """
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as error:
        raise ImportRefused(f"the Excel file is damaged and cannot be opened ({error})",
                            code="damaged_excel", format="Excel", detail=str(error)) from error
    if len(entries) > MAX_ENTRIES:
        raise ImportRefused(f"the Excel file holds {len(entries):,} parts (at most {MAX_ENTRIES:,}): "
                            "it is not a normal workbook", code="too_many_parts", parts=len(entries),
                            limit=MAX_ENTRIES)
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportRefused(f"the Excel file unpacks to {unpacked / 1024**3:,.1f} GB "
                            f"(at most {MAX_UNPACKED_BYTES / 1024**3:,.0f} GB): split it and import the parts",
                            code="unpacks_too_big", size_gb=unpacked / 1024**3,
                            limit_gb=MAX_UNPACKED_BYTES / 1024**3)
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size >= RATIO_CHECKED_FROM and ratio > MAX_ENTRY_RATIO:
            raise ImportRefused(f"the Excel file's part {entry.filename} unpacks {ratio:,.0f} times its size "
                                f"(at most {MAX_ENTRY_RATIO}): it looks like a zip bomb, not a workbook",
                                code="zip_bomb", part=entry.filename, ratio=ratio, limit=MAX_ENTRY_RATIO)
