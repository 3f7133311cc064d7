"""Before/after of a training on hand-made daily facts: windows, n, Wilson intervals, the team's
change over the same days (seasonality), an after-window still running, and too-few samples."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.stats import wilson_interval
from analytics.training import before_after

AS_OF = date(2026, 5, 1)
COLUMNS = ["staff", "day", "won_deals", "lost_deals", "first_visits", "first_visits_won", "csat_sum", "csat_n"]
# Training on 1 March with 60-day windows: before = 31 Dec – 28 Feb, after = 1 Mar – 29 Apr.
DAILY = pd.DataFrame([
    ("T", "2025-12-01", 5, 0, 0, 0, 0, 0),       # 90 days before: outside the before-window
    ("T", "2026-01-15", 2, 8, 4, 1, 8, 2),       # before: 2 of 10 closed, CSAT 8 / 2 = 4.0
    ("T", "2026-03-20", 6, 4, 5, 3, 14, 3),      # after: 6 of 10, CSAT 14 / 3
    ("U", "2026-01-10", 10, 90, 0, 0, 0, 0),     # U: 10 of 100 before …
    ("U", "2026-04-01", 60, 40, 0, 0, 0, 0),     # … 60 of 100 after
    ("O", "2026-02-01", 10, 10, 0, 0, 0, 0),     # the rest of the team for T: O + U
    ("O", "2026-03-05", 12, 8, 0, 0, 0, 0),
    ("V", "2026-04-25", 1, 1, 0, 0, 0, 0),       # V trained 20 April: only 12 days after so far
], columns=COLUMNS).assign(day=lambda f: pd.to_datetime(f["day"]))
TRAININGS = pd.DataFrame({"training_id": [1, 2, 3], "staff_id": ["T", "U", "V"],
                          "trained_on": [date(2026, 3, 1), date(2026, 3, 1), date(2026, 4, 20)]})


@pytest.fixture(scope="module")
def result():
    return before_after(DAILY, TRAININGS, as_of=AS_OF).set_index("staff_id")


def test_the_windows_sum_sixty_days_either_side_of_the_training_day(result):
    t = result.loc["T"]
    assert (t["rate_before"], t["rate_before_n"], t["rate_after"], t["rate_after_n"]) == \
        (pytest.approx(0.2), 10, pytest.approx(0.6), 10)
    assert (t["csat_before"], t["csat_before_n"]) == (pytest.approx(4.0), 2)
    assert (t["csat_after"], t["csat_after_n"]) == (pytest.approx(14 / 3), 3)
    assert (t["rate_before_low"], t["rate_before_high"]) == tuple(pytest.approx(v) for v in wilson_interval(2, 10))
    assert t["change"] == pytest.approx(0.4)


def test_the_rest_of_the_team_over_the_same_days_is_the_seasonality_check(result):
    t = result.loc["T"]
    # before: O 10/20 + U 10/100 = 20/120; after: O 12/20 + U 60/100 + V 1/2 = 73/122
    assert t["team_rate_before"] == pytest.approx(20 / 120)
    assert t["team_rate_after"] == pytest.approx(73 / 122)
    assert t["team_change"] == pytest.approx(73 / 122 - 20 / 120)


def test_a_change_is_clear_only_when_the_intervals_do_not_overlap(result):
    # T: 2/10 → 6/10 looks like +40 points, but [6%, 51%] and [31%, 83%] overlap: not clear.
    assert not result.loc["T", "clear"] and not result.loc["T", "too_few"]
    # U: 10/100 → 60/100: [5.5%, 17.4%] vs [50.2%, 69.1%] do not overlap.
    assert result.loc["U", "clear"]


def test_an_after_window_still_running_is_marked_with_its_days(result):
    v = result.loc["V"]
    assert (v["after_days"], v["complete"]) == (12, False)      # 20 April to 1 May inclusive
    assert v["too_few"] and not v["clear"]                      # 0 closed before, 2 after
    assert bool(result.loc["T", "complete"])


def test_the_conversion_can_be_first_visit_to_won(result):
    visits = before_after(DAILY, TRAININGS.iloc[:1], as_of=AS_OF, conversion="visit_to_won_rate").iloc[0]
    assert (visits["rate_before"], visits["rate_before_n"], visits["rate_after"], visits["rate_after_n"]) == \
        (pytest.approx(1 / 4), 4, pytest.approx(3 / 5), 5)


def test_no_training_gives_an_empty_frame_and_inputs_stay_unchanged():
    before = DAILY.copy()
    assert before_after(DAILY, TRAININGS.iloc[:0], as_of=AS_OF).empty
    before_after(DAILY, TRAININGS, as_of=AS_OF)
    pd.testing.assert_frame_equal(DAILY, before)
