"""CSV line numbers: which line of the file each record read by DuckDB starts on.

DuckDB's read_csv does not say where a good row came from, and the byte positions it gives for
rejected rows can point a byte or a blank line away. A newline ends a record when an even number
of quote characters precede it (RFC 4180: escaped quotes come in pairs); from that, every
record's first line is known, and rejected records are found by their position and text.
"""

from __future__ import annotations

import numpy as np


def rejected_record(utf8: bytes, starts: np.ndarray, keep: np.ndarray, position: int, text: str) -> int | None:
    """Index of the record DuckDB rejected: near its reported byte position, and starting with its text.

    DuckDB's position may point a byte or a blank line away from the record's first byte.
    """
    prefix = text.lstrip("\r\n").encode("utf-8")[:24]
    low = int(np.searchsorted(starts, position - 8))
    high = int(np.searchsorted(starts, position + 256))
    candidates = [k for k in range(low, min(high + 1, len(starts))) if keep[k]]
    for k in candidates:
        if utf8.startswith(prefix, int(starts[k])):
            return k
    return min(candidates, key=lambda k: abs(int(starts[k]) - position)) if candidates else None


def record_lines(utf8: bytes, skip: int) -> tuple[np.ndarray, np.ndarray]:
    """Byte offsets and first-line numbers of the non-blank CSV records after `skip` lines.

    A newline ends a record when an even number of quote characters precede it (RFC 4180:
    escaped quotes come in pairs), so quoted multi-line cells stay in their record.
    """
    arr = np.frombuffer(utf8, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    inside = np.bitwise_xor.accumulate((arr == 34).astype(np.uint8))
    ends = newlines[inside[newlines] == 0]
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(arr)]))
    length = stops - starts
    blank = (length == 0) | ((length == 1) & (arr[np.minimum(starts, len(arr) - 1)] == 13))
    line = np.searchsorted(newlines, starts) + 1
    keep = ~blank & (line > skip) & (starts < len(arr))
    return starts[keep], line[keep]
