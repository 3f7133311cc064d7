"""Sign-in accounts: argon2id password hashes, roles, and throttling of password guessing.

There is no default account and no default password: an empty `accounts` table means the
dashboard's first start asks for an administrator (see ui/signin.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from db.sql import frame

ACCOUNT_ROLES: tuple[str, ...] = ("admin", "manager", "leader", "analyst", "consultant")
MIN_PASSWORD_LENGTH = 8
# Five wrong passwords lock an account for 5 minutes; every further wrong one doubles the wait.
FREE_ATTEMPTS = 5
FIRST_LOCK = timedelta(minutes=5)

_HASHER = PasswordHasher()
# Verified against when the username does not exist, so a wrong name takes as long as a wrong
# password and the timing does not tell which names exist.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


_REFUSALS = {
    "username_missing": "a username is required",
    "username_taken": "the username {detail} is taken",
    "password_short": "the password needs at least {detail} characters",
    "password_mismatch": "the two passwords differ",
    "role_unknown": "unknown role {detail}",
    "last_admin": "at least one enabled administrator must remain",
}


class AccountRefused(ValueError):
    """An account change that cannot be made; `kind` keys the message (ui/strings/access.py)."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(_REFUSALS.get(kind, kind).format(detail=detail))
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Account:
    """A signed-in person: who, with which role, over which staff record and projects."""

    username: str
    display_name: str
    role: str
    staff_id: str | None = None
    project_ids: tuple[str, ...] = field(default_factory=tuple)
    personal_data: bool = False


@dataclass(frozen=True)
class SignInResult:
    account: Account | None          # None: refused
    reason: str = ""                 # "", "wrong" (name or password), "locked", "disabled"
    locked_until: datetime | None = None


def has_accounts(con: duckdb.DuckDBPyConnection) -> bool:
    return con.execute("SELECT count(*) FROM accounts").fetchall()[0][0] > 0


def create_account(con: duckdb.DuckDBPyConnection, username: str, display_name: str, password: str,
                   role: str, *, staff_id: str | None = None, project_ids: tuple[str, ...] = (),
                   personal_data: bool = False) -> Account:
    """Store a new account with the password's argon2id hash; refuses duplicates and weak input."""
    username = username.strip()
    _check_new(con, username, password, role)
    con.execute(
        "INSERT INTO accounts (username, display_name, password_hash, role, staff_id, project_ids, personal_data) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [username, display_name.strip() or username, _HASHER.hash(password), role, staff_id or None,
         list(project_ids), personal_data])
    return Account(username, display_name.strip() or username, role, staff_id or None, tuple(project_ids),
                   personal_data)


def _check_new(con, username: str, password: str, role: str) -> None:
    if not username:
        raise AccountRefused("username_missing")
    if role not in ACCOUNT_ROLES:
        raise AccountRefused("role_unknown", role)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountRefused("password_short", str(MIN_PASSWORD_LENGTH))
    if con.execute("SELECT count(*) FROM accounts WHERE username = ?", [username]).fetchall()[0][0]:
        raise AccountRefused("username_taken", username)


def account(con: duckdb.DuckDBPyConnection, username: str) -> Account | None:
    """The enabled account of that name, or None (unknown or disabled)."""
    rows = con.execute(
        "SELECT username, display_name, role, staff_id, project_ids, personal_data FROM accounts "
        "WHERE username = ? AND NOT disabled", [username]).fetchall()
    if not rows:
        return None
    name, display, role, staff_id, projects, personal = rows[0]
    return Account(name, display, role, staff_id, tuple(projects or ()), bool(personal))


def password_fingerprint(con: duckdb.DuckDBPyConnection, username: str) -> str | None:
    """A short digest of an enabled account's password hash (None: unknown or disabled): it
    changes with the password and reveals nothing of it (ui/sign_in_sessions.py)."""
    rows = con.execute("SELECT password_hash FROM accounts WHERE username = ? AND NOT disabled",
                       [username]).fetchall()
    return hashlib.sha256(rows[0][0].encode()).hexdigest()[:16] if rows else None


def sign_in(con: duckdb.DuckDBPyConnection, username: str, password: str,
            now: datetime | None = None) -> SignInResult:
    """Check a password; counts failures and locks the account after FREE_ATTEMPTS of them."""
    now = now or datetime.now()
    rows = con.execute("SELECT password_hash, disabled, failed_attempts, locked_until FROM accounts "
                       "WHERE username = ?", [username.strip()]).fetchall()
    if not rows:
        _verify(_DUMMY_HASH, password)
        return SignInResult(None, "wrong")
    stored, disabled, failures, locked_until = rows[0]
    if locked_until is not None and locked_until > now:
        return SignInResult(None, "locked", locked_until)
    if not _verify(stored, password):
        return _count_failure(con, username.strip(), failures + 1, now)
    if disabled:
        return SignInResult(None, "disabled")
    con.execute("UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE username = ?",
                [username.strip()])
    return SignInResult(account(con, username.strip()))


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _count_failure(con, username: str, failures: int, now: datetime) -> SignInResult:
    locked_until = None
    if failures >= FREE_ATTEMPTS:
        locked_until = now + FIRST_LOCK * 2 ** (failures - FREE_ATTEMPTS)
    con.execute("UPDATE accounts SET failed_attempts = ?, locked_until = ? WHERE username = ?",
                [failures, locked_until, username])
    if locked_until is not None:
        return SignInResult(None, "locked", locked_until)
    return SignInResult(None, "wrong")


def account_table(con: duckdb.DuckDBPyConnection):
    """Every account for the admin page (no hashes): username, name, role, scope, state."""
    return frame(con, "SELECT a.username, a.display_name, a.role, a.staff_id, s.name AS staff_name, "
                      "a.project_ids, a.personal_data, a.disabled, a.failed_attempts, a.locked_until, "
                      "a.created_at FROM accounts a LEFT JOIN staff s ON s.staff_id = a.staff_id "
                      "ORDER BY a.created_at, a.username")


def update_account(con: duckdb.DuckDBPyConnection, username: str, *, role: str, staff_id: str | None,
                   project_ids: tuple[str, ...], personal_data: bool, disabled: bool) -> None:
    """Change what an account may see; refuses to leave the database without an enabled admin."""
    if role not in ACCOUNT_ROLES:
        raise AccountRefused("role_unknown", role)

    con.execute("BEGIN")
    try:
        con.execute("UPDATE accounts SET role = ?, staff_id = ?, project_ids = ?, personal_data = ?, "
                    "disabled = ? WHERE username = ?",
                    [role, staff_id or None, list(project_ids), personal_data, disabled, username])
        _keep_an_admin(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def set_password(con: duckdb.DuckDBPyConnection, username: str, password: str) -> None:
    """A new password (also clears the lock)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountRefused("password_short", str(MIN_PASSWORD_LENGTH))
    con.execute("UPDATE accounts SET password_hash = ?, failed_attempts = 0, locked_until = NULL "
                "WHERE username = ?", [_HASHER.hash(password), username])


def _keep_an_admin(con) -> None:
    admins = con.execute("SELECT count(*) FROM accounts WHERE role = 'admin' AND NOT disabled").fetchall()[0][0]
    if admins == 0:
        raise AccountRefused("last_admin")
