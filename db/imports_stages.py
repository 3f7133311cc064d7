"""Import writes, stage history: snapshot stage changes, history rows, and the user's stage map.

Stage events hold a canonical stage key or 'lost' in to_stage; a history row whose stage the map
does not know waits in pending_stage_events until `map_stage` maps its words. `stage` of a deal
keeps the furthest canonical stage it reached (schema.sql).
"""

from __future__ import annotations

import duckdb

from db.attribution import refresh_group_attribution
from db.import_scope import refuse_stage_mapping
from db.imports_base import setting, stage_rank_sql, transaction, word_key_sql
from domain import DEFAULT_WON_STAGE, STAGES


def prepare_snapshot_stages(con: duckdb.DuckDBPyConnection, incoming: str) -> None:
    """Carry stored stage facts into incoming deals before they are compared and written.

    `incoming` has the deals columns plus `_moment` (when a stage change seen now happened).
    The furthest canonical stage wins over the incoming one (a lost or unmapped row keeps the
    stored stage); stage_entered_at is kept while the source stage is the same, and set to
    the incoming value or `_moment` when it changed.
    """
    con.execute(f"""
        UPDATE {incoming} AS i SET
          stage = CASE WHEN i.stage IS NULL THEN d.stage WHEN d.stage IS NULL THEN i.stage
                       WHEN {stage_rank_sql('d.stage')} > {stage_rank_sql('i.stage')} THEN d.stage
                       ELSE i.stage END,
          stage_entered_at = CASE WHEN i.source_stage IS NOT DISTINCT FROM d.source_stage
                                  THEN coalesce(i.stage_entered_at, d.stage_entered_at)
                                  ELSE coalesce(i.stage_entered_at, i._moment) END
        FROM deals d WHERE d.deal_id = i.deal_id""")


def snapshot_stage_events(con: duckdb.DuckDBPyConnection, batch_id: int, incoming: str) -> int:
    """Stage events for stored deals whose source stage differs in this snapshot; how many.

    Run after prepare_snapshot_stages and before the deals are updated. `incoming` carries
    `_mapped` (canonical key, 'lost', or NULL when unmapped: then a pending event is kept).
    """
    changed = f"""FROM {incoming} i JOIN deals d ON d.deal_id = i.deal_id
        WHERE i.source_stage IS NOT NULL AND i.source_stage IS DISTINCT FROM d.source_stage
          AND i.stage_entered_at IS NOT NULL"""
    added = con.execute(f"""
        INSERT INTO stage_events (deal_id, entered_at, from_stage, to_stage, source_stage, staff_id, batch_id)
        SELECT i.deal_id, i.stage_entered_at, d.stage, i._mapped, i.source_stage, i.owner_staff_id, ?
        {changed} AND i._mapped IS NOT NULL ON CONFLICT DO NOTHING""", [batch_id]).fetchall()[0][0]
    con.execute(f"""
        INSERT INTO pending_stage_events
        SELECT i.deal_id, i.stage_entered_at, i.source_system, i.source_stage, i.owner_staff_id, ?
        {changed} AND i._mapped IS NULL ON CONFLICT DO NOTHING""", [batch_id])
    return added


def add_stage_events(con: duckdb.DuckDBPyConnection, batch_id: int, events: str) -> tuple[int, int]:
    """Write history rows: (deal_id, entered_at, source_system, source_stage, _mapped, staff_id).

    Mapped rows become stage_events, unmapped ones pending_stage_events; rows already stored
    are skipped. from_stage is then recomputed for the deals touched, and their stage raised
    to the furthest stage their history shows. Returns (events added, pending added).
    """
    added = con.execute(f"""
        INSERT INTO stage_events (deal_id, entered_at, from_stage, to_stage, source_stage, staff_id, batch_id)
        SELECT deal_id, entered_at, NULL, _mapped, source_stage, staff_id, ? FROM {events}
        WHERE _mapped IS NOT NULL ON CONFLICT DO NOTHING""", [batch_id]).fetchall()[0][0]
    pending = con.execute(f"""
        INSERT INTO pending_stage_events
        SELECT deal_id, entered_at, source_system, source_stage, staff_id, ? FROM {events}
        WHERE _mapped IS NULL ON CONFLICT DO NOTHING""", [batch_id]).fetchall()[0][0]
    deal_ids = f"SELECT DISTINCT deal_id FROM {events}"
    rebuild_from_stages(con, deal_ids)
    raise_deal_stages(con, batch_id, deal_ids)
    return added, pending


def rebuild_from_stages(con: duckdb.DuckDBPyConnection, deal_ids_sql: str) -> None:
    """from_stage of each event = the stage of the deal's previous event (by time, then funnel)."""
    con.execute(f"""
        UPDATE stage_events AS e SET from_stage = p.prev
        FROM (SELECT deal_id, entered_at, to_stage,
                     lag(to_stage) OVER (PARTITION BY deal_id
                                         ORDER BY entered_at, {stage_rank_sql('to_stage')} NULLS LAST) AS prev
              FROM stage_events WHERE deal_id IN ({deal_ids_sql})) p
        WHERE e.deal_id = p.deal_id AND e.entered_at = p.entered_at AND e.to_stage = p.to_stage
          AND e.from_stage IS DISTINCT FROM p.prev""")


