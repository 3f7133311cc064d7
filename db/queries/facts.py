"""kpi_facts: the facts the KPIs count, with their dimensions and measures joined once.

kpi_aggregates over the tables joins customers, the fact's deal, the follow-ups within 24 h and
the won deals of first visits on every call: ~0.15 s per call at 1M deals and 5M activities, and
a page makes five to ten calls. The same numbers from kpi_facts are one filtered scan (~15 ms).

The funnel's stage stays and reached stages are kept the same way ('stay' and 'reach' rows): a
window function over the whole stage history and a per-deal expansion to every reached stage
cost 0.3-0.8 s per call at 1M deals and are the same every time.

open_deal_facts (each open deal's stage since and last activity, for the overview's stalled deals
and overdue follow-ups) and deal_progress (how far each deal got, for the hand-offs) are kept
with it.

kpi_facts is derived data (schema.sql): `refresh_kpi_facts` rebuilds it, whole or for the
records one import batch wrote, and records the tables' row counts in kpi_facts_state.
`facts_current` says whether those counts still hold; kpi_aggregates falls back to the tables
when they do not (a table written without a refresh). Rows are identical either way: a fact's
dimensions are the same attribution columns and customer joins kpi_aggregates uses.
"""

from __future__ import annotations

import duckdb

from domain import STAGES, VISIT_KINDS

FOLLOWUP_HOURS = 24
# The version of kpi_facts' rows: a state row of another layout means "rebuild before use".
# 3: deal_touches is kept with them. 4: deals without stage history have no 'reach' rows (their
# 'created' row has position and entered_at; REACHED_STAGES expands them). 5: open_deal_facts
# and deal_progress instead of deal_touches.
FACTS_LAYOUT = 5
# Columns of kpi_facts added after its first layout (a table created then gets them on refresh).
_ADDED_COLUMNS = {"stage": "VARCHAR", "position": "INTEGER", "stay_days": "DOUBLE", "reached_at": "TIMESTAMP",
                  "entered_at": "TIMESTAMP", "inferred": "BOOLEAN"}
_STAGES = "[" + ", ".join(f"'{s}'" for s in STAGES) + "]"   # constants of domain.py
_COUNTED = ("deals", "activities", "surveys", "customers", "memberships", "stage_events")
_COUNTS = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {t}" for t in _COUNTED)
_VISITS = "(" + ", ".join(f"'{k}'" for k in VISIT_KINDS) + ")"   # constants of domain.py
_RANKS = f"SELECT unnest({_STAGES}) AS stage, generate_subscripts({_STAGES}, 1) - 1 AS position"


def _logged(deals: str) -> str:
    """SELECT deal_id, furthest_at of the deals in `deals` with canonical stage history: the first
    entry into the furthest stage each logged. The key orders by position, then earliest first
    (|epoch_us| < 1e16 until the year 2286; a [position, -epoch] list key cost 20 ms more)."""
    return f"""
            SELECT e.deal_id, arg_max(e.entered_at, list_position({_STAGES}, e.to_stage) * 10000000000000000
                                                    - epoch_us(e.entered_at)) AS furthest_at
            FROM stage_events e
            WHERE e.deal_id IN (SELECT deal_id FROM {deals}) AND list_position({_STAGES}, e.to_stage) IS NOT NULL
            GROUP BY e.deal_id"""


def _deal_progress(deals: str) -> str:
    """SELECT the deal_progress rows (schema.sql) of the deals in `deals` (a table or subquery)
    that changed owner: only those can have been handed off."""
    return f"""
        WITH d AS (
            SELECT deal_id, stage FROM {deals} WHERE deal_id IN (SELECT deal_id FROM ownership_events)
        ), logged AS ({_logged("d")}
        )
        SELECT d.deal_id, lg.furthest_at,
               CASE WHEN lg.deal_id IS NULL THEN list_position({_STAGES}, d.stage) END AS current_position
        FROM d LEFT JOIN logged lg ON lg.deal_id = d.deal_id"""


