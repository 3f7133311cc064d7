"""kpi_facts (db/queries/facts.py): the queries read it for speed and give the tables' numbers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import db.queries.explorer as explorer
import db.queries.funnel as funnel
import db.queries.kpis as kpis
import db.queries.satisfaction as satisfaction
from db.connection import connect, connect_memory
from db.filters import Filters
from db.queries.facts import facts_current, refresh_kpi_facts
from ingest.pipeline import import_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WINDOWS = [Filters(date(2026, 9, 1), date(2026, 11, 25)), Filters(date(2025, 6, 1), date(2026, 11, 25)),
           Filters(date(2026, 1, 1), date(2026, 6, 30), group_ids=("A-FOLLOW",)),
           Filters(date(2026, 3, 1), date(2026, 5, 31), project_ids=("PB",), source_channels=("online",))]


@pytest.fixture(scope="module")
def demo(demo_db_path):
    con = connect(demo_db_path, read_only=True)
    yield con
    con.close()


def from_tables(module, monkeypatch):
    """Make `module` ignore kpi_facts (as for a database without them)."""
    monkeypatch.setattr(module, "facts_current", lambda con: False)


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("by", ["total", "group", "staff", "source", ("week", "group"), ("group", "day")])
def test_kpi_aggregates_from_facts_equal_those_from_the_tables(demo, window, by, monkeypatch):
    assert facts_current(demo)                    # the demo build refreshed them
    stored = kpis.kpi_aggregates(demo, window, by)
    from_tables(kpis, monkeypatch)
    pd.testing.assert_frame_equal(stored, kpis.kpi_aggregates(demo, window, by), check_dtype=False)


@pytest.mark.parametrize("window", WINDOWS)
def test_funnel_counts_and_stage_durations_from_facts_equal_those_from_the_tables(demo, window, monkeypatch):
    stored = [funnel.stage_reach_counts(demo, window, basis="cohort", by="month"),
              funnel.stage_reach_counts(demo, window, basis="period", by="group"),
              funnel.stage_durations(demo, window),
              explorer.explorer_aggregates(demo, window, ("grade", "group"))]
    from_tables(funnel, monkeypatch)
    from_tables(explorer, monkeypatch)
    from_tables(kpis, monkeypatch)
    computed = [funnel.stage_reach_counts(demo, window, basis="cohort", by="month"),
                funnel.stage_reach_counts(demo, window, basis="period", by="group"),
                funnel.stage_durations(demo, window),
                explorer.explorer_aggregates(demo, window, ("grade", "group"))]
    for a, b in zip(stored, computed, strict=True):
        pd.testing.assert_frame_equal(a, b, check_dtype=False)


# A-FOLLOW hands customers on before they answer a survey: the group filter names A-CLOSE here.
SURVEY_WINDOWS = [*WINDOWS[:2], Filters(date(2026, 1, 1), date(2026, 6, 30), group_ids=("A-CLOSE",)), WINDOWS[3]]


@pytest.mark.parametrize("window", SURVEY_WINDOWS)
@pytest.mark.parametrize("by", ["total", "group", "source", "month"])
def test_survey_score_counts_from_facts_equal_those_from_the_tables(demo, window, by, monkeypatch):
    stored = satisfaction.survey_score_counts(demo, window, by)
    assert stored["n"].sum() > 0
    from_tables(satisfaction, monkeypatch)
    pd.testing.assert_frame_equal(stored, satisfaction.survey_score_counts(demo, window, by))


@pytest.mark.parametrize("window", SURVEY_WINDOWS[:3])   # no project or customer filter: the worst picked first
def test_the_worst_comments_picked_before_the_joins_are_the_worst_of_every_joined_answer(demo, window):
    groups = list(window.group_ids) or None
    every = demo.execute("""
        SELECT s.survey_id, c.name AS customer FROM surveys s LEFT JOIN deals sd ON sd.deal_id = s.deal_id
        LEFT JOIN customers c ON c.customer_id = coalesce(s.customer_id, sd.customer_id)
        WHERE s.answered_at >= ? AND s.answered_at < ? + INTERVAL 1 DAY AND (? IS NULL OR list_contains(?, s.group_id))
          AND s.comment IS NOT NULL AND trim(s.comment) <> '' AND (s.csat IS NOT NULL OR s.nps IS NOT NULL)
        ORDER BY least((s.csat - 1) / 4.0, s.nps / 10.0), s.answered_at DESC, s.survey_id LIMIT 20""",
                         [window.start, window.end, groups, groups]).fetchall()
    worst = satisfaction.lowest_survey_comments(demo, window, limit=20)
    assert len(every) == 20
    assert list(zip(worst["survey_id"], worst["customer"], strict=True)) == every


def test_a_table_written_without_a_refresh_sends_the_queries_back_to_the_tables(demo_db_path, tmp_path):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(Path(demo_db_path).read_bytes())
    con = connect(copy)
    assert facts_current(con)
    con.execute("DELETE FROM stage_events WHERE deal_id LIKE '%7'")
    assert not facts_current(con)
    con.close()


DERIVED = ("kpi_facts", "open_deal_facts", "deal_progress")   # the tables refresh_kpi_facts keeps


def test_each_import_refreshes_only_its_batch_and_that_equals_a_full_rebuild():
    con = connect_memory()
    for name in ("roster.csv", "zoho_deals_week1.csv", "zoho_deals_week2.csv", "fxiaoke_followups.csv",
                 "fxiaoke_deals.xlsx", "hubspot_deals.csv", "roster_week2.csv"):
        import_file(con, FIXTURES / name)
        assert facts_current(con)
        incremental = [con.execute(f"SELECT * FROM {t} ORDER BY ALL").df() for t in DERIVED]
        con.execute("BEGIN")
        refresh_kpi_facts(con)
        con.execute("COMMIT")
        for table, kept in zip(DERIVED, incremental, strict=True):
            pd.testing.assert_frame_equal(kept, con.execute(f"SELECT * FROM {table} ORDER BY ALL").df())
    # The follow-ups file touched open deals of the week-1 export (by deal and by customer).
    assert con.execute("SELECT count(*) FROM open_deal_facts WHERE last_touch_at IS NOT NULL").fetchone()[0] > 0
    con.close()


# The demo's overdue follow-ups fall due in the 25 days before its as-of (2026-11-25): an earlier
# as-of of 2026-11-12 still sees some of them.
@pytest.mark.parametrize("as_of, groups", [(date(2026, 11, 25), ()), (date(2026, 11, 25), ("B-FIRST",)),
                                           (date(2026, 11, 12), ())])
def test_overdue_follow_ups_from_the_stored_last_touches_equal_those_from_every_activity(demo, as_of, groups,
                                                                                         monkeypatch):
    import db.queries.followups as followups

    filters = Filters(date(2026, 1, 1), as_of, group_ids=groups)
    stored = followups.overdue_followups(demo, filters, as_of)
    monkeypatch.setattr(followups, "facts_current", lambda con: False)
    scanned = followups.overdue_followups(demo, filters, as_of)
    assert len(stored) > 0
    pd.testing.assert_frame_equal(stored, scanned)


@pytest.mark.parametrize("as_of, groups", [(date(2026, 11, 25), ()), (date(2026, 11, 25), ("B-FIRST",)),
                                           (date(2026, 11, 1), ())])
def test_stalled_deals_from_the_stored_open_deals_equal_those_from_the_tables(demo, as_of, groups, monkeypatch):
    import db.queries.stalled as stalled
    from analytics.funnel import stall_thresholds
    from db.queries import stage_durations

    filters = Filters(date(2026, 1, 1), as_of, group_ids=groups)
    thresholds = stall_thresholds(stage_durations(demo, Filters(date(2000, 1, 1), as_of)))
    stored = stalled.stalled_deal_counts_and_list(demo, filters, as_of, thresholds, per_stage=20)
    monkeypatch.setattr(stalled, "facts_current", lambda con: False)
    scanned = stalled.stalled_deal_counts_and_list(demo, filters, as_of, thresholds, per_stage=20)
    assert len(stored[0]) > 0 and len(stored[1]) > 0
    for a, b in zip(stored, scanned, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_hand_offs_moved_on_from_the_stored_furthest_stages_equal_those_from_the_stage_history(demo, monkeypatch):
    import db.queries.handoffs as handoffs

    window = Filters(date(2026, 1, 1), date(2026, 11, 25))
    stored = (handoffs.handoff_aggregates(demo, window),
              handoffs.monthly_handoff_counts(demo, date(2026, 1, 1), date(2026, 11, 30)))
    monkeypatch.setattr(handoffs, "facts_current", lambda con: False)
    scanned = (handoffs.handoff_aggregates(demo, window),
               handoffs.monthly_handoff_counts(demo, date(2026, 1, 1), date(2026, 11, 30)))
    assert stored[0]["moved_on"].sum() > 0 and stored[1]["handed_on"].sum() > stored[1]["moved_on"].sum()
    for a, b in zip(stored, scanned, strict=True):
        pd.testing.assert_frame_equal(a, b)


def test_facts_of_an_earlier_layout_are_rebuilt_at_start_up(demo_db_path, tmp_path):
    from db.demo import ensure_demo_database
    from db.queries.facts import FACTS_LAYOUT

    copy = tmp_path / "older.duckdb"
    copy.write_bytes(Path(demo_db_path).read_bytes())
    with connect(copy) as con:
        expected = con.execute("SELECT count(*) FROM open_deal_facts").fetchone()[0]
        con.execute("UPDATE kpi_facts_state SET layout = layout - 1")
        con.execute("DELETE FROM open_deal_facts")         # as an earlier version left it
        assert not facts_current(con)
    assert not ensure_demo_database(copy)                  # `make run`: the data is kept…
    with connect(copy) as con:
        assert facts_current(con)                          # …and its facts are this version's again
        assert con.execute("SELECT layout FROM kpi_facts_state").fetchone()[0] == FACTS_LAYOUT
        assert con.execute("SELECT count(*) FROM open_deal_facts").fetchone()[0] == expected > 0


@pytest.mark.parametrize("basis, by", [("cohort", "total"), ("cohort", "month"), ("period", "group")])
def test_funnel_counts_of_snapshot_imports_from_facts_equal_those_from_the_tables(basis, by, monkeypatch):
    """Snapshot exports have no stage history: their deals' reached stages are expanded from the
    'created' facts (REACHED_STAGES), and a second week's snapshot logs history for some."""
    con = connect_memory()
    for name in ("roster.csv", "zoho_deals_week1.csv", "hubspot_deals.csv"):
        import_file(con, FIXTURES / name)
    inferred_only = con.execute("SELECT count(*) FROM kpi_facts WHERE fact = 'reach'").fetchone()[0]
    import_file(con, FIXTURES / "zoho_deals_week2.csv")
    window = Filters(date(2024, 1, 1), date(2026, 12, 31))
    stored = funnel.stage_reach_counts(con, window, basis=basis, by=by)
    from_tables(funnel, monkeypatch)
    computed = funnel.stage_reach_counts(con, window, basis=basis, by=by)
    con.close()
    assert stored["inferred"].sum() > 0 and stored["reached"].sum() > stored["inferred"].sum()
    pd.testing.assert_frame_equal(stored, computed, check_dtype=False)
    assert inferred_only < stored["reached"].sum()       # most reached stages were never stored


