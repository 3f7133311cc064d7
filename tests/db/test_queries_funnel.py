"""Stage reach counts, durations, stalled deals: history, inference and edge cases, by hand."""

from __future__ import annotations

import math
from datetime import date

import pytest

from analytics.funnel import mark_immature, stage_funnel, stalled_deals, time_in_stage
from analytics.registry import METRICS
from db.connection import connect_memory
from db.queries import cycle_time, open_deals_in_stage, stage_durations, stage_reach_counts
from domain import STAGES
from tests.db.queries_fixtures import MARCH, add_customer, add_deal, add_event, add_staff


@pytest.fixture(scope="module")
def pipeline():
    """March 2025 (all times 10:00):
    f1 created 03-01: lead 03-01, first_visit 03-02, revisit 03-05, subscription 03-10 (skips
       pledge), won 03-10.
    f2 created 03-02: lead 03-02, first_visit 03-03, lost 03-12.
    f3 created 03-03: first_visit 03-03 (no lead logged), revisit 03-08, back to first_visit
       03-09, pledge 03-20; open.
    f4 created 03-04 without history, stage revisit since 03-15: inferred.
    f5 created 03-05 without history or stage, lost 03-06: lost before any stage.
    f6 created 02-10: lead 02-10, first_visit 03-02; open (outside the March cohort).
    """
    con = connect_memory()
    add_staff(con, "s1", "王一")
    add_customer(con, "c1", name="张三")
    add_deal(con, "f1", "2025-03-01 10:00", stage="subscription", outcome="won", won_at="2025-03-10 10:00",
             group_id="g", customer_id="c1")
    add_deal(con, "f2", "2025-03-02 10:00", stage="first_visit", outcome="lost", lost_at="2025-03-12 10:00",
             group_id="g")
    add_deal(con, "f3", "2025-03-03 10:00", stage="pledge", group_id="g", customer_id="c1")
    add_deal(con, "f4", "2025-03-04 10:00", stage="revisit", stage_entered_at="2025-03-15 10:00", group_id="g")
    add_deal(con, "f5", "2025-03-05 10:00", outcome="lost", lost_at="2025-03-06 10:00", group_id="g")
    add_deal(con, "f6", "2025-02-10 10:00", stage="first_visit", group_id="g")
    for deal, day, stage in (
        ("f1", "03-01", "lead"), ("f1", "03-02", "first_visit"), ("f1", "03-05", "revisit"),
        ("f1", "03-10", "subscription"), ("f2", "03-02", "lead"), ("f2", "03-03", "first_visit"),
        ("f3", "03-03", "first_visit"), ("f3", "03-08", "revisit"), ("f3", "03-09", "first_visit"),
        ("f3", "03-20", "pledge"), ("f6", "02-10", "lead"), ("f6", "03-02", "first_visit"),
    ):
        add_event(con, deal, f"2025-{day} 10:00", stage)
    yield con
    con.close()


def by_stage(frame, column):
    return dict(zip(frame["stage"], frame[column], strict=True))


def test_a_cohort_counts_each_deal_at_every_stage_it_reached(pipeline):
    counts = stage_reach_counts(pipeline, MARCH, basis="cohort")
    assert counts["stage"].tolist() == list(STAGES)
    # cohort f1…f5 (f5 reached no stage but is a deal of the cohort)
    assert set(counts["deals"]) == {5}
    # lead: f1, f2, f4 (inferred) logged/inferred, f3 passed it (first event is first_visit).
    # pledge: f3 entered it, f1 skipped it on the way to subscription.
    assert by_stage(counts, "reached") == {"lead": 4, "first_visit": 4, "revisit": 3, "pledge": 2,
                                           "subscription": 1, "contract": 0, "payment": 0}
    assert by_stage(counts, "entered") == {"lead": 3, "first_visit": 4, "revisit": 3, "pledge": 1,
                                           "subscription": 1, "contract": 0, "payment": 0}
    assert by_stage(counts, "inferred") == {"lead": 1, "first_visit": 1, "revisit": 1, "pledge": 0,
                                            "subscription": 0, "contract": 0, "payment": 0}


def test_the_cohort_funnel_converts_step_by_step(pipeline):
    counts = stage_reach_counts(pipeline, MARCH, basis="cohort")
    before = counts.copy()
    funnel = stage_funnel(counts, basis="cohort")
    assert counts.equals(before)
    step = by_stage(funnel, "step_conversion")
    # 4→4, 4→3, 3→2, 2→1, 1→0, 0→0 (NaN: nobody to convert), last stage NaN
    assert [step[s] for s in STAGES[:5]] == pytest.approx([1, 3 / 4, 2 / 3, 1 / 2, 0])
    assert math.isnan(step["contract"]) and math.isnan(step["payment"])
    assert by_stage(funnel, "cumulative_conversion")["pledge"] == pytest.approx(2 / 4)
    assert by_stage(funnel, "drop_off")["first_visit"] == 1
    assert by_stage(funnel, "inferred") == {"lead": True, "first_visit": True, "revisit": True, "pledge": False,
                                            "subscription": False, "contract": False, "payment": False}
    assert set(funnel["basis"]) == {"cohort"}