def _inlined(rows: str) -> str:
    """`NOT MATERIALIZED ` for a CTE over a whole table: DuckDB would copy a CTE read by several
    parts of the query (1M deals: 0.15 s) where scanning the table again costs less."""
    return "NOT MATERIALIZED " if rows.isidentifier() else ""


def _deal_facts(deals: str) -> str:
    """SELECT of the created and closed facts of the deals in `deals` (a table or subquery)."""
    return f"""
        WITH d AS {_inlined(deals)}(SELECT * FROM {deals}),
        touches AS ({_deal_activities("d", "a.kind <> 'first_visit'")}
        ), on_time AS (
            SELECT DISTINCT d.deal_id FROM d JOIN touches t ON t.deal_id = d.deal_id
            WHERE t.occurred_at > d.created_at AND t.occurred_at <= d.created_at + INTERVAL {FOLLOWUP_HOURS} HOUR
        ), logged AS ({_logged("d")}
        )
        SELECT 'created' AS fact, d.deal_id AS fact_id, d.created_at AS moment, d.group_id,
               coalesce(d.creator_staff_id, d.owner_staff_id) AS staff_id, d.project_id, d.customer_id,
               c.source_channel, c.customer_type, 1 AS deals, (ot.deal_id IS NOT NULL)::INTEGER AS followup_on_time,
               -- without stage history: the current stage's position and entry (REACHED_STAGES)
               CASE WHEN lg.deal_id IS NULL THEN list_position({_STAGES}, d.stage) - 1 END AS position,
               CASE WHEN lg.deal_id IS NULL AND list_position({_STAGES}, d.stage) IS NOT NULL
                    THEN coalesce(d.stage_entered_at, d.created_at) END AS entered_at
        FROM d LEFT JOIN customers c ON c.customer_id = d.customer_id LEFT JOIN on_time ot ON ot.deal_id = d.deal_id
        LEFT JOIN logged lg ON lg.deal_id = d.deal_id
        UNION ALL BY NAME
        SELECT 'closed' AS fact, d.deal_id AS fact_id,
               CASE WHEN d.outcome = 'won' THEN d.won_at ELSE d.lost_at END AS moment, d.closing_group_id AS group_id,
               d.owner_staff_id AS staff_id, d.project_id, d.customer_id, c.source_channel, c.customer_type,
               (d.outcome = 'won')::INTEGER AS won_deals, (d.outcome = 'lost')::INTEGER AS lost_deals,
               CASE WHEN d.outcome = 'won' THEN coalesce(d.amount, 0) END AS won_amount,
               CASE WHEN d.outcome = 'won' THEN date_diff('day', CAST(d.created_at AS DATE), CAST(d.won_at AS DATE))
                    END AS cycle_days
        FROM d LEFT JOIN customers c ON c.customer_id = d.customer_id
        WHERE (d.outcome = 'won' AND d.won_at IS NOT NULL) OR (d.outcome = 'lost' AND d.lost_at IS NOT NULL)"""


def _activity_facts(activities: str) -> str:
    """SELECT of the visit facts of the activities in `activities` (other kinds are not facts)."""
    return f"""
        WITH a AS (SELECT * FROM {activities} WHERE kind IN {_VISITS}),
        wins AS (
            SELECT a.activity_id, date_diff('day', CAST(a.occurred_at AS DATE), CAST(w.won_at AS DATE)) AS days
            FROM a JOIN deals w ON w.deal_id = a.deal_id AND w.outcome = 'won'
            WHERE a.kind = 'first_visit'
            UNION ALL
            SELECT a.activity_id, date_diff('day', CAST(a.occurred_at AS DATE), CAST(w.won_at AS DATE))
            FROM a JOIN deals w ON a.deal_id IS NULL AND w.customer_id = a.customer_id AND w.outcome = 'won'
            WHERE a.kind = 'first_visit'
        ), first_won AS (SELECT activity_id, min(days) AS days FROM wins WHERE days >= 0 GROUP BY activity_id)
        SELECT 'activity' AS fact, a.activity_id AS fact_id, a.occurred_at AS moment, a.group_id, a.staff_id,
               ad.project_id, coalesce(a.customer_id, ad.customer_id) AS customer_id, c.source_channel,
               c.customer_type, 1 AS visits, (a.kind = 'first_visit')::INTEGER AS first_visits,
               fw.days AS first_won_days
        FROM a LEFT JOIN deals ad ON ad.deal_id = a.deal_id
        LEFT JOIN customers c ON c.customer_id = coalesce(a.customer_id, ad.customer_id)
        LEFT JOIN first_won fw ON fw.activity_id = a.activity_id"""


