"""Files over the size or row limit, and XLSX zip bombs, are refused before their rows are read,
with a one-line reason, and change nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
import xlsxwriter

from db.imports import ImportRefused
from ingest import limits
from ingest.pipeline import import_file, preview_file
from tests.ingest.conftest import FIXTURES, table_hashes

ROSTER = (FIXTURES / "roster.csv").read_bytes()


@pytest.fixture
def filled(con):
    import_file(con, FIXTURES / "zoho_deals_week1.csv")
    return con


def refusal(con, data_or_path, name: str | None = None) -> str:
    """The reason import_file refuses the file, asserting that nothing changed."""
    before = table_hashes(con)
    with pytest.raises(ImportRefused) as refused:
        import_file(con, data_or_path, name)
    assert table_hashes(con) == before
    return refused.value.reason


def bomb_xlsx(padding_mb: int = 20) -> bytes:
    """A valid workbook (the roster fixture's first rows) whose sheet XML carries `padding_mb` MB of
    blank rows: a few tens of KB that unpack 1000-fold, as a zip bomb does."""
    base = io.BytesIO()
    book = xlsxwriter.Workbook(base)
    sheet = book.add_worksheet()
    for row, line in enumerate(ROSTER.decode("utf-8").splitlines()):
        sheet.write_row(row, 0, line.split(","))
    book.close()
    source = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * (padding_mb << 20) + b"</sheetData>")
            bomb.writestr(entry.filename, data)
    return out.getvalue()


def test_a_file_over_the_size_limit_is_refused_as_bytes_and_as_a_path(filled, tmp_path, monkeypatch):
    monkeypatch.setenv(limits.MAX_FILE_MB_VAR, "1")
    big = ROSTER + b"\n".join(b"x%d,one,consultant,stage" % i for i in range(80_000))
    assert len(big) > 1_000_000
    assert "over the 1 MB limit (ANCHANG_MAX_IMPORT_MB)" in refusal(filled, big, "big.csv")
    path = tmp_path / "big.csv"
    path.write_bytes(big)
    assert "over the 1 MB limit" in refusal(filled, path)


def test_a_file_over_the_row_limit_is_refused(filled, monkeypatch):
    monkeypatch.setenv(limits.MAX_ROWS_VAR, "3")
    assert refusal(filled, ROSTER, "roster.csv").startswith("the file has 4 rows, over the 3-row limit")
    monkeypatch.setenv(limits.MAX_ROWS_VAR, "4")
    assert import_file(filled, ROSTER, "roster.csv").inserted > 0


def test_the_row_limit_holds_for_excel_before_its_cells_are_read(filled, monkeypatch):
    monkeypatch.setenv(limits.MAX_ROWS_VAR, "5")
    reason = refusal(filled, FIXTURES / "fxiaoke_deals.xlsx")
    assert "rows, over the 5-row limit" in reason


def test_the_defaults_are_200_mb_and_two_million_rows_and_bad_settings_fall_back(monkeypatch):
    monkeypatch.delenv(limits.MAX_FILE_MB_VAR, raising=False)
    monkeypatch.setenv(limits.MAX_ROWS_VAR, "lots")
    assert (limits.max_file_mb(), limits.max_rows()) == (200, 2_000_000)


def test_an_xlsx_zip_bomb_is_refused_before_the_excel_reader_opens_it(filled):
    bomb = bomb_xlsx()
    assert len(bomb) < 200_000
    reason = refusal(filled, bomb, "bomb.xlsx")
    assert "looks like a zip bomb" in reason and "xl/worksheets/sheet1.xml" in reason
    with pytest.raises(ImportRefused, match="zip bomb"):
        preview_file(filled, bomb, "bomb.xlsx")


def test_the_unpacked_total_and_the_entry_count_of_a_workbook_are_bounded(filled, monkeypatch):
    workbook = (FIXTURES / "fxiaoke_deals.xlsx").read_bytes()
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 1000)
    assert "unpacks to" in refusal(filled, workbook, "deals.xlsx")
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 2 * 1024**3)
    monkeypatch.setattr(limits, "MAX_ENTRIES", 3)
    assert "parts (at most 3)" in refusal(filled, workbook, "deals.xlsx")


def test_a_real_workbook_passes_the_archive_checks(con):
    assert import_file(con, FIXTURES / "fxiaoke_deals.xlsx").inserted > 0
