"""Hand-offs at the edges the narrowed query relies on, and the award inputs read in one pass."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.awards import CANDIDATE_MEASURES
from db.connection import connect, connect_memory
from db.filters import Filters
from db.incentives import monthly_award_measures
from db.queries import handoff_aggregates, kpi_aggregates
from db.queries.handoffs import monthly_handoff_counts
from tests.db.queries_fixtures import (
    MARCH,
    add_deal,
    add_event,
    add_group,
    add_membership,
    add_ownership,
    add_staff,
)


@pytest.fixture(scope="module")
def edges():
    """Stage groups gI → gF → gC, March 2025; o1 in gI from 2024 and in gF 03-01 … 03-10 (overlap).

    k1: o1→f1 03-05 (o1 counts in gF, the stint that started last: gF → gF, not a hand-off).
    k2: o1→f1 03-15 (gF ended 03-10: o1 is back in gI): first_visit 03-15 exactly at the change,
        revisit 03-14 before it: nothing logged after, not moved on.
    k3: i1→f1 03-06: pledge 03-02, first_visit 03-08 (a step back), pledge again 03-09: the
        furthest stage was reached before, not moved on.
    k4: i1→f1 03-07: first_visit 03-01, an unknown stage 03-20 (not counted), revisit 03-21: moved on.
    k5: l1→f1 03-08: l1 left gI on 03-08, so has no group that day: not a hand-off.
    k6: f1→c1 04-02 (April): no history, at subscription: beyond follow_up, moved on.
    k7: i1→f1 03-31 23:00 (March): only an unknown stage logged: no history; at lead, not moved on.
    """
    con = connect_memory()
    for order, (gid, phase) in enumerate((("gI", "initial_contact"), ("gF", "follow_up"), ("gC", "closing"))):
        add_group(con, gid, basis="stage", phase=phase, sort_order=order)
    for sid, gid, start, end in (("o1", "gI", "2024-01-01", None), ("o1", "gF", "2025-03-01", "2025-03-10"),
                                 ("i1", "gI", "2024-01-01", None), ("l1", "gI", "2024-01-01", "2025-03-08"),
                                 ("f1", "gF", "2024-01-01", None), ("c1", "gC", "2024-01-01", None)):
        if start == "2024-01-01":
            add_staff(con, sid)
        add_membership(con, sid, gid, start, end)
    for deal, stage in (("k1", "lead"), ("k2", "first_visit"), ("k3", "pledge"), ("k4", "revisit"),
                        ("k5", "lead"), ("k6", "subscription"), ("k7", "lead")):
        add_deal(con, deal, "2025-02-01 09:00", stage=stage)
    for deal, moment, stage in (("k2", "03-14 10:00", "revisit"), ("k2", "03-15 12:00", "first_visit"),
                                ("k3", "03-02 10:00", "pledge"), ("k3", "03-08 10:00", "first_visit"),
                                ("k3", "03-09 10:00", "pledge"), ("k4", "03-01 10:00", "first_visit"),
                                ("k4", "03-20 10:00", "unknown"), ("k4", "03-21 10:00", "revisit"),
                                ("k7", "03-01 10:00", "unknown")):
        add_event(con, deal, f"2025-{moment}", stage)
    for deal, moment, old, new in (("k1", "03-05 12:00", "o1", "f1"), ("k2", "03-15 12:00", "o1", "f1"),
                                   ("k3", "03-06 12:00", "i1", "f1"), ("k4", "03-07 12:00", "i1", "f1"),
                                   ("k5", "03-08 12:00", "l1", "f1"), ("k6", "04-02 12:00", "f1", "c1"),
                                   ("k7", "03-31 23:00", "i1", "f1")):
        add_ownership(con, deal, f"2025-{moment}", old, new)
    yield con
    con.close()


def test_hand_offs_use_the_stint_that_started_last_and_the_furthest_stage_ever_logged(edges):
    agg = handoff_aggregates(edges, MARCH)
    assert agg[["from_group", "to_group", "handed_on", "moved_on"]].values.tolist() == [["gI", "gF", 4, 1]]
    both = handoff_aggregates(edges, Filters(date(2025, 3, 1), date(2025, 4, 30)))
    assert both[["from_group", "to_group", "handed_on", "moved_on"]].values.tolist() == [
        ["gI", "gF", 4, 1], ["gF", "gC", 1, 1]]


def test_monthly_hand_off_counts_split_the_same_hand_offs_by_month(edges):
    counts = monthly_handoff_counts(edges, date(2025, 3, 1), date(2025, 4, 30))
    assert counts.assign(month=counts["month"].dt.strftime("%Y-%m")).values.tolist() == [
        ["2025-03", "gI", 4, 1], ["2025-04", "gF", 1, 1]]


def test_award_inputs_in_one_pass_are_the_two_kpi_aggregates(demo_db_path):
    con = connect(demo_db_path, read_only=True)
    try:
        for window in (Filters(date(2025, 12, 1), date(2026, 11, 25)), Filters(date(2026, 10, 1), date(2026, 10, 31))):
            by_staff, by_group = monthly_award_measures(con, window)
            for by, got in (("staff", by_staff), ("group", by_group)):
                expected = kpi_aggregates(con, window, ("month", by))[["month", by, *CANDIDATE_MEASURES]]
                pd.testing.assert_frame_equal(got, expected, check_exact=True)
                assert len(got)
    finally:
        con.close()