def _survey_facts(surveys: str) -> str:
    return f"""
        SELECT 'survey' AS fact, s.survey_id AS fact_id, s.answered_at AS moment, s.group_id, s.staff_id,
               sd.project_id, coalesce(s.customer_id, sd.customer_id) AS customer_id, c.source_channel,
               c.customer_type, s.csat, s.nps
        FROM {surveys} s LEFT JOIN deals sd ON sd.deal_id = s.deal_id
        LEFT JOIN customers c ON c.customer_id = coalesce(s.customer_id, sd.customer_id)"""


def _deal_dimensions(alias: str) -> str:
    """The created-at dimensions of deal `alias` (as the 'created' fact has them); needs `c`."""
    return (f"{alias}.group_id, coalesce({alias}.creator_staff_id, {alias}.owner_staff_id) AS staff_id, "
            f"{alias}.project_id, {alias}.customer_id, c.source_channel, c.customer_type")


def _stay_facts(deals: str) -> str:
    """SELECT of the finished stays (an entry to the deal's next entry) of the deals in `deals`.

    As db.queries.funnel.stage_durations reads them: canonical stages only, ordered by time then
    funnel position; a deal's last stay is unfinished and has no row.
    """
    return f"""
        WITH stays AS (
            SELECT e.deal_id, e.to_stage, e.entered_at,
                   lead(e.entered_at) OVER (PARTITION BY e.deal_id
                                            ORDER BY e.entered_at, list_position({_STAGES}, e.to_stage)) AS left_at
            FROM stage_events e WHERE e.deal_id IN (SELECT deal_id FROM {deals})
              AND list_position({_STAGES}, e.to_stage) IS NOT NULL
        )
        SELECT 'stay' AS fact, d.deal_id AS fact_id, s.entered_at AS moment, {_deal_dimensions('d')},
               s.to_stage AS stage, date_diff('second', s.entered_at, s.left_at) / 86400.0 AS stay_days
        FROM stays s JOIN deals d ON d.deal_id = s.deal_id LEFT JOIN customers c ON c.customer_id = d.customer_id
        WHERE s.left_at IS NOT NULL"""


def _reach_facts(deals: str) -> str:
    """SELECT of every canonical stage each deal of `deals` with stage history reached, by the
    deal's created_at: reached_at, the first entry into the stage or any later one; entered_at,
    the first entry into the stage itself (NULL when passed over); inferred false.

    Deals without history are not stored here: their 'created' row holds their current stage's
    position and entry, and REACHED_STAGES expands them (a first import of 1M snapshot deals
    would otherwise write ~2M rows: 3.3 s of CPU of the import).
    """
    scope = "deals" if deals == "deals" else f"(SELECT * FROM deals WHERE deal_id IN (SELECT deal_id FROM {deals}))"
    return f"""
        WITH d AS {_inlined(scope)}(SELECT * FROM {scope}),
        ranks AS ({_RANKS}),
        logged AS (
            SELECT e.deal_id, r.position, min(e.entered_at) AS entered_at
            FROM stage_events e JOIN d ON d.deal_id = e.deal_id JOIN ranks r ON r.stage = e.to_stage
            GROUP BY ALL
        ), x AS (
            SELECT e.deal_id, r.position, min(e.entered_at) AS reached_at,
                   min(e.entered_at) FILTER (WHERE e.position = r.position) AS entered_at
            FROM logged e JOIN ranks r ON r.position <= e.position
            GROUP BY ALL
        )
        SELECT 'reach' AS fact, d.deal_id AS fact_id, d.created_at AS moment, {_deal_dimensions('d')},
               r.stage, x.position, x.reached_at, x.entered_at, false AS inferred
        FROM x JOIN d ON d.deal_id = x.deal_id JOIN ranks r ON r.position = x.position
        LEFT JOIN customers c ON c.customer_id = d.customer_id"""


