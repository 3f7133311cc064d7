"""The what-if comparison on a hand-made team of five, every expected figure worked out here.

Today (as of 2026-07-01, six months looked back), project P is split by stage:
  G1 初期接触 (initial_contact): A leader (hired 2022-07-01), B consultant (hired 2026-01-01)
  G2 成交 (closing):             C leader (2024-07-01), D consultant (2025-07-01), E analyst
Open deals owned: A 10, B 20, C 5, D 5. Closed by them in six months: A 0 won / 30 lost and B 0 / 0
(G1 hands its deals on: their "closes" are early losses, not a closing record), C 6 won / 4 lost
for 600 万, D 2 / 8 for 200 万.
The draft switches both groups to a region split and swaps B and D.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from analytics.regroup import (
    compare_groupings,
    draft_moves,
    draft_people,
    grouping_summary,
    handoff_points,
    with_closing_record,
)

AS_OF, MONTHS, WAN = date(2026, 7, 1), 6, 10_000

PEOPLE = pd.DataFrame({
    "staff_id": ["A", "B", "C", "D", "E"], "group_id": ["G1", "G1", "G2", "G2", "G2"],
    "role_in_group": ["leader", "consultant", "leader", "consultant", "analyst"],
    "hired_on": pd.to_datetime(["2022-07-01", "2026-01-01", "2024-07-01", "2025-07-01", "2023-01-01"]),
    "open_deals": [10, 20, 5, 5, 0], "won_deals": [0, 0, 6, 2, 0], "lost_deals": [30, 0, 4, 8, 0],
    "won_amount": [0.0, 0.0, 600 * WAN, 200 * WAN, 0.0],
})
TODAY_GROUPS = pd.DataFrame({"group_id": ["G1", "G2"], "name": ["一组", "二组"], "basis": ["stage", "stage"],
                             "phase": ["initial_contact", "closing"], "project_id": ["P", "P"]})
DRAFT_GROUPS = TODAY_GROUPS.assign(basis="region", phase=None)
DRAFT = pd.DataFrame({"staff_id": ["A", "B", "C", "D", "E"], "group_id": ["G1", "G2", "G2", "G1", "G2"],
                      "role_in_group": ["leader", "consultant", "leader", "consultant", "analyst"]})
# Deals created in six months that reached each phase, per month.
CROSSINGS = pd.DataFrame({"project_id": ["P", "P", "P"], "phase": ["initial_contact", "follow_up", "closing"],
                          "deals_per_month": [50.0, 30.0, 12.0]})


def years(hired: str) -> float:
    return (AS_OF - date.fromisoformat(hired)).days / 365.25


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


@pytest.fixture(scope="module")
def summaries():
    people = with_closing_record(PEOPLE, TODAY_GROUPS)
    today = grouping_summary(people, TODAY_GROUPS, as_of=AS_OF, months=MONTHS).set_index("group_id")
    draft = grouping_summary(draft_people(people, DRAFT), DRAFT_GROUPS, as_of=AS_OF, months=MONTHS).set_index("group_id")
    return today, draft


def test_only_people_of_a_group_that_hands_deals_on_lack_a_closing_record():
    people = with_closing_record(PEOPLE, TODAY_GROUPS)
    assert people["closes_own"].tolist() == [False, False, True, True, True]


def test_today_counts_sellers_open_deals_and_only_real_closing_records(summaries):
    today, _ = summaries
    g1, g2 = today.loc["G1"], today.loc["G2"]
    assert (g1["members"], g1["headcount"], g1["open_deals"], g1["open_per_person"]) == (2, 2, 30, 15.0)
    # G1's 30 early losses are not a closing record: no conversion, both people "no record"
    assert (g1["closed"], g1["no_record"]) == (0, 2) and pd.isna(g1["conversion"])
    assert pd.isna(g1["won_amount_per_month"])
    # G2: the analyst is a member but not a seller; C + D closed 8 of 20 for 800 万 in six months
    assert (g2["members"], g2["headcount"], g2["open_per_person"]) == (3, 2, 5.0)
    assert (g2["won_deals"], g2["closed"], g2["conversion"]) == (8, 20, pytest.approx(0.4))
    assert g2["won_amount_per_month"] == pytest.approx(800 * WAN / 6)
    assert g2["per_capita_won_amount_per_month"] == pytest.approx(800 * WAN / 6 / 2)
    assert g1["tenure_median"] == pytest.approx((years("2022-07-01") + years("2026-01-01")) / 2)
    assert (g1["tenure_min"], g1["newcomers"]) == (pytest.approx(years("2026-01-01")), 1)   # B: half a year


def test_the_draft_is_judged_on_the_moved_peoples_past(summaries):
    _, draft = summaries
    g1, g2 = draft.loc["G1"], draft.loc["G2"]
    # G1 = A + D: open 10 + 5 over 2; closing record only D's: 2 of 10, 200 万 / 6 months
    assert (g1["headcount"], g1["open_per_person"], g1["closed"], g1["no_record"]) == (2, 7.5, 10, 1)
    assert g1["conversion"] == pytest.approx(0.2)
    assert g1["won_amount_per_month"] == pytest.approx(200 * WAN / 6)
    assert g1["per_capita_won_amount_per_month"] == pytest.approx(200 * WAN / 6)   # one person with a record
    # G2 = C + B (+ analyst E): open 5 + 20 over 2; C's 6 of 10
    assert (g2["headcount"], g2["members"], g2["open_per_person"], g2["no_record"]) == (2, 3, 12.5, 1)
    low, high = wilson(6, 10)
    assert (g2["conversion"], g2["conversion_low"], g2["conversion_high"]) == \
        (pytest.approx(0.6), pytest.approx(low), pytest.approx(high))
    assert not g2["conversion_too_few"]
    assert g1["tenure_median"] == pytest.approx((years("2022-07-01") + years("2025-07-01")) / 2)


def test_the_comparison_gives_both_sides_and_the_change(summaries):
    today, draft = summaries
    compared = compare_groupings(today.reset_index(), draft.reset_index()).set_index("group_id")
    assert compared.loc["G1", "open_per_person_change"] == pytest.approx(7.5 - 15.0)
    assert compared.loc["G2", "conversion_change"] == pytest.approx(0.6 - 0.4)
    assert compared.loc["G2", "closed_today"] == 20 and compared.loc["G2", "closed_draft"] == 10
    assert compared.loc["G1", "basis"] == "region"                     # the draft's words where it has the group


def test_a_stage_split_has_a_hand_off_point_and_a_region_split_none():
    points = handoff_points(TODAY_GROUPS, CROSSINGS)
    # G1 owns initial contact and, no group owning follow-up, that too; the customer changes hands
    # when entering the closing phase, which 12 deals a month did.
    assert points[["from_group", "to_group", "to_phase"]].values.tolist() == [["G1", "G2", "closing"]]
    assert points["handoffs_per_month"].tolist() == [12.0]
    assert handoff_points(DRAFT_GROUPS, CROSSINGS).empty
    three = pd.DataFrame({"group_id": ["X", "Y", "Z"], "name": ["x", "y", "z"], "basis": ["stage"] * 3,
                          "phase": ["closing", "initial_contact", "follow_up"], "project_id": ["P"] * 3})
    assert handoff_points(three, CROSSINGS)["handoffs_per_month"].tolist() == [30.0, 12.0]   # two points


def test_the_draft_lists_exactly_the_people_it_moves():
    moves = draft_moves(PEOPLE, DRAFT)
    assert moves[["staff_id", "group_id_today", "group_id_draft"]].values.tolist() == [["B", "G1", "G2"],
                                                                                       ["D", "G2", "G1"]]


def test_the_inputs_are_left_unchanged(summaries):
    before = PEOPLE.copy()
    grouping_summary(with_closing_record(PEOPLE, TODAY_GROUPS), TODAY_GROUPS, as_of=AS_OF, months=MONTHS)
    pd.testing.assert_frame_equal(PEOPLE, before)
