"""案例复盘 Case review: finding a deal, its timeline, its peers' typical path, the case library.

Customer names, phones, notes and comments are returned as stored; the UI masks them in privacy
mode (analytics.privacy, analytics.cases). Every value travels as a `?` parameter.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import duckdb
import pandas as pd

from db.queries._common import frame, stage_list

OUTCOMES = ("won", "lost", "open")
# Fewer won peers than this and the profile is widened (drop customer type, then channel).
MIN_PEERS = 5
# Profiles from the narrowest to the widest: which customer attributes must match besides the project.
PROFILES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("project_source_type", ("source_channel", "customer_type")),
    ("project_source", ("source_channel",)),
    ("project", ()),
)

_DEAL_COLUMNS = """d.deal_id, d.customer_id, c.name AS customer_name, c.phone, s.name AS consultant,
       d.owner_staff_id, d.group_id, g.name AS group_name, d.project_id, p.name AS project_name, d.stage,
       d.outcome, d.amount, d.created_at, coalesce(d.won_at, d.lost_at) AS closed_at, d.lost_reason,
       c.source_channel, c.customer_type"""
_DEAL_JOINS = """FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id
LEFT JOIN staff s ON s.staff_id = d.owner_staff_id LEFT JOIN groups g ON g.group_id = d.group_id
LEFT JOIN projects p ON p.project_id = d.project_id"""


def deal_search(con: duckdb.DuckDBPyConnection, text: str = "", staff_id: str | None = None,
                start: date | None = None, end: date | None = None, outcome: str | None = None,
                limit: int = 200) -> pd.DataFrame:
    """Deals whose customer name or phone contains `text` (or whose id is it), owned by `staff_id`,
    created on days start..end, with `outcome`; every criterion optional. Newest first."""
    conditions, params = ["TRUE"], []
    if text.strip():
        needle = text.strip()
        conditions.append("(contains(c.name, ?) OR contains(c.phone, ?) OR upper(d.deal_id) = upper(?))")
        params += [needle, needle, needle]
    for sql, value in (("d.owner_staff_id = ?", staff_id), ("d.outcome = ?", outcome),
                       ("d.created_at >= ?", start and datetime.combine(start, time())),
                       ("d.created_at < ?", end and datetime.combine(end + timedelta(days=1), time()))):
        if value:
            conditions.append(sql)
            params.append(value)
    return frame(con, f"SELECT {_DEAL_COLUMNS} {_DEAL_JOINS} WHERE {' AND '.join(conditions)} "
                      "ORDER BY d.created_at DESC, d.deal_id LIMIT ?", [*params, limit])


def deal_card(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """One row about the deal (empty when unknown): search columns plus grade, region, intent."""
    return frame(con, f"""SELECT {_DEAL_COLUMNS}, c.grade, c.region, c.intent_layout, c.intent_budget,
                                 d.won_at, d.lost_at {_DEAL_JOINS} WHERE d.deal_id = ?""", [deal_id])


def deal_timeline(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """Everything that happened to a deal, oldest first: at, lane (visit / contact / stage /
    survey / owner), kind, staff, detail, note (activity note or survey comment: free text).

    lane 'stage' holds stage changes (kind = the stage entered, detail = the stage left) and the
    loss (kind 'lost', detail = the reason); 'owner' hands-offs (detail 'from → to');
    'survey' answers (detail 'CSAT x · NPS y'). Activities and surveys without a deal count
    through the deal's customer.
    """
    return frame(con, """
        WITH deal AS (SELECT * FROM deals WHERE deal_id = ?)
        SELECT a.occurred_at AS at, CASE WHEN a.kind IN ('first_visit', 'revisit', 'viewing') THEN 'visit'
                                         ELSE 'contact' END AS lane,
               a.kind, st.name AS staff, NULL AS detail, a.note
        FROM activities a JOIN deal d ON a.deal_id = d.deal_id
             OR (a.deal_id IS NULL AND a.customer_id = d.customer_id)
        LEFT JOIN staff st ON st.staff_id = a.staff_id
        UNION ALL
        SELECT e.entered_at, 'stage', e.to_stage, st.name, e.from_stage, NULL
        FROM stage_events e JOIN deal d USING (deal_id) LEFT JOIN staff st ON st.staff_id = e.staff_id
        UNION ALL
        SELECT d.lost_at, 'stage', 'lost', st.name, d.lost_reason, NULL
        FROM deal d LEFT JOIN staff st ON st.staff_id = d.owner_staff_id WHERE d.lost_at IS NOT NULL
        UNION ALL
        SELECT o.changed_at, 'owner', 'owner', st.name, coalesce(sf.name, '—') || ' → ' || st.name, NULL
        FROM ownership_events o JOIN deal d USING (deal_id)
        LEFT JOIN staff sf ON sf.staff_id = o.from_staff_id LEFT JOIN staff st ON st.staff_id = o.to_staff_id
        UNION ALL
        SELECT s.answered_at, 'survey', 'survey', st.name,
               concat_ws(' · ', 'CSAT ' || s.csat, 'NPS ' || s.nps), s.comment
        FROM surveys s JOIN deal d ON s.deal_id = d.deal_id OR (s.deal_id IS NULL AND s.customer_id = d.customer_id)
        LEFT JOIN staff st ON st.staff_id = s.staff_id
        ORDER BY 1, 2
    """, [deal_id])


def stage_entries(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """stage, position (0 = lead), entered_at (first entry) of the canonical stages a deal entered."""
    return frame(con, """
        SELECT to_stage AS stage, list_position(?, to_stage) - 1 AS position, min(entered_at) AS entered_at
        FROM stage_events WHERE deal_id = ? AND list_position(?, to_stage) IS NOT NULL
        GROUP BY ALL ORDER BY position
    """, [stage_list(), deal_id, stage_list()])


def _peer_clause(profile: tuple[str, ...]) -> str:
    return "".join(f" AND c.{column} IS NOT DISTINCT FROM me.{column}" for column in profile)


_PEERS = """
WITH me AS (SELECT d.deal_id, d.project_id, d.created_at, d.amount, c.source_channel, c.customer_type
            FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id WHERE d.deal_id = ?),
