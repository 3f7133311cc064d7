"""Hand-offs, customer mix, satisfaction, targets and overdue follow-ups on tiny databases."""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd
import pytest

from analytics.handoffs import handoff_table
from analytics.mix import mix_adjusted_win_rates
from analytics.pacing import SellingCalendar, monthly_actuals, pace_table
from analytics.registry import METRICS
from analytics.satisfaction import satisfaction_table, score_distribution
from db.connection import connect_memory
from db.queries import (
    closed_deals_by_cell,
    handoff_aggregates,
    kpi_aggregates,
    lowest_survey_comments,
    metric_targets,
    monthly_targets,
    overdue_followups,
    survey_score_counts,
)
from domain import STAGES
from tests.db.queries_fixtures import (
    MARCH,
    add_activity,
    add_deal,
    add_event,
    add_group,
    add_membership,
    add_ownership,
    add_staff,
    add_target,
    golden_office,
)


@pytest.fixture(scope="module")
def office():
    con = golden_office()
    yield con
    con.close()


@pytest.fixture(scope="module")
def relay():
    """Stage-split groups gI 初期 → gF 跟进 → gC 成交 (members i1, i2 / f1 / c1), March 2025.

    h1: first_visit 03-02, handed i1→f1 03-02 12:00, revisit 03-05 (moved on); gF touches it 18:00 (6 h).
    h2: first_visit 03-03, handed i1→f1 03-03 12:00, nothing after; gF touches it 03-04 12:00 (24 h).
    h3: no history, now at pledge; handed i1→f1 03-04: beyond the initial phase (moved on), untouched.
    h4: pledge 03-10, handed f1→c1 03-10 12:00, subscription 03-12 (moved on); gC touches it 03-11 00:00 (12 h).
    h5: handed i1→i2 inside gI: not a hand-off. h6: handed i1→f1 on 02-20: before the window.
    """
    con = connect_memory()
    for order, (gid, phase) in enumerate((("gI", "initial_contact"), ("gF", "follow_up"), ("gC", "closing"))):
        add_group(con, gid, basis="stage", phase=phase, sort_order=order)
    for sid, gid in (("i1", "gI"), ("i2", "gI"), ("f1", "gF"), ("c1", "gC")):
        add_staff(con, sid)
        add_membership(con, sid, gid, "2024-01-01")
    for deal, stage in (("h1", "revisit"), ("h2", "first_visit"), ("h3", "pledge"), ("h4", "subscription"),
                        ("h5", "lead"), ("h6", "revisit")):
        add_deal(con, deal, "2025-03-01 09:00", stage=stage)
    for deal, day, stage in (("h1", "03-02", "first_visit"), ("h1", "03-05", "revisit"),
                             ("h2", "03-03", "first_visit"), ("h4", "03-10", "pledge"),
                             ("h4", "03-12", "subscription"), ("h6", "02-19", "revisit")):
        add_event(con, deal, f"2025-{day} 10:00", stage)
    for deal, moment, old, new in (("h1", "03-02 12:00", "i1", "f1"), ("h2", "03-03 12:00", "i1", "f1"),
                                   ("h3", "03-04 12:00", "i1", "f1"), ("h4", "03-10 12:00", "f1", "c1"),
                                   ("h5", "03-05 12:00", "i1", "i2"), ("h6", "02-20 12:00", "i1", "f1")):
        add_ownership(con, deal, f"2025-{moment}", old, new)
    for aid, deal, moment, staff, group in (("t1", "h1", "03-02 18:00", "f1", "gF"),
                                            ("t2", "h2", "03-04 12:00", "f1", "gF"),
                                            ("t3", "h4", "03-11 00:00", "c1", "gC"),
                                            ("t4", "h3", "03-05 00:00", "i1", "gI")):  # the sender's, not counted
        add_activity(con, aid, f"2025-{moment}", "phone", deal_id=deal, staff_id=staff, group_id=group)
    yield con
    con.close()


