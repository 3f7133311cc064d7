"""What the weekly meeting and the case review store: frozen weeks, action items, minutes, and
case-review lessons (tables at the end of schema.sql). Parameterised SQL, a cursor per call.

A frozen week is a set of JSON payloads, one per section, written once (the first opening of the
week) and replaced only on an explicit re-freeze; readers never recompute it.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

ACTION_STATUSES = ("open", "done", "dropped")


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    cursor = con.cursor()
    try:
        return cursor.execute(sql, params or []).fetchall()
    finally:
        cursor.close()


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pd.DataFrame:
    cursor = con.cursor()
    try:
        return cursor.sql(sql, params=params or None).to_arrow_table().to_pandas()
    finally:
        cursor.close()


# --- frozen weeks -----------------------------------------------------------------------------

def save_snapshot(con: duckdb.DuckDBPyConnection, week: str, scope: str, payloads: dict[str, str],
                  frozen_at: datetime, *, replace: bool = False) -> bool:
    """Store the sections of a frozen week; True when written.

    Without `replace` an already frozen week is left as it is (a second session opening the same
    week at the same time must not overwrite the first: both then read the stored one). With
    `replace` (an explicit re-freeze) the old sections are deleted first, all in one transaction.
    """
    cursor = con.cursor()
    try:
        cursor.execute("BEGIN")
        exists = cursor.execute("SELECT count(*) FROM weekly_snapshots WHERE week = ? AND scope = ?",
                                [week, scope]).fetchall()[0][0]
        if exists and not replace:
            cursor.execute("ROLLBACK")
            return False
        cursor.execute("DELETE FROM weekly_snapshots WHERE week = ? AND scope = ?", [week, scope])
        cursor.executemany(
            "INSERT INTO weekly_snapshots (week, scope, section, payload_json, frozen_at) VALUES (?, ?, ?, ?, ?)",
            [[week, scope, section, payload, frozen_at] for section, payload in payloads.items()])
        cursor.execute("COMMIT")
        return True
    except Exception:
        cursor.execute("ROLLBACK")
        raise
    finally:
        cursor.close()


def snapshot(con: duckdb.DuckDBPyConnection, week: str, scope: str) -> tuple[dict[str, str], datetime] | None:
    """({section: payload_json}, frozen_at) of a frozen week; None when it was never frozen."""
    rows = _rows(con, "SELECT section, payload_json, frozen_at FROM weekly_snapshots "
                      "WHERE week = ? AND scope = ? ORDER BY section", [week, scope])
    if not rows:
        return None
    return {section: payload for section, payload, _ in rows}, max(row[2] for row in rows)


def frozen_weeks(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """week, scope, frozen_at of every frozen week, newest week first."""
    return _frame(con, "SELECT week, scope, max(frozen_at) AS frozen_at FROM weekly_snapshots "
                       "GROUP BY ALL ORDER BY week DESC, scope")


# --- action items -----------------------------------------------------------------------------

def add_action(con: duckdb.DuckDBPyConnection, week: str, what: str, owner: str | None,
               due: date | None) -> int:
    """A new open action item raised in `week`; returns its id."""
    if not what or not what.strip():
        raise ValueError("an action item needs a text")
    return _rows(con, "INSERT INTO meeting_actions (week_raised, what, owner, due_date) VALUES (?, ?, ?, ?) "
                      "RETURNING action_id", [week, what.strip(), (owner or "").strip() or None, due])[0][0]


def set_action_status(con: duckdb.DuckDBPyConnection, action_id: int, status: str, week: str) -> None:
    """Mark an action done/dropped in the meeting of `week`, or open again (clears closed_week)."""
    if status not in ACTION_STATUSES:
        raise ValueError(f"status must be one of {ACTION_STATUSES}, not {status!r}")
    _rows(con, "UPDATE meeting_actions SET status = ?, closed_week = ?, updated_at = ? WHERE action_id = ?",
          [status, None if status == "open" else week, datetime.now(), action_id])


def actions_until(con: duckdb.DuckDBPyConnection, week: str) -> pd.DataFrame:
    """Every action raised in `week` or before, with its stored status (ISO week keys sort as text).

    Columns: action_id, week_raised, what, owner, due_date, status, closed_week, created_at,
    updated_at. analytics.weekly.actions_at_meeting decides what a given meeting shows.
    """
    return _frame(con, "SELECT action_id, week_raised, what, owner, due_date, status, closed_week, "
                       "created_at, updated_at FROM meeting_actions WHERE week_raised <= ? "
                       "ORDER BY week_raised, action_id", [week])


# --- minutes ----------------------------------------------------------------------------------

def save_notes(con: duckdb.DuckDBPyConnection, week: str, body: str, author: str | None) -> None:
    """Write (or overwrite) the minutes of the meeting of `week`."""
    _rows(con, "INSERT INTO meeting_notes (week, body, author, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (week) "
               "DO UPDATE SET body = excluded.body, author = excluded.author, updated_at = excluded.updated_at",
          [week, body, (author or "").strip() or None, datetime.now()])


def notes_until(con: duckdb.DuckDBPyConnection, week: str, limit: int = 2) -> pd.DataFrame:
    """The minutes of `week` and of the meetings before it, newest first: week, body, author,
    updated_at (at most `limit` rows: this meeting's and the last one's)."""
    return _frame(con, "SELECT week, body, author, updated_at FROM meeting_notes WHERE week <= ? "
                       "ORDER BY week DESC LIMIT ?", [week, limit])


# --- case reviews -----------------------------------------------------------------------------

def add_case_review(con: duckdb.DuckDBPyConnection, deal_id: str, tags: list[str], lesson: str,
                    reviewer: str | None) -> int:
    """Record a lesson on a deal (tags: keys or the reviewer's own words); returns its id."""
    clean = [tag.strip() for tag in tags if tag and tag.strip()]
    if not clean and not (lesson or "").strip():
        raise ValueError("a case review needs a tag or a lesson")
    return _rows(con, "INSERT INTO case_reviews (deal_id, tags, lesson, reviewer) VALUES (?, ?, ?, ?) "
                      "RETURNING review_id",
                 [deal_id, list(dict.fromkeys(clean)), (lesson or "").strip(), (reviewer or "").strip() or None])[0][0]


def case_reviews_of(con: duckdb.DuckDBPyConnection, deal_id: str) -> pd.DataFrame:
    """review_id, tags (list), lesson, reviewer, reviewed_at of one deal, newest first."""
    return _frame(con, "SELECT review_id, tags, lesson, reviewer, reviewed_at FROM case_reviews "
                       "WHERE deal_id = ? ORDER BY reviewed_at DESC, review_id DESC", [deal_id])
