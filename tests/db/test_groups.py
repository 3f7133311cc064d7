"""Membership history rules through db.groups: a move keeps the past with the old group; overlaps,
two leaders and two groups at once are refused with the database left exactly as it was; targets
are upserted; a regrouping draft is applied through the same checked moves."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest

from analytics.membership import Stint, split_target
from db import groups, regroup
from db.attribution import refresh_group_attribution
from db.connection import connect, connect_memory
from db.filters import Filters
from db.queries import kpi_aggregates

FEB, APRIL = Filters(date(2026, 2, 1), date(2026, 2, 28)), Filters(date(2026, 4, 1), date(2026, 4, 30))


def table_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """(row count, order-free hash) of every table: equal means unchanged."""
    cur = con.cursor()
    tables = [t for (t,) in cur.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()]
    return {t: tuple(cur.execute(f"SELECT count(*), coalesce(sum(hash(x)::HUGEINT), 0) FROM {t} x").fetchall()[0])
            for t in tables}


@pytest.fixture
def con():
    """Two groups; S1 (leader of G1), S2 (consultant of G1), S3 (leader of G2), all since 2026-01-01.
    S2 created two deals in February (one won, 100 万) and one in April."""
    connection = connect_memory()
    connection.execute("""INSERT INTO groups VALUES ('G1', '一组', 'customer_type', NULL, NULL, 1),
                                                   ('G2', '二组', 'customer_type', NULL, NULL, 2)""")
    connection.execute("""INSERT INTO staff (staff_id, name, role, hired_on) VALUES
        ('S1', '甲', 'leader', DATE '2020-01-01'), ('S2', '乙', 'consultant', DATE '2021-06-01'),
        ('S3', '丙', 'leader', DATE '2020-01-01')""")
    connection.execute("""INSERT INTO memberships VALUES ('S1', 'G1', 'leader', DATE '2026-01-01', NULL),
        ('S2', 'G1', 'consultant', DATE '2026-01-01', NULL), ('S3', 'G2', 'leader', DATE '2026-01-01', NULL)""")
    connection.execute("""INSERT INTO deals (deal_id, source_system, source_record_id, owner_staff_id, creator_staff_id,
                                             outcome, amount, created_at, won_at) VALUES
        ('D1', 't', '1', 'S2', 'S2', 'won', 1000000, TIMESTAMP '2026-02-03 10:00', TIMESTAMP '2026-02-20 10:00'),
        ('D2', 't', '2', 'S2', 'S2', 'open', NULL, TIMESTAMP '2026-02-10 10:00', NULL),
        ('D3', 't', '3', 'S2', 'S2', 'open', NULL, TIMESTAMP '2026-04-15 10:00', NULL)""")
    refresh_group_attribution(connection)
    yield connection
    connection.close()


def deals_by_group(con, window: Filters) -> dict[str, int]:
    frame = kpi_aggregates(con, window, "group")
    return dict(zip(frame["group"], frame["deals"], strict=True))


def stints_of(con, staff_id: str) -> list[tuple]:
    return con.execute("SELECT group_id, role_in_group, valid_from, valid_to FROM memberships WHERE staff_id = ? "
                       "ORDER BY valid_from", [staff_id]).fetchall()


def test_a_move_closes_the_old_stint_and_opens_the_new_one_on_the_effective_date(con):
    groups.move_member(con, "S2", "G2", "consultant", date(2026, 4, 1))
    assert stints_of(con, "S2") == [("G1", "consultant", date(2026, 1, 1), date(2026, 4, 1)),
                                    ("G2", "consultant", date(2026, 4, 1), None)]


def test_a_move_keeps_past_results_with_the_old_group_and_sends_later_ones_to_the_new(con):
    assert deals_by_group(con, FEB) == {"G1": 2, "G2": 0}
    assert deals_by_group(con, APRIL) == {"G1": 1, "G2": 0}
    groups.move_member(con, "S2", "G2", "consultant", date(2026, 4, 1))
    # February (before the move): both deals still G1's; April's deal was created after the move.
    assert deals_by_group(con, FEB) == {"G1": 2, "G2": 0}
    assert deals_by_group(con, APRIL) == {"G1": 0, "G2": 1}
    won = kpi_aggregates(con, FEB, "group").set_index("group")
    assert won.at["G1", "won_amount"] == 1_000_000 and won.at["G2", "won_amount"] == 0


def test_a_second_leader_is_refused_and_nothing_changes(con):
    before = table_hashes(con)
    with pytest.raises(groups.MembershipRefused) as refused:
        groups.move_member(con, "S2", "G1", "leader", date(2026, 5, 1))
    problem = refused.value.problems[0]
    assert (problem.kind, problem.group_id, problem.other_staff_id, problem.day) == \
        ("two_leaders", "G1", "S1", date(2026, 5, 1))
    assert table_hashes(con) == before


def test_a_leader_swap_done_as_one_change_passes(con):
    from analytics.membership import Move
    groups.apply_membership_moves(con, [Move("S1", "G1", "consultant", date(2026, 5, 1)),
                                        Move("S2", "G1", "leader", date(2026, 5, 1))])
    assert stints_of(con, "S2")[-1] == ("G1", "leader", date(2026, 5, 1), None)
    assert stints_of(con, "S1")[-1] == ("G1", "consultant", date(2026, 5, 1), None)


def test_an_overlapping_past_stint_is_refused_and_nothing_changes(con):
    before = table_hashes(con)
    # S2 is in G1 from 2026-01-01: a stint in G2 over March would put them in two groups at once.
    with pytest.raises(groups.MembershipRefused) as refused:
        groups.add_past_stint(con, Stint("S2", "G2", "consultant", date(2026, 3, 1), date(2026, 3, 31)))
    assert [p.kind for p in refused.value.problems] == ["two_groups"]
    # a stint in the same group overlapping the open one is an overlap, also refused
    with pytest.raises(groups.MembershipRefused) as refused:
        groups.add_past_stint(con, Stint("S2", "G1", "deputy", date(2025, 12, 1), date(2026, 2, 1)))
    assert [p.kind for p in refused.value.problems] == ["overlap"]
    assert table_hashes(con) == before


def test_a_past_stint_that_fits_is_recorded_and_counts_for_its_group(con):
    con.execute("INSERT INTO deals (deal_id, source_system, source_record_id, owner_staff_id, creator_staff_id, "
                "outcome, created_at) VALUES ('D0', 't', '0', 'S2', 'S2', 'open', TIMESTAMP '2025-10-05 09:00')")
    groups.add_past_stint(con, Stint("S2", "G2", "consultant", date(2025, 9, 1), date(2026, 1, 1)))
    assert deals_by_group(con, Filters(date(2025, 10, 1), date(2025, 10, 31))) == {"G1": 0, "G2": 1}


def test_moves_before_hire_to_unknown_groups_and_no_op_moves_are_refused(con):
    before = table_hashes(con)
    for args, kind in (((("S2", "G2", "consultant", date(2021, 1, 1))), "before_hire"),
                       (("S2", "G9", "consultant", date(2026, 5, 1)), "unknown_group"),
                       (("S2", "G1", "consultant", date(2026, 5, 1)), "no_change"),
                       (("S9", "G1", "consultant", date(2026, 5, 1)), "unknown_staff")):
        with pytest.raises(groups.MembershipRefused) as refused:
            groups.move_member(con, *args)
        assert refused.value.problems[0].kind == kind
    assert table_hashes(con) == before


def test_leaving_a_group_ends_the_stint_and_a_move_back_in_time_splits_history(con):
    groups.move_member(con, "S2", None, "consultant", date(2026, 6, 1))
    assert stints_of(con, "S2") == [("G1", "consultant", date(2026, 1, 1), date(2026, 6, 1))]
    # a move dated inside the closed stint cuts it, and the new stint ends where the old one ended
    groups.move_member(con, "S2", "G2", "consultant", date(2026, 3, 1))
    assert stints_of(con, "S2") == [("G1", "consultant", date(2026, 1, 1), date(2026, 3, 1)),
                                    ("G2", "consultant", date(2026, 3, 1), date(2026, 6, 1))]


def test_the_history_rules_catch_overlaps_in_an_imported_roster():
    imported = [Stint("A", "G1", "consultant", date(2026, 1, 1), date(2026, 6, 1)),
                Stint("A", "G2", "consultant", date(2026, 5, 1), None),
                Stint("B", "G1", "leader", date(2026, 1, 1), None),
                Stint("C", "G1", "leader", date(2026, 3, 1), date(2026, 4, 1))]
    kinds = sorted((p.kind, p.staff_id) for p in groups.stint_problems(imported, ["A", "C"]))
    assert kinds == [("two_groups", "A"), ("two_leaders", "C")]


def test_a_group_is_created_and_a_phase_is_required_for_a_stage_group(con):
    groups.save_group(con, "G3", "成交组", "stage", None, "closing")
    assert con.execute("SELECT basis, phase, sort_order FROM groups WHERE group_id = 'G3'").fetchall() == \
        [("stage", "closing", 3)]
    for args, kind in ((("G4", "新组", "stage", None, None), "phase_needed"),
                       (("G4", "一组", "region", None, None), "name_taken"),
                       (("G4", "新组", "weather", None, None), "bad_basis")):
        with pytest.raises(groups.GroupRefused) as refused:
            groups.save_group(con, *args)
        assert refused.value.kind == kind


def test_targets_are_upserted_deleted_and_a_bad_value_stores_nothing(con):
    month = date(2026, 12, 1)
    groups.save_targets(con, "group", month, [("G1", "won_amount", 5e6), ("G1", "csat", 4.5)])
    groups.save_targets(con, "group", month, [("G1", "won_amount", 6e6), ("G1", "csat", None)])
    assert groups.targets_for_month(con, "group", month).values.tolist() == [["G1", "won_amount", 6e6]]
    before = table_hashes(con)
    with pytest.raises(groups.GroupRefused):
        groups.save_targets(con, "group", month, [("G2", "won_deals", 3), ("G2", "csat", 7)])
    assert table_hashes(con) == before


def test_a_target_splits_equally_or_by_weight_and_adds_up():
    # 10 deals over 3 people: 3.33 each → 4, 3, 3 (largest remainder; ties go to the first id)
    assert split_target(10, {"a": 1, "b": 1, "c": 1}) == {"a": 4, "b": 3, "c": 3}
    # 1,000 万 by weights 2:1:1 in steps of 1 万: 500, 250, 250 万
    assert split_target(10_000_000, {"a": 2, "b": 1, "c": 1}, unit=10_000) == \
        {"a": 5_000_000, "b": 2_500_000, "c": 2_500_000}
    # 7 by 1:1:0 → 3.5, 3.5, 0 → 4, 3, 0
    assert split_target(7, {"a": 1, "b": 1, "c": 0}) == {"a": 4, "b": 3, "c": 0}
    with pytest.raises(ValueError):
        split_target(7, {"a": 0})


def test_a_draft_is_applied_on_its_effective_date_through_the_checked_moves(con):
    draft_groups = pd.DataFrame({"group_id": ["G1", "G2"], "name": ["一组", "二组"], "basis": ["stage", "customer_type"],
                                 "project_id": [None, None], "phase": ["initial_contact", None]})
    members = pd.DataFrame({"staff_id": ["S1", "S2", "S3"], "group_id": ["G1", "G2", "G2"],
                            "role_in_group": ["leader", "consultant", "leader"]})
    draft_id = regroup.save_draft(con, "方案一", None, draft_groups, members)
    assert regroup.apply_draft(con, draft_id, date(2026, 4, 1)) == 1      # only S2 moves
    assert stints_of(con, "S2")[-1] == ("G2", "consultant", date(2026, 4, 1), None)
    assert con.execute("SELECT basis, phase FROM groups WHERE group_id = 'G1'").fetchall() == [("stage", "initial_contact")]
    assert deals_by_group(con, APRIL) == {"G1": 0, "G2": 1}
    assert regroup.drafts(con)["applied_on"].iloc[0].date() == date(2026, 4, 1)


def test_a_draft_that_breaks_a_rule_changes_nothing(con):
    members = pd.DataFrame({"staff_id": ["S1", "S2"], "group_id": ["G2", "G2"],
                            "role_in_group": ["leader", "consultant"]})   # two leaders in G2
    draft_groups = pd.DataFrame({"group_id": ["G1", "G2"], "name": ["一组", "二组"], "basis": ["region", "region"],
                                 "project_id": [None, None], "phase": [None, None]})
    draft_id = regroup.save_draft(con, "方案二", None, draft_groups, members)
    before = table_hashes(con)
    with pytest.raises(groups.MembershipRefused):
        regroup.apply_draft(con, draft_id, date(2026, 4, 1))
    assert table_hashes(con) == before          # bases not switched either: one transaction


def won_by_group(con, window: Filters) -> dict[str, int]:
    frame = kpi_aggregates(con, window, "group")
    return dict(zip(frame["group"], frame["won_deals"], strict=True))


@pytest.mark.slow
def test_a_move_on_the_demo_leaves_october_with_the_old_group(demo_db_path, tmp_path):
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_path, copy)
    october, november = Filters(date(2026, 10, 1), date(2026, 10, 31)), Filters(date(2026, 11, 1), date(2026, 11, 25))
    with connect(copy) as con:
        october_before = kpi_aggregates(con, october, "group")
        created, won = con.execute(
            "SELECT count(*) FILTER (WHERE coalesce(creator_staff_id, owner_staff_id) = 'S026' AND created_at >= ?), "
            "count(*) FILTER (WHERE owner_staff_id = 'S026' AND outcome = 'won' AND won_at >= ?) FROM deals",
            [november.start, november.start]).fetchall()[0]
        deals_before, won_before = deals_by_group(con, november), won_by_group(con, november)
        groups.move_member(con, "S026", "B-UPGRADE", "consultant", november.start)   # 刚需组 → 改善组 on 1 Nov
        october_after = kpi_aggregates(con, october, "group")
        deals_after, won_after = deals_by_group(con, november), won_by_group(con, november)
    # October, before the move, is identical to the row (headcount included: S026 was in 刚需组 all month)
    pd.testing.assert_frame_equal(october_before, october_after)
    assert created > 0 and won > 0
    assert (deals_after["B-UPGRADE"] - deals_before["B-UPGRADE"], deals_before["B-FIRST"] - deals_after["B-FIRST"]) \
        == (created, created)
    assert (won_after["B-UPGRADE"] - won_before["B-UPGRADE"], won_before["B-FIRST"] - won_after["B-FIRST"]) == (won, won)


def test_a_second_save_updates_rules_summaries_reviews_and_suggestions(con):
    from analytics.awards import AwardRule
    from db import feedback, incentives
    incentives.save_award_rule(con, AwardRule("champion", "champion", "月度销冠", "won_amount", 3, "won_deals"))
    incentives.save_award_rule(con, AwardRule("champion", "champion", "销冠", "win_rate", 10, "n"))
    assert [(r.name, r.metric, r.min_n) for r in incentives.award_rules(con)] == \
        [("销冠", "win_rate", 10), ("", "attainment", 10)]      # the team default stands in (named by the UI)
    with pytest.raises(ValueError):
        incentives.save_award_rule(con, AwardRule("team", "team", "x", "won_amount", 3, "n"))   # not a team metric
    feedback.save_weekly_summary(con, "G1", date(2026, 3, 4), "第一稿", "计划")   # a Wednesday: stored on Monday
    feedback.save_weekly_summary(con, "G1", date(2026, 3, 2), "定稿", "计划二")
    assert con.execute("SELECT week_start, summary, next_plan FROM weekly_summaries").fetchall() == \
        [(date(2026, 3, 2), "定稿", "计划二")]
    feedback.save_review_card(con, "S2", date(2026, 3, 1), {"won_deals": 1}, "good", "不错")
    feedback.save_review_card(con, "S2", date(2026, 3, 15), {"won_deals": 2}, "excellent", "很好")
    card = feedback.review_card(con, "S2", date(2026, 3, 1))
    assert (card["kpis"], card["rating"], card["manager_comment"]) == ({"won_deals": 2}, "excellent", "很好")
    first = feedback.add_suggestion(con, "多排一个周末班")
    feedback.update_suggestions(con, [(first, "done", "已排班")])
    assert con.execute("SELECT staff_id, status, response FROM suggestions").fetchall() == [(None, "done", "已排班")]
    with pytest.raises(ValueError):
        feedback.update_suggestions(con, [(first, "closed", None)])