def test_hand_offs_count_what_the_receiving_group_did(relay):
    agg = handoff_aggregates(relay, MARCH)
    assert agg[["from_group", "to_group", "handed_on", "moved_on", "first_touched"]].values.tolist() == [
        ["gI", "gF", 3, 2, 2], ["gF", "gC", 1, 1, 1]]
    assert agg["first_touch_hours_median"].tolist() == pytest.approx([(6 + 24) / 2, 12])
    table = handoff_table(agg)
    first = table.iloc[0]
    assert first.handoff_rate == pytest.approx(2 / 3) and first.handoff_rate_n == 3 and first.handoff_rate_too_few
    assert first.forward and first.first_touch_share == pytest.approx(2 / 3)
    # Wilson 95% for 2 of 3, by hand: centre (2/3 + z²/6) / (1 + z²/3) = 0.5731, half-width
    # z·sqrt(2/27 + z²/36) / (1 + z²/3) = 0.3654 with z = 1.96.
    assert (first.first_touch_low, first.first_touch_high) == pytest.approx((0.2077, 0.9385), abs=1e-4)


def test_the_registry_sql_of_hand_offs_agrees(relay):
    rows = relay.execute(METRICS["handoff_rate"].sql,
                         {"start": MARCH.start, "end": MARCH.end, "stages": list(STAGES)}).fetchall()
    assert sorted(rows) == [("gF", "gC", 1, 1), ("gI", "gF", 3, 2)]


def test_mix_adjustment_on_two_groups_and_two_cells():
    con = connect_memory()
    # cell natural/first_home: gX wins 4 of 5, gY 1 of 5 → company 5/10 = 0.5
    # cell agency/investment:  gX wins 0 of 0, gY 3 of 5 → company 3/5 = 0.6
    from tests.db.queries_fixtures import add_customer
    add_customer(con, "n", source_channel="natural", customer_type="first_home")
    add_customer(con, "a", source_channel="agency", customer_type="investment")
    deals = [("gX", "n", True)] * 4 + [("gX", "n", False)] + [("gY", "n", True)] + [("gY", "n", False)] * 4
    deals += [("gY", "a", True)] * 3 + [("gY", "a", False)] * 2
    for i, (group, customer, won) in enumerate(deals):
        outcome = {"outcome": "won", "won_at": "2025-03-10"} if won else {"outcome": "lost", "lost_at": "2025-03-10"}
        add_deal(con, f"m{i}", "2025-03-01", customer_id=customer, closing_group_id=group, **outcome)
    cells = closed_deals_by_cell(con, MARCH)
    assert cells[["group", "source_channel", "won", "closed"]].values.tolist() == [
        ["gX", "natural", 4, 5], ["gY", "agency", 3, 5], ["gY", "natural", 1, 5]]
    mix = mix_adjusted_win_rates(cells).set_index("group")
    # gX: all 5 closes in the 0.5 cell → expected 0.5, actual 0.8
    # gY: 5 in the 0.5 cell, 5 in the 0.6 cell → expected (5×0.5 + 5×0.6)/10 = 0.55, actual 4/10
    assert mix.loc["gX", ["win_rate", "expected_win_rate"]].tolist() == pytest.approx([0.8, 0.5])
    assert mix.loc["gY", ["win_rate", "expected_win_rate"]].tolist() == pytest.approx([0.4, 0.55])
    assert mix.loc["gY", "mix_effect"] == pytest.approx(-0.15)


def test_survey_distributions_and_the_worst_comments(office):
    counts = survey_score_counts(office, MARCH)
    csat = score_distribution(counts, "csat")
    # March csat scores 5, 4, 2, 3 (the February 1 is outside)
    assert csat["n"].tolist() == [0, 1, 1, 1, 1] and csat["share"].tolist() == [0, 0.25, 0.25, 0.25, 0.25]
    nps = score_distribution(counts, "nps")
    assert nps.set_index("score").loc[[3, 8, 10], "category"].tolist() == ["detractor", "passive", "promoter"]
    by_group = score_distribution(survey_score_counts(office, MARCH, "group"), "csat", by="group")
    assert by_group.groupby("group")["n"].sum().to_dict() == {"gA": 3, "gB": 1}
    worst = lowest_survey_comments(office, MARCH)
    assert worst[["survey_id", "customer_id", "comment"]].values.tolist() == [["v3", "c3", "太吵"]]
    table = satisfaction_table(kpi_aggregates(office, MARCH, "group"), "group").set_index("group")
    assert table.loc["gA", "csat"] == pytest.approx(11 / 3)
    assert table.loc["gA", "promoters_share"] == pytest.approx(1 / 3)
    assert math.isnan(table.loc["gC", "csat"])