peers AS (SELECT d.deal_id, d.created_at, coalesce(d.won_at, d.lost_at) AS closed_at, d.amount
          FROM deals d LEFT JOIN customers c ON c.customer_id = d.customer_id, me
          WHERE d.outcome = ? AND d.deal_id <> me.deal_id AND d.project_id IS NOT DISTINCT FROM me.project_id{clause})"""


def typical_won_path(con: duckdb.DuckDBPyConnection, deal_id: str, min_peers: int = MIN_PEERS) -> pd.DataFrame:
    """The path of won deals like this one: per stage, n (peers that entered it), median_days_in
    (days from creation to the first entry), median_days (days until the next stage entered,
    finished stays only), peers (how many won peers), profile (the PROFILES name used: the
    narrowest with at least `min_peers` won peers; empty frame when even the project has fewer).
    """
    for name, profile in PROFILES:
        result = frame(con, _PEERS.format(clause=_peer_clause(profile)) + """,
            entries AS (SELECT e.deal_id, e.to_stage AS stage, list_position(?, e.to_stage) - 1 AS position,
                               min(e.entered_at) AS entered_at
                        FROM stage_events e JOIN peers USING (deal_id)
                        WHERE list_position(?, e.to_stage) IS NOT NULL GROUP BY ALL),
            stays AS (SELECT x.*, p.created_at,
                             lead(x.entered_at) OVER (PARTITION BY x.deal_id ORDER BY x.position) AS next_at
                      FROM entries x JOIN peers p USING (deal_id))
            SELECT stage, position, count(*)::BIGINT AS n,
                   median(date_diff('second', created_at, entered_at) / 86400.0) AS median_days_in,
                   median(date_diff('second', entered_at, next_at) / 86400.0) AS median_days,
                   (SELECT count(*) FROM peers)::BIGINT AS peers, ? AS profile
            FROM stays GROUP BY ALL ORDER BY position
        """, [deal_id, "won", stage_list(), stage_list(), name])
        if not result.empty and result["peers"].iloc[0] >= min_peers:
            return result
    return result.iloc[0:0]


def similar_lost_deal(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """One lost deal of the same profile (PROFILES, narrowest first), created closest in time to
    this one (then closest in amount): deal_id and profile; empty when the project has none."""
    for name, profile in PROFILES:
        result = frame(con, _PEERS.format(clause=_peer_clause(profile)) + """
            SELECT p.deal_id, ? AS profile FROM peers p, me
            ORDER BY abs(date_diff('second', p.created_at, me.created_at)),
                     abs(coalesce(p.amount, 0) - coalesce(me.amount, 0)), p.deal_id
            LIMIT 1
        """, [deal_id, "lost", name])
        if not result.empty:
            return result
    return result


def reviewed_cases(con: duckdb.DuckDBPyConnection, text: str = "", tag: str | None = None,
                   limit: int = 200) -> pd.DataFrame:
    """The case library: one row per reviewed deal, latest review first.

    Columns: deal_id, customer_id, customer_name, consultant, outcome, amount, tags (every tag
    given in any review), lesson (the latest), reviewer (latest), reviewed_at (latest), reviews,
    and project_id, group_id, owner_staff_id (for the reader's data scope).
    `text` matches a lesson, the customer's name or the deal id; `tag` must be among the tags.
    """
    needle = text.strip()
    return frame(con, """
        WITH latest AS (
            SELECT deal_id, list_distinct(flatten(list(tags))) AS tags, arg_max_null(lesson, reviewed_at) AS lesson,
                   arg_max_null(reviewer, reviewed_at) AS reviewer, max(reviewed_at) AS reviewed_at,
                   count(*)::BIGINT AS reviews, string_agg(lesson, ' ') AS all_lessons
            FROM case_reviews GROUP BY deal_id)
        SELECT l.deal_id, d.customer_id, c.name AS customer_name, s.name AS consultant, d.outcome, d.amount,
               l.tags, l.lesson, l.reviewer, l.reviewed_at, l.reviews, d.project_id, d.group_id,
               d.owner_staff_id
        FROM latest l LEFT JOIN deals d ON d.deal_id = l.deal_id
        LEFT JOIN customers c ON c.customer_id = d.customer_id LEFT JOIN staff s ON s.staff_id = d.owner_staff_id
        WHERE (? = '' OR contains(coalesce(l.all_lessons, ''), ?) OR contains(coalesce(c.name, ''), ?)
               OR upper(l.deal_id) = upper(?))
          AND (?::VARCHAR IS NULL OR list_contains(l.tags, ?))
        ORDER BY l.reviewed_at DESC LIMIT ?
    """, [needle, needle, needle, needle, tag, tag, limit])


def consultants(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """staff_id, name of everyone who owns a deal, by name."""
    return frame(con, "SELECT s.staff_id, s.name FROM staff s WHERE s.staff_id IN "
                      "(SELECT DISTINCT owner_staff_id FROM deals) ORDER BY s.name, s.staff_id")


def customers_named_in(con: duckdb.DuckDBPyConnection, texts: tuple[str, ...]) -> pd.DataFrame:
    """customer_id, name, phone of the customers whose name or phone occurs in any of `texts`
    (free text typed by staff: action items, lessons), for redaction in privacy mode."""
    if not any(texts):
        return pd.DataFrame({"customer_id": [], "name": [], "phone": []}, dtype="str")
    return frame(con, """
        SELECT DISTINCT c.customer_id, c.name, c.phone
        FROM customers c, (SELECT unnest(?::VARCHAR[]) AS body) x
        WHERE (length(c.name) >= 2 AND contains(x.body, c.name))
           OR (length(c.phone) >= 7 AND contains(x.body, c.phone))
    """, [[text for text in texts if text]])
