"""The benchmark's own administrator account: the dashboard shows nothing before sign-in."""

from __future__ import annotations

import os
import secrets

from db.accounts import create_account, set_password
from db.connection import connect

BENCH_USER = "bench"


def bench_account(db: str | os.PathLike) -> tuple[str, str]:
    """(username, password) of an admin account in `db`, with a fresh random password each run."""
    password = secrets.token_urlsafe(18)
    with connect(db) as con:
        exists = con.execute("SELECT count(*) FROM accounts WHERE username = ?", [BENCH_USER]).fetchall()[0][0]
        if exists:
            set_password(con, BENCH_USER, password)
        else:
            create_account(con, BENCH_USER, "benchmark", password, "admin")
    return BENCH_USER, password


def sign_in_if_asked(page, username: str, password: str, timeout_s: float) -> None:
    """Fill the dashboard's sign-in form when a freshly opened page shows it (Playwright page)."""
    from bench.browser import submit_sign_in

    try:
        page.wait_for_selector('[data-testid="stMain"]', timeout=timeout_s * 1000)
        page.locator(".st-key-signin_username").wait_for(timeout=5_000)
    except Exception:        # Playwright's timeout: no form (already signed in)
        return
    submit_sign_in(page, username, password, timeout_s)
