"""Feedback (反馈): the suggestion box, weekly group summaries and monthly review cards.

A suggestion without a staff_id is anonymous and stays so: nothing records who typed it. A
review card keeps the KPIs as the manager saw them when saving (kpi_json), so a later import
does not change what a past review said. Every write is one transaction.
"""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pandas as pd

from db.sql import frame as _frame
from db.sql import run_in_transaction as _write

SUGGESTION_STATUSES: tuple[str, ...] = ("new", "discussed", "done")
RATINGS: tuple[str, ...] = ("excellent", "good", "adequate", "improve")


# ---------------------------------------------------------------- suggestions

def suggestions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """suggestion_id, created_at, staff_id, author (NULL when anonymous), group_id, group_name,
    body, status, response, updated_at; open ones first, newest first."""
    return _frame(con, """
        SELECT x.suggestion_id, x.created_at, x.staff_id, s.name AS author, x.group_id, g.name AS group_name,
               x.body, x.status, x.response, x.updated_at
        FROM suggestions x LEFT JOIN staff s ON s.staff_id = x.staff_id LEFT JOIN groups g ON g.group_id = x.group_id
        ORDER BY CASE x.status WHEN 'new' THEN 0 WHEN 'discussed' THEN 1 ELSE 2 END, x.created_at DESC,
                 x.suggestion_id DESC""")


def add_suggestion(con: duckdb.DuckDBPyConnection, body: str, staff_id: str | None = None,
                   group_id: str | None = None) -> int:
    """Store a suggestion (staff_id None: anonymous); ValueError when the text is empty."""
    text = (body or "").strip()
    if not text:
        raise ValueError("a suggestion needs text")
    con.execute("BEGIN")
    try:
        new_id = con.execute("INSERT INTO suggestions (staff_id, group_id, body) VALUES (?, ?, ?) RETURNING suggestion_id",
                             [staff_id or None, group_id or None, text]).fetchall()[0][0]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return int(new_id)


def update_suggestions(con: duckdb.DuckDBPyConnection, changes: list[tuple[int, str, str | None]]) -> int:
    """Set (suggestion_id, status, response) for each change, all or none; returns the count.
    ValueError for a status outside new / discussed / done."""
    for _, status, _ in changes:
        if status not in SUGGESTION_STATUSES:
            raise ValueError(f"unknown status {status!r}")
    _write(con, [("UPDATE suggestions SET status = ?, response = ?, updated_at = now() "
                  "WHERE suggestion_id = ?", [status, response or None, int(sid)]) for sid, status, response in changes])
    return len(changes)


# ---------------------------------------------------------------- weekly summaries

def weekly_summaries(con: duckdb.DuckDBPyConnection, group_id: str | None = None) -> pd.DataFrame:
    """group_id, group_name, week_start, summary, next_plan, author, updated_at; newest week first."""
    clause, params = (" WHERE w.group_id = ?", [group_id]) if group_id else ("", [])
    return _frame(con, f"""SELECT w.group_id, g.name AS group_name, w.week_start, w.summary, w.next_plan, w.author,
                                  w.updated_at
                           FROM weekly_summaries w LEFT JOIN groups g ON g.group_id = w.group_id{clause}
                           ORDER BY w.week_start DESC, g.sort_order""", params)


def save_weekly_summary(con: duckdb.DuckDBPyConnection, group_id: str, week_start: date, summary: str,
                        next_plan: str, author: str | None = None) -> None:
    """Upsert the summary of a group's week (week_start moved back to its Monday)."""
    monday = date.fromordinal(week_start.toordinal() - week_start.weekday())
    if not (summary or "").strip() and not (next_plan or "").strip():
        raise ValueError("write the summary or the plan")
    _write(con, [("""INSERT INTO weekly_summaries VALUES (?, ?, ?, ?, ?, current_timestamp)
                     ON CONFLICT (group_id, week_start) DO UPDATE SET summary = excluded.summary,
                     next_plan = excluded.next_plan, author = excluded.author, updated_at = now()""",
                  [group_id, monday, summary.strip(), next_plan.strip(), author or None])])


# ---------------------------------------------------------------- review cards

def review_card(con: duckdb.DuckDBPyConnection, staff_id: str, month: date) -> dict | None:
    """The saved card of a consultant's month: kpis (dict), rating, manager_comment, next_focus,
    reviewer, updated_at; None when none was saved."""
    rows = con.cursor().execute("""SELECT kpi_json, rating, manager_comment, next_focus, reviewer, updated_at
                                   FROM review_cards WHERE staff_id = ? AND month = ?""",
                                [staff_id, month.replace(day=1)]).fetchall()
    if not rows:
        return None
    kpi_json, rating, comment, focus, reviewer, updated = rows[0]
    return {"kpis": json.loads(kpi_json), "rating": rating, "manager_comment": comment, "next_focus": focus,
            "reviewer": reviewer, "updated_at": updated}


def review_cards(con: duckdb.DuckDBPyConnection, month: date) -> pd.DataFrame:
    """staff_id, rating, reviewer, updated_at of the cards saved for a month."""
    return _frame(con, "SELECT staff_id, rating, reviewer, updated_at FROM review_cards WHERE month = ? "
                       "ORDER BY staff_id", [month.replace(day=1)])


def save_review_card(con: duckdb.DuckDBPyConnection, staff_id: str, month: date, kpis: dict, rating: str | None,
                     manager_comment: str, next_focus: str = "", reviewer: str | None = None) -> None:
    """Upsert a consultant's card for the month, freezing `kpis` (JSON-able values) as shown."""
    if rating is not None and rating not in RATINGS:
        raise ValueError(f"unknown rating {rating!r}")
    _write(con, [("""INSERT INTO review_cards VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp)
                     ON CONFLICT (staff_id, month) DO UPDATE SET kpi_json = excluded.kpi_json, rating = excluded.rating,
                     manager_comment = excluded.manager_comment, next_focus = excluded.next_focus,
                     reviewer = excluded.reviewer, updated_at = now()""",
                  [staff_id, month.replace(day=1), json.dumps(kpis, ensure_ascii=False, default=str), rating,
                   (manager_comment or "").strip() or None, (next_focus or "").strip() or None, reviewer or None])])
