"""Downloads of a shown table: CSV (UTF-8 with BOM) and XLSX bytes, safe to open in Excel.

Streamlit-free. Excel needs the BOM to read UTF-8 Chinese in a CSV; without it the headers turn
into mojibake. A text cell that starts with =, +, - or @ would run as a formula when the file is
opened (CSV injection, OWASP): such cells get a leading apostrophe, which Excel shows as text.
Numbers are left alone (a negative number is a number, not a formula).
"""

from __future__ import annotations

from io import BytesIO

import pandas as pd

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"


def neutralised_cell(value):
    """`value` with a leading apostrophe when it is text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells and column names cannot start a formula; input unchanged."""
    safe = frame.copy()
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralised_cell)
    return safe.rename(columns=lambda name: neutralised_cell(name) if isinstance(name, str) else name)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as CSV, UTF-8 with BOM, without the index, formulas neutralised.

    Lines end in CRLF (RFC 4180, as Excel writes them): the csv writer then quotes every cell
    holding a CR or LF, so a bare CR inside an imported note cannot split a row in Excel.
    """
    return neutralised(frame).to_csv(index=False, lineterminator="\r\n").encode(CSV_ENCODING)


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """The frame as a one-sheet XLSX (xlsxwriter), without the index, formulas neutralised.

    xlsxwriter would itself turn a string starting with '=' into a formula; the apostrophe
    prefix and `strings_to_formulas: False` both keep it text.
    """
    buffer = BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False,
                                                   "strings_to_urls": False}}) as writer:
        neutralised(frame).to_excel(writer, sheet_name=sheet_name[:31], index=False)
        sheet = writer.sheets[sheet_name[:31]]
        for index, column in enumerate(frame.columns):
            width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
            sheet.set_column(index, index, min(max(width * 1.6, 8), 40))
    return buffer.getvalue()
