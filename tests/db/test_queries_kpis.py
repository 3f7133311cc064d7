"""kpi_aggregates + kpi_table on the golden March office (tests/db/queries_fixtures.py), by hand."""

from __future__ import annotations

import math
import re
from datetime import date

import pandas as pd
import pytest

from analytics.kpis import kpi_table
from analytics.registry import KPI_METRIC_IDS, METRICS
from db.attribution import refresh_group_attribution
from db.connection import connect_memory
from db.filters import Filters
from db.queries import data_window, dimension_labels, kpi_aggregates
from domain import STAGES
from tests.db.queries_fixtures import (
    MARCH,
    add_activity,
    add_deal,
    add_group,
    add_membership,
    add_staff,
    golden_office,
)


@pytest.fixture(scope="module")
def office():
    con = golden_office()
    yield con
    con.close()


def row(frame: pd.DataFrame, column: str, value) -> pd.Series:
    matches = frame[frame[column] == value]
    assert len(matches) == 1, f"{column}={value!r}: {len(matches)} rows"
    return matches.iloc[0]


def test_the_aggregates_by_group_match_the_hand_count(office):
    agg = kpi_aggregates(office, MARCH, "group")
    assert list(agg["group"]) == ["gA", "gB", "gC"]
    a, b, c = (row(agg, "group", g) for g in ("gA", "gB", "gC"))
    # gA: deals d1, d2 (d3 was created in February); won d1, d3, d9 (d9 closed by gA after a
    # hand-off); lost d2; 1,000,000 + 2,000,000 + 500,000; cycles 8, 23, 24 days → median 23.
    assert (a.deals, a.won_deals, a.lost_deals, a.won_amount) == (2, 3, 1, 3_500_000)
    assert a.cycle_days_median == 23
    # visits a1, a3, a5; first visits a1 (d1 won 03-10) and a3 (d2 lost) → 1 won of 2.
    assert (a.visits, a.first_visits, a.first_visits_won) == (3, 2, 1)
    # csat 5 + 4 + 2 = 11 over 3, squares 25 + 16 + 4 = 45; nps 10 promoter, 8 passive, 3 detractor.
    assert (a.csat_sum, a.csat_sumsq, a.csat_n) == (11, 45, 3)
    assert (a.nps_promoters, a.nps_detractors, a.nps_n) == (1, 1, 3)
    # d1 followed up 5 h after creation (a2); d2 only after 2 days (a4).
    assert (a.followup_n, a.followup_on_time, a.headcount) == (2, 1, 1)
    # gB: deals d4, d5, d7, d9 (d9 created by s2 in gB); d6 lost at 03-01 00:00 counts; d5 won
    # in April does not; d7 has no amount (adds 0); cycle 28 days.
    assert (b.deals, b.won_deals, b.lost_deals, b.won_amount, b.cycle_days_median) == (4, 1, 1, 0, 28)
    # a6 (customer c4, whose d7 is won 03-31) and a9 (d5 won 04-02, within 90 days) both convert.
    assert (b.visits, b.first_visits, b.first_visits_won) == (2, 2, 2)
    # only d4 is followed up in time, through its customer (a7, 10 h later); d7's customer
    # call comes a week after d7 was created.
    assert (b.followup_n, b.followup_on_time, b.csat_n, b.nps_n) == (4, 1, 1, 0)
    # An empty group is a row of zeros, not a missing row.
    assert (c.deals, c.won_deals, c.csat_n, c.headcount) == (0, 0, 0, 0)
    assert math.isnan(c.cycle_days_median)


def test_the_kpi_table_divides_sums_and_leaves_empty_denominators_empty(office):
    agg = kpi_aggregates(office, MARCH, "group")
    before = agg.copy()
    table = kpi_table(agg, "group")
    pd.testing.assert_frame_equal(agg, before)
    a, b, c = (row(table, "group", g) for g in ("gA", "gB", "gC"))
    assert a.win_rate == pytest.approx(3 / 4) and a.win_rate_n == 4 and a.win_rate_too_few
    assert a.avg_deal_amount == pytest.approx(3_500_000 / 3)
    assert a.csat == pytest.approx(11 / 3)
    assert a.nps == pytest.approx(100 * (1 - 1) / 3)
    assert a.followup_timeliness == pytest.approx(1 / 2)
    assert a.visit_to_won_rate == pytest.approx(1 / 2)
    assert a.per_capita_won_amount == pytest.approx(3_500_000 / 1)
    assert b.win_rate == pytest.approx(1 / 2) and b.avg_deal_amount == 0
    assert math.isnan(b.nps) and b.nps_n == 0 and b.nps_too_few
    for rate in ("win_rate", "csat", "nps", "followup_timeliness", "avg_deal_amount", "median_cycle_days"):
        assert math.isnan(c[rate]), rate  # never 0 for an empty group
    assert math.isnan(c.per_capita_won_amount)


