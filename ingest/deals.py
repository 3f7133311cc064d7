"""Deals: canonical rows of `_valid` → deals, their people, groups, stage events and currency.

Deals (DOMAIN.md "Stages, phases and outcomes"):
- outcome: the status column when it says won or lost (赢单/输单/无效, Won/Lost); else the
  mapped stage ('lost', or at/after the won stage setting = won); else Salesforce IsWon/IsClosed;
  else, with no stage or status at all, a won date means won; else open.
- won_at / lost_at: the explicit column, else the close date, else the stage-change date, else
  the last-modified date, else the created date. When only the user's own stage mapping closes a
  deal (no status or flag says so) the close date is an expected one and is skipped: then the
  order is that of db.imports.map_stage (stage_entered_at, updated_at, created_at), so mapping a
  stage and re-importing the file agree.
- created_at: the created column; for a row without one, the won/lost/close date, else the
  latest date of the file (counted in the summary's notes).
- A source stage the map does not know leaves stage NULL (source_stage keeps the words); the
  summary lists it with its row count, and map_stage re-derives those deals later.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from db.imports import (
    add_stage_events,
    configured_currency,
    prepare_snapshot_stages,
    resolve_groups,
    set_setting,
    setting,
    snapshot_stage_events,
    stage_rank_sql,
    upsert_rows,
    word_key_sql,
)
from domain import DEFAULT_WON_STAGE, STAGES
from ingest.stages import STATUS_WORDS, lookup_sql, stage_map_table, user_stage_map, word_table
from ingest.writing import (
    WriteContext,
    WriteResult,
    columns,
    fetch_rows,
    latest_day,
    people,
    person_join,
    project_table,
    ref_table,
    resolved_ref,
)

DEAL_COLUMNS = [
    "deal_id", "source_system", "source_record_id", "name", "customer_id", "owner_staff_id",
    "creator_staff_id", "department", "project_id", "stage", "source_stage", "outcome", "amount",
    "currency", "created_at", "stage_entered_at", "won_at", "lost_at", "lost_reason",
    "next_follow_at", "updated_at",
]


def write_deals(con: duckdb.DuckDBPyConnection, batch_id: int, ctx: WriteContext) -> WriteResult:
    """Upsert the deals of `_valid` with their people, department groups and stage events."""
    src, result = ctx.source, WriteResult()
    had_deals = fetch_rows(con, "SELECT count(*) > 0 FROM deals")[0][0]
    stage_map_table(con, src, "_stage_map")
    word_table(con, "_user_stages", user_stage_map(con, src))
    word_table(con, "_status_words", STATUS_WORDS)
    people(con, batch_id, src, "SELECT owner_id AS ref_id, owner_name AS ref_name FROM _valid "
                                "UNION SELECT creator_id, creator_name FROM _valid")
    con.execute("""CREATE OR REPLACE TEMP TABLE _depts AS SELECT DISTINCT department AS ref,
                   CAST(NULL AS VARCHAR) AS basis, CAST(NULL AS VARCHAR) AS project_id
                   FROM _valid WHERE department IS NOT NULL""")
    resolve_groups(con, batch_id, "_depts")
    project_table(con, batch_id)
    ref_table(con, "_crefs", "customers", "customer_id", src, "SELECT customer_ref AS ref FROM _valid")
    _in_deals(con, ctx)
    _fill_created_at(con, result)
    prepare_snapshot_stages(con, "_in_deals")
    result.stage_events = snapshot_stage_events(con, batch_id, "_in_deals")
    result.counts = upsert_rows(con, batch_id, "deals", "_in_deals", DEAL_COLUMNS)
    unmapped = """SELECT source_stage, count(*) FROM {} WHERE source_stage IS NOT NULL AND _mapped IS NULL
                   GROUP BY 1 ORDER BY 2 DESC, 1"""
    result.unmapped_stages = dict(fetch_rows(con, unmapped.format("_in_deals")))
    if ctx.canonical.stage_dates:
        added, pending = _stage_date_events(con, batch_id, ctx)
        result.stage_events += added
        result.pending_events += pending
        for stage, count in fetch_rows(con, unmapped.format("_events")):
            result.unmapped_stages[stage] = result.unmapped_stages.get(stage, 0) + count
    _currencies(con, batch_id, result, had_deals)
    result.latest = latest_day(con, "_in_deals", ["created_at", "won_at", "lost_at", "stage_entered_at"])
    return result


def _fill_created_at(con: duckdb.DuckDBPyConnection, result: WriteResult) -> None:
    """Rows with no created, won, lost or close date get the file's latest date (and a note)."""
    missing = fetch_rows(con, "SELECT count(*) FILTER (WHERE _created_fallback) FROM _in_deals")[0][0]
    if not missing:
        return
    latest = latest_day(con, "_in_deals", ["created_at", "won_at", "lost_at", "stage_entered_at", "updated_at"])
    day = latest or date.today()
    undated = con.execute("UPDATE _in_deals SET created_at = ? WHERE created_at IS NULL",
                          [datetime.combine(day, datetime.min.time())]).fetchall()[0][0]
    dated = missing - undated
    parts = ([f"{dated} took their won/lost/close date"] if dated else []) + (
        [f"{undated} were set to {day}, the latest date in the file"] if undated else [])
    result.notes.append(f"{missing} rows had no created date: " + "; ".join(parts))


