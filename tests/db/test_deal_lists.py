"""The drill-down list matches the count it explains (same date basis and attribution)."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from db.deal_lists import DealSelection, deal_list
from db.filters import Filters
from db.queries import kpi_aggregates

OCTOBER = Filters(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def con(demo_db_path):
    with duckdb.connect(str(demo_db_path), read_only=True) as connection:
        yield connection


@pytest.mark.parametrize(("basis", "column"), [("created", "deals"), ("won", "won_deals"),
                                               ("lost", "lost_deals")])
def test_each_groups_list_has_as_many_deals_as_its_count(con, basis, column):
    counts = kpi_aggregates(con, OCTOBER, "group").set_index("group")[column]
    for group_id, expected in counts.items():
        if group_id is None:
            continue
        listed = deal_list(con, OCTOBER, DealSelection(basis, group_id=group_id), limit=100_000)
        assert len(listed) == expected, group_id


def test_a_consultants_created_deals_are_listed_by_creator_even_after_a_hand_off(con):
    counts = kpi_aggregates(con, OCTOBER, "staff").set_index("staff")["deals"]
    creator = counts[counts > 0].index[0]
    listed = deal_list(con, OCTOBER, DealSelection("created", staff_id=creator), limit=100_000)
    assert len(listed) == counts[creator]