# Every canonical stage each deal reached, with the deal's created-at dimensions (the columns of
# kpi_facts a 'reach' row has): the stored 'reach' rows of deals with stage history, and for a
# deal without any, every stage up to its current one (from its 'created' row): the current one
# reached and entered at its stage_entered_at (else created_at), the earlier ones entered at
# created_at and reached at the earlier of the two. inferred: true for the latter.
REACHED_STAGES = f"""
    SELECT f.fact_id, f.moment, f.group_id, f.staff_id, f.project_id, f.customer_id, f.source_channel,
           f.customer_type, f.stage, f.position, f.reached_at, f.entered_at, f.inferred
    FROM kpi_facts f WHERE f.fact = 'reach'
    UNION ALL
    SELECT f.fact_id, f.moment, f.group_id, f.staff_id, f.project_id, f.customer_id, f.source_channel,
           f.customer_type, r.stage, r.position,
           CASE WHEN r.position = f.position THEN f.entered_at ELSE least(f.moment, f.entered_at) END AS reached_at,
           CASE WHEN r.position = f.position THEN f.entered_at ELSE f.moment END AS entered_at, true AS inferred
    FROM kpi_facts f JOIN ({_RANKS}) r ON r.position <= f.position
    WHERE f.fact = 'created' AND f.position IS NOT NULL"""


def _deal_activities(deals: str, condition: str = "TRUE") -> str:
    """SELECT deal_id, occurred_at of the activities (under alias a, meeting `condition`) of the
    deals in `deals` (deal_id, customer_id): on the deal, or on its customer when the activity
    names no deal. The follow-up facts and the last touches both match activities so."""
    return f"""
            SELECT a.deal_id, a.occurred_at FROM activities a
            WHERE a.deal_id IN (SELECT deal_id FROM {deals}) AND {condition}
            UNION ALL
            SELECT dc.deal_id, a.occurred_at FROM activities a JOIN {deals} dc ON dc.customer_id = a.customer_id
            WHERE a.deal_id IS NULL AND {condition}"""


def _open_deal_facts(deals: str) -> str:
    """SELECT the open_deal_facts rows (schema.sql) of the open deals among `deals` (a table or subquery)."""
    return f"""
        WITH o AS {_inlined(deals)}(
            SELECT * FROM {deals} WHERE outcome = 'open'
        ), logged AS (
            SELECT e.deal_id, max(e.entered_at) AS entered_at FROM stage_events e
            JOIN o ON o.deal_id = e.deal_id AND o.stage = e.to_stage AND o.stage_entered_at IS NULL
            GROUP BY e.deal_id
        ), touched AS (
            SELECT deal_id, max(occurred_at) AS last_touch_at FROM ({_deal_activities('o')}) GROUP BY deal_id
        )
        SELECT o.deal_id, o.customer_id, o.owner_staff_id, o.group_id, o.project_id, o.stage,
               coalesce(o.stage_entered_at, l.entered_at, o.created_at) AS stage_since, o.created_at,
               o.next_follow_at, t.last_touch_at
        FROM o LEFT JOIN logged l ON l.deal_id = o.deal_id LEFT JOIN touched t ON t.deal_id = o.deal_id"""


