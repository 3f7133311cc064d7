"""The 数据导入 page in AppTest: files uploaded through the page's own file uploader are detected
(with the reason), previewed, imported with the same numbers `import_file` gives, re-imports and
refusals change nothing and say so, stage names and column mappings set through the page's
widgets are stored, and a batch undone through the page restores the data.

Every test writes to a fresh database or a private copy of the demo (never the session fixture).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from analytics.privacy import HIDDEN_TEXT, masked_phone, pseudonym
from db.connection import connect, connect_memory
from ingest.pipeline import import_file
from tests.ingest.conftest import table_hashes
from tests.pages.apptest import metric_values, run_app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGE = "pages/import_data.py"
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json"}
SUMMARY_LABELS = {"read": "读取行数", "new": "新增", "updated": "更新", "unchanged": "未变", "rejected": "被拒",
                  "duplicates": "重复", "stage_events": "阶段事件", "unmapped": "未映射阶段", "currencies": "其他币种"}


@pytest.fixture
def fresh_db(tmp_path):
    return tmp_path / "fresh.duckdb"


@pytest.fixture
def db_copy(demo_db_path, tmp_path):
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_path, copy)
    return copy


def open_page(monkeypatch, db_path, params=None, user="admin"):
    app = run_app(monkeypatch, db_path, params, page=PAGE, user=user)
    assert not app.exception, app.exception
    return app


def upload(app, *names: str, content: bytes | None = None):
    """Put the named fixtures (or `content` under the one name) into the page's file uploader."""
    files = [(name, content if content is not None else (FIXTURES / name).read_bytes(),
              MIME.get(name.rsplit(".", 1)[-1], "application/octet-stream")) for name in names]
    app.file_uploader[0].set_value(files if len(files) > 1 else files[0])
    app.run()
    assert not app.exception, app.exception
    return app


def click(app, label: str, index: int = 0):
    [b for b in app.button if b.label == label][index].click()
    app.run()
    assert not app.exception, app.exception
    return app


def texts(app, *kinds: str) -> str:
    kinds = kinds or ("markdown", "caption", "info", "error", "success", "warning")
    return "\n".join(e.value for kind in kinds for e in getattr(app, kind))