@pytest.mark.parametrize("window", WINDOWS)
def test_satisfaction_totals_and_weekly_series_are_the_sums_of_the_groups_rows(demo, window):
    """pages/satisfaction.py sums the group rows instead of asking for 'total' and 'week' too:
    CSAT and NPS are sums of answers, and unattributed answers are a row of their own."""
    from analytics.kpis import rolled_up
    from analytics.satisfaction import satisfaction_table, satisfaction_trend

    by_group = kpis.kpi_aggregates(demo, window, "group")
    pd.testing.assert_frame_equal(satisfaction_table(rolled_up(by_group, None), "total"),
                                  satisfaction_table(kpis.kpi_aggregates(demo, window, "total"), "total"),
                                  check_dtype=False)
    per_week = kpis.kpi_aggregates(demo, window, ("week", "group"))
    summed = satisfaction_trend(rolled_up(per_week, "week"), "week")
    asked = satisfaction_trend(kpis.kpi_aggregates(demo, window, "week"), "week")
    # Weeks without any fact are rows of zeros when asked for, absent from the sums: the same
    # points wherever there are answers.
    asked = asked[asked["week"].isin(summed["week"])].reset_index(drop=True)
    assert len(summed) > 0
    pd.testing.assert_frame_equal(summed, asked, check_dtype=False)


@pytest.mark.parametrize("window", WINDOWS)
def test_the_overview_cards_from_the_groups_sums_equal_those_asked_for_the_total(demo, window):
    """pages/overview.py: every card (ui.kpi_cards.OVERVIEW_CARDS) is a count, an amount or a ratio
    of sums, so the groups' rows summed give the cards of the 'total' row, intervals included."""
    from analytics.kpis import kpi_table, rolled_up
    from ui.kpi_cards import OVERVIEW_CARDS

    summed = kpi_table(rolled_up(kpis.kpi_aggregates(demo, window, "group"), None), "total")
    asked = kpi_table(kpis.kpi_aggregates(demo, window, "total"), "total")
    columns = [c for c in asked.columns if c.split("_n")[0] in OVERVIEW_CARDS or
               any(c.startswith(f"{card}_") for card in OVERVIEW_CARDS) or c in OVERVIEW_CARDS]
    assert {"deals", "won_amount", "win_rate", "win_rate_low", "csat", "csat_n"} <= set(columns)
    assert summed.loc[0, ["deals", "visits", "won_deals", "csat_n"]].sum() > 0
    pd.testing.assert_frame_equal(summed[columns], asked[columns], check_dtype=False)
