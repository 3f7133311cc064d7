"""One account per role in the test databases (no account exists until someone creates one)."""

from __future__ import annotations

import duckdb

from db.accounts import create_account, has_accounts

TEST_PASSWORD = "correct horse 1"
# username: (role, staff_id, project_ids, personal_data) — demo ids: 刘立旭 S024 leads 刚需组
# B-FIRST of project PB (滨江悦), where 高琦振 S027 is a consultant.
TEST_ACCOUNTS: dict[str, tuple[str, str | None, tuple[str, ...], bool]] = {
    "admin": ("admin", None, (), False),
    "mgr_pb": ("manager", None, ("PB",), False),
    "leader_b": ("leader", "S024", (), False),
    "analyst": ("analyst", None, (), False),
    "analyst_granted": ("analyst", None, (), True),
    "cons_b": ("consultant", "S027", (), False),
}


def add_test_accounts(con: duckdb.DuckDBPyConnection, only: tuple[str, ...] | None = None) -> None:
    """Create the test accounts that do not exist yet (all, or those named in `only`)."""
    for username, (role, staff_id, projects, personal) in TEST_ACCOUNTS.items():
        if only is not None and username not in only:
            continue
        exists = con.execute("SELECT count(*) FROM accounts WHERE username = ?", [username]).fetchall()[0][0]
        if not exists:
            create_account(con, username, username, TEST_PASSWORD, role, staff_id=staff_id,
                           project_ids=projects, personal_data=personal)


__all__ = ["TEST_ACCOUNTS", "TEST_PASSWORD", "add_test_accounts", "has_accounts"]