def _in_deals(con: duckdb.DuckDBPyConnection, ctx: WriteContext) -> None:
    won = STAGES.index(setting(con, "won_stage", DEFAULT_WON_STAGE) or DEFAULT_WON_STAGE) + 1
    stage_dates = list(ctx.canonical.stage_dates)
    changed_at = (f"coalesce(v.stage_changed_at, greatest({', '.join('v.' + c for c in stage_dates)}))"
                  if stage_dates else "v.stage_changed_at")
    currency = "coalesce(v.currency, v._amount_currency)" if "_amount_currency" in columns(con, "_valid") else "v.currency"
    fallback = datetime.combine(ctx.canonical.latest or date.today(), datetime.min.time())
    extra = "".join(f", v.{c}" for c in stage_dates)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _in_deals AS
        WITH o AS (
            SELECT v.*, sm.value AS _mapped, {changed_at} AS _changed, {currency} AS _currency,
                   coalesce(CASE WHEN sw.value IN ('won', 'lost') THEN sw.value END,
                            CASE WHEN sm.value = 'lost' THEN 'lost'
                                 WHEN {stage_rank_sql('sm.value')} >= $won THEN 'won' END,
                            CASE WHEN v.is_won THEN 'won' WHEN v.is_closed THEN 'lost' END,
                            CASE WHEN v.stage IS NULL AND v.status IS NULL AND v.is_won IS NULL
                                  AND v.won_at IS NOT NULL THEN 'won' END,
                            'open') AS _outcome,
                   -- closed only by the user's own stage mapping: its close date is an expected one
                   us.word IS NOT NULL AND sw.value IS DISTINCT FROM 'won' AND sw.value IS DISTINCT FROM 'lost'
                       AND v.is_won IS NULL AND v.is_closed IS NULL AS _by_user
            FROM _valid v
            LEFT JOIN {lookup_sql('_stage_map', 'stage')} sm ON sm.word = v.stage
            LEFT JOIN {lookup_sql('_user_stages', 'stage')} us ON us.word = v.stage
            LEFT JOIN {lookup_sql('_status_words', 'status')} sw ON sw.word = v.status
        )
        SELECT $src || ':' || v._record_id AS deal_id, $src AS source_system, v._record_id AS source_record_id,
               v.name, CASE WHEN v.customer_ref IS NOT NULL THEN {resolved_ref('c', 'v.customer_ref')}
                            WHEN v.lead_ref IS NOT NULL THEN $src || ':lead:' || v.lead_ref END AS customer_id,
               po.staff_id AS owner_staff_id, pc.staff_id AS creator_staff_id, v.department,
               pr.project_id, CASE WHEN v._mapped = 'lost' THEN NULL ELSE v._mapped END AS stage,
               v.stage AS source_stage, v._outcome AS outcome, v.amount, v._currency AS currency,
               coalesce(v.created_at, v.won_at, v.lost_at,
                        CASE WHEN v._outcome <> 'open' THEN v.close_date END) AS created_at,
               v._changed AS stage_entered_at,
               CASE WHEN v._outcome = 'won' THEN coalesce(v.won_at, CASE WHEN NOT v._by_user THEN v.close_date END,
                                                         v._changed, v.updated_at, v.created_at) END AS won_at,
               CASE WHEN v._outcome = 'lost' THEN coalesce(v.lost_at, CASE WHEN NOT v._by_user THEN v.close_date END,
                                                           v._changed, v.updated_at, v.created_at) END AS lost_at,
               v.lost_reason, v.next_follow_at, v.updated_at, v._mapped,
               coalesce(v._changed, v.updated_at, $fallback) AS _moment, v._line,
               v.created_at IS NULL AS _created_fallback{extra}
        FROM o v
        LEFT JOIN _crefs c ON c.ref = v.customer_ref
        {person_join('po', 'v.owner_id', 'v.owner_name')}
        {person_join('pc', 'v.creator_id', 'v.creator_name')}
        LEFT JOIN _projects pr ON pr.name = v.project""",
                {"src": ctx.source, "won": won, "fallback": fallback})


def _stage_date_events(con: duckdb.DuckDBPyConnection, batch_id: int, ctx: WriteContext) -> tuple[int, int]:
    """HubSpot `Date entered "<stage>"` columns → stage events (pending when the stage is unmapped)."""
    parts, params = [], {"src": ctx.source}
    for i, (column, label) in enumerate(ctx.canonical.stage_dates.items()):
        params[f"l{i}"] = label
        parts.append(f"""SELECT d.deal_id, d.{column} AS entered_at, $src AS source_system, $l{i} AS source_stage,
                                sm.value AS _mapped, d.owner_staff_id AS staff_id
                         FROM _in_deals d LEFT JOIN _stage_map sm ON sm.key = {word_key_sql(f'$l{i}')}
                         WHERE d.{column} IS NOT NULL""")
    con.execute("CREATE OR REPLACE TEMP TABLE _events AS " + " UNION ALL ".join(parts), params)
    return add_stage_events(con, batch_id, "_events")


def _currencies(con: duckdb.DuckDBPyConnection, batch_id: int, result: WriteResult, had_deals: bool) -> None:
    """Deals per currency; a first import into an empty database may set settings.currency."""
    per_currency = dict(fetch_rows(con, """SELECT currency, count(*) FROM _in_deals WHERE currency IS NOT NULL
                                      GROUP BY 1 ORDER BY 2 DESC, 1"""))
    if per_currency and not had_deals and setting(con, "currency") is None:
        first = next(iter(per_currency))
        set_setting(con, batch_id, "currency", first)
        result.notes.append(f"currency set to {first}, the most common currency of this first import")
    result.currency = configured_currency(con)
    result.currencies = {k: v for k, v in per_currency.items() if k != result.currency}