def test_every_dimension_gives_one_row_per_value(office):
    by_week = kpi_aggregates(office, MARCH, "week")
    # Weeks start on Monday: 02-24 holds 03-01 and 03-02, then 03-03 … 03-31 (a Monday).
    assert [d.strftime("%m-%d") for d in by_week["week"]] == ["02-24", "03-03", "03-10", "03-17", "03-24", "03-31"]
    assert list(by_week["deals"]) == [2, 2, 1, 0, 0, 1]  # d9+d1, d7+d2, d4, -, -, d5
    assert list(kpi_aggregates(office, MARCH, "month")["deals"]) == [6]
    total = kpi_aggregates(office, MARCH, "total")
    assert list(total["total"]) == ["total"]
    assert (total.deals[0], total.won_deals[0], total.lost_deals[0], total.headcount[0]) == (6, 4, 2, 2)
    assert total.cycle_days_median[0] == pytest.approx((23 + 24) / 2)  # 8, 23, 24, 28
    staff = kpi_aggregates(office, MARCH, "staff").set_index("staff")
    # created by creator (d9 by s2), closed by owner (d9 by s1)
    assert staff.loc["s1", "deals"] == 2 and staff.loc["s2", "deals"] == 4
    assert staff.loc["s1", "won_deals"] == 3 and staff.loc["s2", "won_deals"] == 1
    source = kpi_aggregates(office, MARCH, "source").set_index("source")
    assert source["deals"].to_dict() == {"agency": 3, "natural": 2, "referral": 1}
    ctype = kpi_aggregates(office, MARCH, "customer_type").set_index("customer_type")
    assert ctype.loc["first_home", "deals"] == 4  # d1, d9 (c1), d4, d7 (c4)
    project = kpi_aggregates(office, MARCH, "project")
    assert project["deals"].tolist() == [5, 1, 0]  # p1, p2, then the row without a project:
    unattributed = project.iloc[2]  # a6 has no deal and the surveys none either, so no project
    assert pd.isna(unattributed.project) and (unattributed.visits, unattributed.csat_n) == (1, 4)


def test_member_filters_restrict_every_fact(office):
    natural = Filters(MARCH.start, MARCH.end, source_channels=("natural",))
    total = kpi_aggregates(office, natural, "total").iloc[0]
    # natural customers c1, c3: created d1, d9; won d1, d3, d9; nothing lost.
    assert (total.deals, total.won_deals, total.lost_deals) == (2, 3, 0)
    only_a = kpi_aggregates(office, Filters(MARCH.start, MARCH.end, group_ids=("gA",)), "group")
    assert list(only_a["group"]) == ["gA"]
    p2 = kpi_aggregates(office, Filters(MARCH.start, MARCH.end, project_ids=("p2",)), "total").iloc[0]
    # only d4 is in p2; the customer-only activities and surveys have no project.
    assert (p2.deals, p2.won_deals, p2.visits, p2.csat_n) == (1, 0, 0, 0)


def test_a_window_without_facts_still_gives_the_total_row():
    con = connect_memory()
    total = kpi_table(kpi_aggregates(con, MARCH, "total"), "total")
    assert total.deals.tolist() == [0] and math.isnan(total.win_rate[0])


def _named_params(sql: str, values: dict) -> dict:
    return {name: values[name] for name in set(re.findall(r"\$(\w+)", sql))}


def _registry_value(con, metric_id: str) -> float:
    sql = METRICS[metric_id].sql
    values = {"start": MARCH.start, "end": MARCH.end, "days": 90, "as_of": MARCH.end, "stages": list(STAGES)}
    result = con.execute(sql, _named_params(sql, values)).fetchone()[0]
    return math.nan if result is None else float(result)


@pytest.mark.parametrize("metric_id", KPI_METRIC_IDS)
def test_each_kpi_equals_the_plain_sql_of_its_registry_entry(office, metric_id):
    table = kpi_table(kpi_aggregates(office, MARCH, "total"), "total")
    expected = _registry_value(office, metric_id)
    got = float(table.iloc[0][metric_id])
    assert (math.isnan(got) and math.isnan(expected)) or got == pytest.approx(expected), metric_id


