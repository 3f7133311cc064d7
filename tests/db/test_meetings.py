"""db.meetings (frozen weeks, actions, minutes, case reviews), the weekly digest's point-in-time
queries (db.queries.weekly) on a tiny office, and a frozen demo week that a later import cannot change."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pandas as pd
import pytest

from db import meetings
from db.connection import connect, connect_memory
from db.filters import Filters
from db.queries import weekly as wq
from db.queries.cases import customers_named_in, deal_timeline, reviewed_cases
from tests.db.queries_fixtures import (
    add_customer,
    add_deal,
    add_event,
    add_membership,
    add_ownership,
    add_staff,
)
from ui import weekly_data

EVERYONE = Filters(date(2026, 1, 1), date(2026, 12, 31))
SUNDAY = date(2026, 11, 22)


@pytest.fixture
def con():
    connection = connect_memory()
    yield connection
    connection.close()


def add_touch(con, activity_id, deal_id, occurred_at, next_follow_at, kind="phone"):
    con.execute("INSERT INTO activities (activity_id, source_system, source_record_id, deal_id, staff_id, kind, "
                "occurred_at, next_follow_at) VALUES (?, 'test', ?, ?, 's1', ?, ?, ?)",
                [activity_id, activity_id, deal_id, kind, occurred_at, next_follow_at])


def test_a_frozen_week_is_kept_unless_it_is_refrozen_on_purpose(con):
    first = datetime(2026, 11, 23, 9, 0)
    assert meetings.save_snapshot(con, "2026-W47", "all", {"a": "1", "b": "2"}, first)
    assert not meetings.save_snapshot(con, "2026-W47", "all", {"a": "changed"}, datetime(2026, 11, 30))
    assert meetings.snapshot(con, "2026-W47", "all") == ({"a": "1", "b": "2"}, first)
    assert meetings.snapshot(con, "2026-W47", "group=B") is None        # another scope is another freeze
    assert meetings.save_snapshot(con, "2026-W47", "all", {"a": "3"}, datetime(2026, 12, 1), replace=True)
    assert meetings.snapshot(con, "2026-W47", "all") == ({"a": "3"}, datetime(2026, 12, 1))
    assert list(meetings.frozen_weeks(con)["week"]) == ["2026-W47"]


def test_actions_keep_the_meeting_that_closed_them_and_minutes_are_one_text_per_week(con):
    kept = meetings.add_action(con, "2026-W46", "  回访逾期客户 ", "丁蕾鸿", date(2026, 11, 20))
    closed = meetings.add_action(con, "2026-W46", "整理认购资料", None, None)
    meetings.set_action_status(con, closed, "done", "2026-W47")
    later = meetings.add_action(con, "2026-W48", "下周的事", "x", None)
    rows = meetings.actions_until(con, "2026-W47").set_index("action_id")
    assert later not in rows.index and rows.loc[kept, "what"] == "回访逾期客户"
    assert rows.loc[closed, ["status", "closed_week"]].tolist() == ["done", "2026-W47"]
    meetings.set_action_status(con, closed, "open", "2026-W48")
    assert pd.isna(meetings.actions_until(con, "2026-W47").set_index("action_id").loc[closed, "closed_week"])
    with pytest.raises(ValueError):
        meetings.set_action_status(con, kept, "finished", "2026-W47")
    with pytest.raises(ValueError):
        meetings.add_action(con, "2026-W47", "   ", None, None)
    meetings.save_notes(con, "2026-W46", "上周", "甲")
    meetings.save_notes(con, "2026-W47", "第一稿", "甲")
    meetings.save_notes(con, "2026-W47", "定稿", "乙")
    notes = meetings.notes_until(con, "2026-W47")
    assert notes[["week", "body", "author"]].values.tolist() == [["2026-W47", "定稿", "乙"], ["2026-W46", "上周", "甲"]]


def test_case_reviews_collect_in_the_library_with_every_tag_and_the_latest_lesson(con):
    add_customer(con, "C1", name="王小明")
    add_deal(con, "D1", "2026-03-01 10:00", customer_id="C1", outcome="lost", lost_at="2026-04-01 10:00")
    meetings.add_case_review(con, "D1", ["failure", "price", "price", " "], "预算差 30 万", "经理")
    meetings.add_case_review(con, "D1", ["学区"], "其实是学区", None)
    with pytest.raises(ValueError):
        meetings.add_case_review(con, "D1", [], "  ", None)
    library = reviewed_cases(con)
    assert library["deal_id"].tolist() == ["D1"] and library["reviews"].iloc[0] == 2
    assert sorted(library["tags"].iloc[0]) == sorted(["failure", "price", "学区"])
    assert library["lesson"].iloc[0] == "其实是学区" and pd.isna(library["reviewer"].iloc[0])
    assert reviewed_cases(con, text="预算").shape[0] == 1 and reviewed_cases(con, text="王小明").shape[0] == 1
    assert reviewed_cases(con, tag="price").shape[0] == 1 and reviewed_cases(con, tag="loan").empty
    assert meetings.case_reviews_of(con, "D1")["lesson"].tolist() == ["其实是学区", "预算差 30 万"]


def test_a_deal_won_after_the_week_was_open_at_its_end_in_the_stage_it_had_then(con):
    add_staff(con, "s1", "甲")
    add_staff(con, "s2", "乙")
    add_membership(con, "s1", "G1", "2026-01-01")
    add_membership(con, "s2", "G2", "2026-01-01")
    add_customer(con, "C1")
    add_deal(con, "D1", "2026-11-01 10:00", customer_id="C1", owner="s2", stage="subscription", outcome="won",
             won_at="2026-11-24 10:00")
    add_event(con, "D1", "2026-11-01 10:00", "first_visit")
    add_event(con, "D1", "2026-11-10 10:00", "revisit", "first_visit")
    add_event(con, "D1", "2026-11-24 10:00", "subscription", "revisit")
    add_ownership(con, "D1", "2026-11-23 09:00", "s1", "s2")          # handed on after Sunday
    add_deal(con, "D2", "2026-11-01 10:00", stage="lead", outcome="lost", lost_at="2026-11-20 10:00")
    open_then = wq.open_deals_at(con, EVERYONE, SUNDAY)
    assert open_then["deal_id"].tolist() == ["D1"]
    row = open_then.iloc[0]
    # On Sunday 22 Nov D1 was in revisit since 10 Nov (12 days) and still with s1 in G1.
    assert (row["stage"], row["days_in_stage"], row["owner"], row["owner_group_id"]) == ("revisit", 12, "甲", "G1")
    assert wq.open_deals_at(con, EVERYONE, date(2026, 11, 25)).empty


def test_a_follow_up_is_overdue_when_the_latest_plan_by_sunday_had_passed(con):
    for deal in ("D1", "D2", "D3"):
        add_deal(con, deal, "2026-11-01 10:00", stage="first_visit")
    add_touch(con, "A1", "D1", "2026-11-10 10:00", "2026-11-15 10:00")     # plan passed 7 days before Sunday
    add_touch(con, "A2", "D2", "2026-11-10 10:00", "2026-11-12 10:00")
    add_touch(con, "A3", "D2", "2026-11-18 10:00", "2026-11-25 10:00")     # a later touch re-planned it
    add_touch(con, "A4", "D3", "2026-11-10 10:00", "2026-11-11 10:00")
    add_touch(con, "A5", "D3", "2026-11-23 10:00", None)                   # contacted only after Sunday
    overdue = wq.overdue_followups_at(con, EVERYONE, SUNDAY)
    assert overdue[["deal_id", "days_overdue"]].values.tolist() == [["D3", 11], ["D1", 7]]


def test_a_subscription_past_its_deadline_is_listed_until_it_is_signed_or_lost(con):
    add_deal(con, "D1", "2026-09-01 10:00", stage="subscription", outcome="won", won_at="2026-10-01 10:00")
    add_event(con, "D1", "2026-10-01 10:00", "subscription")                # 52 days before Sunday
    add_deal(con, "D2", "2026-09-01 10:00", stage="contract", outcome="won", won_at="2026-10-01 10:00")
    add_event(con, "D2", "2026-10-01 10:00", "subscription")
    add_event(con, "D2", "2026-11-01 10:00", "contract")                    # signed
    add_deal(con, "D3", "2026-09-01 10:00", stage="subscription", outcome="lost", lost_at="2026-11-05 10:00")
    add_event(con, "D3", "2026-10-01 10:00", "subscription")                # 退订 before Sunday
    add_deal(con, "D4", "2026-10-01 10:00", stage="subscription", outcome="won", won_at="2026-11-01 10:00")
    add_event(con, "D4", "2026-11-01 10:00", "subscription")                # 21 days: not yet due
    late = wq.stage_without_next_at(con, EVERYONE, SUNDAY, entered="subscription", missing="contract", days=30)
    assert late[["deal_id", "days_since"]].values.tolist() == [["D1", 52]]


def test_ownership_changes_name_both_owners_and_their_groups_that_day(con):
    add_staff(con, "s1", "甲")
    add_staff(con, "s2", "乙")
    add_membership(con, "s1", "G1", "2026-01-01")
    add_membership(con, "s2", "G2", "2026-01-01")
    add_deal(con, "D1", "2026-11-01 10:00", stage="pledge")
    add_ownership(con, "D1", "2026-11-18 15:00", "s1", "s2")
    add_ownership(con, "D1", "2026-11-24 15:00", "s2", "s1")                # after the week
    changes = wq.ownership_changes_between(con, EVERYONE, date(2026, 11, 16), SUNDAY)
    assert changes[["from_staff", "to_staff", "from_group_id", "to_group_id"]].values.tolist() == [["甲", "乙", "G1", "G2"]]


def test_the_timeline_holds_every_kind_of_event_and_names_found_in_text_are_returned(con):
    add_customer(con, "C1", name="王小明")
    add_deal(con, "D1", "2026-11-01 10:00", customer_id="C1", stage="revisit", outcome="lost", lost_at="2026-11-20 10:00")
    add_event(con, "D1", "2026-11-01 10:00", "first_visit")
    add_touch(con, "A1", "D1", "2026-11-01 10:00", None, kind="first_visit")
    add_ownership(con, "D1", "2026-11-05 10:00", None, "s1")
    timeline = deal_timeline(con, "D1")
    assert sorted(timeline["lane"]) == ["owner", "stage", "stage", "visit"]
    assert customers_named_in(con, ("请联系王小明",))["customer_id"].tolist() == ["C1"]
    assert customers_named_in(con, ("",)).empty


def test_a_frozen_demo_week_reads_the_same_after_a_later_import(demo_db_path, tmp_path):
    path = tmp_path / "demo-copy.duckdb"
    shutil.copy(demo_db_path, path)
    with connect(path) as con:
        frozen = weekly_data.frozen_meeting(con, "2026-W47")
        # A late import: a deal created on Wednesday of that week with its first visit, won on Friday.
        con.execute("INSERT INTO customers (customer_id, source_system, source_record_id, name) "
                    "VALUES ('CLATE', 'late', 'CLATE', '迟到客户')")
        con.execute("""INSERT INTO deals (deal_id, source_system, source_record_id, customer_id, owner_staff_id,
                           group_id, closing_group_id, project_id, stage, outcome, amount, created_at, won_at)
                       VALUES ('DLATE', 'late', 'DLATE', 'CLATE', 'S019', 'A-CLOSE', 'A-CLOSE', 'PA',
                               'subscription', 'won', 3000000, '2026-11-18 10:00', '2026-11-20 10:00')""")
        con.execute("""INSERT INTO activities (activity_id, source_system, source_record_id, deal_id, customer_id,
                           staff_id, group_id, kind, occurred_at) VALUES ('ALATE', 'late', 'ALATE', 'DLATE',
                           'CLATE', 'S019', 'A-CLOSE', 'first_visit', '2026-11-18 10:00')""")
        reopened = weekly_data.frozen_meeting(con, "2026-W47")
        recomputed = weekly_data.computed_meeting(con, "2026-W47")
    assert reopened.frozen_at == frozen.frozen_at
    assert weekly_data.payloads(reopened) == weekly_data.payloads(frozen)
    digest = {name: frame.set_index("item")["count"] for name, frame in
              (("frozen", reopened.sections["digest"]), ("now", recomputed.sections["digest"]))}
    assert digest["now"]["first_visits"] == digest["frozen"]["first_visits"] + 1     # the import is real…
    board = {name: frame.set_index("group")["won_deals"] for name, frame in
             (("frozen", reopened.sections["scoreboard"]), ("now", recomputed.sections["scoreboard"]))}
    assert board["now"]["A-CLOSE"] == board["frozen"]["A-CLOSE"] + 1                # …and the frozen week ignores it


@pytest.mark.parametrize("sunday, groups", [(date(2026, 11, 22), ()), (date(2026, 10, 4), ("B-FIRST",))])
def test_the_stalled_list_cut_in_sql_is_what_the_pandas_definition_finds(demo_db_path, sunday, groups):
    """open_deal_lists_at's stalled list is newly_stalled(stalled_deals(open_deals_at, durations))
    done in SQL: the same rows in the same order, and its total is every stalled deal's count."""
    from analytics.digest import WEEK_DAYS, newly_stalled
    from analytics.funnel import stall_thresholds, stalled_deals

    members = Filters(date(2026, 1, 1), sunday, group_ids=groups)
    with connect(demo_db_path, read_only=True) as con:
        durations = wq.stage_durations_at(con, members, sunday)
        every = stalled_deals(wq.open_deals_at(con, members, sunday), durations)
        lists = wq.open_deal_lists_at(con, members, sunday, stall_thresholds(durations), crossed_within=WEEK_DAYS)
        listed, total = lists.stalled, lists.stalled_total
        # None crossed "within 0 days": the list is empty and the total comes from its own count.
        none_new = wq.open_deal_lists_at(con, members, sunday, stall_thresholds(durations), crossed_within=0)
        overdue_alone = wq.overdue_followups_at(con, members, sunday)
    expected = newly_stalled(every)
    assert total == len(every) > len(expected) > 0
    pd.testing.assert_frame_equal(listed, expected[list(listed.columns)], check_dtype=False)
    assert list(listed.columns) == list(expected.columns)
    assert none_new.stalled.empty and none_new.stalled_total == total
    pd.testing.assert_frame_equal(lists.overdue, overdue_alone)      # the same list either way
    assert len(overdue_alone) > 0


def test_the_stage_thresholds_known_on_a_sunday_from_facts_equal_those_from_the_history(demo_db_path, monkeypatch):
    members = Filters(date(2026, 1, 1), date(2026, 10, 4))
    with connect(demo_db_path, read_only=True) as con:
        stored = wq.stage_durations_at(con, members, date(2026, 10, 4))
        monkeypatch.setattr(wq, "facts_current", lambda con: False)
        scanned = wq.stage_durations_at(con, members, date(2026, 10, 4))
    assert len(stored) >= 4 and (stored["p75_days"] >= stored["median_days"]).all()
    pd.testing.assert_frame_equal(stored, scanned, check_exact=False, rtol=1e-9)
