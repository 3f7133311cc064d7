"""Per-entity writes: the canonical rows of `_valid` → the schema's tables, through db.imports.

WRITERS maps each entity to its writer: deals (ingest/deals.py), roster and targets
(ingest/organisation.py), and here customers/leads, activities and stage history. Conventions
for ids and references: ingest/writing.py.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from db.imports import UpsertCounts, add_stage_events, upsert_rows
from ingest.deals import write_deals
from ingest.organisation import check_roster, check_targets, write_roster, write_targets
from ingest.readers import RawTable
from ingest.stages import (
    CHANNEL_WORDS,
    CUSTOMER_TYPE_WORDS,
    KIND_WORDS,
    lookup_sql,
    stage_map_table,
    word_table,
)
from ingest.writing import (
    WriteContext,
    WriteResult,
    fetch_rows,
    latest_day,
    people,
    person_join,
    ref_table,
    resolved_ref,
)

__all__ = ["ROW_CHECKS", "WRITERS", "WriteContext", "WriteResult"]

CUSTOMER_COLUMNS = [
    "customer_id", "source_system", "source_record_id", "name", "phone", "source_channel",
    "customer_type", "grade", "intent_layout", "intent_area_sqm", "intent_budget", "region", "created_at",
]
ACTIVITY_COLUMNS = [
    "activity_id", "source_system", "source_record_id", "deal_id", "customer_id", "staff_id", "kind",
    "occurred_at", "next_follow_at", "note",
]


def write_customers(con: duckdb.DuckDBPyConnection, batch_id: int, ctx: WriteContext) -> WriteResult:
    """Customers from a leads, customers or contacts file; channel and type words become keys."""
    prefix = "lead:" if ctx.entity == "leads" else ""
    word_table(con, "_channel_words", CHANNEL_WORDS)
    word_table(con, "_ctype_words", CUSTOMER_TYPE_WORDS)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _in_customers AS
        SELECT $src || ':' || $prefix || v._record_id AS customer_id, $src AS source_system,
               $prefix || v._record_id AS source_record_id,
               coalesce(v.name, nullif(trim(concat_ws(' ', v.first_name, v.last_name)), '')) AS name,
               v.phone, coalesce(ch.value, v.source_channel) AS source_channel,
               coalesce(ct.value, v.customer_type) AS customer_type,
               CASE WHEN regexp_matches(upper(v.grade), '^[ABC]($|级|类)') THEN left(upper(v.grade), 1)
                    ELSE v.grade END AS grade,
               v.intent_layout, v.intent_area AS intent_area_sqm, v.intent_budget, v.region, v.created_at
        FROM _valid v
        LEFT JOIN {lookup_sql('_channel_words', 'source_channel')} ch ON ch.word = v.source_channel
        LEFT JOIN {lookup_sql('_ctype_words', 'customer_type')} ct ON ct.word = v.customer_type""",
                {"src": ctx.source, "prefix": prefix})
    result = WriteResult(counts=upsert_rows(con, batch_id, "customers", "_in_customers", CUSTOMER_COLUMNS))
    result.latest = latest_day(con, "_in_customers", ["created_at"])
    return result


