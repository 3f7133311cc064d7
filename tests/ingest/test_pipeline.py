"""Whole imports of the hand-made fixtures: counts, stages, outcomes, money, groups, history.

Expected values are computed by hand from the rows in tests/fixtures/make_fixtures.py.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from db.imports import batch_rejects, map_stage
from ingest.pipeline import import_file, preview_file
from tests.ingest.conftest import rows, table_hashes


def test_a_fxiaoke_xlsx_with_title_blank_and_total_rows_imports_its_seven_deals(con, fixture):
    summary = import_file(con, fixture("fxiaoke_deals.xlsx"))
    assert (summary.source_system, summary.entity, summary.rows_read, summary.inserted) == ("fxiaoke", "deals", 7, 7)
    assert summary.detected.startswith("纷享销客 商机: headers 商机名称")
    # 赵敏 reached 认购 (won: 认购即成交) and 孙磊's status is 赢单; 周杰's status is 输单.
    outcomes = dict(rows(con, "SELECT outcome, count(*) FROM deals GROUP BY 1"))
    assert outcomes == {"won": 2, "lost": 1, "open": 4}
    # 120万 + ¥1,350,000 + 980000 + 2,100,000.00 + 150万 + 90万 + 88万 = 8,910,000
    assert rows(con, "SELECT sum(amount) FROM deals") == [(8_910_000.0,)]
    # won amount: 2,100,000 (赵敏) + 1,500,000 (孙磊) = 3,600,000
    assert rows(con, "SELECT sum(amount) FROM deals WHERE outcome = 'won'") == [(3_600_000.0,)]
    assert summary.unmapped_stages == {"意向金待付": 1}
    assert rows(con, "SELECT stage, source_stage, outcome FROM deals WHERE name LIKE '周杰%'") == [("revisit", "复访", "lost")]
    assert rows(con, "SELECT created_at FROM deals WHERE name LIKE '张伟%'") == [(datetime(2025, 3, 1, 9, 30),)]
    assert rows(con, "SELECT won_at FROM deals WHERE name LIKE '赵敏%'") == [(datetime(2025, 3, 31),)]


def test_departments_become_groups_when_there_is_no_roster(con, fixture):
    import_file(con, fixture("fxiaoke_deals.xlsx"))
    per_group = dict(rows(con, "SELECT g.name, count(*) FROM deals d JOIN groups g USING (group_id) GROUP BY 1"))
    assert per_group == {"一组": 3, "二组": 2, "三组": 2}


def test_the_gb18030_csv_reads_the_same_deals_with_their_ids(con, fixture):
    summary = import_file(con, fixture("fxiaoke_deals_gb18030.csv"))
    assert summary.encoding == "gb18030" and summary.inserted == 7
    assert rows(con, "SELECT source_record_id, amount FROM deals WHERE name LIKE '李娜%'") == [("FX-0002", 1_350_000.0)]
    assert any("总计" in note for note in summary.notes)


def test_reimporting_the_same_file_changes_nothing_and_says_so(con, fixture):
    first = import_file(con, fixture("fxiaoke_deals_gb18030.csv"))
    before = table_hashes(con)
    again = import_file(con, fixture("fxiaoke_deals_gb18030.csv"))
    assert (again.inserted, again.updated, again.unchanged, again.batch_id) == (0, 0, 7, None)
    assert f"already imported in batch {first.batch_id}: nothing changed" in again.message
    assert table_hashes(con) == before


def test_next_weeks_zoho_export_updates_what_changed_and_logs_the_stage_change(con, fixture):
    week1 = import_file(con, fixture("zoho_deals_week1.csv"))
    assert (week1.inserted, week1.currency) == (3, "USD")      # "$" amounts set the currency of an empty DB
    assert rows(con, "SELECT source_record_id, owner_staff_id FROM deals WHERE name = 'Deal A'") == [
        ("5725767000000411001", "zoho:5725767000000300001")]    # zcrm_ prefixes dropped
    week2 = import_file(con, fixture("zoho_deals_week2.csv"))
    assert (week2.inserted, week2.updated, week2.unchanged, week2.stage_events) == (1, 2, 1, 1)
    # Deal A moved Qualification → Needs Analysis; the event is dated by its Modified Time.
    assert rows(con, "SELECT from_stage, to_stage, entered_at FROM stage_events") == [
        ("lead", "first_visit", datetime(2025, 3, 10, 9, 0))]
    assert rows(con, "SELECT amount FROM deals WHERE name = 'Deal B'") == [(2800.0,)]
    assert rows(con, "SELECT outcome, lost_at FROM deals WHERE name = 'Deal D'") == [("lost", datetime(2025, 5, 1))]


def test_hubspot_date_entered_columns_become_stage_events(con, fixture):
    summary = import_file(con, fixture("hubspot_deals.csv"))
    assert (summary.stage_events, summary.pending_stage_events) == (3, 1)
    assert summary.unmapped_stages == {"Site Visit Booked": 1}
    events = rows(con, "SELECT deal_id, to_stage, entered_at FROM stage_events ORDER BY deal_id, entered_at")
    assert events == [("hubspot:9001", "lead", datetime(2025, 3, 1, 8)), ("hubspot:9001", "contract", datetime(2025, 3, 20, 17)),
                      ("hubspot:9002", "lead", datetime(2025, 3, 5, 9))]
    map_stage(con, "hubspot", "Site Visit Booked", "first_visit")
    assert rows(con, """SELECT from_stage, to_stage FROM stage_events WHERE deal_id = 'hubspot:9001'
                        ORDER BY entered_at""") == [(None, "lead"), ("lead", "first_visit"), ("first_visit", "contract")]
    assert rows(con, "SELECT count(*) FROM pending_stage_events") == [(0,)]


def test_a_roster_puts_deals_in_the_owners_groups_and_a_move_keeps_old_deals(con, fixture):
    import_file(con, fixture("roster.csv"))
    import_file(con, fixture("fxiaoke_deals.xlsx"))
    assert rows(con, "SELECT role FROM staff WHERE name = '王芳'") == [("leader",)]
    assert dict(rows(con, "SELECT g.name, count(*) FROM deals d JOIN groups g USING (group_id) GROUP BY 1")) == {
        "一组": 3, "二组": 2, "三组": 2}
    moved = import_file(con, fixture("roster_week2.csv"))       # 陈静 moves from 二组 to 一组
    assert (moved.inserted, moved.unchanged) == (1, 3)
    # as_of is the latest date of the deals (赵敏's won_at 2025-03-31): the move starts then.
    assert rows(con, """SELECT g.name, m.valid_from, m.valid_to FROM memberships m JOIN staff s USING (staff_id)
                        JOIN groups g USING (group_id) WHERE s.name = '陈静' ORDER BY m.valid_from""") == [
        ("二组", date(1900, 1, 1), date(2025, 3, 31)), ("一组", date(2025, 3, 31), None)]
    assert rows(con, """SELECT g.name, count(*) FROM deals d JOIN groups g USING (group_id)
                        WHERE d.owner_staff_id = 'generic:陈静' GROUP BY 1""") == [("二组", 2)]


def test_wide_targets_with_units_in_the_header(con, fixture):
    import_file(con, fixture("targets.csv"))
    got = rows(con, """SELECT g.name, t.month, t.metric, t.value FROM targets t JOIN groups g ON g.group_id = t.scope_id
                       ORDER BY 1, 3""")
    # 成交金额目标(万元) 500 → 5,000,000; 300 → 3,000,000
    assert got == [("一组", date(2025, 3, 1), "visits", 60.0), ("一组", date(2025, 3, 1), "won_amount", 5_000_000.0),
                   ("一组", date(2025, 3, 1), "won_deals", 4.0), ("二组", date(2025, 3, 1), "visits", 45.0),
                   ("二组", date(2025, 3, 1), "won_amount", 3_000_000.0), ("二组", date(2025, 3, 1), "won_deals", 3.0)]


def test_long_targets_reject_an_unknown_metric_with_its_line(con, fixture):
    summary = import_file(con, fixture("targets_long.csv"))
    assert (summary.inserted, summary.rejected) == (2, 1)
    assert summary.rejects[0][0] == 4 and "幸运值" in summary.rejects[0][1]
    assert summary.rejects[0][2] == "二组,2025-04,幸运值,7"           # the row as the file has it


def test_followups_get_kinds_and_visits_are_split_into_first_and_re_visits(con, fixture):
    summary = import_file(con, fixture("fxiaoke_followups.csv"))
    assert summary.inserted == 6 and any("QQ (1)" in n for n in summary.notes)
    kinds = rows(con, "SELECT kind, occurred_at FROM activities ORDER BY occurred_at")
    assert [k for k, _ in kinds] == ["first_visit", "phone", "wechat", "viewing", "revisit", "task"]
    assert rows(con, "SELECT note FROM activities WHERE kind = 'revisit'") == [("复访，带家人\n想看样板间",)]


def test_an_api_dump_with_epoch_ms_and_list_valued_owners(con, fixture):
    summary = import_file(con, fixture("fxiaoke_api_deals.json"))
    assert summary.inserted == 2
    # 1740790800000 ms = 2025-03-01 01:00 UTC = 09:00 China time; owner ["1001"] → staff fxiaoke:1001
    assert rows(con, "SELECT created_at, owner_staff_id, department, outcome FROM deals WHERE source_record_id = '65f0a1b2c3'") == [
        (datetime(2025, 3, 1, 9, 0), "fxiaoke:1001", "销售一部", "won")]


def test_rejected_rows_are_kept_with_line_and_reason_and_the_rest_imports(con, fixture):
    summary = import_file(con, fixture("bad_rows.csv"))
    assert (summary.inserted, summary.rejected) == (2, 3)
    frame = batch_rejects(con, summary.batch_id)
    assert frame["line_no"].tolist() == [3, 4, 5]
    assert frame["reason"].tolist() == ['商机金额: "一百万" is not an amount', '创建时间: "2025/13/45" is not a date',
                                        "expected 7 fields, found 4"]
    assert frame["raw"].iloc[2] == "B-4,少一列,陈静,认购"


def test_a_column_mapping_is_saved_and_reused_for_the_same_headers(con, fixture):
    mapping = {"name": "Property", "owner_name": "Agent", "stage": "Result", "created_at": "Sold On", "amount": "Price"}
    first = import_file(con, fixture("unknown_layout.csv"), entity="deals", mapping=mapping)
    assert first.mapping_profile == "unknown_layout" and first.inserted == 3
    assert first.unmapped_stages == {"PI": 1, "S": 1, "SP": 1}
    again = import_file(con, fixture("unknown_layout.csv"))
    assert "your saved mapping 'unknown_layout'" in again.detected and again.unchanged == 3
    # Day-first is settled by 27/05/2017, so 3/12/2016 is 3 December 2016.
    assert rows(con, "SELECT created_at FROM deals WHERE name = '12 Oak St'") == [(datetime(2016, 12, 3),)]


def test_preview_shows_detection_sample_and_unmapped_stages_without_writing(con, fixture):
    before = table_hashes(con)
    preview = preview_file(con, fixture("fxiaoke_deals.xlsx"))
    assert preview.ready and preview.detection.entity == "deals"
    assert len(preview.sample) == 7 and preview.sample["line"].tolist()[0] == 3
    assert preview.unmapped_stages == {"意向金待付": 1} and preview.mapping["stage"] == "商机阶段"
    assert table_hashes(con) == before


def test_preview_of_an_unknown_layout_asks_for_a_mapping(con, fixture):
    preview = preview_file(con, fixture("unknown_layout.csv"))
    assert preview.detection is None and not preview.ready
    assert "map the columns" in preview.reason


@pytest.mark.parametrize("name", ["fxiaoke_deals.xlsx", "zoho_deals_week1.csv", "fxiaoke_followups.csv"])
def test_undoing_an_import_restores_the_database(con, fixture, name):
    before = table_hashes(con)
    summary = import_file(con, fixture(name))
    from db.imports import undo_batch
    undo_batch(con, summary.batch_id)
    after = {t: v for t, v in table_hashes(con).items() if t not in ("import_batches", "import_changes", "import_rejects")}
    assert after == {t: v for t, v in before.items() if t not in ("import_batches", "import_changes", "import_rejects")}


def test_a_record_id_repeated_in_the_file_keeps_the_later_row(con):
    data = ("商机编号,商机名称,商机阶段,商机金额,创建时间\n"
            "D-1,第一次,首访,100万,2025/3/1\nD-2,别的,复访,90万,2025/3/2\nD-1,第二次,复访,110万,2025/3/1\n").encode()
    summary = import_file(con, data, "dups.csv")
    assert (summary.rows_read, summary.inserted, summary.duplicates) == (3, 2, 1)
    assert rows(con, "SELECT name, stage, amount FROM deals WHERE source_record_id = 'D-1'") == [
        ("第二次", "revisit", 1_100_000.0)]
    assert "1 rows repeat a record id of a later row" in "\n".join(summary.lines())


def test_an_undated_roster_naming_a_person_in_two_groups_rejects_those_rows_and_imports_the_rest(con):
    """王芳 on lines 2 and 4, in 一组 and in 二组: a roster without dates says where each person is
    now, so both rows are rejected (taken in order they would read as a move at the as-of date).
    陈静 (line 3) imports; 杨帆 twice in the same group and role (lines 5, 6) is no contradiction."""
    data = ("姓名,小组,角色,分组依据\n王芳,一组,组长,阶段\n陈静,二组,置业顾问,阶段\n王芳,二组,置业顾问,阶段\n"
            "杨帆,三组,副组长,阶段\n杨帆,三组,副组长,阶段\n")
    summary = import_file(con, data.encode(), "roster_twice.csv")
    reason = '"王芳" is listed 2 times without dates, in different groups or roles (lines 2, 4)'
    assert summary.rejects == [(2, reason, "王芳,一组,组长,阶段"), (4, reason, "王芳,二组,置业顾问,阶段")]
    assert summary.rejected == 2
    assert rows(con, """SELECT s.name, g.name FROM memberships m JOIN staff s USING (staff_id)
                        JOIN groups g USING (group_id) ORDER BY 1""") == [("杨帆", "三组"), ("陈静", "二组")]


@pytest.mark.parametrize("rows_text, involved", [
    # 王芳 in 一组 from January with no end, and in 二组 from March: two groups at once.
    ("王芳,一组,组长,阶段,2026-01-01,\n王芳,二组,置业顾问,阶段,2026-03-01,\n", "王芳"),
    # 王芳 and 陈静 both lead 一组 from March.
    ("王芳,一组,组长,阶段,2026-03-01,\n陈静,一组,组长,阶段,2026-03-01,\n", "王芳, 陈静"),
])
def test_a_roster_that_breaks_the_membership_rules_is_refused_and_changes_nothing(con, fixture, rows_text,
                                                                                 involved):
    from db.imports import ImportRefused

    import_file(con, fixture("roster.csv"))
    before = table_hashes(con)
    with pytest.raises(ImportRefused) as refused:
        import_file(con, ("姓名,小组,角色,分组依据,生效日期,结束日期\n" + rows_text).encode(), "roster_bad.csv")
    assert (refused.value.code, refused.value.params["people"]) == ("roster_conflicts", involved)
    assert {t: h for t, h in table_hashes(con).items() if t != "audit_log"} == \
        {t: h for t, h in before.items() if t != "audit_log"}
