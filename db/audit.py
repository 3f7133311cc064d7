"""The audit log: who signed in, imported, undid, exported or changed targets, groups or accounts."""

from __future__ import annotations

import getpass

import duckdb
import pandas as pd

from db.sql import frame

# The actions recorded (the admin page filters on them; labels live in ui/strings).
ACTIONS: tuple[str, ...] = (
    "sign_in", "sign_in_failed", "sign_out", "import", "undo", "export", "targets", "groups",
    "incentives", "regroup", "stage_map", "account", "privacy",
)


def record(con: duckdb.DuckDBPyConnection, actor: str, action: str, detail: str = "") -> None:
    """Append one entry (its own statement: it lands even when the caller's work failed after)."""
    con.execute("INSERT INTO audit_log (actor, action, detail) VALUES (?, ?, ?)", [actor, action, detail[:2000]])


def cli_actor() -> str:
    """How the command line signs its entries: the operating-system user who ran it."""
    try:
        return f"cli:{getpass.getuser()}"
    except OSError:       # no user name in a bare container
        return "cli"


def audit_entries(con: duckdb.DuckDBPyConnection, action: str | None = None, actor: str | None = None,
                  limit: int = 500) -> pd.DataFrame:
    """The newest entries first, optionally of one action or one actor."""
    return frame(con, "SELECT logged_at, actor, action, detail FROM audit_log "
                      "WHERE (? IS NULL OR action = ?) AND (? IS NULL OR actor = ?) "
                      "ORDER BY logged_at DESC, rowid DESC LIMIT ?",
                 [action, action, actor, actor, limit])
