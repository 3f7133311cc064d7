"""Signed-in sessions that survive a browser reload (Streamlit-free).

A Streamlit session is one browser tab's websocket: a reload opens a new one, and its
st.session_state starts empty, so a sign-in kept only there asks for the password again on
every F5 — in a weekly meeting, on the shared screen. A sign-in therefore also gets a random
token, kept by the browser in a cookie (ui/signin.py writes it) and here, in the dashboard
process, under its SHA-256 only. A new tab or a reload presents the cookie, and `resume` turns
a token that is still valid back into the signed-in user.

Why in the process and not in the database: the pages' caches are keyed by the database file's
version (ui/database.py), so recording "last seen" there would empty every cache on every click.
What a process restart costs is one more sign-in. The same limits hold as for a session in a tab:
IDLE_MINUTES without a rerun or MAX_HOURS in all, and the account must still be enabled (checked
by the caller on every run). A token also dies when its account's password changes (`resume`
compares db.accounts.password_fingerprint with the one taken at sign-in) and at sign-out.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass

COOKIE_NAME = "anchang_session"


@dataclass
class Resumed:
    """A valid token's user and when the sign-in happened (the MAX_HOURS clock keeps running)."""

    username: str
    since: float


@dataclass
class _Entry:
    username: str
    since: float
    seen: float
    password: str          # fingerprint of the password hash at sign-in


class SessionRegistry:
    """Tokens of the signed-in browsers of this process (thread-safe: sessions run in threads)."""

    def __init__(self, idle_seconds: float, max_seconds: float):
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def start(self, username: str, password_fingerprint: str, now: float) -> str:
        """A new token for `username` (the cookie's value); expired entries are swept."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._sweep(now)
            self._entries[_digest(token)] = _Entry(username, now, now, password_fingerprint)
        return token

    def resume(self, token: str | None, password_fingerprint_of, now: float) -> Resumed | None:
        """The user of a valid token, or None (unknown, idle, too old, signed out, new password).

        `password_fingerprint_of(username)` reads the account's current fingerprint (None when
        the account is gone); it is called only for a token that is otherwise valid.
        """
        if not token:
            return None
        key = _digest(token)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._expired(entry, now):
                self._entries.pop(key, None)
                return None
        if password_fingerprint_of(entry.username) != entry.password:
            self.end(token)
            return None
        return Resumed(entry.username, entry.since)

    def touch(self, token: str | None, now: float) -> bool:
        """The token's browser was active now (each rerun of a signed-in session); False when the
        token was ended meanwhile (signed out in another tab of the browser). No token: True."""
        if not token:
            return True
        with self._lock:
            entry = self._entries.get(_digest(token))
            if entry is None:
                return False
            entry.seen = now
            return True

    def end(self, token: str | None) -> None:
        if token:
            with self._lock:
                self._entries.pop(_digest(token), None)

    def __len__(self) -> int:
        return len(self._entries)

    def _expired(self, entry: _Entry, now: float) -> bool:
        return now - entry.seen > self.idle_seconds or now - entry.since > self.max_seconds

    def _sweep(self, now: float) -> None:
        for key in [k for k, entry in self._entries.items() if self._expired(entry, now)]:
            del self._entries[key]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_cookie_script(token: str, max_seconds: int) -> str:
    """JavaScript that stores the token for this site (Strict: never sent by another site's link)."""
    if not token.replace("-", "").replace("_", "").isalnum():
        raise ValueError("a token is URL-safe base64")
    return (f"<script data-sign-in-cookie>document.cookie = '{COOKIE_NAME}={token}; Path=/; Max-Age={int(max_seconds)}; "
            f"SameSite=Strict' + (location.protocol === 'https:' ? '; Secure' : '');</script>")


def clear_cookie_script() -> str:
    return f"<script data-sign-in-cookie>document.cookie = '{COOKIE_NAME}=; Path=/; Max-Age=0; SameSite=Strict';</script>"