def test_pacing_reads_targets_and_daily_actuals():
    office = golden_office()  # a fresh copy: this test adds targets
    add_target(office, "gA", "2025-03-01", 4_000_000)
    add_target(office, "gB", "2025-03-01", 1_000_000)
    add_target(office, "gA", "2025-05-01", 9)  # outside the window
    targets = monthly_targets(office, MARCH)
    assert targets[["group", "target"]].values.tolist() == [["gA", 4_000_000], ["gB", 1_000_000]]
    daily = kpi_aggregates(office, MARCH, ("group", "day"))
    actuals = monthly_actuals(daily, "group", "won_amount", as_of=date(2025, 3, 20))
    paced = pace_table(targets, actuals, as_of=date(2025, 3, 20), calendar=SellingCalendar()).set_index("group")
    # gA by 03-20: d1 1,000,000 (03-10) + d3 2,000,000 (03-15); 20 of 31 selling days elapsed
    assert paced.loc["gA", "actual"] == 3_000_000
    assert paced.loc["gA", "projected"] == pytest.approx(3_000_000 / 20 * 31)
    assert paced.loc["gA", "status"] == "on_track"  # 4,650,000 / 4,000,000 = 116%
    assert paced.loc["gB", "status"] == "off_track"  # nothing yet
    # several metrics in one query, in the order asked: visits (gB 12) before won_amount
    add_target(office, "gB", "2025-03-01", 12, metric="visits")
    both = metric_targets(office, MARCH, metrics=("visits", "won_amount"))
    assert both[["group", "metric", "target"]].values.tolist() == [
        ["gB", "visits", 12], ["gA", "won_amount", 4_000_000], ["gB", "won_amount", 1_000_000]]
    pd.testing.assert_frame_equal(monthly_targets(office, MARCH), targets)   # won_amount's rows alone
    # the registry's attainment SQL gives the month's actual / target: gA 3,500,000 / 4,000,000
    rows = office.execute(METRICS["target_attainment"].sql, {"start": MARCH.start, "end": MARCH.end}).fetchall()
    assert [(r[0], r[4]) for r in rows] == [("gA", pytest.approx(3_500_000 / 4_000_000)), ("gB", 0.0)]


def test_overdue_follow_ups_are_open_deals_past_their_planned_day():
    con = connect_memory()
    add_deal(con, "o1", "2025-03-01", next_follow_at="2025-03-10 09:00")  # nothing since: overdue
    add_deal(con, "o2", "2025-03-01", next_follow_at="2025-03-10 09:00")  # followed up on the day
    add_deal(con, "o3", "2025-03-01", next_follow_at="2025-03-30 09:00")  # not due yet
    add_deal(con, "o4", "2025-03-01", outcome="lost", lost_at="2025-03-05", next_follow_at="2025-03-10")
    add_activity(con, "x", "2025-03-10 18:00", "phone", deal_id="o2")
    overdue = overdue_followups(con, MARCH, as_of=date(2025, 3, 20))
    assert overdue[["deal_id", "days_overdue"]].values.tolist() == [["o1", 10]]
    assert con.execute(METRICS["overdue_followups"].sql, {"as_of": date(2025, 3, 20)}).fetchone()[0] == 1


def test_every_registry_sql_runs_on_the_schema(office):
    values = {"start": MARCH.start, "end": MARCH.end, "days": 90, "as_of": MARCH.end, "stages": list(STAGES)}
    for m in METRICS.values():
        params = {name: values[name] for name in set(re.findall(r"\$(\w+)", m.sql))}
        office.execute(m.sql, params).fetchall()


def test_the_registry_names_only_columns_that_kpi_aggregates_returns(office):
    columns = set(kpi_aggregates(office, MARCH, "group").columns)
    for m in METRICS.values():
        if m.computed_by == "analytics.kpis.kpi_table":
            named = {*m.numerator, *m.denominator, m.source} - {None}
            assert named <= columns, m.id