def rows(db_path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def hashes(db_path) -> dict:
    with connect(db_path, read_only=True) as con:
        return table_hashes(con)


def summary_labels_of(summary) -> dict[str, str]:
    """The page's summary cards as import_file's own numbers would fill them."""
    numbers = {"read": summary.rows_read, "new": summary.inserted, "updated": summary.updated,
               "unchanged": summary.unchanged, "rejected": summary.rejected, "duplicates": summary.duplicates,
               "stage_events": summary.stage_events, "unmapped": len(summary.unmapped_stages),
               "currencies": sum(summary.other_currencies.values())}
    return {SUMMARY_LABELS[k]: f"{v:,}" for k, v in numbers.items()}


def selectbox_with_key(app, ending: str):
    return next(s for s in app.selectbox if s.key and s.key.startswith("imp_map_") and s.key.endswith(ending))


# ---------------------------------------------------------------- the page itself


@pytest.mark.parametrize(("lang", "title"), [("zh", "数据导入"), ("en", "Import")])
def test_the_page_runs_in_both_languages_on_an_empty_database(monkeypatch, fresh_db, lang, title):
    app = open_page(monkeypatch, fresh_db, {"lang": lang})
    assert app.title[0].value == title
    assert len(app.file_uploader) == 1
    assert app.file_uploader[0].accept_multiple_files
    assert sorted(app.file_uploader[0].allowed_type) == [".csv", ".json", ".xls", ".xlsx"]
    assert ("还没有导入批次" if lang == "zh" else "No import batches yet") in texts(app, "info")


def test_a_file_reads_in_english_from_detection_to_summary(monkeypatch, fresh_db):
    app = upload(open_page(monkeypatch, fresh_db, {"lang": "en"}), "fxiaoke_deals.xlsx")
    assert "Detected: **Fxiaoke · Deals**" in texts(app, "markdown")
    assert "Format XLSX · encoding (spreadsheet, none) · 7 data rows" in texts(app, "caption")
    assert next(s for s in app.selectbox if s.label == "意向金待付 (1 rows)").options[-1] == "Lost"
    click(app, "Import")
    assert metric_values(app) == {"Read": "7", "New": "7", "Updated": "0", "Unchanged": "0", "Rejected": "0",
                                  "Duplicates": "0", "Stage events": "0", "Unmapped stages": "1",
                                  "Other currencies": "0"}
    assert "Imported as batch #1" in texts(app, "success")
    assert "Import batches" in [h.value for h in app.subheader]


def test_an_uploaded_zoho_export_shows_what_was_detected_why_and_its_first_rows(monkeypatch, fresh_db):
    app = upload(open_page(monkeypatch, fresh_db), "zoho_deals_week1.csv")
    shown = texts(app)
    assert "识别为：**Zoho CRM · 商机**" in shown
    assert "依据：Zoho CRM Deals：表头含 Deal Owner.id, Deal Owner, Deal Name" in shown
    assert "格式 CSV · 编码 UTF-8 · 3 行数据" in shown
    preview = app.dataframe[0].value
    assert list(preview.columns[:3]) == ["行号", "Record Id", "Deal Owner.id"]
    assert list(preview["行号"]) == [2, 3, 4]                 # line 1 is the header
    assert list(preview["Deal Name"]) == ["Deal A", "Deal B", "Deal C"]
    # the detected mapping sits in the field selectboxes, ready to be changed
    assert selectbox_with_key(app, "__stage").value == "Stage"
    assert selectbox_with_key(app, "__amount").value == "Amount"
    assert selectbox_with_key(app, "__won_at").value == ""
    assert not [b for b in app.button if b.label == "导入"][0].disabled


def test_importing_shows_the_numbers_import_file_gives_for_the_same_file_on_another_fresh_database(
        monkeypatch, fresh_db):
    app = click(upload(open_page(monkeypatch, fresh_db), "zoho_deals_week1.csv"), "导入")
    reference = connect_memory()
    try:
        expected = import_file(reference, (FIXTURES / "zoho_deals_week1.csv").read_bytes(), "zoho_deals_week1.csv")
    finally:
        reference.close()
    # three new deals; "$" amounts made USD the currency of the empty database, so none is "other"
    assert summary_labels_of(expected) == {"读取行数": "3", "新增": "3", "更新": "0", "未变": "0", "被拒": "0",
                                           "重复": "0", "阶段事件": "0", "未映射阶段": "0", "其他币种": "0"}
    assert metric_values(app) == summary_labels_of(expected)
    assert "已导入为批次 #1" in texts(app, "success")
    assert rows(fresh_db, "SELECT count(*) FROM deals") == [(3,)]
    # the signed-in admin's import is in the audit log with its batch and counts
    assert rows(fresh_db, "SELECT actor, action, detail FROM audit_log WHERE action = 'import'") == [
        ("admin", "import", "zoho_deals_week1.csv: batch 1 (zoho deals): 3 read, 3 new, 0 updated, "
                            "0 unchanged, 0 rejected")]
    assert rows(fresh_db, "SELECT batch_id, file_name, status FROM import_batches") == [
        (1, "zoho_deals_week1.csv", "done")]
    assert "zoho_deals_week1.csv" in texts(app, "markdown")      # listed under 导入批次


def test_uploading_the_same_file_again_says_it_was_imported_and_nothing_changes(monkeypatch, fresh_db):
    app = click(upload(open_page(monkeypatch, fresh_db), "zoho_deals_week1.csv"), "导入")
    before = hashes(fresh_db)
    upload(app, "zoho_deals_week1.csv")                       # a new upload of the same content
    assert "此文件内容已在批次 #1 导入过" in texts(app, "info")
    click(app, "导入")
    assert "此文件已在批次 #1 导入过：没有任何变化。" in texts(app, "info")
    values = metric_values(app)
    assert (values["新增"], values["更新"], values["未变"]) == ("0", "0", "3")
    assert hashes(fresh_db) == before


@pytest.mark.parametrize(("name", "reason"), [("image.csv", "这是一张 PNG 图片，不是 CSV 或 Excel 文件。"),
                                              ("empty.csv", "文件为空。")])
def test_a_file_that_cannot_be_read_shows_the_reason_and_changes_nothing(monkeypatch, db_copy, name, reason):
    before = hashes(db_copy)
    app = upload(open_page(monkeypatch, db_copy), name)
    assert f"无法读取此文件（数据库未改变）：{reason}" in texts(app, "error")
    assert not [b for b in app.button if b.label == "导入"]
    assert hashes(db_copy) == before


@pytest.mark.parametrize(("lang", "shown", "not_shown"), [
    ("zh", "无法读取此文件（数据库未改变）：文件为空。", "the file is empty"),
    ("en", "This file cannot be read (database unchanged): The file is empty.", "文件为空")])
def test_an_empty_file_is_refused_in_the_language_of_the_page(monkeypatch, fresh_db, lang, shown, not_shown):
    app = upload(open_page(monkeypatch, fresh_db, {"lang": lang}), "empty.csv")
    assert shown in texts(app, "error")
    assert not_shown.lower() not in texts(app).lower()


def test_a_file_refused_on_import_says_why_in_english_on_the_english_page(monkeypatch, fresh_db):
    app = upload(open_page(monkeypatch, fresh_db, {"lang": "en"}), "bad_rows.csv")
    assert ('3 row(s) cannot be read (e.g. line 3: 商机金额: "一百万" is not an amount)' in texts(app, "warning"))
    app.checkbox(key="imp_strict").check()
    app.run()
    click(app, "Import")
    assert ('Not imported (database unchanged): Strict mode: 3 row(s) cannot be read (first: line 3: 商机金额: '
            '"一百万" is not an amount); nothing was imported.') in texts(app, "error")


def test_rejected_rows_keep_their_english_reasons_on_the_english_page(monkeypatch, fresh_db):
    app = click(upload(open_page(monkeypatch, fresh_db, {"lang": "en"}), "bad_rows.csv"), "Import")
    assert list(app.dataframe[-1].value["reason"]) == ['商机金额: "一百万" is not an amount',
                                                       '创建时间: "2025/13/45" is not a date',
                                                       "expected 7 fields, found 4"]


def test_strict_mode_refuses_a_file_with_unreadable_rows_and_changes_nothing(monkeypatch, db_copy):
    before = hashes(db_copy)
    app = upload(open_page(monkeypatch, db_copy), "bad_rows.csv")
    # lines 3 (一百万) and 4 (2025/13/45) cannot be read; line 5 has too few columns
    assert "预计有 3 行无法读取（例如第 3 行：商机金额：“一百万”不是有效金额）" in texts(app, "warning")
    app.checkbox(key="imp_strict").check()
    app.run()
    click(app, "导入")
    assert ("未导入（数据库未改变）：严格模式下有 3 行无法读取（第一处在第 3 行：商机金额：“一百万”不是有效金额），"
            "未导入任何数据。") in texts(app, "error")
    assert "strict mode" not in texts(app, "error")
    assert hashes(db_copy) == before


def test_rejected_rows_are_listed_with_line_and_reason_and_offered_as_csv(monkeypatch, fresh_db):
    app = click(upload(open_page(monkeypatch, fresh_db), "bad_rows.csv"), "导入")
    values = metric_values(app)
    # five data rows: B-1 and B-5 import; B-2 (一百万), B-3 (2025/13/45), B-4 (4 of 7 fields) are rejected
    assert (values["读取行数"], values["新增"], values["被拒"]) == ("5", "2", "3")
    rejects = app.dataframe[-1].value
    assert list(rejects.columns) == ["line_no", "reason", "raw"]
    assert list(rejects["line_no"]) == [3, 4, 5]
    assert list(rejects["reason"]) == ["商机金额：“一百万”不是有效金额", "创建时间：“2025/13/45”不是有效日期",
                                       "应有 7 个字段，实际 4 个"]            # stored in English, shown in Chinese
    assert rows(fresh_db, "SELECT reason FROM import_rejects ORDER BY line_no")[0] == ('商机金额: "一百万" is not an amount',)
    assert rejects["raw"].iloc[0] == "B-2,金额坏了,王芳,复访,一百万,2025/3/2,进行中"
    assert len(app.get("download_button")) >= 1
    assert rows(fresh_db, "SELECT line_no FROM import_rejects ORDER BY 1") == [(3,), (4,), (5,)]


def test_privacy_mode_masks_names_and_phones_in_the_preview_and_hides_raw_rejected_rows(monkeypatch, fresh_db):
    leads = "线索编号,姓名,手机,线索来源,创建时间\nL-1,张伟,13812348000,自然到访,2025/3/1\nL-2,李娜,13900001111,,坏日期\n"
    app = upload(open_page(monkeypatch, fresh_db, {"privacy": "1"}), "leads.csv", content=leads.encode())
    preview = app.dataframe[0].value
    assert list(preview["姓名"]) == [pseudonym("L-1"), pseudonym("L-2")]      # keyed on the record id
    assert list(preview["手机"]) == [masked_phone("13812348000"), "139****1111"]
    assert "张伟" not in texts(app) and "13812348000" not in preview.to_string()
    click(app, "导入")
    rejects = app.dataframe[-1].value
    assert list(rejects["line_no"]) == [3] and list(rejects["raw"]) == [HIDDEN_TEXT]


# ---------------------------------------------------------------- fixing things in place


def test_mapping_an_unmapped_stage_through_its_selectbox_stores_it_and_rederives_the_deal(monkeypatch, fresh_db):
    app = click(upload(open_page(monkeypatch, fresh_db), "fxiaoke_deals.xlsx"), "导入")
    assert metric_values(app)["未映射阶段"] == "1"
    assert "未映射的阶段（已导入但无阶段，在上方映射）：意向金待付（1）" in texts(app, "caption")
    box = next(s for s in app.selectbox if s.label == "意向金待付（1 行）")
    assert box.options[0] == "—（暂不映射）" and box.options[-1] == "流失"
    box.set_value("pledge")
    app.run()
    click(app, "保存阶段映射")
    assert rows(fresh_db, "SELECT source_system, source_stage, stage FROM stage_map") == [
        ("fxiaoke", "意向金待付", "pledge")]
    assert "已保存 1 个阶段映射（纷享销客），重新推导了 1 个商机。" in texts(app, "success")
    assert rows(fresh_db, "SELECT stage FROM deals WHERE source_stage = '意向金待付'") == [("pledge",)]
    assert not [s for s in app.selectbox if s.label.startswith("意向金待付")]       # nothing left to map


def test_a_project_manager_sees_the_unmapped_stages_but_no_control_to_map_them(monkeypatch, db_copy):
    """mgr_pb imports a 滨江悦 deal whose stage 认筹中 the map does not know: the name is listed
    with its rows, and the page says an administrator or analyst maps it (no selectbox, no save)."""
    content = "Deal Id,Deal,Stage,Created,Project\nX1,新商机,认筹中,2026-11-20,滨江悦\n".encode()
    app = mapped_as_deals(upload(open_page(monkeypatch, db_copy, user="mgr_pb"), "pb_stage.csv", content=content))
    assert "认筹中（1 行）" in texts(app, "markdown")
    assert "映射后才会推导" in texts(app, "caption") and "为每个名称选择" not in texts(app, "caption")
    assert "阶段名称映射由所有项目共用（会重新推导各项目的商机），需由管理员或数据分析员保存。" in texts(app, "info")
    assert not [s for s in app.selectbox if s.label.startswith("认筹中")]
    assert not [b for b in app.button if b.label == "保存阶段映射"]


def test_an_undetected_file_imports_once_its_type_and_columns_are_chosen_and_saves_the_mapping(
        monkeypatch, fresh_db):
    app = upload(open_page(monkeypatch, fresh_db), "unknown_layout.csv")
    assert "无法识别这个文件是什么" in texts(app, "warning")
    assert [b for b in app.button if b.label == "导入"][0].disabled
    next(s for s in app.selectbox if s.label == "数据类型").set_value("deals")
    app.run()
    assert [b for b in app.button if b.label == "导入"][0].disabled            # still nothing mapped
    for field, column in {"name": "Property", "owner_name": "Agent", "stage": "Result", "won_at": "Sold On",
                          "amount": "Price"}.items():
        selectbox_with_key(app, f"__{field}").set_value(column)
    next(t for t in app.text_input if t.label == "映射方案名称").set_value("房产成交表")
    app.run()
    assert "可以导入：商机，3 行。" in texts(app, "caption")
    click(app, "导入")
    values = metric_values(app)
    assert (values["新增"], values["未映射阶段"]) == ("3", "3")                  # PI, S, SP are not guessed
    assert rows(fresh_db, "SELECT name, entity FROM mapping_profiles") == [("房产成交表", "deals")]
    assert rows(fresh_db, "SELECT sum(amount) FROM deals") == [(1_480_000 + 990_000,)]


def test_a_source_override_is_used_for_the_import(monkeypatch, fresh_db):
    app = upload(open_page(monkeypatch, fresh_db), "roster.csv")
    assert "识别为：**通用表格 · 分组名单**" in texts(app, "markdown")
    next(s for s in app.selectbox if s.label == "来源系统").set_value("fxiaoke")
    app.run()
    assert "识别为：**纷享销客 · 分组名单**" in texts(app, "markdown")
    click(app, "导入")
    assert rows(fresh_db, "SELECT source_system, entity FROM import_batches") == [("fxiaoke", "roster")]


# ---------------------------------------------------------------- several files, batches, undo


def test_import_all_takes_the_files_in_order_and_an_undo_refused_says_why(monkeypatch, fresh_db):
    app = upload(open_page(monkeypatch, fresh_db), "zoho_deals_week1.csv", "zoho_deals_week2.csv")
    click(app, "全部导入（2 个文件）")
    assert rows(fresh_db, "SELECT batch_id, file_name FROM import_batches ORDER BY 1") == [
        (1, "zoho_deals_week1.csv"), (2, "zoho_deals_week2.csv")]
    # week 2 changed deals of week 1: undoing week 1 first is refused, and nothing changes
    before = hashes(fresh_db)
    undo_buttons = [b for b in app.button if b.label == "撤销"]
    assert [b.key for b in undo_buttons] == ["imp_undo_2", "imp_undo_1"]        # newest first
    click(app, "撤销", 1)
    assert "确定撤销批次 #1（zoho_deals_week1.csv）" in texts(app, "warning")
    click(app, "确认撤销")
    assert "无法撤销批次 #1：批次 #2 在其后修改了同样的记录，请先撤销批次 #2。" in texts(app, "error")
    assert "changed the same records" not in texts(app)
    assert hashes(fresh_db) == before


def test_undoing_a_batch_through_the_page_restores_the_counts(monkeypatch, db_copy):
    counts = "SELECT (SELECT count(*) FROM deals), (SELECT count(*) FROM customers), (SELECT count(*) FROM staff)"
    before = rows(db_copy, counts)
    app = click(upload(open_page(monkeypatch, db_copy), "zoho_deals_week1.csv"), "导入")
    assert rows(db_copy, counts)[0][0] == before[0][0] + 3
    batch_id = rows(db_copy, "SELECT max(batch_id) FROM import_batches")[0][0]
    click(app, "撤销")
    assert f"确定撤销批次 #{batch_id}" in texts(app, "warning")
    click(app, "确认撤销")
    assert f"批次 #{batch_id} 已撤销" in texts(app, "success")
    assert rows(db_copy, counts) == before
    assert rows(db_copy, "SELECT status FROM import_batches WHERE batch_id = ?", [batch_id]) == [("undone",)]
    assert [b for b in app.button if b.key == f"imp_undo_{batch_id}"][0].disabled


def test_after_an_import_the_other_pages_read_the_new_data(monkeypatch, db_copy):
    app = click(upload(open_page(monkeypatch, db_copy), "zoho_deals_week1.csv"), "导入")
    app.switch_page(str(Path(__file__).resolve().parents[2] / "pages/overview.py"))
    app.run()
    assert not app.exception, app.exception
    assert "最近导入：zoho_deals_week1.csv" in texts(app, "caption")


# A project manager's hand-made export: its columns, confirmed as a deals file.
PB_DEAL_COLUMNS = {"record_id": "Deal Id", "name": "Deal", "stage": "Stage", "created_at": "Created",
                   "project": "Project"}


def mapped_as_deals(app):
    next(s for s in app.selectbox if s.label == "数据类型").set_value("deals")
    app.run()
    for field, column in PB_DEAL_COLUMNS.items():
        selectbox_with_key(app, f"__{field}").set_value(column)
    app.run()
    return app


def test_a_project_manager_cannot_import_another_projects_deals_and_is_told_why(monkeypatch, db_copy):
    """mgr_pb manages 滨江悦 (PB) only: a file with a 云栖府 (PA) deal is refused, nothing changes."""
    content = ("Deal Id,Deal,Stage,Created,Project\nX1,新商机,首访,2026-11-20,滨江悦\n"
               "X2,别的项目,首访,2026-11-20,云栖府\n").encode()
    app = mapped_as_deals(upload(open_page(monkeypatch, db_copy, user="mgr_pb"), "two_projects.csv",
                                 content=content))
    before = hashes(db_copy)
    click(app, "导入")
    assert "文件中有您负责范围以外项目的记录：云栖府 (1)。请由管理员或数据分析员导入。" in texts(app, "error")
    assert {t: h for t, h in hashes(db_copy).items() if t != "audit_log"} == \
        {t: h for t, h in before.items() if t != "audit_log"}


def test_a_project_manager_sees_only_the_batches_they_imported(monkeypatch, db_copy):
    """An administrator's batch (file name, rejected rows of any project) is not listed to mgr_pb."""
    with connect(db_copy) as con:
        import_file(con, FIXTURES / "zoho_deals_week1.csv", imported_by="admin")
    content = "Deal Id,Deal,Stage,Created,Project\nX1,新商机,首访,2026-11-20,滨江悦\n".encode()
    app = mapped_as_deals(upload(open_page(monkeypatch, db_copy, user="mgr_pb"), "pb_only.csv", content=content))
    click(app, "导入")
    assert rows(db_copy, "SELECT batch_id, file_name, imported_by FROM import_batches ORDER BY 1") == [
        (1, "zoho_deals_week1.csv", "admin"), (2, "pb_only.csv", "mgr_pb")]
    assert [b.key for b in app.button if b.label == "撤销"] == ["imp_undo_2"]       # their own batch only
    assert "zoho_deals_week1.csv" not in texts(app)
    assert "这里列出您本人导入的批次" in texts(app, "caption")
    admin = open_page(monkeypatch, db_copy)                                          # an administrator: both
    assert [b.key for b in admin.button if b.label == "撤销"] == ["imp_undo_2", "imp_undo_1"]
