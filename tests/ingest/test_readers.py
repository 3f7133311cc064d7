"""Reading files: encodings, NUL bytes, CRLF, blank and total rows, line numbers, XLSX, JSON."""

from __future__ import annotations

import codecs

import duckdb
import pytest

from db.imports import ImportRefused
from ingest.encodings import detect_encoding
from ingest.readers import load_raw

HEADER = "商机名称,商机阶段,商机金额\r\n"
ROWS = "张伟-1,首访,120万\r\n李娜-2,复访,\"1,350,000\"\r\n"


@pytest.fixture
def duck():
    con = duckdb.connect()
    yield con
    con.close()


def cells(con, raw) -> list[tuple]:
    return con.execute(f"SELECT _line, {', '.join(raw.columns)} FROM {raw.table} ORDER BY _line").fetchall()


@pytest.mark.parametrize(("encoding", "prefix", "named"), [
    ("utf-8", b"", "UTF-8"),
    ("utf-8", codecs.BOM_UTF8, "UTF-8 with BOM"),
    ("gb18030", b"", "GB18030/GBK (Chinese)"),
    ("gbk", b"", "GB18030/GBK (Chinese)"),
    ("utf-16", b"", "UTF-16 (BOM)"),
])
def test_chinese_text_lands_the_same_in_every_encoding(duck, encoding, prefix, named):
    raw = load_raw(duck, prefix + (HEADER + ROWS).encode(encoding), "deals.csv")
    assert raw.headers == ["商机名称", "商机阶段", "商机金额"]
    assert cells(duck, raw) == [(2, "张伟-1", "首访", "120万"), (3, "李娜-2", "复访", "1,350,000")]
    assert f"encoding: {named}" in raw.notes


def test_cp1252_spanish_is_not_mistaken_for_gbk():
    # "Negociación" in cp1252: ó is the single byte F3, which GB18030 would pair with the next byte.
    data = "Id,StageName\n1,Negociación\n2,Diseño Propuesta\n".encode("cp1252")
    assert detect_encoding(data)[0] == "cp1252"


@pytest.mark.parametrize(("encoding", "word", "named"), [("gb18030", "首访", "GB18030/GBK (Chinese)"),
                                                       ("cp1252", "Negociación", "Windows-1252")])
def test_a_file_that_turns_out_not_to_be_utf8_after_its_first_megabytes_is_read_whole(duck, tmp_path, encoding,
                                                                                      word, named):
    """UTF-8 is judged on the file's first 4 MB (ingest.encodings.UTF8_PREFIX); read_csv finds the
    later rows that are not, and the whole file is then detected and read again: no row is lost."""
    from ingest.encodings import UTF8_PREFIX

    plain = UTF8_PREFIX // 20 + 10                                # ASCII rows (~20 bytes each) past the prefix
    text = "Id,Stage\n" + "".join(f"{i},plain-{i:08d}\n" for i in range(plain)) + f"{plain},{word}\n"
    data = text.encode(encoding)
    assert len(data) > UTF8_PREFIX and data[:UTF8_PREFIX].isascii()
    path = tmp_path / "late.csv"
    path.write_bytes(data)
    raw = load_raw(duck, data, "late.csv", path=path)
    assert raw.rows == plain + 1 and not raw.rejects
    assert duck.execute(f"SELECT c1 FROM {raw.table} WHERE c0 = ?", [str(plain)]).fetchone() == (word,)
    assert any(note.startswith(f"encoding: {named}") for note in raw.notes)


def test_nul_bytes_are_removed_and_reported(duck):
    raw = load_raw(duck, b'"Id","Note"\n"1","\x00plan"\n', "x.csv")
    assert cells(duck, raw) == [(2, "1", "plan")]
    assert "removed 1 NUL bytes" in raw.notes


def test_leading_zeros_and_long_ids_stay_text(duck):
    raw = load_raw(duck, b"code,phone\n00123,13800138000\n", "x.csv")
    assert cells(duck, raw) == [(2, "00123", "13800138000")]


def test_line_numbers_are_file_lines_across_blank_lines_and_multiline_cells(duck):
    # line 1 header; 2-3 one record with a quoted newline; 4 blank; 5 a short row; 6 fine; 7 合计
    data = 'a,b,c\r\n1,x,"two\r\nlines"\r\n\r\n2,y\r\n3,z,w\r\n合计,,9\r\n'.encode()
    raw = load_raw(duck, data, "x.csv")
    assert cells(duck, raw) == [(2, "1", "x", "two\r\nlines"), (6, "3", "z", "w")]
    assert raw.rejects == [(5, "expected 3 fields, found 2", "2,y")]
    assert any("total/footer row at line 7" in n for n in raw.notes)


def test_a_semicolon_separated_file_is_read(duck):
    raw = load_raw(duck, b"a;b\n1;2,5\n", "x.csv")
    assert cells(duck, raw) == [(2, "1", "2,5")]


def test_title_rows_above_the_header_are_skipped(duck):
    data = "商机列表 导出于2025-04-01\n商机名称,商机阶段,商机金额\n张伟-1,首访,120万\n".encode()
    raw = load_raw(duck, data, "x.csv")
    assert raw.headers[0] == "商机名称" and cells(duck, raw) == [(3, "张伟-1", "首访", "120万")]


def test_xlsx_rows_keep_sheet_row_numbers_and_drop_the_total_row(duck, fixture):
    raw = load_raw(duck, fixture("fxiaoke_deals.xlsx").read_bytes(), "fxiaoke_deals.xlsx")
    lines = [row[0] for row in cells(duck, raw)]
    assert raw.file_format == "xlsx" and raw.header_line == 2
    assert lines == [3, 4, 5, 6, 7, 8, 9]          # title row 1, header row 2, the 合计 row 11 dropped
    first = cells(duck, raw)[0]
    assert first[8] == "2025-03-01 09:30:00"        # an Excel datetime cell becomes ISO text
    assert raw.blank_rows == 1


def test_an_xlsx_named_csv_is_still_read_as_excel(duck, fixture):
    raw = load_raw(duck, fixture("fxiaoke_deals.xlsx").read_bytes(), "renamed.csv")
    assert raw.file_format == "xlsx" and raw.rows == 7


def test_json_api_dump_with_lists_and_nesting(duck, fixture):
    raw = load_raw(duck, fixture("fxiaoke_api_deals.json").read_bytes(), "api.json")
    assert raw.rows == 2 and "owner" in raw.headers
    owner = raw.columns[raw.headers.index("owner")]
    assert duck.execute(f"SELECT {owner} FROM {raw.table} ORDER BY _line").fetchall() == [("1001",), ("1002",)]


@pytest.mark.parametrize(("name", "message"), [
    ("empty.csv", "the file is empty"),
    ("header_only.csv", "a header but no data rows"),
    ("image.csv", "PNG image"),
    ("corrupt.xlsx", "damaged"),
])
def test_unreadable_files_are_refused_with_a_reason(duck, fixture, name, message):
    with pytest.raises(ImportRefused, match=message):
        load_raw(duck, fixture(name).read_bytes(), name)


def test_a_zip_that_is_not_a_workbook_is_refused(duck, realdata):
    data = (realdata / "maven_crm_sales_opportunities" / "CRM+Sales+Opportunities.zip").read_bytes()
    with pytest.raises(ImportRefused, match="zip archive .*unzip it"):
        load_raw(duck, data, "CRM+Sales+Opportunities.zip")