def write_activities(con: duckdb.DuckDBPyConnection, batch_id: int, ctx: WriteContext) -> WriteResult:
    """Activities with their kind; a 来访/visit is the customer's first visit when no earlier one is known."""
    src, result = ctx.source, WriteResult()
    word_table(con, "_kind_words", KIND_WORDS)
    people(con, batch_id, src, "SELECT DISTINCT owner_id AS ref_id, owner_name AS ref_name FROM _valid")
    ref_table(con, "_drefs", "deals", "deal_id", src, "SELECT deal_ref AS ref FROM _valid")
    lead_who = "v.customer_ref LIKE '00Q%'" if src == "salesforce" else "FALSE"   # Salesforce lead ids
    ref_table(con, "_crefs", "customers", "customer_id", src,
               f"SELECT customer_ref AS ref FROM _valid v WHERE NOT ({lead_who})")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _in_activities AS
        WITH a AS (
            SELECT $src || ':' || v._record_id AS activity_id, $src AS source_system,
                   v._record_id AS source_record_id, {resolved_ref('d', 'v.deal_ref')} AS deal_id,
                   CASE WHEN {lead_who} THEN $src || ':lead:' || v.customer_ref
                        WHEN v.customer_ref IS NOT NULL THEN {resolved_ref('c', 'v.customer_ref')}
                        WHEN v.lead_ref IS NOT NULL THEN $src || ':lead:' || v.lead_ref END AS customer_id,
                   p.staff_id, coalesce(k.value, $kind) AS kind, coalesce(v.occurred_at, v.created_at) AS occurred_at,
                   v.next_follow_at, v.note, v._line
            FROM _valid v LEFT JOIN {lookup_sql('_kind_words', 'kind')} k ON k.word = v.kind
            LEFT JOIN _drefs d ON d.ref = v.deal_ref LEFT JOIN _crefs c ON c.ref = v.customer_ref
            {person_join('p', 'v.owner_id', 'v.owner_name')}
        )
        SELECT * REPLACE (CASE WHEN kind <> 'visit' THEN kind
            WHEN row_number() OVER (PARTITION BY coalesce(customer_id, deal_id, activity_id), kind = 'visit'
                                    ORDER BY occurred_at, _line) = 1
                 AND NOT EXISTS (SELECT 1 FROM activities x WHERE x.customer_id = a.customer_id
                                   AND x.kind IN ('first_visit', 'revisit') AND x.occurred_at < a.occurred_at)
            THEN 'first_visit' ELSE 'revisit' END AS kind)
        FROM a""", {"src": src, "kind": ctx.default_kind or "task"})
    unknown = fetch_rows(con, f"""SELECT v.kind, count(*) FROM _valid v LEFT JOIN {lookup_sql('_kind_words', 'kind')} k
        ON k.word = v.kind WHERE v.kind IS NOT NULL AND k.value IS NULL GROUP BY 1 ORDER BY 2 DESC""")
    if unknown:
        listed = ", ".join(f"{word} ({n})" for word, n in unknown[:8])
        result.notes.append(f"activity types not known, stored as {ctx.default_kind or 'task'}: {listed}")
    result.counts = upsert_rows(con, batch_id, "activities", "_in_activities", ACTIVITY_COLUMNS)
    result.latest = latest_day(con, "_in_activities", ["occurred_at"])
    return result


# ---------------------------------------------------------------- stage history


def write_stage_history(con: duckdb.DuckDBPyConnection, batch_id: int, ctx: WriteContext) -> WriteResult:
    """History rows → stage events; a row repeating the deal's previous stage is not an event."""
    src, result = ctx.source, WriteResult()
    stage_map_table(con, src, "_stage_map")
    people(con, batch_id, src, "SELECT DISTINCT staff_id AS ref_id, CAST(NULL AS VARCHAR) AS ref_name FROM _valid")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _events AS
        SELECT * EXCLUDE (_prev) FROM (
            SELECT $src || ':' || v.deal_ref AS deal_id, v.entered_at, $src AS source_system,
                   v.stage AS source_stage, sm.value AS _mapped, p.staff_id, v._line,
                   lag(v.stage) OVER (PARTITION BY v.deal_ref ORDER BY v.entered_at, v._line) AS _prev
            FROM _valid v LEFT JOIN {lookup_sql('_stage_map', 'stage')} sm ON sm.word = v.stage
            {person_join('p', 'v.staff_id', 'CAST(NULL AS VARCHAR)')})
        WHERE _prev IS DISTINCT FROM source_stage
        QUALIFY row_number() OVER (PARTITION BY deal_id, entered_at, coalesce(_mapped, source_stage)
                                   ORDER BY _line DESC) = 1""", {"src": src})
    events, history_rows = fetch_rows(con, "SELECT count(*), (SELECT count(*) FROM _valid) FROM _events")[0]
    result.stage_events, result.pending_events = add_stage_events(con, batch_id, "_events")
    added = result.stage_events + result.pending_events
    result.counts = UpsertCounts(inserted=added, unchanged=events - added)
    if history_rows > events:
        result.notes.append(f"{history_rows - events} history rows repeat the deal's previous stage "
                            "(amount or date edits): not stage changes")
    result.unmapped_stages = dict(fetch_rows(con, """SELECT source_stage, count(*) FROM _events WHERE _mapped IS NULL
                                                 GROUP BY 1 ORDER BY 2 DESC, 1"""))
    result.latest = latest_day(con, "_events", ["entered_at"])
    return result


WRITERS: dict[str, Callable[[duckdb.DuckDBPyConnection, int, WriteContext], WriteResult]] = {
    "deals": write_deals, "leads": write_customers, "customers": write_customers,
    "activities": write_activities, "stage_history": write_stage_history, "roster": write_roster,
    "targets": write_targets,
}
# Each entity's own row checks after the generic ones (an unknown metric word; one person in two
# groups of an undated roster): rejects, dropped from _valid before anything is written.
ROW_CHECKS: dict[str, Callable[[duckdb.DuckDBPyConnection, RawTable], list[tuple[int, str, str | None]]]] = {
    "targets": check_targets, "roster": check_roster,
}
