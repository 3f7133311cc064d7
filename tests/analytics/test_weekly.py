"""analytics.weekly, analytics.digest and analytics.cases: hand-computed frames, inputs unchanged."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analytics.cases import (
    deal_path,
    path_comparison,
    redacted_text,
    suggested_tags,
    tag_counts,
    timeline_shown,
)
from analytics.digest import DIGEST_IDS, digest_counts, newly_stalled
from analytics.privacy import HIDDEN_TEXT, pseudonym
from analytics.weekly import (
    actions_at_meeting,
    biggest_movers,
    frame_payload,
    payload_frame,
    previous_week_key,
    recent_week_keys,
    scoreboard,
    top_performers,
    week_bounds,
    week_key,
)

GROUPS = pd.DataFrame({"group_id": ["A-INIT", "A-CLOSE", "B"], "name": ["初期接触组", "成交组", "刚需组"],
                       "basis": ["stage", "stage", "customer_type"], "phase": ["initial_contact", "closing", None],
                       "sort_order": [1, 2, 3]})
AGG_COLUMNS = ["deals", "visits", "first_visits", "first_visits_won", "won_deals", "lost_deals", "won_amount",
               "cycle_days_median", "csat_sum", "csat_sumsq", "csat_n", "nps_promoters", "nps_detractors", "nps_n",
               "followup_n", "followup_on_time"]


def aggregates(by: str, rows: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """kpi_aggregates-shaped frame: id -> (won_deals, lost_deals), everything else 0."""
    frame = pd.DataFrame({by: list(rows)})
    for column in AGG_COLUMNS:
        frame[column] = 0
    frame["won_deals"] = [won for won, _ in rows.values()]
    frame["lost_deals"] = [lost for _, lost in rows.values()]
    frame["won_amount"] = frame["won_deals"] * 1e6
    return frame


def test_the_demo_weeks_default_is_iso_week_47_from_monday_to_sunday():
    assert week_key(date(2026, 11, 16)) == "2026-W47"
    assert week_bounds("2026-W47") == (date(2026, 11, 16), date(2026, 11, 22))
    assert previous_week_key("2026-W01") == "2025-W52"     # 2025 has 52 ISO weeks
    assert recent_week_keys("2026-W02", 3) == ["2026-W02", "2026-W01", "2025-W52"]
    with pytest.raises(ValueError):
        week_bounds("2026-47")


def test_a_groups_status_is_the_worst_of_its_targets_and_every_group_keeps_its_row():
    week = aggregates("group", {"A-CLOSE": (6, 2), "B": (1, 9)})
    pace = pd.DataFrame({"group": ["A-CLOSE", "A-CLOSE", "B"], "metric": ["won_amount", "won_deals", "won_amount"],
                         "pace_forecast": [0.95, 0.5, 1.2], "status": ["at_risk", "off_track", "on_track"]})
    before = pace.copy()
    board = scoreboard(week, pace, GROUPS).set_index("group")
    assert list(board.index) == ["A-INIT", "A-CLOSE", "B"]          # the groups' order
    assert board.loc["A-CLOSE", "status"] == "off_track"            # worst of at_risk, off_track
    assert board.loc["B", "status"] == "on_track" and board.loc["B", "targets"] == 1
    assert pd.isna(board.loc["A-INIT", "status"]) and board.loc["A-INIT", "won_deals"] == 0
    assert board.loc["A-CLOSE", "win_rate"] == pytest.approx(6 / 8) and board.loc["A-CLOSE", "win_rate_n"] == 8
    assert pace.equals(before)


def test_the_biggest_mover_is_the_group_whose_won_deals_changed_most():
    # 成交组 won 6 of 8 this week and 2 of 6 last week: +4 won, 75.0% - 33.3% = +41.7 pp.
    # 刚需组 won 1 of 10 and 2 of 10: -1 won, -10 pp. 初期接触组 only loses (hands its deals on).
    now = aggregates("group", {"A-INIT": (0, 7), "A-CLOSE": (6, 2), "B": (1, 9)})
    before = aggregates("group", {"A-INIT": (0, 9), "A-CLOSE": (2, 4), "B": (2, 8)})
    moves = biggest_movers(now, before, GROUPS)
    assert list(moves["group"]) == ["A-CLOSE", "B", "A-INIT"]
    assert list(moves["moved"]) == [1, 2, 3]
    top = moves.iloc[0]
    assert top["won_change"] == 4 and top["rate_change"] == pytest.approx(6 / 8 - 2 / 6)
    assert moves.iloc[1]["rate_change"] == pytest.approx(-0.1)
    assert bool(moves.iloc[2]["hands_on"]) and np.isnan(moves.iloc[2]["rate_change"])


def test_a_rate_from_too_few_closes_does_not_count_as_a_move():
    now = aggregates("group", {"A-CLOSE": (3, 0)})       # 3 closes < 5
    before = aggregates("group", {"A-CLOSE": (1, 5)})
    moves = biggest_movers(now, before, GROUPS).set_index("group")
    assert np.isnan(moves.loc["A-CLOSE", "rate_change"]) and moves.loc["A-CLOSE", "won_change"] == 2


def test_top_performers_rank_by_the_wilson_lower_bound_not_the_raw_rate():
    # 9/10 has lower bound 0.596, 5/5 has 0.566 (Wilson, z = 1.96): 9/10 ranks first although
    # 5/5 is the higher rate; 2/3 has only 3 closes and is left out.
    staff = aggregates("staff", {"S1": (5, 0), "S2": (9, 1), "S3": (2, 1), "S4": (1, 9)})
    people = pd.DataFrame({"staff_id": ["S1", "S2", "S3", "S4"], "name": ["甲", "乙", "丙", "丁"],
                           "group_id": ["A-CLOSE", "A-CLOSE", "B", "B"]})
    top = top_performers(staff, people)
    assert list(top["name"]) == ["乙", "甲", "丁"]
    assert list(top["rank"]) == [1, 2, 3]
    assert top.iloc[0]["win_rate_low"] == pytest.approx(0.5958, abs=1e-4)
    assert top.iloc[1]["win_rate_low"] == pytest.approx(0.5655, abs=1e-4)


def test_an_open_action_is_carried_to_later_meetings_and_a_closed_one_shows_its_status_once():
    actions = pd.DataFrame({
        "action_id": [1, 2, 3, 4],
        "week_raised": ["2026-W45", "2026-W46", "2026-W46", "2026-W47"],
        "what": ["a", "b", "c", "d"], "owner": ["x"] * 4, "due_date": [None] * 4,
        "status": ["open", "done", "dropped", "open"],
        "closed_week": [None, "2026-W47", "2026-W46", None],
    })
    w46 = actions_at_meeting(actions, "2026-W46")
    assert list(w46["action_id"]) == [1, 2, 3]              # open first, then dropped
    assert list(w46["status_then"]) == ["open", "open", "dropped"]   # b was closed later: open then
    w47 = actions_at_meeting(actions, "2026-W47")
    assert list(w47["action_id"]) == [1, 4, 2]
    assert list(w47["status_then"]) == ["open", "open", "done"] and list(w47["carried"]) == [True, False, True]
    w48 = actions_at_meeting(actions, "2026-W48")
    assert list(w48["action_id"]) == [1, 4]                 # done and dropped items are not carried


def test_a_frame_survives_its_frozen_payload():
    frame = pd.DataFrame({"deal_id": ["D1", "D2"], "phone": ["13812348000", None],
                          "at": pd.to_datetime(["2026-11-16 09:43:04", "2026-11-22 23:59:00"]),
                          "amount": [1.5, np.nan], "n": [3, 4], "flag": [True, False]})
    back = payload_frame(frame_payload(frame))
    assert back["phone"].iloc[0] == "13812348000"            # a phone stays text, not a number
    assert list(back["at"]) == list(frame["at"]) and back["n"].tolist() == [3, 4]
    assert np.isnan(back["amount"].iloc[1]) and back["flag"].tolist() == [True, False]


def test_the_digest_counts_distinct_deals_and_compares_with_last_week():
    current = {item: pd.DataFrame({"deal_id": [], "activity_id": []}) for item in DIGEST_IDS}
    current["stage_moves"] = pd.DataFrame({"deal_id": ["D1", "D1", "D2"]})      # D1 moved twice
    current["first_visits"] = pd.DataFrame({"activity_id": ["A1", "A2", "A3"]})
    previous = {"stage_moves": pd.DataFrame({"deal_id": ["D9"]})}
    counts = digest_counts(current, previous).set_index("item")
    assert counts.loc["stage_moves", "count"] == 2 and counts.loc["stage_moves", "change"] == 1
    assert counts.loc["first_visits", "count"] == 3 and np.isnan(counts.loc["first_visits", "previous"])


def test_only_deals_that_crossed_their_p75_this_week_are_newly_stalled():
    stalled = pd.DataFrame({"deal_id": ["D1", "D2", "D3"], "days": [10, 17, 300], "p75_days": [9.5, 9.5, 9.5]})
    # 10 − 7 = 3 ≤ 9.5 (crossed this week); 17 − 7 = 10 > 9.5 (crossed before); 300: long dead.
    assert list(newly_stalled(stalled)["deal_id"]) == ["D1"]


def test_names_and_phones_in_free_text_are_redacted_longest_name_first():
    named = pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["莫涵", "莫涵浩"], "phone": ["13990572808", "15671670064"]})
    text = "联系莫涵浩 15671670064，另一个号码 13800001111；莫涵 已签约"
    shown = redacted_text(text, named)
    assert shown == (f"联系{pseudonym('C2')} 156****0064，另一个号码 138****1111；{pseudonym('C1')} 已签约")
    assert redacted_text(None, named) is None


def test_in_privacy_mode_every_timeline_note_is_hidden():
    events = pd.DataFrame({"lane": ["visit", "stage"], "note": ["首访，客户王某带父母", None]})
    shown = timeline_shown(events, privacy=True)
    assert shown["note"].iloc[0] == HIDDEN_TEXT and pd.isna(shown["note"].iloc[1])
    assert events["note"].iloc[0] == "首访，客户王某带父母"


def test_a_deals_path_is_days_between_first_entries_against_its_peers():
    created = pd.Timestamp("2026-01-01")
    entries = pd.DataFrame({"stage": ["revisit", "first_visit", "pledge"], "position": [2, 1, 3],
                            "entered_at": pd.to_datetime(["2026-01-11", "2026-01-01", "2026-01-31"])})
    path = deal_path(entries, created)
    assert list(path["stage"]) == ["first_visit", "revisit", "pledge"]
    assert path["days_in"].tolist() == [0.0, 10.0, 30.0]
    assert path["days"].tolist()[:2] == [10.0, 20.0] and np.isnan(path["days"].iloc[2])
    typical = pd.DataFrame({"stage": ["first_visit", "revisit", "pledge", "subscription"], "n": [8, 8, 8, 8],
                            "median_days_in": [0.0, 5.0, 12.0, 20.0], "median_days": [5.0, 7.0, 8.0, np.nan]})
    compared = path_comparison(path, typical, None)
    assert list(compared["stage"]) == ["first_visit", "revisit", "pledge", "subscription"]
    assert compared.set_index("stage").loc["revisit", ["this_days", "typical_days"]].tolist() == [20.0, 7.0]


def test_a_review_starts_with_the_outcome_and_the_lost_reason_as_tags():
    assert suggested_tags("lost", "价格超预算") == ["failure", "price"]
    assert suggested_tags("won", None) == ["success"]
    assert suggested_tags("open", "不知道") == []
    assert tag_counts(pd.Series([["price", "failure"], ["price"]])).to_dict() == {"price": 2, "failure": 1}


def test_a_frozen_payload_of_an_earlier_version_still_reads():
    """Weeks frozen before the Arrow payloads hold JSON rows; they read back as they were."""
    earlier = ('{"columns": ["deal_id", "at", "n"], "data": [["D1", "2026-11-16T09:43:04.000", 3]], '
               '"dates": ["at"]}')
    back = payload_frame(earlier)
    assert back["deal_id"].tolist() == ["D1"] and back["n"].tolist() == [3]
    assert back["at"].iloc[0] == pd.Timestamp("2026-11-16 09:43:04")
    # a column Arrow cannot hold (numbers and text mixed) is frozen as JSON rows
    mixed = pd.DataFrame({"value": [1, "一"]})
    assert '"data"' in frame_payload(mixed) and payload_frame(frame_payload(mixed))["value"].tolist() == [1, "一"]
