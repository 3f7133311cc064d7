"""Each deal's reached stages (db/queries/facts.py: stored 'reach' rows and REACHED_STAGES):
deals with and without stage history, hand-computed."""

from __future__ import annotations

from datetime import datetime

from db.connection import connect_memory
from db.queries.facts import REACHED_STAGES, refresh_kpi_facts

D = datetime


def _deal(con, deal_id: str, stage: str, created: datetime, entered: datetime | None) -> None:
    con.execute("""INSERT INTO deals (deal_id, source_system, source_record_id, stage, outcome, created_at,
                                      stage_entered_at) VALUES (?, 'test', ?, ?, 'open', ?, ?)""",
                [deal_id, deal_id, stage, created, entered])


def _reach(con, deal_id: str) -> list[tuple]:
    return con.execute(f"""SELECT stage, position, reached_at, entered_at, inferred FROM ({REACHED_STAGES})
                           WHERE fact_id = ? ORDER BY position""", [deal_id]).fetchall()


def _database():
    con = connect_memory()
    _deal(con, "no-history", "revisit", D(2026, 1, 1), D(2026, 1, 10))
    _deal(con, "entered-before-created", "first_visit", D(2026, 1, 1), D(2025, 12, 25))
    _deal(con, "with-history", "pledge", D(2026, 1, 1), D(2026, 1, 20))
    con.execute("""INSERT INTO stage_events (deal_id, entered_at, to_stage) VALUES
                   ('with-history', '2026-01-05', 'lead'), ('with-history', '2026-01-20', 'pledge')""")
    return con


def test_a_deal_without_history_reached_each_stage_below_its_own_at_creation():
    con = _database()
    refresh_kpi_facts(con)
    assert _reach(con, "no-history") == [
        ("lead", 0, D(2026, 1, 1), D(2026, 1, 1), True),
        ("first_visit", 1, D(2026, 1, 1), D(2026, 1, 1), True),
        ("revisit", 2, D(2026, 1, 10), D(2026, 1, 10), True),
    ]


def test_a_stage_entered_before_creation_is_the_first_reach_of_every_stage():
    con = _database()
    refresh_kpi_facts(con)
    assert _reach(con, "entered-before-created") == [
        ("lead", 0, D(2025, 12, 25), D(2026, 1, 1), True),
        ("first_visit", 1, D(2025, 12, 25), D(2025, 12, 25), True),
    ]


def test_a_deal_with_history_reaches_skipped_stages_when_it_enters_a_later_one():
    con = _database()
    refresh_kpi_facts(con)
    assert _reach(con, "with-history") == [
        ("lead", 0, D(2026, 1, 5), D(2026, 1, 5), False),
        ("first_visit", 1, D(2026, 1, 20), None, False),
        ("revisit", 2, D(2026, 1, 20), None, False),
        ("pledge", 3, D(2026, 1, 20), D(2026, 1, 20), False),
    ]


def test_a_batch_refresh_gives_the_rows_of_a_full_one():
    con = _database()
    refresh_kpi_facts(con)
    full = con.execute("SELECT * FROM kpi_facts ORDER BY ALL").fetchall()
    con.execute("UPDATE deals SET batch_id = 7")
    refresh_kpi_facts(con, 7)
    assert con.execute("SELECT * FROM kpi_facts ORDER BY ALL").fetchall() == full


def test_only_deals_with_history_store_reach_rows():
    con = _database()
    refresh_kpi_facts(con)
    stored = con.execute("SELECT DISTINCT fact_id FROM kpi_facts WHERE fact = 'reach'").fetchall()
    assert stored == [("with-history",)]
    # The others carry their current stage (position, entry) on their 'created' row.
    assert con.execute("""SELECT fact_id, position, entered_at FROM kpi_facts WHERE fact = 'created'
                          ORDER BY fact_id""").fetchall() == [
        ("entered-before-created", 1, D(2025, 12, 25)), ("no-history", 2, D(2026, 1, 10)), ("with-history", None, None)]
