"""The scale generator: the demo's shapes at a national developer's size, written by DuckDB SQL.

`build_scale(path, deals=1_000_000)` writes a database with the schema of db/schema.sql and the
same tables as the demo (projects, groups, staff, memberships, customers, deals, stage_events,
ownership_events, activities, surveys, targets, settings), sized by `deals`: by default 5 activities
and 0.3 surveys per deal and one group per 2,500 deals (1M deals: 5M activities, 300k surveys, 400
groups). It does not tell the demo's stories; it keeps its shapes so that every page's queries do
real work: 案场 units of two projects each (one split by funnel stage into 初期接触组/跟进组/成交组
with hand-offs, one split by customer type into 刚需组/改善组), seven people per group and some who
move between groups, walk-ins and leads by channel, a funnel whose step rates depend on grade and
on each group's skill, stage history, follow-ups (a few overdue), surveys and monthly targets.

Every draw is a hash of the row number and a salt (`u(row, salt)` below), so the same size gives
the same database on any machine, and DuckDB generates it in parallel: 1M deals take well under a
minute on two cores, most of it spent building the primary-key indexes.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from db.attribution import refresh_group_attribution
from db.connection import connect
from db.demo import DEFAULT_AS_OF
from db.demo_calendar import WALK_IN_WEEKDAY, Calendar
from db.demo_customers import (
    AREA,
    GRADE_BY_CHANNEL,
    LEAD_CHANNELS,
    PHONE_PREFIXES,
    REGION_MIX,
    REGIONS,
    TYPE_MIX,
    TYPES,
    WALK_IN_CHANNELS,
    WALK_IN_SHARE,
)
from db.demo_notes import COMMENTS, NOTES
from db.demo_people import GIVEN, STAFF_GIVEN, SURNAMES
from db.demo_pipeline import GAP, LOST_REASONS
from db.demo_tables import STAGE_LABELS
from db.queries.facts import upgrade_facts
from domain import DEFAULT_WON_STAGE, STAGES

DEFAULT_DEALS = 1_000_000
ACTIVITIES_PER_DEAL = 5.0
SURVEYS_PER_DEAL = 0.3
DEALS_PER_GROUP = 2_500
STAFF_PER_GROUP = 7           # leader, deputy, five consultants
# The five groups of one 案场 unit (two projects), as in the demo.
UNIT_GROUPS = (("INIT", "初期接触组", "stage", "A", "initial_contact"),
               ("FOLLOW", "跟进组", "stage", "A", "follow_up"),
               ("CLOSE", "成交组", "stage", "A", "closing"),
               ("FIRST", "刚需组", "customer_type", "B", None),
               ("UPGRADE", "改善组", "customer_type", "B", None))
CITIES = ("北京", "上海", "广州", "深圳", "杭州", "南京", "成都", "武汉", "西安", "苏州", "重庆", "天津",
          "长沙", "郑州", "青岛", "合肥", "宁波", "厦门", "福州", "济南")
ESTATES = ("云栖", "滨江", "星河", "锦绣", "翡翠", "观澜", "春晓", "海棠")
PROJECT_A_SHARE = 0.55
# Step probability from stage k to k + 1 before the grade and skill factors (lead … contract).
ADVANCE = (0.45, 0.36, 0.55, 0.62, 0.92, 0.90)
GRADE_FACTOR = {"A": 1.35, "B": 1.0, "C": 0.7}
LOSE_SHARE = 0.85             # of deals that do not advance, this share is lost (the rest stall)
REFUND_SHARE = 0.22           # of subscriptions, refunded (lost) before contract
OVERDUE_SHARE = 0.10          # of open deals, the planned follow-up passed without a call
DAY = 86_400.0


def _sql_list(values) -> str:
    """A constant list as SQL (values come from this module's vocabulary, never from input)."""
    return "[" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def _pick(u: str, labels, probs) -> str:
    """SQL CASE drawing one of `labels` with `probs` from the uniform expression `u`."""
    cum, parts = 0.0, []
    for label, p in zip(labels[:-1], probs[:-1], strict=True):
        cum += p
        parts.append(f"WHEN {u} < {cum:.6f} THEN '{label}'")
    return f"CASE {' '.join(parts)} ELSE '{labels[-1]}' END"


def _pick_by(key: str, u: str, table: dict, labels) -> str:
    """SQL CASE: per value of `key`, one of `labels` with that value's probabilities."""
    parts = [f"WHEN {key} = '{k}' THEN {_pick(u, labels, probs)}" for k, probs in table.items()]
    return f"CASE {' '.join(parts)} END"


def _normal(n: str, salt: int) -> str:
    """SQL of a roughly standard-normal draw (sum of four uniforms, rescaled)."""
    return f"((u({n}, {salt}) + u({n}, {salt + 1}) + u({n}, {salt + 2}) + u({n}, {salt + 3}) - 2.0) * 1.7320508)"


class _Plan:
    """Sizes and the calendar of one scale database."""

    def __init__(self, deals: int, activities: int | None, surveys: int | None, groups: int | None,
                 as_of: date):
        self.deals = deals
        self.activities = int(activities if activities is not None else deals * ACTIVITIES_PER_DEAL)
        self.surveys = int(surveys if surveys is not None else deals * SURVEYS_PER_DEAL)
        wanted = groups if groups is not None else max(5, round(deals / DEALS_PER_GROUP))
        self.units = max(1, round(wanted / len(UNIT_GROUPS)))
        self.groups = self.units * len(UNIT_GROUPS)
        self.as_of = as_of
        cal = Calendar(as_of)
        self.start = cal.start
        self.n_days = cal.n_days
        self.cutoff = cal.cutoff           # seconds from the start to the last moment with data

    @property
    def staff(self) -> int:
        return self.groups * STAFF_PER_GROUP + 2 * self.units   # + a manager and an analyst per unit


def _macros(con: duckdb.DuckDBPyConnection) -> None:
    # hash(x, s) mixes its arguments weakly (u(i, 3) and u(i, 4) correlate at 0.998); one
    # hash of a combined integer does not (measured |r| < 0.001).
    con.execute("CREATE OR REPLACE TEMP MACRO u(x, s) AS ((hash(x * 131 + s) >> 11)::DOUBLE / 9007199254740992.0)")


def _organisation(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    keys, names, bases, sides, phases = zip(*UNIT_GROUPS, strict=True)
    start = plan.start.isoformat()
    con.execute(f"""
        CREATE OR REPLACE TABLE bench_groups AS
        SELECT g AS gi, g // 5 AS unit, g % 5 AS kind,
               'G' || lpad((g // 5)::VARCHAR, 4, '0') || '-' || {_sql_list(keys)}[g % 5 + 1] AS group_id,
               {_sql_list(CITIES)}[(g // 5) % {len(CITIES)} + 1] || lpad((g // 5)::VARCHAR, 4, '0') || '·'
                   || {_sql_list(names)}[g % 5 + 1] AS name,
               {_sql_list(bases)}[g % 5 + 1] AS basis,
               'P' || lpad((g // 5)::VARCHAR, 4, '0') || {_sql_list(sides)}[g % 5 + 1] AS project_id,
               [{', '.join(f"'{p}'" if p else 'NULL' for p in phases)}][g % 5 + 1] AS phase,
               0.75 + 0.5 * u(g, 7) AS skill
        FROM range({plan.groups}) t(g)""")
    con.execute("""INSERT INTO groups SELECT group_id, name, basis, project_id, phase, gi + 1 FROM bench_groups""")
    con.execute(f"""
        INSERT INTO projects
        SELECT DISTINCT project_id,
               {_sql_list(CITIES)}[unit % {len(CITIES)} + 1] || {_sql_list(ESTATES)}[(unit // {len(CITIES)}) % {len(ESTATES)} + 1]
                   || CASE WHEN kind < 3 THEN '府' ELSE '苑' END || '·' || unit::VARCHAR,
               CASE WHEN kind < 3 THEN '一期' END, '全国置业'
        FROM bench_groups""")
    per_group = plan.groups * STAFF_PER_GROUP
    con.execute(f"""
        CREATE OR REPLACE TABLE bench_staff AS
        SELECT s AS si, 'S' || lpad(s::VARCHAR, 6, '0') AS staff_id,
               CASE WHEN s < {per_group} THEN s // {STAFF_PER_GROUP}
                    WHEN s < {per_group + plan.units} THEN NULL
                    ELSE (s - {per_group + plan.units}) * 5 END AS gi,
               CASE WHEN s >= {per_group + plan.units} THEN 'analyst'
                    WHEN s >= {per_group} THEN 'manager'
                    WHEN s % {STAFF_PER_GROUP} = 0 THEN 'leader'
                    WHEN s % {STAFF_PER_GROUP} = 1 THEN 'deputy' ELSE 'consultant' END AS role,
               DATE '2021-03-01' + CAST(floor(u(s, 11) * 1500) AS INTEGER) AS hired_on,
               -- 3% of consultants move to another group of their project during the period
               s < {per_group} AND s % {STAFF_PER_GROUP} >= 2 AND u(s, 12) < 0.03 AS mover,
               DATE '{start}' + CAST(30 + floor(u(s, 13) * {plan.n_days - 60}) AS INTEGER) AS moved_on
        FROM range({plan.staff}) t(s)""")
    con.execute(f"""
        INSERT INTO staff
        SELECT staff_id, {_sql_list(SURNAMES)}[CAST(floor(u(si, 14) * {len(SURNAMES)}) AS INTEGER) + 1]
                   || {_sql_list(STAFF_GIVEN)}[CAST(floor(u(si, 15) * {len(STAFF_GIVEN)}) AS INTEGER) + 1]
                   || {_sql_list(STAFF_GIVEN)}[CAST(floor(u(si, 16) * {len(STAFF_GIVEN)}) AS INTEGER) + 1]
                   || si::VARCHAR,
               role, TRUE, least(hired_on, DATE '{start}' - 1), NULL, 'bench'
        FROM bench_staff""")
    new_group = "b.unit * 5 + CASE WHEN b.kind < 3 THEN (b.kind + 1) % 3 ELSE 3 + (b.kind - 2) % 2 END"
    con.execute(f"""
        INSERT INTO memberships
        SELECT s.staff_id, b.group_id, s.role, least(s.hired_on, DATE '{start}' - 1),
               CASE WHEN s.mover THEN s.moved_on END
        FROM bench_staff s JOIN bench_groups b ON b.gi = s.gi
        UNION ALL
        SELECT s.staff_id, n.group_id, s.role, s.moved_on, NULL
        FROM bench_staff s JOIN bench_groups b ON b.gi = s.gi JOIN bench_groups n ON n.gi = {new_group}
        WHERE s.mover""")


def _arrivals(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    """bench_deals: one row per deal (and customer) in creation order, with its attributes."""
    weekday = list(WALK_IN_WEEKDAY / WALK_IN_WEEKDAY.sum())
    first_weekday = plan.start.weekday()
    walk_channels = _pick("u(i, 24)", *WALK_IN_CHANNELS)
    lead_channels = _pick("u(i, 24)", *LEAD_CHANNELS)
    area = {t: AREA[t] for t in TYPES}
    area_sql = " ".join(f"WHEN '{t}' THEN least(greatest(round({m} + {s} * {_normal('i', 30)}), {lo}), {hi})"
                        for t, (m, s, lo, hi) in area.items())
    con.execute(f"""
        CREATE OR REPLACE TABLE bench_arrivals AS
        WITH a AS (
            SELECT i,
                   -- unit sizes are skewed: a few large 案场, many small ones
                   CAST(floor({plan.units} * pow(u(i, 20), 1.6)) AS INTEGER) AS unit,
                   u(i, 21) < {PROJECT_A_SHARE} AS side_a,
                   u(i, 22) < {WALK_IN_SHARE} AS walk_in,
                   -- more traffic later in the period (growth), weekends busier for walk-ins
                   CAST(floor({plan.n_days} * pow(u(i, 23), 0.8)) AS INTEGER) AS day0
            FROM range({plan.deals}) t(i)
        ), b AS (
            SELECT *, CASE WHEN walk_in THEN {walk_channels} ELSE {lead_channels} END AS source_channel,
                   ((day0 + {first_weekday}) // 7) * 7 - {first_weekday}
                       + CAST({_pick('u(i, 25)', list(range(7)), weekday)} AS INTEGER) AS day1
            FROM a
        )
        SELECT *, least(greatest(day1, 0), {plan.n_days - 1}) AS day,
               {_pick_by('source_channel', 'u(i, 26)', GRADE_BY_CHANNEL, ['A', 'B', 'C'])} AS grade,
               CASE WHEN side_a THEN {_pick('u(i, 27)', TYPES, TYPE_MIX['PA'])}
                    ELSE {_pick('u(i, 27)', TYPES, TYPE_MIX['PB'])} END AS customer_type,
               CASE WHEN side_a THEN {_pick('u(i, 28)', REGIONS, REGION_MIX['PA'])}
                    ELSE {_pick('u(i, 28)', REGIONS, REGION_MIX['PB'])} END AS region
        FROM b""")
    con.execute(f"""
        CREATE OR REPLACE TABLE bench_deals AS
        WITH c AS (
            SELECT *, least(day * {DAY} + CASE WHEN walk_in THEN (9.5 + 10.0 * u(i, 29)) ELSE (9.0 + 12.0 * u(i, 29)) END * 3600,
                            {plan.cutoff}) AS created,
                   CASE customer_type {area_sql} END AS area,
                   CASE WHEN side_a THEN 28500.0 ELSE 23500.0 END * (0.75 + 0.5 * u(unit, 31)) AS price
            FROM bench_arrivals
        )
        SELECT row_number() OVER (ORDER BY created, i) - 1 AS n, * EXCLUDE (day0, day1)
        FROM c""")
    con.execute("DROP TABLE bench_arrivals")


def _funnel(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    """bench_funnel: per deal the receiving and later groups/staff, stage times, outcome."""
    gf = " ".join(f"WHEN '{g}' THEN {f}" for g, f in GRADE_FACTOR.items())
    recv = "CASE WHEN d.side_a THEN 0 WHEN d.customer_type = 'first_home' THEN 3 ELSE 4 END"
    pick_staff = ("CASE WHEN u(d.n, {s}) < 0.07 THEN 0 WHEN u(d.n, {s}) < 0.18 THEN 1 "
                  "ELSE 2 + CAST(floor((u(d.n, {s}) - 0.18) / 0.82 * 5) AS INTEGER) END")
    con.execute(f"""
        CREATE OR REPLACE TABLE bench_p AS
        SELECT d.*, d.unit * 5 + {recv} AS recv_gi,
               (d.unit * 5 + {recv}) * {STAFF_PER_GROUP} + {pick_staff.format(s=40)} AS creator_si,
               (d.unit * 5 + 1) * {STAFF_PER_GROUP} + {pick_staff.format(s=41)} AS follow_si,
               (d.unit * 5 + 2) * {STAFF_PER_GROUP} + {pick_staff.format(s=42)} AS close_si,
               CASE d.grade {gf} END AS gf,
               r.skill AS s_recv,
               CASE WHEN d.side_a THEN f.skill ELSE r.skill END AS s_follow,
               CASE WHEN d.side_a THEN c.skill ELSE r.skill END AS s_close
        FROM bench_deals d
        JOIN bench_groups r ON r.gi = d.unit * 5 + {recv}
        JOIN bench_groups f ON f.gi = d.unit * 5 + 1
        JOIN bench_groups c ON c.gi = d.unit * 5 + 2""")
    probs = [f"least({ADVANCE[0]} * gf, 0.95)", f"least({ADVANCE[1]} * gf * s_recv, 0.95)",
             f"least({ADVANCE[2]} * sqrt(gf) * s_follow, 0.95)", f"least({ADVANCE[3]} * s_close, 0.95)",
             str(ADVANCE[4]), str(ADVANCE[5])]
    gaps = [GAP[k] for k in range(6)]
    # t0 … t6: seconds from the period start at which the deal entered each stage (NULL: never).
    sql = ("SELECT *, CASE WHEN walk_in THEN NULL ELSE created END AS t0, "
           "CASE WHEN walk_in THEN created END AS t1_entry FROM bench_p")
    for k in range(6):
        median, _, low, high = gaps[k]
        gap = f"least({low} + {median} * -ln(1.0 - u(n, {50 + k})), {high})"
        tod = f"(9.5 + 10.0 * u(n, {60 + k})) * 3600"
        nxt = f"floor((t{k} + {gap} * {DAY}) / {DAY}) * {DAY} + {tod}"
        advance = f"u(n, {70 + k}) < {probs[k]}"
        t_next = f"CASE WHEN t{k} IS NOT NULL AND {advance} AND {nxt} <= {plan.cutoff} THEN {nxt} END"
        if k == 0:
            t_next = f"coalesce(t1_entry, {t_next})"
        sql = f"SELECT *, {advance} AS drew{k}, {t_next} AS t{k + 1} FROM ({sql})"
    lost_gap = f"least(3 + 25 * -ln(1.0 - u(n, 80)), 150) * {DAY}"
    refund_gap = f"least(2 + 10 * -ln(1.0 - u(n, 81)), 30) * {DAY}"
    early, late, refund = (LOST_REASONS[k] for k in ("early", "late", "refund"))
    con.execute(f"""
        CREATE OR REPLACE TABLE bench_funnel AS
        WITH s AS (
            SELECT *, CASE WHEN t6 IS NOT NULL THEN 6 WHEN t5 IS NOT NULL THEN 5 WHEN t4 IS NOT NULL THEN 4
                           WHEN t3 IS NOT NULL THEN 3 WHEN t2 IS NOT NULL THEN 2 WHEN t1 IS NOT NULL THEN 1
                           ELSE 0 END AS f,
                   [drew0, drew1, drew2, drew3, drew4, drew5, false] AS drew
            FROM ({sql})
        ), o AS (
            SELECT *, [t0, t1, t2, t3, t4, t5, t6][f + 1] AS t_f,
                   CASE WHEN f = 4 AND NOT drew4 AND u(n, 82) < {REFUND_SHARE}
                             AND t4 + {refund_gap} <= {plan.cutoff} THEN t4 + {refund_gap}
                        WHEN f < 4 AND NOT drew[f + 1] AND u(n, 83) < {LOSE_SHARE}
                             AND [t0, t1, t2, t3][f + 1] + {lost_gap} <= {plan.cutoff}
                        THEN floor(([t0, t1, t2, t3][f + 1] + {lost_gap}) / {DAY}) * {DAY}
                             + (9.0 + 12.0 * u(n, 84)) * 3600 END AS lost_t
            FROM s
        )
        SELECT *, CASE WHEN lost_t IS NOT NULL THEN 'lost' WHEN f >= 4 THEN 'won' ELSE 'open' END AS outcome,
               CASE WHEN lost_t IS NULL THEN NULL WHEN f = 4 THEN {_pick('u(n, 85)', *refund)}
                    WHEN f <= 1 THEN {_pick('u(n, 85)', *early)} ELSE {_pick('u(n, 85)', *late)} END AS lost_reason,
               CASE WHEN lost_t IS NOT NULL THEN lost_t WHEN f = 6 THEN t6
                    WHEN f >= 4 THEN least(t_f + 45 * {DAY}, {plan.cutoff}) ELSE {plan.cutoff} END AS t_end,
               CASE WHEN side_a AND f >= 3 THEN close_si WHEN side_a AND f >= 2 THEN follow_si
                    ELSE creator_si END AS owner_si
        FROM o""")
    con.execute("DROP TABLE bench_p")


def _owner_at(t: str) -> str:
    """SQL: the staff index owning a deal of bench_funnel `f` at time `t` (hand-offs at 复访, 认筹)."""
    return (f"CASE WHEN f.side_a AND f.t3 IS NOT NULL AND {t} >= f.t3 THEN f.close_si "
            f"WHEN f.side_a AND f.t2 IS NOT NULL AND {t} >= f.t2 THEN f.follow_si ELSE f.creator_si END")


def _ts(seconds: str, plan: _Plan) -> str:
    return f"(TIMESTAMP '{plan.start.isoformat()} 00:00:00' + to_seconds(CAST(floor({seconds}) AS BIGINT)))"


def _sid(index: str) -> str:
    return f"('S' || lpad(CAST({index} AS VARCHAR), 6, '0'))"


def _did(index: str) -> str:
    return f"('D' || lpad(CAST({index} AS VARCHAR), 8, '0'))"


def _notes_sql(kind: str, salt: str) -> str:
    parts = []
    for key, options in NOTES.items():
        parts.append(f"WHEN {kind} = '{key}' THEN {_sql_list(options)}"
                     f"[CAST(floor(u({salt}) * {len(options)}) AS INTEGER) + 1]")
    return f"CASE {' '.join(parts)} END"


def _activities(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    """bench_acts: the activity log (visits at stage entries, calls, follow-ups, lost calls, touches)."""
    pieces = [
        # every stage entered on site is a visit: 首访 once, then 复访 (认筹/认购 are visits too)
        """SELECT f.n, t AS t, CASE WHEN k = 1 THEN 'first_visit' ELSE 'revisit' END AS kind, k AS salt
            FROM bench_funnel f, unnest([f.t1, f.t2, f.t3, f.t4]) WITH ORDINALITY AS v(t, k) WHERE t IS NOT NULL""",
        "SELECT f.n, f.t0, 'call', 5 FROM bench_funnel f WHERE f.t0 IS NOT NULL AND f.source_channel = 'phone'",
        # the first follow-up: within a day for most deals, faster in better groups
        """SELECT f.n, f.created + CASE WHEN u(f.n, 90) < 0.55 + 0.3 * f.s_recv
                                      THEN 0.3 + 23 * u(f.n, 91) ELSE 25 + 71 * u(f.n, 91) END * 3600,
                   CASE WHEN u(f.n, 92) < 0.6 THEN 'phone' ELSE 'wechat' END, 6 FROM bench_funnel f""",
        "SELECT f.n, f.lost_t, 'phone', 7 FROM bench_funnel f WHERE f.lost_t IS NOT NULL",
        "SELECT f.n, f.t2 + 2400, 'viewing', 8 FROM bench_funnel f WHERE f.t2 IS NOT NULL AND u(f.n, 93) < 0.25",
    ]
    con.execute("CREATE OR REPLACE TABLE bench_pieces AS " + " UNION ALL ".join(pieces))
    fixed = con.execute("SELECT count(*) FROM bench_pieces").fetchall()[0][0]
    touches = max(0, plan.activities - fixed)
    # phone/WeChat touches spread over each deal's life; the deal is a hash pick
    con.execute(f"""
        INSERT INTO bench_pieces
        SELECT f.n, f.created + u(j, 95) * (f.t_end - f.created), CASE WHEN u(j, 96) < 0.6 THEN 'phone' ELSE 'wechat' END, 9
        FROM range({touches}) t(j) JOIN bench_funnel f ON f.n = CAST(floor(u(j, 94) * {plan.deals}) AS BIGINT)""")
    con.execute(f"""
        CREATE OR REPLACE TABLE bench_acts AS
        SELECT row_number() OVER (ORDER BY p.t, p.n, p.kind) AS a, p.n, floor(p.t) AS t, p.kind,
               {_owner_at('p.t')} AS si, f.outcome
        FROM bench_pieces p JOIN bench_funnel f ON f.n = p.n WHERE p.t <= {plan.cutoff}""")
    con.execute("DROP TABLE bench_pieces")


def _next_follow(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    """bench_follow: open deals' next follow-up: 10% overdue (planned after the last call, passed)."""
    con.execute(f"""
        CREATE OR REPLACE TABLE bench_follow AS
        SELECT a.n, CASE WHEN u(a.n, 100) < {OVERDUE_SHARE} THEN max(a.t) + (1 + floor(u(a.n, 101) * 7)) * {DAY}
                         ELSE (floor({plan.cutoff} / {DAY}) + 1 + floor(u(a.n, 101) * 10)) * {DAY} + 36000 END AS t
        FROM bench_acts a WHERE a.outcome = 'open' GROUP BY a.n""")


def _insert_people_facts(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    names = f"""{_sql_list(SURNAMES)}[CAST(floor(pow(u(d.n, 110), 1.8) * {len(SURNAMES)}) AS INTEGER) + 1]
                || {_sql_list(GIVEN)}[CAST(floor(u(d.n, 111) * {len(GIVEN)}) AS INTEGER) + 1]
                || CASE WHEN u(d.n, 112) < 0.65
                        THEN {_sql_list(GIVEN)}[CAST(floor(u(d.n, 113) * {len(GIVEN)}) AS INTEGER) + 1] ELSE '' END"""
    prefixes = "[" + ", ".join(str(p) for p in PHONE_PREFIXES) + "]"
    layout = "CASE WHEN d.area < 90 THEN '两房' WHEN d.area < 125 THEN '三房' WHEN d.area < 155 THEN '四房' ELSE '复式' END"
    con.execute(f"""
        INSERT INTO customers
        SELECT 'C' || lpad(d.n::VARCHAR, 8, '0'), 'bench', 'C' || lpad(d.n::VARCHAR, 8, '0'), {names},
               {prefixes}[CAST(floor(u(d.n, 114) * {len(PHONE_PREFIXES)}) AS INTEGER) + 1]::VARCHAR
                   || lpad(CAST(floor(u(d.n, 115) * 1e8) AS BIGINT)::VARCHAR, 8, '0'),
               d.source_channel, d.customer_type, d.grade, {layout}, d.area,
               least(greatest(round(d.area * d.price * exp(0.15 * {_normal('d.n', 116)}), -5), 1.5e6), 9e6),
               d.region, {_ts('d.created', plan)}, NULL
        FROM bench_funnel d ORDER BY d.n""")
    stage_keys = _sql_list(STAGES)
    labels = _sql_list(STAGE_LABELS[s] for s in STAGES)
    con.execute(f"""
        INSERT INTO deals
        SELECT {_did('f.n')}, 'bench', {_did('f.n')}, p.name || '-' || {stage_keys}[f.f + 1],
               'C' || lpad(f.n::VARCHAR, 8, '0'), {_sid('f.owner_si')}, {_sid('f.creator_si')},
               g.name, NULL, NULL, 'P' || lpad(f.unit::VARCHAR, 4, '0') || CASE WHEN f.side_a THEN 'A' ELSE 'B' END,
               {stage_keys}[f.f + 1], {labels}[f.f + 1], f.outcome,
               round(f.area * (0.92 + 0.16 * u(f.n, 120)) * (f.price + 1500 * {_normal('f.n', 121)}), -2), 'CNY',
               {_ts('f.created', plan)}, {_ts('f.t_f', plan)},
               CASE WHEN f.outcome = 'won' THEN {_ts('f.t4', plan)} END,
               CASE WHEN f.outcome = 'lost' THEN {_ts('f.lost_t', plan)} END, f.lost_reason,
               {_ts('nf.t', plan)}, {_ts('greatest(f.t_f, coalesce(f.lost_t, 0))', plan)}, NULL
        FROM bench_funnel f
        JOIN bench_groups g ON g.gi = f.owner_si // {STAFF_PER_GROUP}
        JOIN projects p ON p.project_id = 'P' || lpad(f.unit::VARCHAR, 4, '0') || CASE WHEN f.side_a THEN 'A' ELSE 'B' END
        LEFT JOIN bench_follow nf ON nf.n = f.n
        ORDER BY f.n""")


def _insert_history(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    stage_keys = _sql_list(STAGES)
    labels = _sql_list(STAGE_LABELS[s] for s in STAGES)
    con.execute(f"""
        INSERT INTO stage_events
        SELECT {_did('f.n')}, {_ts('v.t', plan)},
               CASE WHEN v.k > 1 AND [f.t0, f.t1, f.t2, f.t3, f.t4, f.t5, f.t6][v.k - 1] IS NOT NULL
                    THEN {stage_keys}[v.k - 1] END,
               {stage_keys}[v.k], {labels}[v.k], {_sid(_owner_at('v.t'))}, NULL
        FROM bench_funnel f, unnest([f.t0, f.t1, f.t2, f.t3, f.t4, f.t5, f.t6]) WITH ORDINALITY AS v(t, k)
        WHERE v.t IS NOT NULL ORDER BY f.n, v.k""")
    con.execute(f"""
        INSERT INTO ownership_events
        SELECT {_did('n')}, {_ts('t2', plan)}, {_sid('creator_si')}, {_sid('follow_si')}, NULL
        FROM bench_funnel WHERE side_a AND t2 IS NOT NULL AND creator_si <> follow_si
        UNION ALL
        SELECT {_did('n')}, {_ts('t3', plan)}, {_sid('follow_si')}, {_sid('close_si')}, NULL
        FROM bench_funnel WHERE side_a AND t3 IS NOT NULL AND follow_si <> close_si""")


def _insert_activities(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    """The log with its planned next follow-ups: most plans are kept (the next touch is the
    planned day), one in ten slips by days; an open deal's last touch plans the deal's next one."""
    follow_kinds = "('call', 'first_visit', 'revisit', 'phone', 'wechat')"
    slip = f"(1 + floor(u(a.a, 131) * 7)) * {DAY}"
    con.execute(f"""
        INSERT INTO activities
        WITH a AS (
            SELECT a.*, lead(a.t) OVER (PARTITION BY a.n ORDER BY a.t, a.a) AS next_t FROM bench_acts a
        )
        SELECT 'A' || lpad(a.a::VARCHAR, 9, '0'), 'bench', 'A' || lpad(a.a::VARCHAR, 9, '0'),
               {_did('a.n')}, 'C' || lpad(a.n::VARCHAR, 8, '0'), {_sid('a.si')}, NULL, a.kind,
               {_ts('a.t', plan)},
               CASE WHEN a.next_t IS NULL THEN {_ts('nf.t', plan)}
                    WHEN a.kind NOT IN {follow_kinds} OR u(a.a, 130) >= 0.8 THEN NULL
                    WHEN u(a.a, 133) < 0.9 THEN {_ts(f'floor(a.next_t / {DAY}) * {DAY}', plan)}
                    ELSE {_ts(f'floor(a.next_t / {DAY}) * {DAY} - {slip}', plan)} END,
               {_notes_sql('a.kind', 'a.a, 132')}, NULL
        FROM a LEFT JOIN bench_follow nf ON nf.n = a.n ORDER BY a.a""")


def _insert_surveys(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    """Surveys after first visits (and about half after subscriptions), scored by the served group."""
    served = "CASE WHEN f.t4 IS NOT NULL AND u(j, 141) < 0.5 THEN f.t4 ELSE coalesce(f.t1, f.t0) END"
    csat = f"least(greatest(round(4.1 + (g.skill - 1.0) * 1.6 + 0.9 * {_normal('j', 150)}), 1), 5)"
    comments = COMMENTS
    con.execute(f"""
        CREATE OR REPLACE TABLE bench_surveys AS
        SELECT j, f.n, {served} AS served, {_owner_at(served)} AS si
        FROM range({plan.surveys}) t(j) JOIN bench_funnel f ON f.n = CAST(floor(u(j, 140) * {plan.deals}) AS BIGINT)""")
    con.execute(f"""
        INSERT INTO surveys
        WITH s AS (
            SELECT s.*, s.served + greatest(3600, floor(u(j, 142) * 2) * {DAY} + u(j, 143) * 12 * 3600) AS answered,
                   {csat} AS csat
            FROM bench_surveys s JOIN bench_groups g ON g.gi = s.si // {STAFF_PER_GROUP}
            JOIN bench_funnel f ON f.n = s.n
        )
        SELECT 'V' || lpad(j::VARCHAR, 8, '0'), 'bench', 'V' || lpad(j::VARCHAR, 8, '0'),
               'C' || lpad(n::VARCHAR, 8, '0'), {_did('n')}, {_sid('si')}, NULL, {_ts('answered', plan)},
               csat, least(greatest(round(2 * csat - 0.6 + 1.1 * {_normal('j', 160)}), 0), 10),
               CASE WHEN u(j, 144) >= 0.4 THEN NULL
                    WHEN csat >= 4 THEN {_sql_list(comments['good'])}[CAST(floor(u(j, 145) * {len(comments['good'])}) AS INTEGER) + 1]
                    WHEN csat = 3 THEN {_sql_list(comments['neutral'])}[CAST(floor(u(j, 145) * {len(comments['neutral'])}) AS INTEGER) + 1]
                    ELSE {_sql_list(comments['bad'])}[CAST(floor(u(j, 145) * {len(comments['bad'])}) AS INTEGER) + 1] END,
               NULL
        FROM s WHERE answered <= {plan.cutoff} ORDER BY answered, j""")
    con.execute("DROP TABLE bench_surveys")


def _insert_targets(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    """Monthly group targets near each group's actuals (as the demo: activity counts for the
    stage groups that hand deals on, won deals and amount for the groups that close)."""
    as_of_month = plan.as_of.replace(day=1)
    next_month = (as_of_month + timedelta(days=32)).replace(day=1)
    con.execute(f"""
        INSERT INTO targets
        WITH months AS (
            SELECT CAST(m AS DATE) AS month FROM generate_series(DATE '{plan.start.isoformat()}',
                DATE '{next_month.isoformat()}', INTERVAL 1 MONTH) t(m)
        ), won AS (
            SELECT closing_group_id AS group_id, CAST(date_trunc('month', won_at) AS DATE) AS month,
                   count(*) AS won_deals, sum(amount) AS won_amount
            FROM deals WHERE outcome = 'won' GROUP BY ALL
        ), visits AS (
            SELECT group_id, CAST(date_trunc('month', occurred_at) AS DATE) AS month,
                   count(*) FILTER (WHERE kind = 'first_visit') AS first_visits, count(*) AS visits
            FROM activities WHERE kind IN ('first_visit', 'revisit') GROUP BY ALL
        ), metrics AS (
            SELECT b.group_id, b.gi, unnest(CASE b.kind WHEN 0 THEN ['first_visits'] WHEN 1 THEN ['visits']
                                                 ELSE ['won_deals', 'won_amount'] END) AS metric
            FROM bench_groups b
        ), actual AS (
            SELECT m.group_id, m.gi, m.metric, mo.month,
                   coalesce(CASE m.metric WHEN 'first_visits' THEN v.first_visits WHEN 'visits' THEN v.visits
                                 WHEN 'won_deals' THEN w.won_deals ELSE w.won_amount END, 0)::DOUBLE AS value
            FROM metrics m CROSS JOIN months mo
            LEFT JOIN won w ON w.group_id = m.group_id AND w.month = mo.month
            LEFT JOIN visits v ON v.group_id = m.group_id AND v.month = mo.month
        ), level AS (
            SELECT *, CASE WHEN month < DATE '{as_of_month.isoformat()}' THEN value ELSE
                        avg(value) FILTER (WHERE month < DATE '{as_of_month.isoformat()}'
                                             AND month >= DATE '{as_of_month.isoformat()}' - INTERVAL 6 MONTH)
                            OVER (PARTITION BY group_id, metric) END AS base
            FROM actual
        )
        SELECT 'group', group_id, month, metric,
               greatest(round(base * (0.95 + 0.2 * u(gi * 1000 + month_index, 170)),
                              CASE metric WHEN 'won_amount' THEN -5 WHEN 'won_deals' THEN 0 ELSE -1 END),
                        CASE metric WHEN 'won_deals' THEN 1 ELSE 0 END)
        FROM (SELECT *, CAST(datediff('month', DATE '{plan.start.isoformat()}', month) AS BIGINT) AS month_index
              FROM level)""")


def _settings(con: duckdb.DuckDBPyConnection, plan: _Plan) -> None:
    rows = [("as_of", plan.as_of.isoformat()), ("currency", "CNY"), ("data_source", "bench"),
            ("won_stage", DEFAULT_WON_STAGE), ("bench_deals", str(plan.deals))]
    con.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", rows)


SCRATCH = ("bench_groups", "bench_staff", "bench_deals", "bench_funnel", "bench_acts", "bench_follow")


def build_scale(path: str | os.PathLike, deals: int = DEFAULT_DEALS, *, activities: int | None = None,
                surveys: int | None = None, groups: int | None = None, as_of: date = DEFAULT_AS_OF,
                log=print) -> dict[str, int]:
    """Write a fresh scale database to `path` (replacing the file); row counts per table."""
    target = Path(path)
    for stale in (target, target.with_name(target.name + ".wal")):
        stale.unlink(missing_ok=True)
    plan = _Plan(deals, activities, surveys, groups, as_of)
    con = connect(target)
    started = time.perf_counter()
    try:
        con.execute("SET enable_progress_bar = false")
        _macros(con)
        steps = (("organisation", _organisation), ("arrivals", _arrivals), ("funnel", _funnel),
                 ("activity log", _activities), ("follow-ups", _next_follow),
                 ("customers + deals", _insert_people_facts), ("stage + ownership history", _insert_history),
                 ("activities", _insert_activities), ("surveys", _insert_surveys))
        for name, step in steps:
            step(con, plan)
            log(f"  scale: {name} ({time.perf_counter() - started:.1f} s)")
        refresh_group_attribution(con)
        log(f"  scale: group attribution ({time.perf_counter() - started:.1f} s)")
        _insert_targets(con, plan)
        _settings(con, plan)
        for table in SCRATCH:
            con.execute(f"DROP TABLE IF EXISTS {table}")
        con.execute("CHECKPOINT")
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                  for t in ("projects", "groups", "staff", "memberships", "customers", "deals", "stage_events",
                            "ownership_events", "activities", "surveys", "targets")}
    finally:
        con.close()
    log(f"  scale: done in {time.perf_counter() - started:.1f} s")
    return counts


def scale_database(directory: str | os.PathLike, deals: int, *, rebuild: bool = False, log=print) -> Path:
    """The scale database for `deals` in `directory`, built when missing (or `rebuild`)."""
    path = Path(directory) / f"scale-{deals}.duckdb"
    marker = path.with_suffix(".ok")     # written last: a half-built file is never reused
    if rebuild or not (path.exists() and marker.exists()):
        marker.unlink(missing_ok=True)
        build_scale(path, deals, log=log)
        marker.write_text(datetime.now().isoformat())
    else:
        with connect(path) as con:
            started = time.perf_counter()
            if upgrade_facts(con):        # built by an earlier version: its derived facts only
                con.execute("CHECKPOINT")
                log(f"  scale: {path.name}'s facts rebuilt for this version ({time.perf_counter() - started:.1f} s)")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a scale database (the demo's shapes, sized).")
    parser.add_argument("--deals", type=int, default=DEFAULT_DEALS)
    parser.add_argument("--activities", type=int)
    parser.add_argument("--surveys", type=int)
    parser.add_argument("--groups", type=int)
    parser.add_argument("--out", default=None, help="database file (default bench/out/scale-<deals>.duckdb)")
    args = parser.parse_args(argv)
    out = Path(args.out or Path(__file__).parent / "out" / f"scale-{args.deals}.duckdb")
    out.parent.mkdir(parents=True, exist_ok=True)
    counts = build_scale(out, args.deals, activities=args.activities, surveys=args.surveys, groups=args.groups)
    for table, n in counts.items():
        print(f"  {table:<18}{n:>12,}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

