"""The deterministic demo 案场: 18 months of a two-project sales office that tells stories.

`build_demo(con, seed, as_of)` writes one developer (华景置业), two projects, five groups, 36 people
with their membership history, ~25k customers and deals with stage and ownership history, ~120k
activities, ~3k surveys and monthly targets. The same seed and as-of date give the same database on
any day and machine: every draw comes from one `numpy.random.default_rng(seed)`, nothing reads the
clock. The designed differences between groups (the stories the dashboard should reveal):

- A-INIT 初期接触组 takes every project-A customer and follows up fast, but wins nothing itself;
  deals move to A-FOLLOW 跟进组 at 复访 and to A-CLOSE 成交组 once pledged (认筹).
- A-FOLLOW holds deals that stall for months in 复访/认筹, and most of the overdue follow-ups.
- A-CLOSE keeps almost every deal it receives but its customers are the least satisfied (csat ~3.5
  against ~4.3 elsewhere: 催促下定).
- B-FIRST 刚需组 is on a losing streak in the eight weeks before as-of and off pace for the month.
- B-UPGRADE 改善组 is four people with few, large deals and months that swing.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from db.attribution import refresh_group_attribution
from db.connection import connect
from db.demo_activities import activity_log, owner_at, survey_log
from db.demo_calendar import Calendar
from db.demo_customers import arrivals, customer_attributes
from db.demo_people import (
    GROUP_IDS,
    PROJECTS,
    Roster,
    groups_frame,
    membership_frame,
    staff_frame,
)
from db.demo_pipeline import simulate_funnel
from db.demo_tables import (
    activities_table,
    customers_table,
    deals_table,
    ids,
    ownership_events_table,
    stage_events_table,
    surveys_table,
)
from db.demo_targets import target_frame
from db.queries.facts import upgrade_facts
from domain import DEFAULT_WON_STAGE

DEFAULT_SEED = 20261125
DEFAULT_AS_OF = date(2026, 11, 25)
# The tables the demo fills, in insert order; build_demo empties them first.
DEMO_TABLES = ("projects", "groups", "staff", "memberships", "customers", "deals", "stage_events",
               "ownership_events", "activities", "surveys", "targets")


def _deal_frame(rng: np.random.Generator, cal: Calendar) -> pd.DataFrame:
    """One row per customer/deal in creation order: arrival, attributes, receiving group, ids."""
    deals = arrivals(rng, cal)
    deals = pd.concat([deals, customer_attributes(rng, deals)], axis=1)
    deals["group"] = np.where(deals["project"] == "PA", "A-INIT",
                              np.where(deals["customer_type"] == "first_home", "B-FIRST", "B-UPGRADE"))
    deals["deal_id"] = ids("D", len(deals), 6)
    deals["customer_id"] = ids("C", len(deals), 6)
    return deals


def demo_tables(seed: int = DEFAULT_SEED, as_of: date = DEFAULT_AS_OF) -> dict[str, pd.DataFrame]:
    """Every demo table except targets (which are derived from the stored actuals), as DataFrames."""
    rng = np.random.default_rng(seed)
    cal = Calendar(as_of)
    staff = staff_frame(rng)
    memberships = membership_frame(staff)
    roster = Roster.build(rng, cal, staff, memberships)
    deals = _deal_frame(rng, cal)
    funnel = simulate_funnel(rng, cal, roster, deals)
    log, next_follow = activity_log(rng, cal, roster, deals, funnel)
    last_activity = log.groupby("deal")["when"].max().reindex(np.arange(len(deals))).to_numpy()
    surveys = survey_log(rng, cal, roster, funnel)
    return {
        "projects": PROJECTS, "groups": groups_frame(), "staff": staff, "memberships": memberships,
        "customers": customers_table(cal, deals),
        "deals": deals_table(cal, roster, deals, funnel, next_follow, last_activity),
        "stage_events": stage_events_table(cal, roster, deals, funnel, owner_at),
        "ownership_events": ownership_events_table(cal, roster, deals, funnel),
        "activities": activities_table(cal, roster, deals, log),
        "surveys": surveys_table(cal, roster, deals, surveys),
    }


def _settings(seed: int, as_of: date) -> list[tuple[str, str]]:
    return [("as_of", as_of.isoformat()), ("currency", "CNY"), ("data_source", "demo"),
            ("won_stage", DEFAULT_WON_STAGE), ("demo_seed", str(seed))]


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    con.register("demo_frame", frame)
    try:
        _run(con, f"INSERT INTO {table} BY NAME SELECT * FROM demo_frame")
    finally:
        con.unregister("demo_frame")


def build_demo(con: duckdb.DuckDBPyConnection, seed: int = DEFAULT_SEED,
               as_of: date = DEFAULT_AS_OF) -> dict[str, int]:
    """Replace the demo tables' rows with the demo for (seed, as_of); row counts per table.

    One transaction: on any error nothing is written. Rows of the tables in DEMO_TABLES are deleted
    first (callers check for real data before calling: see `ensure_demo_database` and the CLI);
    settings as_of/currency/data_source/won_stage/demo_seed are upserted.
    """
    tables = demo_tables(seed, as_of)
    _run(con, "BEGIN TRANSACTION")
    try:
        for table in reversed(DEMO_TABLES):
            _run(con, f"DELETE FROM {table}")
        for table, frame in tables.items():
            _insert(con, table, frame)
        refresh_group_attribution(con)
        targets = target_frame(np.random.default_rng([seed, 1]), con, GROUP_IDS, as_of)
        _insert(con, "targets", targets)
        con.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", _settings(seed, as_of))
        _run(con, "COMMIT")
    except BaseException:
        _run(con, "ROLLBACK")
        raise
    return table_counts(con)


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Row count of every demo table (and settings)."""
    return {table: _scalar(con, f"SELECT count(*) FROM {table}") for table in (*DEMO_TABLES, "settings")}


def _run(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    # Read every result to its end: DuckDB 2.0 blocks the connection while a result is unfinished.
    return con.execute(sql).fetchall()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str):
    return _run(con, sql)[0][0]


def has_real_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database holds deals or any import batch (a roster imported alone counts)."""
    deals = _scalar(con, "SELECT count(*) FROM deals")
    batches = _scalar(con, "SELECT count(*) FROM import_batches")
    return bool(deals or batches)


def ensure_demo_database(path: str | os.PathLike) -> bool:
    """Build the default demo into `path` when the file is missing or has no deals; True if built.

    A database that has import batches but no deals yet (a roster imported first) is left alone;
    one that holds data gets its derived facts rebuilt if an earlier version wrote them.
    """
    target = Path(path)
    with connect(target) as con:
        if has_real_data(con):
            upgrade_facts(con)
            return False
        build_demo(con)
    return True


def timed_build(con: duckdb.DuckDBPyConnection, seed: int = DEFAULT_SEED,
                as_of: date = DEFAULT_AS_OF) -> tuple[dict[str, int], float]:
    """build_demo and the seconds it took (for the CLI summary and the tests' log)."""
    started = time.perf_counter()
    counts = build_demo(con, seed, as_of)
    return counts, time.perf_counter() - started