def test_per_group_kpis_equal_plain_group_by_queries(office):
    table = kpi_table(kpi_aggregates(office, MARCH, "group"), "group").set_index("group")
    plain = office.execute("""
        SELECT closing_group_id, count(*) FILTER (WHERE outcome = 'won') / count(*) AS win_rate,
               sum(amount) FILTER (WHERE outcome = 'won') AS won_amount
        FROM deals WHERE (outcome = 'won' AND won_at >= '2025-03-01' AND won_at < '2025-04-01')
                      OR (outcome = 'lost' AND lost_at >= '2025-03-01' AND lost_at < '2025-04-01')
        GROUP BY 1""").fetchall()
    for group, win_rate, won_amount in plain:
        assert table.loc[group, "win_rate"] == pytest.approx(win_rate)
        assert table.loc[group, "won_amount"] == pytest.approx(won_amount or 0)
    per_capita = office.execute(METRICS["per_capita_won_amount"].sql,
                                {"start": MARCH.start, "end": MARCH.end}).fetchall()
    for group, value in per_capita:
        assert table.loc[group, "per_capita_won_amount"] == pytest.approx(value)


def test_a_consultants_old_deals_stay_with_the_old_group():
    # s1 is in gOld until 03-15 (valid_to exclusive), in gNew from 03-15.
    con = connect_memory()
    add_group(con, "gOld")
    add_group(con, "gNew")
    add_staff(con, "s1")
    add_membership(con, "s1", "gOld", "2024-01-01", "2025-03-15")
    add_membership(con, "s1", "gNew", "2025-03-15")
    add_deal(con, "e1", "2025-03-05 10:00", outcome="won", won_at="2025-03-10 10:00", amount=100.0)
    add_deal(con, "e2", "2025-03-20 10:00")
    # created before the move, lost after it: the loss counts where the owner was at closing.
    add_deal(con, "e3", "2025-03-06 10:00", outcome="lost", lost_at="2025-03-25 10:00")
    add_activity(con, "v1", "2025-03-05 10:00", "first_visit", deal_id="e1")
    add_activity(con, "v2", "2025-03-20 10:00", "first_visit", deal_id="e2")
    refresh_group_attribution(con)
    table = kpi_table(kpi_aggregates(con, MARCH, "group"), "group").set_index("group")
    # e1, e3 were created in gOld; e2 in gNew. e1 won in gOld; e3 lost in gNew.
    assert table.loc["gOld", ["deals", "won_deals", "lost_deals", "first_visits"]].tolist() == [2, 1, 0, 1]
    assert table.loc["gNew", ["deals", "won_deals", "lost_deals", "first_visits"]].tolist() == [1, 0, 1, 1]
    assert table.loc["gOld", "win_rate"] == 1.0 and table.loc["gNew", "win_rate"] == 0.0
    # s1 was a member of both groups during March: each counts one selling head.
    assert table.loc["gOld", "per_capita_won_amount"] == 100.0


def test_labels_and_the_data_window_come_from_the_database(office):
    assert dimension_labels(office, "group") == {"gA": "A组", "gB": "B组", "gC": "C组"}
    assert dimension_labels(office, "staff")["s2"] == "李二"
    assert dimension_labels(office, "week") == {}
    assert data_window(office) == (date(2025, 1, 10), date(2025, 4, 2))
    assert data_window(connect_memory()) is None


def test_an_unknown_dimension_is_refused(office):
    with pytest.raises(ValueError, match="unknown dimension"):
        kpi_aggregates(office, MARCH, "region")


def test_follow_up_timeliness_is_not_judged_before_any_follow_up_record_exists():
    """Deal exports alone (no follow-up records): timeliness has no denominator and shows "—",
    not a 0% that would accuse every consultant; one follow-up record anywhere brings it back."""
    con = connect_memory()
    add_deal(con, "d1", "2025-03-02 10:00")
    add_deal(con, "d2", "2025-03-03 10:00")
    add_activity(con, "v1", "2025-03-02 10:00", deal_id="d1", kind="first_visit")   # not a follow-up
    table = kpi_table(kpi_aggregates(con, MARCH, "total"), "total").iloc[0]
    assert (table["deals"], table["followup_timeliness_n"]) == (2, 0)
    assert math.isnan(table["followup_timeliness"])
    add_activity(con, "f1", "2025-03-02 15:00", deal_id="d1", kind="phone")           # 5 h later: on time
    table = kpi_table(kpi_aggregates(con, MARCH, "total"), "total").iloc[0]
    # 1 of the 2 deals followed up within 24 h.
    assert (table["followup_timeliness"], table["followup_timeliness_n"]) == (0.5, 2)
    con.close()