def raise_deal_stages(con: duckdb.DuckDBPyConnection, batch_id: int | None, deal_ids_sql: str) -> int:
    """Set deals.stage to the furthest canonical stage in their history when that is further."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _furthest AS
        SELECT deal_id, arg_max(to_stage, {stage_rank_sql('to_stage')}) AS stage FROM stage_events
        WHERE deal_id IN ({deal_ids_sql}) AND {stage_rank_sql('to_stage')} IS NOT NULL GROUP BY deal_id""")
    further = f"""(d.stage IS NULL OR {stage_rank_sql('f.stage')} > {stage_rank_sql('d.stage')})"""
    if batch_id is not None:
        con.execute(f"""
            INSERT INTO import_changes SELECT ?, 'deals', d.deal_id, to_json(d)::VARCHAR
            FROM deals d JOIN _furthest f ON f.deal_id = d.deal_id WHERE {further}
            ON CONFLICT DO NOTHING""", [batch_id])
    raised = con.execute(f"""
        UPDATE deals AS d SET stage = f.stage FROM _furthest f
        WHERE f.deal_id = d.deal_id AND {further}""").fetchall()[0][0]
    con.execute("DROP TABLE _furthest")
    return raised


def map_stage(con: duckdb.DuckDBPyConnection, source_system: str, source_stage: str, stage: str, *,
              projects: tuple[str, ...] | None = None) -> int:
    """Save a stage mapping and re-derive the deals and history that carry those words.

    `stage` is a canonical key or 'lost'. Deals of that source whose source_stage matches (as
    word_key_sql compares) get the stage; an open deal becomes won (stage at or past the won
    stage setting) or lost ('lost'), with won_at/lost_at from stage_entered_at, else
    updated_at, else created_at. A deal already won or lost keeps its outcome (it came from a
    status column or the CRM's own flags). Pending history rows with those words become
    stage events. Returns how many deals changed. A project-scoped account (`projects` not None)
    is refused (db/import_scope.refuse_stage_mapping): the map is shared by every project.
    """
    refuse_stage_mapping(projects)
    if stage not in (*STAGES, "lost"):
        raise ValueError(f"unknown stage {stage!r}: use one of {', '.join(STAGES)} or 'lost'")
    cur = con.cursor()
    with transaction(cur):
        cur.execute("INSERT OR REPLACE INTO stage_map VALUES (?, ?, ?)", [source_system, source_stage, stage])
        won_rank = STAGES.index(setting(cur, "won_stage", DEFAULT_WON_STAGE) or DEFAULT_WON_STAGE) + 1
        match = f"source_system = $src AND {word_key_sql('source_stage')} = {word_key_sql('$word')}"
        params = {"src": source_system, "word": source_stage, "stage": stage, "won": won_rank}
        changed = cur.execute(f"""
            UPDATE deals SET
              stage = CASE WHEN $stage = 'lost' THEN stage ELSE $stage END,
              outcome = CASE WHEN outcome <> 'open' THEN outcome WHEN $stage = 'lost' THEN 'lost'
                             WHEN {stage_rank_sql('$stage')} >= $won THEN 'won' ELSE 'open' END,
              won_at = CASE WHEN outcome = 'open' AND $stage <> 'lost' AND {stage_rank_sql('$stage')} >= $won
                            THEN coalesce(won_at, stage_entered_at, updated_at, created_at) ELSE won_at END,
              lost_at = CASE WHEN outcome = 'open' AND $stage = 'lost'
                             THEN coalesce(lost_at, stage_entered_at, updated_at, created_at) ELSE lost_at END
            WHERE {match}""", params).fetchall()[0][0]
        events = f"starts_with(deal_id, $src || ':') AND {word_key_sql('source_stage')} = {word_key_sql('$word')}"
        words = {"src": source_system, "word": source_stage, "stage": stage}
        # Re-mapping: events logged under an earlier mapping of these words move to the new stage.
        cur.execute(f"""INSERT INTO stage_events
            SELECT deal_id, entered_at, from_stage, $stage, source_stage, staff_id, batch_id FROM stage_events
            WHERE {events} AND to_stage <> $stage ON CONFLICT DO NOTHING""", words)
        cur.execute(f"DELETE FROM stage_events WHERE {events} AND to_stage <> $stage", words)
        cur.execute(f"""
            INSERT INTO stage_events (deal_id, entered_at, from_stage, to_stage, source_stage, staff_id, batch_id)
            SELECT deal_id, entered_at, NULL, $stage, source_stage, staff_id, batch_id
            FROM pending_stage_events WHERE {match} ON CONFLICT DO NOTHING""", words)
        cur.execute(f"DELETE FROM pending_stage_events WHERE {match}", {"src": source_system, "word": source_stage})
        cur.execute("CREATE OR REPLACE TEMP TABLE _touched AS SELECT deal_id FROM deals WHERE source_system = ?",
                    [source_system])
        rebuild_from_stages(cur, "SELECT deal_id FROM _touched")
        changed += raise_deal_stages(cur, None, "SELECT deal_id FROM _touched")
        cur.execute("DROP TABLE _touched")
        refresh_group_attribution(cur)
    return changed