# The per-deal tables kept with kpi_facts, and the SELECT of their rows for some deals.
_DEAL_TABLES = (("open_deal_facts", _open_deal_facts), ("deal_progress", _deal_progress))


def _insert(con: duckdb.DuckDBPyConnection, select: str) -> None:
    # Ordered by moment so that each row group covers a short span: a window reads few of them.
    con.execute(f"INSERT INTO kpi_facts BY NAME SELECT * FROM ({select}) ORDER BY moment")


def _batch_scope(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
    """Temp tables _fx_deals / _fx_activities / _fx_surveys: the records whose facts may change.

    A fact reads its own row, its deal, its customer, and (created facts) the deal's activities
    and (first visits) the deal's outcome. So: what the batch wrote, the deals of the activities
    it wrote, everything of the customers it wrote, the deals whose stage or owner history it
    extended, and every activity and survey of those deals.
    """
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _fx_customers AS SELECT customer_id FROM customers WHERE batch_id = $b""",
                {"b": batch_id})
    con.execute("""
        CREATE OR REPLACE TEMP TABLE _fx_deals AS
        SELECT deal_id, customer_id FROM deals WHERE batch_id = $b
           OR deal_id IN (SELECT deal_id FROM activities WHERE batch_id = $b)
           OR customer_id IN (SELECT customer_id FROM activities WHERE batch_id = $b AND deal_id IS NULL)
           OR customer_id IN (SELECT customer_id FROM _fx_customers)
           OR deal_id IN (SELECT deal_id FROM stage_events WHERE batch_id = $b)
           OR deal_id IN (SELECT deal_id FROM ownership_events WHERE batch_id = $b)""", {"b": batch_id})
    for table, key in (("activities", "activity_id"), ("surveys", "survey_id")):
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _fx_{table} AS
            SELECT {key} FROM {table} WHERE batch_id = $b
               OR deal_id IN (SELECT deal_id FROM _fx_deals)
               OR customer_id IN (SELECT customer_id FROM _fx_customers)
               OR (deal_id IS NULL AND customer_id IN (SELECT customer_id FROM _fx_deals))""", {"b": batch_id})


def _in_scope(con: duckdb.DuckDBPyConnection, table: str, key: str, scope: str) -> str:
    """The rows of `table` whose keys are in temp table `scope`, as SQL: the table itself when the
    scope holds every row (a first import), which spares a semi-join of every row."""
    whole = con.execute(f"SELECT (SELECT count(*) FROM {scope}) = (SELECT count(*) FROM {table})").fetchall()[0][0]
    return table if whole else f"(SELECT * FROM {table} WHERE {key} IN (SELECT {key} FROM {scope}))"


def refresh_kpi_facts(con: duckdb.DuckDBPyConnection, batch_id: int | None = None) -> None:
    """Rebuild kpi_facts (all of it, or the facts batch `batch_id` touched) and kpi_facts_state.

    Runs inside the caller's transaction, after group attribution (the facts copy its columns).
    """
    _ensure_layout(con)
    if batch_id is None or not _layout_current(con):
        con.execute("DELETE FROM kpi_facts")
        for table, select in _DEAL_TABLES:
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} BY NAME {select('deals')}")
        _insert(con, _deal_facts("deals"))
        _insert(con, _activity_facts("activities"))
        _insert(con, _survey_facts("surveys"))
        _insert(con, _stay_facts("deals"))
        _insert(con, _reach_facts("deals"))
    else:
        _batch_scope(con, batch_id)
        deals = _in_scope(con, "deals", "deal_id", "_fx_deals")
        activities = _in_scope(con, "activities", "activity_id", "_fx_activities")
        surveys = _in_scope(con, "surveys", "survey_id", "_fx_surveys")
        con.execute("""
            DELETE FROM kpi_facts
            WHERE (fact IN ('created', 'closed', 'stay', 'reach') AND fact_id IN (SELECT deal_id FROM _fx_deals))
               OR (fact = 'activity' AND fact_id IN (SELECT activity_id FROM _fx_activities))
               OR (fact = 'survey' AND fact_id IN (SELECT survey_id FROM _fx_surveys))""")
        for table, select in _DEAL_TABLES:
            con.execute(f"DELETE FROM {table} WHERE deal_id IN (SELECT deal_id FROM _fx_deals)")
            con.execute(f"INSERT INTO {table} BY NAME {select(deals)}")
        _insert(con, _deal_facts(deals))
        deal_ids = "deals" if deals == "deals" else "_fx_deals"
        _insert(con, _stay_facts(deal_ids))
        _insert(con, _reach_facts(deal_ids))
        _insert(con, _activity_facts(activities))
        _insert(con, _survey_facts(surveys))
        for table in ("_fx_customers", "_fx_deals", "_fx_activities", "_fx_surveys"):
            con.execute(f"DROP TABLE {table}")
    con.execute("DELETE FROM kpi_facts_state")
    # An empty database keeps no state row, as before its first import (undo restores that).
    con.execute(f"""INSERT INTO kpi_facts_state BY NAME SELECT * FROM (SELECT {FACTS_LAYOUT} AS layout, {_counts_sql()})
                    WHERE {' OR '.join(f'{t} > 0' for t in _COUNTED)}""")


