"""Stalled deals counted and cut in SQL give what analytics.funnel.stalled_deals gives from every open deal;
the overdue follow-ups counted and cut likewise give the whole list's numbers and first rows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest

from analytics.alerts import counts_by_group
from analytics.funnel import stall_thresholds, stalled_deals
from db.connection import connect
from db.filters import Filters
from db.queries import open_deals_in_stage, overdue_followups, stage_durations
from db.queries.followups import overdue_followup_counts_and_list
from db.queries.stalled import stalled_deal_counts, stalled_deal_counts_and_list, stalled_deal_list
from tests.db.test_queries_funnel import MARCH, pipeline  # noqa: F401  (the fixture)

AS_OF = date(2025, 3, 31)


def test_the_hand_made_pipeline_flags_the_same_two_deals(pipeline):  # noqa: F811
    thresholds = stall_thresholds(stage_durations(pipeline, MARCH), min_n=1)
    # revisit P75 4 d, first_visit 8 d (see test_queries_funnel)
    assert dict(thresholds)["revisit"] == pytest.approx(4.0)
    listed = stalled_deal_list(pipeline, MARCH, AS_OF, thresholds)
    assert listed["deal_id"].tolist() == ["f4", "f6"]
    assert listed["over_p75"].tolist() == pytest.approx([4.0, 29 / 8])
    counts = stalled_deal_counts(pipeline, MARCH, AS_OF, thresholds)
    assert dict(zip(counts["stage"], counts["deals"], strict=True)) == {"first_visit": 1, "revisit": 1}


def test_no_threshold_means_nothing_is_stalled(pipeline):  # noqa: F811
    assert stalled_deal_list(pipeline, MARCH, AS_OF, ()).empty
    assert stalled_deal_counts(pipeline, MARCH, AS_OF, ()).empty


@pytest.fixture(scope="module")
def demo(demo_db_path):
    con = connect(demo_db_path, read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("members", [{}, {"group_ids": ("B-FIRST",)}, {"customer_types": ("first_home",)}])
def test_on_the_demo_counts_and_first_rows_match_the_pandas_list(demo, members):
    as_of = demo.execute("SELECT max(created_at)::DATE FROM deals").fetchone()[0]
    scope = replace(Filters(date(2026, 8, 1), as_of), **members)
    durations = stage_durations(demo, replace(scope, start=date(2000, 1, 1)))
    expected = stalled_deals(open_deals_in_stage(demo, scope, as_of), durations)
    assert len(expected) > 20
    thresholds = stall_thresholds(durations)
    counts = stalled_deal_counts(demo, scope, as_of, thresholds)
    assert counts["deals"].sum() == len(expected)
    pd.testing.assert_frame_equal(counts_by_group(counts, "owner_group_id", count_column="deals"),
                                  counts_by_group(expected, "owner_group_id"), check_dtype=False)
    listed = stalled_deal_list(demo, scope, as_of, thresholds, per_stage=20)
    assert list(listed.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(listed.head(20), expected.head(20), check_dtype=False)
    for stage, rows in listed.groupby("stage"):
        pd.testing.assert_frame_equal(rows.reset_index(drop=True),
                                      expected[expected["stage"] == stage].head(20).reset_index(drop=True),
                                      check_dtype=False)
    # The overview and the funnel take both from one query: the same two frames, dtypes included.
    both = stalled_deal_counts_and_list(demo, scope, as_of, thresholds, per_stage=20)
    pd.testing.assert_frame_equal(both[0], counts)
    pd.testing.assert_frame_equal(both[1], listed)


@pytest.mark.parametrize("members", [{}, {"group_ids": ("B-FIRST",)}, {"customer_types": ("first_home",)}])
def test_on_the_demo_overdue_follow_ups_are_counted_by_group_and_their_first_rows_listed(demo, members):
    as_of = demo.execute("SELECT max(created_at)::DATE FROM deals").fetchone()[0]
    scope = replace(Filters(date(2026, 8, 1), as_of), **members)
    every = overdue_followups(demo, scope, as_of)
    assert len(every) > 10
    counts, listed = overdue_followup_counts_and_list(demo, scope, as_of, listed=10)
    # the overview's caption and title: every overdue deal counted under its owner's group
    assert counts["deals"].sum() == len(every)
    pd.testing.assert_frame_equal(counts_by_group(counts, "owner_group_id", count_column="deals"),
                                  counts_by_group(every, "owner_group_id"), check_dtype=False)
    # its list: the most overdue ten, as the whole list begins
    pd.testing.assert_frame_equal(listed, every.head(10))
    assert listed["days_overdue"].is_monotonic_decreasing
