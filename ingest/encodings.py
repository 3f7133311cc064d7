"""Telling what a file is before reading it: its bytes, its format, its text encoding.

Encodings, in this order: a BOM (UTF-8, UTF-16); UTF-16 without BOM (every other byte NUL);
strict UTF-8; single high bytes between ASCII letters (Western text: cp1252, e.g. Salesforce
LatAm exports, since GB18030 would "decode" them into nonsense); strict GB18030 (a superset of
GBK/GB2312); charset-normalizer on files of 64 KB or more; cp1252, then latin-1.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import zipfile
from pathlib import Path

from db.imports import ImportRefused
from ingest.limits import refuse_oversized

# (magic bytes, what the file is, its kind: the Import page's imp_kind_<kind> label)
_MAGIC = ((b"\x89PNG", "a PNG image", "png"), (b"GIF8", "a GIF image", "gif"),
          (b"\xff\xd8\xff", "a JPEG image", "jpeg"), (b"%PDF", "a PDF document", "pdf"),
          (b"Rar!", "a RAR archive", "rar"), (b"\x1f\x8b", "a gzip archive", "gzip"),
          (b"7z\xbc\xaf", "a 7-Zip archive", "7z"), (b"BM", None, None))


def file_bytes(source: str | os.PathLike | bytes | bytearray | memoryview | object) -> bytes:
    """The content of a path, bytes, or a file-like object (an uploaded file)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if isinstance(source, (str, os.PathLike)):
        try:
            refuse_oversized(Path(source).stat().st_size)   # before reading it into memory
            return Path(source).read_bytes()
        except OSError as error:
            raise ImportRefused(f"cannot open the file: {error.strerror or error}", code="cannot_open",
                                detail=str(error.strerror or error)) from error
    if hasattr(source, "getvalue"):
        return bytes(source.getvalue())
    if hasattr(source, "read"):
        return bytes(source.read())
    raise TypeError(f"cannot read {type(source).__name__}")


def sniff_format(data: bytes, file_name: str) -> str:
    """'csv', 'xlsx', 'xls' or 'json' from the content; refuses images, archives, empty files."""
    # the head decides for any real file; strip() of a whole 200 MB export would copy it
    if not data[:65536].strip(b" \t\r\n\x00") and not data.strip(b" \t\r\n\x00"):
        raise ImportRefused("the file is empty", code="empty_file")
    for magic, what, kind in _MAGIC:
        if data.startswith(magic) and what:
            raise ImportRefused(f"this is {what}, not a CSV or Excel file", code="not_csv_or_excel", kind=kind)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if file_name.lower().endswith(".json") or head[:1] in (b"[", b"{"):
        return "json"
    return "csv"


def _zip_kind(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile as error:
        raise ImportRefused(f"the Excel file is damaged and cannot be opened ({error})",
                            code="damaged_excel", format="Excel", detail=str(error)) from error
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    inside = ", ".join(n for n in names[:5] if not n.endswith("/"))
    raise ImportRefused(f"this is a zip archive ({inside}), not an Excel file: unzip it and import the files inside",
                        code="zip_not_excel", files=inside)


# With `verified_later`, only this much is checked here (a file's end may be cut mid-character).
UTF8_PREFIX = 1 << 22


def _is_utf8(data: bytes, *, prefix_only: bool = False) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    end = min(len(data), UTF8_PREFIX) if prefix_only else len(data)
    try:
        for start in range(0, end, 1 << 24):
            stop = min(start + (1 << 24), end)
            decoder.decode(data[start:stop], final=stop >= len(data))
        return True
    except UnicodeDecodeError:
        return False


def _looks_western(data: bytes) -> bool:
    """Most high bytes stand alone between ASCII bytes (cp1252 text), unlike GBK's byte pairs.

    Judged on the megabyte from the first high byte (a long export may be ASCII for megabytes).
    """
    first = re.search(rb"[\x80-\xff]", data)
    start = first.start() if first else 0
    sample = data[start:start + (1 << 20)]
    high = len(re.findall(rb"[\x80-\xff]", sample))
    alone = len(re.findall(rb"(?<![\x80-\xff])[\x80-\xff](?![\x80-\xff])", sample))
    return high > 0 and alone / high > 0.5


def detect_encoding(data: bytes, *, verified_later: bool = False) -> tuple[str, str]:
    """(Python codec, reason) for CSV bytes; see the module docstring for the order.

    `verified_later`: the reader checks every byte as UTF-8 itself (DuckDB's read_csv rejects a
    row that is not), so strict UTF-8 is tested on the first UTF8_PREFIX bytes only (0.5 s of
    CPU per 200 MB saved); the caller must detect again without it when the reader finds a row
    that is not UTF-8.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16 (BOM)"
    head = data[:4096]
    if len(head) >= 4 and head[1::2].count(0) > 0.4 * len(head) / 2 and head[0::2].count(0) == 0:
        return "utf-16-le", "UTF-16 LE (no BOM)"
    if len(head) >= 4 and head[0::2].count(0) > 0.4 * len(head) / 2 and head[1::2].count(0) == 0:
        return "utf-16-be", "UTF-16 BE (no BOM)"
    if _is_utf8(data, prefix_only=verified_later):
        return "utf-8", "UTF-8"
    if _looks_western(data):
        return _single_byte(data), "Windows-1252 (Western single-byte text)"
    try:
        data.decode("gb18030")
        return "gb18030", "GB18030/GBK (Chinese)"
    except UnicodeDecodeError:
        pass
    if len(data) >= 65536:
        from charset_normalizer import from_bytes

        best = from_bytes(data[: 1 << 21]).best()
        if best is not None:
            try:
                data.decode(best.encoding)
                return best.encoding, f"{best.encoding} (charset-normalizer)"
            except (UnicodeDecodeError, LookupError):
                pass
    return _single_byte(data), "Windows-1252 (fallback)"


def _single_byte(data: bytes) -> str:
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def refuse_binary(data: bytes) -> None:
    sample = data[:65536]
    controls = len(re.findall(rb"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", sample))
    if controls > max(8, len(sample) // 100):
        raise ImportRefused("this is binary data, not a CSV or Excel file", code="not_csv_or_excel", kind="binary")
