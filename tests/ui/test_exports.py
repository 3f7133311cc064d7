"""ui.exports: CSV with BOM and XLSX bytes that Excel opens safely (no formula runs)."""

from __future__ import annotations

from io import BytesIO, StringIO

import pandas as pd
import pytest

from ui.exports import neutralised, neutralised_cell, to_csv_bytes, to_xlsx_bytes

NASTY = ["=1+1", "+cmd|' /C calc'!A0", "-2", "@x", "刚需组"]


@pytest.mark.parametrize(("text", "safe"), [("=1+1", "'=1+1"), ("+cmd", "'+cmd"), ("-2", "'-2"), ("@x", "'@x"),
                                            ("\t=1", "'\t=1"), ("刚需组", "刚需组"), ("1+1", "1+1"), ("", "")])
def test_a_text_cell_that_starts_a_formula_gets_a_leading_apostrophe(text, safe):
    assert neutralised_cell(text) == safe


def test_numbers_stay_numbers_even_when_negative():
    assert neutralised_cell(-2) == -2
    assert neutralised_cell(3.5) == 3.5


def test_neutralising_leaves_the_input_frame_unchanged():
    frame = pd.DataFrame({"name": NASTY, "n": [1, -2, 3, 4, 5]})
    before = frame.copy()
    safe = neutralised(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert safe["name"].tolist() == ["'=1+1", "'+cmd|' /C calc'!A0", "'-2", "'@x", "刚需组"]
    assert safe["n"].tolist() == [1, -2, 3, 4, 5]


def test_the_csv_starts_with_a_bom_and_reads_back_neutralised():
    frame = pd.DataFrame({"小组": NASTY, "成交数": [1, -2, 3, 4, 5]})
    data = to_csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")        # Excel reads UTF-8 Chinese only with the BOM
    back = pd.read_csv(StringIO(data.decode("utf-8-sig")), dtype={"小组": str})
    assert back.columns.tolist() == ["小组", "成交数"]
    assert back["小组"].tolist() == ["'=1+1", "'+cmd|' /C calc'!A0", "'-2", "'@x", "刚需组"]
    assert back["成交数"].tolist() == [1, -2, 3, 4, 5]


def test_a_header_that_starts_a_formula_is_neutralised_too():
    data = to_csv_bytes(pd.DataFrame({"=HYPERLINK(\"x\")": ["a"]}))
    assert data.decode("utf-8-sig").splitlines()[0] == "\"'=HYPERLINK(\"\"x\"\")\""


def test_the_xlsx_holds_text_not_formulas():
    frame = pd.DataFrame({"小组": NASTY, "成交金额（万元）": [1.5, -2.0, 3.0, 4.0, 5.0]})
    data = to_xlsx_bytes(frame)
    assert data[:2] == b"PK"                       # a zip container: a real xlsx
    back = pd.read_excel(BytesIO(data), engine="calamine")
    assert back["小组"].tolist() == ["'=1+1", "'+cmd|' /C calc'!A0", "'-2", "'@x", "刚需组"]
    assert back["成交金额（万元）"].tolist() == [1.5, -2.0, 3.0, 4.0, 5.0]