def test_the_registry_sql_reaches_the_same_counts(pipeline):
    sql = METRICS["stage_conversion"].sql
    rows = pipeline.execute(sql, {"start": MARCH.start, "end": MARCH.end, "stages": list(STAGES)}).fetchall()
    counts = stage_reach_counts(pipeline, MARCH, basis="cohort")
    assert [reached for _, _, reached in rows] == counts["reached"].tolist()


def test_a_period_funnel_counts_arrivals_in_the_window(pipeline):
    counts = stage_reach_counts(pipeline, MARCH, basis="period")
    # f6 (created in February) reached first_visit on 03-02 but lead on 02-10: it counts at
    # first_visit only. f5 never reached a stage. Deals with any arrival: f1, f2, f3, f4, f6.
    assert by_stage(counts, "reached")["lead"] == 4 and by_stage(counts, "reached")["first_visit"] == 5
    assert set(counts["deals"]) == {5}
    funnel = stage_funnel(counts, basis="period")
    assert by_stage(funnel, "step_conversion")["lead"] == pytest.approx(5 / 4)  # a throughput ratio
    assert funnel["step_conversion_low"].isna().all()


def test_cohorts_by_week_and_their_maturity(pipeline):
    counts = stage_reach_counts(pipeline, MARCH, basis="cohort", by="week")
    weeks = counts.drop_duplicates("week")
    # week of 02-24 holds f1 (03-01) and f2 (03-02); week of 03-03 holds f3, f4, f5.
    assert weeks["deals"].tolist() == [2, 3]
    marked = mark_immature(weeks, "week", period="week", as_of=date(2025, 4, 30), window_days=90)
    # the 02-24 week ends 03-02: 59 days elapsed of 90 by 04-30
    assert marked["elapsed_share"].iloc[0] == pytest.approx(59 / 90)
    assert marked["immature"].tolist() == [True, True]


def test_a_period_funnel_has_no_creation_cohort(pipeline):
    with pytest.raises(ValueError, match="cohort"):
        stage_reach_counts(pipeline, MARCH, basis="period", by="week")


def test_time_in_stage_measures_finished_stays(pipeline):
    durations = stage_durations(pipeline, MARCH)
    rows = durations.set_index("stage")
    # lead stays: f1 1 d, f2 1 d. first_visit: f1 3 d, f3 5 d and 11 d (after moving back).
    # revisit: f1 5 d, f3 1 d. Unfinished stays (f3 pledge, f1 subscription, f2, f6) do not count.
    assert rows.loc["lead", ["n", "median_days", "p75_days"]].tolist() == [2, 1, 1]
    assert rows.loc["first_visit", ["n", "median_days"]].tolist() == [3, 5]
    assert rows.loc["first_visit", "p75_days"] == pytest.approx(5 + 0.5 * (11 - 5))
    assert rows.loc["revisit", ["median_days", "p75_days"]].tolist() == pytest.approx([3, 1 + 0.75 * 4])
    table = time_in_stage(durations)
    assert table["stage"].tolist() == list(STAGES) and table.set_index("stage").loc["payment", "n"] == 0
    assert cycle_time(pipeline, MARCH).iloc[0].tolist() == [1, 9, 9]  # f1: 03-01 → 03-10


def test_open_deals_over_their_stages_p75_are_stalled(pipeline):
    open_deals = open_deals_in_stage(pipeline, MARCH, date(2025, 3, 31))
    # f6 first_visit since 03-02 (29 d), f4 revisit since 03-15 (16 d), f3 pledge since 03-20 (11 d)
    assert open_deals[["deal_id", "days_in_stage"]].values.tolist() == [["f6", 29], ["f4", 16], ["f3", 11]]
    assert open_deals.set_index("deal_id").loc["f3", ["customer", "owner"]].tolist() == ["张三", "王一"]
    durations = stage_durations(pipeline, MARCH)
    stalled = stalled_deals(open_deals, durations, min_n=1)
    # revisit P75 4 d: f4 is 16/4 = 4.0× over; first_visit P75 8 d: f6 29/8 = 3.6×; pledge has no history
    assert stalled["deal_id"].tolist() == ["f4", "f6"]
    assert stalled["over_p75"].tolist() == pytest.approx([4.0, 29 / 8])
    assert {"deal_id", "customer", "owner", "stage", "days"} <= set(stalled.columns)
    assert stalled_deals(open_deals, durations).empty  # default min_n 5: too little history to judge