def upgrade_facts(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild kpi_facts (and open_deal_facts) when they were built by an earlier layout; True if so.

    Until then the queries read the tables (correct, slower): run at start-up (`make run`) and
    before a benchmark, so a database from an earlier version is fast again without an import.
    """
    rows = con.execute("SELECT layout FROM kpi_facts_state").fetchall()
    if not rows or rows[0][0] == FACTS_LAYOUT:
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        refresh_kpi_facts(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return True


def _ensure_layout(con: duckdb.DuckDBPyConnection) -> None:
    """Add the columns a kpi_facts / kpi_facts_state of an earlier layout lacks (derived data)."""
    have = {name for (name,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'kpi_facts'").fetchall()}
    for name, kind in _ADDED_COLUMNS.items():
        if name not in have:
            con.execute(f"ALTER TABLE kpi_facts ADD COLUMN {name} {kind}")
    state = {name for (name,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'kpi_facts_state'").fetchall()}
    for name in ("layout", "stage_events"):
        if name not in state:
            con.execute(f"ALTER TABLE kpi_facts_state ADD COLUMN {name} BIGINT DEFAULT 0")


def _layout_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the stored facts have this code's layout (an incremental refresh builds on them)."""
    rows = con.execute("SELECT layout FROM kpi_facts_state").fetchall()
    return bool(rows) and rows[0][0] == FACTS_LAYOUT


def _counts_sql() -> str:
    return ", ".join(f"(SELECT count(*) FROM {t}) AS {t}" for t in _COUNTED)


def facts_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether kpi_facts was refreshed after the last write to the tables it derives from.

    Compares row counts (milliseconds, from DuckDB's metadata): a table written by a script
    without a refresh shows as a new count. An UPDATE outside the documented writers (imports,
    undo, stage mapping, membership changes, demo) would not: those all refresh, and a script
    that updates facts directly must call db.attribution.refresh_group_attribution after it.
    """
    cursor = con.cursor()
    try:
        state = cursor.execute(f"SELECT layout, {', '.join(_COUNTED)} FROM kpi_facts_state").fetchall()
        # The counts as rows of one UNION: ~0.8 ms, where six scalar subqueries compared in SQL
        # took ~3 ms, and every page query asks this first.
        counts = dict(cursor.execute(_COUNTS).fetchall())
    except (duckdb.CatalogException, duckdb.BinderException):
        return False      # a database from before kpi_facts (its schema is applied on a writable open)
    finally:
        cursor.close()
    if len(state) != 1:
        return False
    layout, *stored = state[0]
    return layout == FACTS_LAYOUT and stored == [counts[t] for t in _COUNTED]
