"""Award rules on a hand-computed month (March 2026) in a tiny in-memory database: a tie broken
by the rule, a tie shared, a candidate below the minimum sample, and a month without an award."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.awards import (
    AwardRule,
    award_history,
    award_result,
    candidate_measures,
    champion_candidates,
    with_team_measures,
)
from db.connection import connect_memory
from db.filters import Filters
from db.queries import kpi_aggregates
from db.queries.people import staff_roster

MARCH = Filters(date(2026, 3, 1), date(2026, 3, 31))
SPRING = Filters(date(2026, 2, 1), date(2026, 3, 31))
WAN = 10_000

# Closed in March, by owner (amounts in 万元):
#   S1 甲: won 100 + 200 + 100 = 400, lost 1   → won 3, closed 4, win rate 0.75
#   S2 乙: won 300 + 100 = 400, lost 0         → won 2, closed 2, win rate 1.00   (ties S1 on amount)
#   S3 丙: won 900                              → won 1: the most money, but below a minimum of 2
#   S4 丁 is the group's analyst: never a candidate.
CLOSES = [("S1", "won", 100), ("S1", "won", 200), ("S1", "won", 100), ("S1", "lost", None),
          ("S2", "won", 300), ("S2", "won", 100), ("S3", "won", 900)]


@pytest.fixture(scope="module")
def march():
    con = connect_memory()
    con.execute("INSERT INTO groups VALUES ('G1', '一组', 'customer_type', NULL, NULL, 1)")
    con.execute("""INSERT INTO staff (staff_id, name, role) VALUES ('S1', '甲', 'consultant'), ('S2', '乙', 'consultant'),
                   ('S3', '丙', 'consultant'), ('S4', '丁', 'analyst')""")
    con.executemany("INSERT INTO memberships VALUES (?, 'G1', ?, DATE '2025-01-01', NULL)",
                    [("S1", "consultant"), ("S2", "consultant"), ("S3", "consultant"), ("S4", "analyst")])
    for index, (staff, outcome, amount) in enumerate(CLOSES):
        moment = f"2026-03-{10 + index} 12:00"
        con.execute("""INSERT INTO deals (deal_id, source_system, source_record_id, owner_staff_id, outcome, amount,
                       created_at, won_at, lost_at) VALUES (?, 't', ?, ?, ?, ?, TIMESTAMP '2026-01-05 10:00', ?, ?)""",
                    [f"D{index}", str(index), staff, outcome, amount and amount * WAN,
                     moment if outcome == "won" else None, moment if outcome == "lost" else None])
    aggregates = kpi_aggregates(con, SPRING, ("month", "staff"))
    roster = staff_roster(con, MARCH.end)
    con.close()
    candidates = champion_candidates(aggregates, roster)
    return candidates[candidates["month"] == pd.Timestamp("2026-03-01")]


def rule(metric="won_amount", min_n=2, tie_break="won_deals") -> AwardRule:
    return AwardRule("champion", "champion", "月度销冠", metric, min_n, tie_break)


def test_the_candidates_are_the_selling_staff_with_their_march_sums(march):
    table = march.set_index("candidate")
    assert sorted(table.index) == ["S1", "S2", "S3"]                     # the analyst S4 is not a candidate
    assert table.loc["S1", ["won_amount", "won_deals", "closed"]].tolist() == [400 * WAN, 3, 4]
    assert table.loc["S1", "win_rate"] == pytest.approx(0.75)


def test_a_tie_on_won_amount_goes_to_more_won_deals(march):
    result = award_result(march, rule())
    # S3's 900 万 rests on 1 deal < 2: not ranked. S1 and S2 tie at 400 万; S1 has 3 deals to 2.
    assert (result.status, result.winners, result.value, result.n, result.decided_by) == \
        ("awarded", ("S1",), 400 * WAN, 3, "tie_break")
    standings = result.standings.set_index("candidate")
    assert not standings.loc["S3", "eligible"] and pd.isna(standings.loc["S3", "rank"])
    assert standings.loc["S1", "rank"] == standings.loc["S2", "rank"] == 1


def test_a_tie_broken_on_win_rate_goes_the_other_way(march):
    result = award_result(march, rule(tie_break="win_rate"))
    assert result.winners == ("S2",)                                        # 2/2 = 100% beats 3/4 = 75%


def test_a_shared_tie_gives_both_the_award(march):
    result = award_result(march, rule(tie_break="shared"))
    assert (result.winners, result.decided_by) == (("S1", "S2"), "shared")


def test_a_low_minimum_lets_the_single_big_deal_win(march):
    assert award_result(march, rule(min_n=1)).winners == ("S3",)           # 900 万 on 1 deal


def test_below_the_minimum_nobody_is_awarded(march):
    result = award_result(march, rule(min_n=4))                            # the best sample is S1's 3
    assert (result.status, result.winners, result.decided_by) == ("too_few", (), None)


def test_a_month_without_closes_has_no_candidates_and_history_says_so(march):
    months = [pd.Timestamp("2026-02-01"), pd.Timestamp("2026-03-01")]
    history = award_history(march, rule(), months)
    assert history["month"].tolist() == months[::-1]                        # newest first
    assert history["status"].tolist() == ["awarded", "no_candidates"]
    assert history["winners"].iloc[0] == ("S1",)


def test_the_team_award_ranks_attainment_on_the_smallest_sample_behind_it():
    # G1: won 3 of a 4-deal target (0.75) and CSAT 4.5 of a 4.0 target (1.125): mean 0.9375;
    #     its sample is min(3 won deals, 4 answers) = 3. G2: won 2 of 2 (1.0) on 2 deals.
    month = pd.Timestamp("2026-03-01")
    measures = pd.DataFrame({"month": [month] * 2, "group": ["G1", "G2"], "won_deals": [3, 2],
                             "lost_deals": [1, 2], "won_amount": [3e6, 2e6], "csat_sum": [18, 0], "csat_n": [4, 0],
                             "first_visits": [10, 8], "visits": [20, 15]})
    targets = pd.DataFrame({"month": [month] * 3, "group": ["G1", "G1", "G2"],
                            "metric": ["won_deals", "csat", "won_deals"], "target": [4.0, 4.0, 2.0]})
    handoffs = pd.DataFrame({"month": [month] * 2, "group": ["G1", "G2"], "handed_on": [10, 4], "moved_on": [5, 2]})
    headcount = pd.DataFrame({"month": [month] * 2, "group": ["G1", "G2"], "headcount": [4, 2]})
    team = with_team_measures(candidate_measures(measures, "group"), handoffs=handoffs, targets=targets,
                              headcount=headcount).set_index("candidate")
    assert team.loc["G1", "attainment"] == pytest.approx((0.75 + 1.125) / 2)
    assert team.loc[["G1", "G2"], "attainment_n"].tolist() == [3, 2]
    assert team.loc["G2", "per_capita_won_amount"] == pytest.approx(1e6)
    candidates = team.reset_index()
    award = AwardRule("team", "team", "团队协作奖", "attainment", 3, "csat")
    assert award_result(candidates, award).winners == ("G1",)               # G2's 2 deals are too few
    assert award_result(candidates, AwardRule("team", "team", "x", "attainment", 2, "csat")).winners == ("G2",)
    # both hand on half of what they receive: the larger sample (10 hand-offs) breaks the tie
    handoff = award_result(candidates, AwardRule("team", "team", "x", "handoff_rate", 4, "n"))
    assert (handoff.winners, handoff.decided_by) == (("G1",), "tie_break")


def test_award_functions_leave_their_inputs_unchanged(march):
    before = march.copy()
    award_result(march, rule())
    pd.testing.assert_frame_equal(march, before)
