"""deals_reaching_stage lists exactly the deals a funnel bar counts (stage_reach_counts), on the demo
and on a copy whose deals partly lost their stage history (inferred)."""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pytest

from db.filters import Filters
from db.queries import stage_reach_counts
from db.queries.funnel_deals import deals_reaching_stage

WINDOWS = (Filters(date(2026, 10, 1), date(2026, 10, 31)),
           Filters(date(2026, 8, 28), date(2026, 11, 25), group_ids=("B-FIRST",)))


@pytest.fixture(scope="module")
def partly_inferred(demo_db_path, tmp_path_factory):
    """The demo without the stage history of deals whose id ends in 3, some moved in their stage."""
    path = tmp_path_factory.mktemp("inferred") / "inferred.duckdb"
    shutil.copyfile(demo_db_path, path)
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM stage_events WHERE deal_id LIKE '%3'")
        con.execute("UPDATE deals SET stage_entered_at = created_at + INTERVAL 40 DAY WHERE deal_id LIKE '%13'")
    return path


@pytest.mark.parametrize("basis", ["cohort", "period"])
@pytest.mark.parametrize("window", WINDOWS, ids=["october", "b_first_90_days"])
@pytest.mark.parametrize("database", ["demo", "inferred"])
def test_the_list_behind_each_bar_has_as_many_deals_as_the_bar(database, window, basis, demo_db_path,
                                                               partly_inferred):
    path = demo_db_path if database == "demo" else partly_inferred
    with duckdb.connect(str(path), read_only=True) as con:
        counts = stage_reach_counts(con, window, basis=basis)
        listed = [len(deals_reaching_stage(con, window, stage, basis=basis, limit=100_000))
                  for stage in counts["stage"]]
    assert listed == counts["reached"].tolist()
    if database == "inferred":
        assert counts["inferred"].iloc[0] > 0


def test_a_group_narrows_to_the_deals_that_group_created(demo_db_path):
    october = WINDOWS[0]
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        by_group = stage_reach_counts(con, october, basis="cohort", by="group")
        expected = by_group[(by_group["group"] == "B-UPGRADE") & (by_group["stage"] == "pledge")]["reached"].item()
        deals = deals_reaching_stage(con, october, "pledge", group_id="B-UPGRADE", limit=100_000)
    assert len(deals) == expected > 0
    assert set(deals["group_name"]) == {"改善组"}
    assert deals["reached_at"].is_monotonic_decreasing          # latest arrival first


def test_the_limit_and_unknown_arguments(demo_db_path):
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        assert len(deals_reaching_stage(con, WINDOWS[0], "lead", limit=7)) == 7
        with pytest.raises(ValueError, match="stage"):
            deals_reaching_stage(con, WINDOWS[0], "won")
        with pytest.raises(ValueError, match="basis"):
            deals_reaching_stage(con, WINDOWS[0], "lead", basis="snapshot")
