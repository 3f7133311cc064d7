"""XLSX/XLS (python-calamine, never openpyxl) and JSON (API dumps) as rows of text.

Each returns (header, rows, line numbers, notes). Excel cells become text the way a user sees
them: whole numbers without ".0", datetimes as ISO text; the header is the row among the first
15 whose cells are most often known header names (a title row above it is skipped). JSON: the
first list of records (under data/dataList/records … when nested), nested objects flattened to
`a.b`, one-element lists to their element (Fxiaoke's list-valued owners).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from python_calamine import CalamineWorkbook

from db.imports import ImportRefused
from ingest.encodings import detect_encoding
from ingest.limits import refuse_archive_bomb, refuse_too_many_rows

Rows = tuple[list[str], list[list[str | None]], list[int], list[str]]


def sheet_rows(data: bytes, kind: str, pick_header: Callable) -> Rows:
    """The first sheet with a header and data; `pick_header` chooses the header row."""
    if kind == "xlsx":
        refuse_archive_bomb(data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        notes = []
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            # before to_python: a sheet's Python cells take ~10x its XML
            refuse_too_many_rows(max(sheet.height - 1, 0))
            rows = sheet.to_python(skip_empty_area=False)
            if sum(1 for r in rows[:50] if any(c not in ("", None) for c in r)) >= 2:
                if len(book.sheet_names) > 1:
                    notes.append(f"sheet: {name}")
                break
        else:
            raise ImportRefused("the workbook has no sheet with a header and data rows", code="no_sheet")
    except ImportRefused:
        raise
    except Exception as error:   # calamine raises its own error types for damaged files
        raise ImportRefused(f"the {kind.upper()} file is damaged and cannot be opened ({error})",
                            code="damaged_excel", format=kind.upper(), detail=str(error)) from error
    # Most cells are text: test the type inline (a third faster than a call per cell).
    texts = [[(c.strip() or None) if type(c) is str else cell_text(c) for c in row] for row in rows]
    candidates = [(row, i) for i, row in enumerate(texts[:15]) if any(row)]
    header_index = pick_header([([c or "" for c in row], i) for row, i in candidates])
    width = max((len(r) for r in texts), default=0)
    header = [texts[header_index][i] if i < len(texts[header_index]) else None for i in range(width)]
    body = texts[header_index + 1:]
    lines = list(range(header_index + 2, header_index + 2 + len(body)))
    return [h or "" for h in header], body, lines, notes + [f"header row: {header_index + 1}"]


def cell_text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def json_rows(data: bytes) -> Rows:
    try:
        document = json.loads(data.decode(detect_encoding(data)[0]))
    except (ValueError, UnicodeDecodeError) as error:
        raise ImportRefused(f"cannot read the file as JSON: {error}", code="bad_json", detail=str(error)) from error
    records = _first_record_list(document)
    if records is None:
        raise ImportRefused("the JSON file holds no list of records", code="json_no_records")
    flat = [_flatten(r) for r in records]
    headers = list(dict.fromkeys(k for r in flat for k in r))
    body = [[r.get(h) for h in headers] for r in flat]
    return headers, body, list(range(1, len(body) + 1)), ["line numbers are record numbers"]


def _first_record_list(node):
    if isinstance(node, list) and node and all(isinstance(x, dict) for x in node):
        return node
    if isinstance(node, dict):
        for key in ("data", "dataList", "records", "items", "result", "rows"):
            if key in node:
                found = _first_record_list(node[key])
                if found is not None:
                    return found
        for value in node.values():
            found = _first_record_list(value)
            if found is not None:
                return found
    return None


def _flatten(record: dict, prefix: str = "") -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            scalars = [v for v in value if not isinstance(v, (dict, list))]
            out[name] = cell_text(scalars[0]) if len(value) == 1 and scalars else (
                json.dumps(value, ensure_ascii=False) if value else None)
        else:
            out[name] = cell_text(value)
    return out
