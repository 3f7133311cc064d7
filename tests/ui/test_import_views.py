"""Streamlit-free helpers of the 数据导入 page: previews and imports of bytes, the mapping the user
changed, the summary numbers, stage options, batches and rejects frames, privacy masking."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from analytics.privacy import HIDDEN_TEXT, pseudonym
from db.connection import connect_memory
from ingest.columns import ENTITY_FIELDS
from ingest.pipeline import ImportSummary, Preview
from ui import import_views as vw

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def con():
    connection = connect_memory()
    yield connection
    connection.close()


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# ---------------------------------------------------------------- previews and imports


def test_a_preview_of_uploaded_bytes_says_what_the_file_is(con):
    preview = vw.file_preview(con, fixture_bytes("zoho_deals_week1.csv"), "zoho_deals_week1.csv")
    assert isinstance(preview, Preview)
    assert (preview.detection.source_system, preview.detection.entity, preview.rows) == ("zoho", "deals", 3)
    assert list(preview.sample["line"]) == [2, 3, 4]


@pytest.mark.parametrize(("name", "reason", "code"), [
    ("image.csv", "this is a PNG image, not a CSV or Excel file", "not_csv_or_excel"),
    ("empty.csv", "the file is empty", "empty_file")])
def test_a_file_that_cannot_be_read_previews_as_its_reason(con, name, reason, code):
    refusal = vw.file_preview(con, fixture_bytes(name), name)
    assert isinstance(refusal, vw.Refusal)
    assert (refusal.reason, refusal.code) == (reason, code)


def test_a_mapping_naming_a_missing_column_previews_as_its_reason(con):
    refusal = vw.file_preview(con, fixture_bytes("unknown_layout.csv"), "unknown_layout.csv", None, "deals",
                              (("stage", "Nope"),))
    assert refusal.reason.startswith("the mapping names column 'Nope', which is not in the file")
    assert vw.refusal_text(refusal, "zh").startswith("列映射中的列“Nope”不在文件中（文件的列：Property, Agent")


def test_run_import_gives_the_summary_or_the_refusal_and_saves_a_changed_mapping_under_its_name(con):
    refused = vw.run_import(con, vw.ImportPlan("missing_stage.csv", fixture_bytes("missing_stage.csv")))
    assert refused.summary is None and refused.refused.startswith("纷享销客 商机: a required column is missing")
    plan = vw.ImportPlan("unknown_layout.csv", fixture_bytes("unknown_layout.csv"), entity="deals",
                         mapping=(("stage", "Result"), ("won_at", "Sold On"), ("amount", "Price")),
                         profile_name="房产成交表")
    steps = []
    outcome = vw.run_import(con, plan, progress=lambda fraction, message: steps.append(message))
    assert (outcome.refused, outcome.summary.inserted, outcome.summary.mapping_profile) == (None, 3, "房产成交表")
    assert steps[0] == "reading" and steps[-1] == "done"
    assert con.execute("SELECT name FROM mapping_profiles").fetchall() == [("房产成交表",)]


def test_strict_mode_turns_rejected_rows_into_a_refusal(con):
    outcome = vw.run_import(con, vw.ImportPlan("bad_rows.csv", fixture_bytes("bad_rows.csv")), strict=True)
    assert outcome.refused.startswith("strict mode: 3 row(s) cannot be read")
    assert con.execute("SELECT count(*) FROM import_batches").fetchall() == [(0,)]


def test_the_batch_of_the_same_content_is_the_latest_in_force():
    batches = pd.DataFrame({"batch_id": [3, 2, 1], "sha256": ["a", "b", "a"], "status": ["undone", "done", "done"]})
    assert vw.batch_of_content(batches, "a") == 1            # batch 3 was undone
    assert vw.batch_of_content(batches, "b") == 2
    assert vw.batch_of_content(batches, "c") is None
    assert vw.batch_of_content(batches.iloc[0:0], "a") is None


# ---------------------------------------------------------------- the column mapping


def test_an_unchanged_mapping_is_not_sent_so_detection_and_saved_profiles_apply():
    detected = {"stage": "Stage", "amount": "Amount"}
    assert vw.mapping_to_send("deals", detected, {"stage": "Stage", "amount": "Amount", "won_at": ""}) is None
    assert vw.changed_fields("deals", detected, dict(detected)) == []


def test_a_changed_mapping_is_sent_whole_with_blanks_unmapping_fields():
    sent = vw.mapping_to_send("deals", {"stage": "Stage", "amount": "Amount"},
                              {"stage": "Stage", "amount": "", "won_at": "Closed"})
    assert sent["stage"] == "Stage" and sent["amount"] == "" and sent["won_at"] == "Closed"
    assert set(sent) == set(ENTITY_FIELDS["deals"])
    assert vw.changed_fields("deals", {"stage": "Stage", "amount": "Amount"},
                             {"stage": "Stage", "amount": "", "won_at": "Closed"}) == ["amount", "won_at"]


def test_required_fields_and_their_text_follow_the_requirements():
    assert vw.required_fields("deals") == {"stage", "status", "is_won", "won_at"}
    assert vw.requirement_text("deals", "zh") == "阶段 / 状态 / 是否赢单 / 赢单时间"
    assert vw.requirement_text("stage_history", "en") == "Deal ref; Stage; Entered at"
    assert vw.field_options(["A", "B"]) == ["", "A", "B"]


def test_every_canonical_field_has_a_label_in_both_languages():
    for fields in ENTITY_FIELDS.values():
        for field in fields:
            assert vw.field_label(field, "zh") and vw.field_label(field, "en")


# ---------------------------------------------------------------- labels


def test_the_stage_options_are_none_the_funnel_and_lost():
    assert vw.stage_options() == ("", "lead", "first_visit", "revisit", "pledge", "subscription", "contract",
                                  "payment", "lost")
    assert [vw.stage_option_label(s, "zh") for s in vw.stage_options()] == [
        "—（暂不映射）", "来电/线索", "首访", "复访", "认筹", "认购", "签约", "回款", "流失"]
    assert vw.stage_option_label("lost", "en") == "Lost"


def test_sources_entities_and_progress_read_in_the_page_language():
    assert vw.source_label(None, "zh") == "自动识别" and vw.source_label("fxiaoke", "en") == "Fxiaoke"
    assert vw.entity_label("roster", "zh") == "分组名单"
    assert vw.progress_text("checking rows", "zh") == "逐行检查"
    assert vw.progress_text("something new", "zh") == "something new"
    assert vw.stage_widget_suffix("意向金待付") == vw.stage_widget_suffix("意向金待付") != vw.stage_widget_suffix("定金")


def test_the_file_facts_describe_format_encoding_and_rows_and_leave_the_encoding_out_of_the_notes():
    preview = Preview("a.csv", "csv", "gb18030", ["x"], 1234, pd.DataFrame({"line": [2], "x": ["1"]}), None, "",
                      {}, "", "sig", notes=["encoding: GB18030/GBK (Chinese)", "skipped 1 blank rows"])
    assert vw.file_facts(preview, "zh") == "格式 CSV · 编码 GB18030/GBK（中文） · 1,234 行数据"
    assert vw.file_facts(preview, "en") == "Format CSV · encoding GB18030/GBK (Chinese) · 1,234 data rows"
    assert vw.reading_notes(preview, "zh") == ["跳过 1 个空行"]
    assert vw.reading_notes(preview, "en") == ["skipped 1 blank rows"]
    sheet = Preview("a.xlsx", "xlsx", None, ["x"], 7, preview.sample, None, "", {}, "", "sig")
    assert vw.file_facts(sheet, "en") == "Format XLSX · encoding (spreadsheet, none) · 7 data rows"


def test_the_reading_notes_and_the_reason_of_a_messy_export_read_in_chinese(con):
    # A GBK Fxiaoke export with a title row above the header, a blank row and a total row: what
    # the reader and detection write (in English, for the command line) is shown in Chinese.
    text = ("商机列表（导出）\n商机名称,客户名称,负责人,商机阶段,金额,创建时间\n"
            "A 商机,客户甲,王芳,赢单,100,2025-03-01\n,,,,,\n"
            "B 商机,客户乙,李雷,输单,200,2025-03-02\n合计,,,,300,\n")
    preview = vw.file_preview(con, text.encode("gb18030"), "fx.csv")
    assert vw.file_facts(preview, "zh") == "格式 CSV · 编码 GB18030/GBK（中文） · 2 行数据"
    # The file's lines: 1 title, 2 header, 3 A, 4 blank, 5 B, 6 total.
    assert vw.reading_notes(preview, "zh") == ["表头在第 2 行", "跳过 1 个空行", "跳过第 6 行的合计/页脚行（合计）"]
    assert vw.reading_notes(preview, "en") == ["header row: 2", "skipped 1 blank rows",
                                              "skipped the total/footer row at line 6 (合计)"]
    assert preview.reason.startswith("纷享销客 商机: headers ")
    zh = vw.detection_reason(preview.reason, "zh")
    assert zh.startswith("纷享销客 商机：表头含 ") and "headers" not in zh
    given = vw.file_preview(con, text.encode("gb18030"), "fx.csv", source="fxiaoke", entity="deals")
    assert vw.detection_reason(given.reason, "zh").endswith("（由您指定：纷享销客、商机）")
    assert vw.detection_reason(given.reason, "en").endswith(" (chosen by you: Fxiaoke and Deals)")


def test_a_mapping_reason_and_an_unknown_note_read_in_the_page_language():
    assert vw.detection_reason("Roster: your saved mapping 'hr' (same headers as before)", "zh") == \
        "Roster：您保存的映射方案「hr」（表头与上次相同）"
    assert vw.detection_reason("Deals: your column mapping", "zh") == "Deals：您确认的列映射"
    assert vw.detection_reason("something else", "zh") == "something else"
    preview = Preview("a.csv", "csv", "utf-8", ["x"], 1, pd.DataFrame(), None, "", {}, "", "sig",
                      notes=["encoding: UTF-8 with BOM", "delimiter: ';'", "a note ingest adds later"])
    assert vw.file_facts(preview, "zh") == "格式 CSV · 编码 UTF-8（带 BOM） · 1 行数据"
    assert vw.reading_notes(preview, "zh") == ["分隔符：';'", "a note ingest adds later"]


# ---------------------------------------------------------------- summary, rejects, batches


def test_the_summary_numbers_are_the_import_counts():
    summary = ImportSummary(file_name="f.csv", sha256="x", source_system="zoho", entity="deals", detected="",
                            batch_id=4, rows_read=10, inserted=5, updated=2, unchanged=1, rejected=2, duplicates=1,
                            stage_events=3, pending_stage_events=1, unmapped_stages={"Hold": 2, "Parked": 1},
                            other_currencies={"USD": 2, "EUR": 1}, currency="CNY")
    # unmapped: 2 names (3 rows); other currencies: 2 USD + 1 EUR = 3 deals
    assert vw.summary_numbers(summary) == {"read": 10, "new": 5, "updated": 2, "unchanged": 1, "rejected": 2,
                                           "duplicates": 1, "stage_events": 3, "unmapped": 2, "currencies": 3}
    assert list(vw.summary_numbers(summary)) == list(vw.SUMMARY_FIELDS)
    helps = vw.summary_help(summary, "en")
    assert helps["unmapped"] == "Distinct stage names (3 rows)"
    assert helps["stage_events"] == "Stage changes added; 1 more wait for a stage mapping"
    assert vw.named_counts(summary.unmapped_stages, "zh") == "Hold（2）、Parked（1）"
    assert vw.named_counts(summary.other_currencies, "en") == "USD (2), EUR (1)"


def test_rejected_rows_come_in_line_order_and_privacy_hides_their_raw_text():
    rejects = [(7, "bad date", "B-7,张伟,13812348000"), (3, "bad amount", "B-3,李娜,x")]
    frame = vw.rejects_frame(rejects, privacy=False)
    assert list(frame.columns) == ["line_no", "reason", "raw"] and list(frame["line_no"]) == [3, 7]
    hidden = vw.rejects_frame(pd.DataFrame(rejects, columns=["line_no", "reason", "raw"]), privacy=True)
    assert list(hidden["raw"]) == [HIDDEN_TEXT, HIDDEN_TEXT] and list(hidden["reason"]) == ["bad amount", "bad date"]
    csv = vw.rejects_csv(frame)
    assert csv.startswith("\ufeffline_no,reason,raw\r\n".encode()) and "张伟".encode() in csv


def test_the_batches_frame_shows_counts_time_and_status_per_batch():
    batches = pd.DataFrame({
        "batch_id": [2, 1], "file_name": ["week2.csv", "商机.xlsx"], "source_system": ["zoho", "fxiaoke"],
        "entity": ["deals", "deals"], "rows_read": [4, 7], "rows_inserted": [1, 7], "rows_updated": [2, 0],
        "rows_unchanged": [1, 0], "rows_rejected": [0, 1], "status": ["done", "undone"],
        "imported_at": [datetime(2026, 11, 27, 13, 16, 5), datetime(2026, 11, 26, 9, 0)],
        "imported_by": [None, None], "sha256": ["a", "b"]})
    frame = vw.batches_frame(batches, "zh")
    assert list(frame["batch"]) == [2, 1]
    assert list(frame["source"]) == ["Zoho CRM", "纷享销客"] and list(frame["entity"]) == ["商机", "商机"]
    assert list(frame["counts"]) == ["4 · 1 · 2 · 1 · 0", "7 · 7 · 0 · 0 · 1"]
    assert list(frame["time"]) == ["2026-11-27 13:16", "2026-11-26 09:00"]
    assert list(frame["status"]) == ["有效", "已撤销"] and list(frame["undone"]) == [False, True]
    assert list(frame["rejected"]) == [0, 1]
    assert vw.batches_frame(batches.iloc[0:0], "zh").empty


# ---------------------------------------------------------------- privacy in the preview


def test_personal_columns_come_from_the_mapping_then_from_header_words():
    headers = ["线索编号", "姓名", "手机", "客户类型", "备注", "Account Name.id", "Amount"]
    mapping = {"record_id": "线索编号", "name": "姓名", "phone": "手机", "customer_type": "客户类型"}
    # 客户类型 is mapped to an impersonal field; 备注 is unmapped but a note by its name; ids stay
    assert vw.personal_columns(headers, mapping) == {"姓名": "name", "手机": "phone", "备注": "text"}


def test_the_preview_frame_masks_personal_columns_in_privacy_mode_only():
    sample = pd.DataFrame({"line": [2, 3], "线索编号": ["L-1", "L-2"], "姓名": ["张伟", "李娜"],
                           "手机": ["13812348000", None], "备注": ["想看样板间", None]})
    preview = Preview("l.csv", "csv", "utf-8", list(sample.columns[1:]), 2, sample, None, "",
                      {"record_id": "线索编号", "name": "姓名", "phone": "手机"}, "", "sig")
    plain = vw.preview_frame(preview, privacy=False, lang="zh")
    assert list(plain.columns) == ["行号", "线索编号", "姓名", "手机", "备注"]
    assert list(plain["姓名"]) == ["张伟", "李娜"]
    masked = vw.preview_frame(preview, privacy=True, lang="en")
    assert list(masked.columns)[0] == "Line"
    assert list(masked["姓名"]) == [pseudonym("L-1"), pseudonym("L-2")]
    assert masked["手机"].iloc[0] == "138****8000" and pd.isna(masked["手机"].iloc[1])
    assert masked["备注"].iloc[0] == HIDDEN_TEXT and pd.isna(masked["备注"].iloc[1])


def test_a_header_named_like_the_line_column_is_kept_apart():
    sample = pd.DataFrame({"line": [2], "行号": ["7"]})
    preview = Preview("x.csv", "csv", "utf-8", ["行号"], 1, sample, None, "", {}, "", "sig")
    assert list(vw.preview_frame(preview, privacy=False, lang="zh").columns) == ["行号", "行号 (2)"]
