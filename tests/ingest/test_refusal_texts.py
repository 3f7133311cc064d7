"""Every refusal says why in 中文 and in English: each `ImportRefused(...)` raised in db/ and ingest/
carries a code whose templates (ui/strings/import_refusals.py) exist in both languages and are
filled by the params that raise passes; real refusals read as whole Chinese sentences; the row
reasons of rejected rows are said in the page's language too."""

from __future__ import annotations

import ast
import codecs
import io
import json
import pickle
import re
import string
import zipfile

import pytest
import xlsxwriter

from db.imports import ImportRefused, undo_batch
from ingest import limits
from ingest.encodings import _MAGIC
from ingest.pipeline import import_file
from tests.ingest.conftest import FIXTURES, REPO
from ui import import_views as vw
from ui.i18n import STRINGS

HAN = re.compile(r"[\u4e00-\u9fff]")
UI_ONLY_CODES = {"database_error"}       # made by ui.import_views.run_import from a duckdb.Error


def raise_sites() -> list[tuple[str, int, str | None, frozenset[str]]]:
    """(file, line, code, param names) of every ImportRefused(...) call under db/ and ingest/."""
    sites = []
    for folder in ("db", "ingest"):
        for path in sorted((REPO / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id == "ImportRefused"):
                    continue
                keywords = {k.arg: k.value for k in node.keywords}
                code = keywords.pop("code", None)
                sites.append((str(path.relative_to(REPO)), node.lineno,
                              code.value if isinstance(code, ast.Constant) else None, frozenset(keywords)))
    return sites


def placeholders(template: str) -> set[str]:
    return {re.split(r"[.\[]", name)[0] for _, name, _, _ in string.Formatter().parse(template) if name}


SITES = raise_sites()


def test_the_scan_finds_the_refusals_of_every_module():
    files = {file for file, *_ in SITES}
    assert {"db/imports_undo.py", "ingest/encodings.py", "ingest/limits.py", "ingest/pipeline.py",
            "ingest/readers.py", "ingest/sheets.py"} <= files
    assert len(SITES) >= 33


@pytest.mark.parametrize(("file", "line", "code", "params"), SITES, ids=[f"{f}:{n}" for f, n, *_ in SITES])
def test_every_refusal_has_a_code_with_templates_in_both_languages_filled_by_its_params(file, line, code, params):
    assert code is not None and code != "other", f"{file}:{line} raises ImportRefused without a code"
    key = f"imp_why_{code}"
    assert key in STRINGS, f"{file}:{line}: no template {key}"
    zh, en = STRINGS[key]
    assert HAN.search(zh) and not HAN.search(en.replace("“", "").replace("”", ""))
    assert placeholders(zh) <= params, f"{key} (中文) needs {placeholders(zh) - params} from {file}:{line}"
    assert placeholders(en) <= params, f"{key} (English) needs {placeholders(en) - params} from {file}:{line}"


def test_every_refusal_template_belongs_to_a_code_that_is_raised():
    codes = {code for *_, code, _ in SITES} | UI_ONLY_CODES
    assert {key.removeprefix("imp_why_") for key in STRINGS if key.startswith("imp_why_")} == codes


def test_every_file_kind_of_the_sniffer_has_a_label():
    kinds = {kind for _, what, kind in _MAGIC if what} | {"binary"}
    assert all(f"imp_kind_{kind}" in STRINGS for kind in kinds)


# ---------------------------------------------------------------- real refusals, said in both languages


def refusal(con, data, name: str | None = None, **kwargs) -> ImportRefused:
    with pytest.raises(ImportRefused) as refused:
        import_file(con, data, name, **kwargs)
    return refused.value


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def empty_workbook() -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    book.add_worksheet().write(0, 0, "only a title")
    book.close()
    return out.getvalue()


ROSTER = (FIXTURES / "roster.csv").read_bytes()
CASES = {
    "empty.csv": (lambda con: refusal(con, FIXTURES / "empty.csv"), "empty_file",
                  "文件为空。", "The file is empty."),
    "header_only.csv": (lambda con: refusal(con, FIXTURES / "header_only.csv"), "no_data_rows",
                        "文件只有表头，没有数据行。", "The file has a header but no data rows."),
    "image.csv": (lambda con: refusal(con, FIXTURES / "image.csv"), "not_csv_or_excel",
                  "这是一张 PNG 图片，不是 CSV 或 Excel 文件。", "This is a PNG image, not a CSV or Excel file."),
    "binary": (lambda con: refusal(con, bytes(range(1, 32)) * 400, "x.csv"), "not_csv_or_excel",
               "这是二进制数据，不是 CSV 或 Excel 文件。", "This is binary data, not a CSV or Excel file."),
    "corrupt.xlsx": (lambda con: refusal(con, FIXTURES / "corrupt.xlsx"), "damaged_excel",
                     "Excel 文件已损坏，无法打开（", "The Excel file is damaged and cannot be opened ("),
    "zip": (lambda con: refusal(con, zip_of({"a.csv": b"x,y\n1,2\n", "b.csv": b"x\n"}), "crm.zip"), "zip_not_excel",
            "这是 zip 压缩包（内含 a.csv, b.csv），不是 Excel 文件：请解压后分别导入其中的文件。",
            "This is a zip archive (a.csv, b.csv), not an Excel file"),
    "no sheet": (lambda con: refusal(con, empty_workbook(), "empty.xlsx"), "no_sheet",
                 "工作簿中没有同时带表头和数据行的工作表。", "The workbook has no sheet with a header and data rows."),
    "cut utf-16": (lambda con: refusal(con, codecs.BOM_UTF16_LE + "名称,金额\n".encode("utf-16-le") + b"\x00",
                                       "cut.csv"), "not_valid_text",
                   "文件不是有效的 UTF-16 (BOM) 文本（第 ", "The file is not valid UTF-16 (BOM) text (byte "),
    "bad json": (lambda con: refusal(con, b'[{"a": 1,', "x.json"), "bad_json",
                 "无法按 JSON 读取文件：", "Cannot read the file as JSON: "),
    "json without records": (lambda con: refusal(con, json.dumps({"a": 1}).encode(), "x.json"), "json_no_records",
                             "JSON 文件中没有记录列表。", "The JSON file holds no list of records."),
    "missing file": (lambda con: refusal(con, FIXTURES / "no_such_file.csv"), "cannot_open",
                     "无法打开文件：", "Cannot open the file: "),
    "missing_stage.csv": (lambda con: refusal(con, FIXTURES / "missing_stage.csv"), "required_column_missing",
                          "纷享销客 商机：缺少必需的列，需要阶段（商机阶段）、状态（商机状态）、是否赢单、赢单时间中的至少一列。",
                          "纷享销客 商机: a required column is missing: Stage (商机阶段) or Status (商机状态) or Won? "
                          "or Won at (赢单时间)."),
    "unknown_layout.csv": (lambda con: refusal(con, FIXTURES / "unknown_layout.csv"), "undetected",
                           "无法识别这是什么文件（列：Property, Agent, Result, Sold On, Price）：请指定数据类型并映射列。",
                           "Cannot tell what this file is (columns: Property, Agent, Result, Sold On, Price)"),
    "strict": (lambda con: refusal(con, FIXTURES / "bad_rows.csv", strict=True), "strict_rejects",
               "严格模式下有 3 行无法读取（第一处在第 3 行：商机金额：“一百万”不是有效金额），未导入任何数据。",
               'Strict mode: 3 row(s) cannot be read (first: line 3: 商机金额: "一百万" is not an amount); '
               "nothing was imported."),
    "strict targets": (lambda con: refusal(con, FIXTURES / "targets_long.csv", strict=True), "strict_rejects",
                       "严格模式下有 1 行无法读取（第一处在第 4 行：指标“幸运值”不是已知指标（可用：csat, ",
                       'first: line 4: metric "幸运值" is not a known metric (csat, '),
    "mapping column": (lambda con: refusal(con, FIXTURES / "unknown_layout.csv", entity="deals",
                                           mapping={"stage": "Outcome"}), "mapping_column_missing",
                       "列映射中的列“Outcome”不在文件中（文件的列：Property, Agent, Result, Sold On, Price）。",
                       "The mapping names column “Outcome”, which is not in the file"),
    "unknown field": (lambda con: refusal(con, FIXTURES / "unknown_layout.csv", entity="deals",
                                          mapping={"colour": "Result"}), "unknown_fields",
                      "商机没有这些字段：colour（可用字段：record_id, ", "Unknown field(s) for Deals: colour (fields: "),
    "saved mapping": (lambda con: refusal(con, FIXTURES / "zoho_deals_week2.csv", mapping_profile="nope"),
                      "no_saved_mapping", "没有名为“nope”的已保存映射方案。", "There is no saved mapping named “nope”."),
    "source": (lambda con: refusal(con, FIXTURES / "roster.csv", source="sap"), "unknown_source",
               "未知的来源系统“sap”，可选：fxiaoke, ", "Unknown source “sap”: use one of fxiaoke, "),
    "entity": (lambda con: refusal(con, FIXTURES / "roster.csv", entity="orders"), "unknown_entity",
               "未知的数据类型“orders”，可选：deals, ", "Unknown data type “orders”: use one of deals, "),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_real_refusal_reads_as_a_chinese_sentence_and_as_an_english_one(con, case):
    make, code, zh, en = CASES[case]
    refused = make(con)
    assert refused.code == code
    chinese, english = vw.refusal_text(refused, "zh"), vw.refusal_text(refused, "en")
    assert zh in chinese and en in english
    # no English sentence in the Chinese text, apart from the details of the file and the libraries
    own_words = chinese
    for value in sorted((str(v) for v in refused.params.values()), key=len, reverse=True):
        own_words = own_words.replace(value, "")
    assert refused.reason not in chinese and not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", own_words), own_words
    assert HAN.search(own_words)
    assert vw.refusal_text(vw.Refusal.of(refused), "zh") == chinese      # the page keeps a Refusal


def test_the_size_and_row_limits_say_the_numbers_and_the_setting(con, monkeypatch):
    monkeypatch.setenv(limits.MAX_FILE_MB_VAR, "1")
    big = ROSTER + b"\n".join(b"x%d,one,consultant,stage" % i for i in range(80_000))
    refused = refusal(con, big, "big.csv")
    assert refused.code == "over_size_limit"
    assert vw.refusal_text(refused, "zh") == (f"文件 {len(big) / 1e6:,.1f} MB，超过 1 MB 的上限（可用 ANCHANG_MAX_IMPORT_MB "
                                              "调整）：请拆分（例如按月）后分别导入。")
    monkeypatch.setenv(limits.MAX_FILE_MB_VAR, "200")
    monkeypatch.setenv(limits.MAX_ROWS_VAR, "3")
    refused = refusal(con, ROSTER, "roster.csv")
    assert vw.refusal_text(refused, "zh").startswith("文件有 4 行，超过 3 行的上限（可用 ANCHANG_MAX_IMPORT_ROWS 调整）")
    assert vw.refusal_text(refused, "en").startswith("The file has 4 rows, over the 3-row limit")


def test_a_workbook_over_the_archive_limits_says_so_in_chinese(con, monkeypatch):
    workbook = (FIXTURES / "fxiaoke_deals.xlsx").read_bytes()
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 1000)
    assert vw.refusal_text(refusal(con, workbook, "d.xlsx"), "zh").startswith("这个 Excel 文件解压后有 0.0 GB（最多 0 GB）")
    monkeypatch.setattr(limits, "MAX_UNPACKED_BYTES", 2 * 1024**3)
    monkeypatch.setattr(limits, "MAX_ENTRIES", 3)
    assert vw.refusal_text(refusal(con, workbook, "d.xlsx"), "zh").startswith("这个 Excel 文件包含 ")
    monkeypatch.setattr(limits, "MAX_ENTRIES", 10_000)
    monkeypatch.setattr(limits, "MAX_ENTRY_RATIO", 1)
    monkeypatch.setattr(limits, "RATIO_CHECKED_FROM", 0)
    text = vw.refusal_text(refusal(con, workbook, "d.xlsx"), "zh")
    assert "解压后是压缩大小的" in text and text.endswith("像是压缩炸弹，不是工作簿。")


def test_a_refused_undo_says_why_in_chinese(con):
    import_file(con, FIXTURES / "zoho_deals_week1.csv")
    import_file(con, FIXTURES / "zoho_deals_week2.csv")
    texts = []
    for batch in (1, 99):
        with pytest.raises(ImportRefused) as refused:
            undo_batch(con, batch)
        texts.append(vw.refusal_text(refused.value, "zh"))
    undo_batch(con, 2)
    with pytest.raises(ImportRefused) as refused:
        undo_batch(con, 2)
    texts.append(vw.refusal_text(refused.value, "zh"))
    assert texts == ["批次 #2 在其后修改了同样的记录，请先撤销批次 #2。", "没有导入批次 #99。", "批次 #2 已经撤销过了。"]
    assert refused.value.reason == "batch 2 is already undone"          # the CLI and the audit log keep English


def test_a_refusal_without_a_code_or_with_params_that_do_not_fit_shows_its_english_reason():
    assert vw.refusal_text(ImportRefused("something new"), "zh") == "something new"
    assert vw.refusal_text(ImportRefused("no template", code="not_a_code"), "zh") == "no template"
    assert vw.refusal_text(ImportRefused("the file is 3 MB", code="over_size_limit"), "zh") == "the file is 3 MB"


def test_an_import_refusal_survives_pickling_with_its_code_and_params():
    copy = pickle.loads(pickle.dumps(ImportRefused("batch 3 is already undone", code="already_undone", batch=3)))
    assert (copy.reason, copy.code, copy.params) == ("batch 3 is already undone", "already_undone", {"batch": 3})


# ---------------------------------------------------------------- rejected rows


@pytest.mark.parametrize(("reason", "chinese"), [
    ('商机金额: "一百万" is not an amount', "商机金额：“一百万”不是有效金额"),
    ('成交日期: "2025/13/45" is not a date', "成交日期：“2025/13/45”不是有效日期"),
    ('月份: "13月" is not a month', "月份：“13月”不是有效月份"),
    ("商机编号 is empty (every row needs its record id)", "商机编号 为空（每行都必须有记录编号）"),
    ("阶段 / 状态 is empty", "阶段 / 状态 为空"),
    ('metric "幸运值" is not a known metric (csat, nps)', "指标“幸运值”不是已知指标（可用：csat, nps）"),
    ('"王芳" is listed 2 times without dates, in different groups or roles (lines 2, 4)',
     "“王芳”在无日期的名单中出现 2 次，所在小组或角色不同（第 2, 4 行）"),
    ("expected 7 fields, found 4", "应有 7 个字段，实际 4 个"),
    ("not UTF-8 text", "不是 UTF-8 文本"),
    ('金额: "1; 2" is not an amount; 日期: "x" is not a date; 编号 is empty',
     "金额：“1; 2”不是有效金额；日期：“x”不是有效日期；编号 为空"),
    ('A: "x" is not an amount; B: "y" is not a date', "A：“x”不是有效金额；B：“y”不是有效日期"),
    ("Could not convert string 'x' to INT32", "Could not convert string 'x' to INT32"),    # DuckDB's own words
])
def test_row_reasons_are_said_in_chinese_and_unchanged_in_english(reason, chinese):
    assert vw.reject_reason_text(reason, "zh") == chinese
    assert vw.reject_reason_text(reason, "en") == reason


def test_the_rejected_rows_of_an_import_read_in_the_page_language_and_stay_english_in_the_database(con):
    summary = import_file(con, FIXTURES / "bad_rows.csv")
    zh = vw.rejects_frame(summary.rejects, privacy=False, lang="zh")
    assert list(zh["reason"]) == ["商机金额：“一百万”不是有效金额", "创建时间：“2025/13/45”不是有效日期",
                                  "应有 7 个字段，实际 4 个"]
    assert "不是有效金额" in vw.rejects_csv(zh).decode("utf-8-sig")                 # the download says the same
    en = vw.rejects_frame(summary.rejects, privacy=False, lang="en")
    stored = [r for (r,) in con.execute("SELECT reason FROM import_rejects ORDER BY line_no").fetchall()]
    assert list(en["reason"]) == stored == [r for _, r, _ in sorted(summary.rejects)]
    assert stored[0] == '商机金额: "一百万" is not an amount'
