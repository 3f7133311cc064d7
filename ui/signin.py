"""The sign-in gate, the first-start administrator form, and the signed-in session (Streamlit-aware).

A session lives in st.session_state (one browser tab): it ends after IDLE_MINUTES without a
rerun or MAX_HOURS in all, or when the account is disabled or deleted (the account is re-read,
cached by data version, on every run, so a role change applies at the next click). A sign-in
also leaves a token in a cookie, so that a reload or a new tab of the same browser resumes it
within the same limits instead of asking for the password again (ui/sign_in_sessions.py).
"""

from __future__ import annotations

import os
import time

import streamlit as st

from db import accounts, audit
from db.accounts import Account
from ui.database import load, open_connection
from ui.formats import literal
from ui.i18n import t
from ui.sign_in_sessions import COOKIE_NAME, SessionRegistry, clear_cookie_script, set_cookie_script

SESSION_KEY = "_signed_in"
IDLE_MINUTES = int(os.environ.get("ANCHANG_SESSION_IDLE_MINUTES", "30"))
MAX_HOURS = int(os.environ.get("ANCHANG_SESSION_MAX_HOURS", "12"))
_NOTICE = "_signin_notice"
_REFUSAL = "_signin_refusal"
_SSO_LOGOUT = "_signin_sso_logout"
_COOKIE_CHANGE = "_signin_cookie"          # ("set", token) or ("clear", None), written by write_cookie
_COOKIE_TRIED = "_signin_cookie_tried"     # the cookie token this tab already tried to resume


@st.cache_resource
def _registry() -> SessionRegistry:
    """The tokens of this process's signed-in browsers (one registry shared by every session)."""
    return SessionRegistry(IDLE_MINUTES * 60, MAX_HOURS * 3600)


def signed_in_session(username: str, now: float | None = None, token: str | None = None) -> dict:
    """What the session stores once a password was checked (also used by tests to sign in)."""
    now = time.time() if now is None else now
    return {"username": username, "since": now, "seen": now, "token": token}


def current_account() -> Account | None:
    """The signed-in account of this session, or None (never signed in, expired, disabled)."""
    session = st.session_state.get(SESSION_KEY)
    if not session:
        session = _session_from_single_sign_on() or _session_from_cookie()
    if not session:
        return None
    now = time.time()
    if now - session["seen"] > IDLE_MINUTES * 60 or now - session["since"] > MAX_HOURS * 3600:
        _end_session("expired")
        return None
    account = load(accounts.account, session["username"])
    if account is None:
        _end_session("disabled")
        return None
    if not _registry().touch(session.get("token"), now):      # signed out in another tab
        _end_session("signed_out")
        return None
    session["seen"] = now
    return account


def _session_from_cookie() -> dict | None:
    """The session a reload or a new tab resumes from the browser's token, if still valid."""
    token = st.context.cookies.get(COOKIE_NAME)
    # The cookies are those of the tab's first request: try a token once, not on every rerun.
    # (AppTest has no browser: its cookies are stand-ins, not text.)
    if not isinstance(token, str) or not token or st.session_state.get(_COOKIE_TRIED) == token:
        return None
    st.session_state[_COOKIE_TRIED] = token
    resumed = _registry().resume(token, lambda username: load(accounts.password_fingerprint, username),
                                 time.time())
    if resumed is None:
        st.session_state[_COOKIE_CHANGE] = ("clear", None)
        return None
    st.session_state[SESSION_KEY] = {**signed_in_session(resumed.username, token=token), "since": resumed.since}
    return st.session_state[SESSION_KEY]


def _start_session(con, username: str) -> None:
    """Sign `username` in for this tab, and for reloads of this browser through the cookie."""
    token = _registry().start(username, accounts.password_fingerprint(con, username), time.time())
    st.session_state[SESSION_KEY] = signed_in_session(username, token=token)
    st.session_state[_COOKIE_CHANGE] = ("set", token)


def write_cookie() -> None:
    """Hand the browser the cookie change this run decided (a script; st.context cannot set one)."""
    change = st.session_state.pop(_COOKIE_CHANGE, None)
    if change is not None:
        kind, token = change
        script = set_cookie_script(token, MAX_HOURS * 3600) if kind == "set" else clear_cookie_script()
        st.html(script, unsafe_allow_javascript=True)


def single_sign_on_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section (OIDC through st.login)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:         # no secrets file at all: local accounts only
        return False


def _session_from_single_sign_on() -> dict | None:
    """A session for an identity-provider sign-in whose e-mail is the username of an account.

    The provider proves who it is; the account (created by an admin) still decides the role and
    scope, so an e-mail without an account sees nothing.
    """
    if not single_sign_on_configured() or not st.user.is_logged_in:
        return None
    if st.session_state.pop(_SSO_LOGOUT, False):       # signed out here: out of the provider too
        st.logout()
        return None
    email = str(st.user.get("email") or "").strip()
    found = load(accounts.account, email) if email else None
    with open_connection() as con:
        audit.record(con, email or "?", "sign_in" if found else "sign_in_failed", "oidc")
    if found is None:
        st.session_state[_REFUSAL] = ("ac_sso_no_account", {"email": email})
        st.logout()
        return None
    st.session_state[SESSION_KEY] = signed_in_session(found.username)
    return st.session_state[SESSION_KEY]


def _end_session(notice: str) -> None:
    session = st.session_state.pop(SESSION_KEY, None) or {}
    # Signed out or disabled: the browser's token ends too, in every tab that shares it. An idle
    # tab leaves it to the registry's own clock, as another tab may be in use.
    if session.get("token") and notice != "expired":
        _registry().end(session["token"])
        st.session_state[_COOKIE_CHANGE] = ("clear", None)
    st.session_state.pop("_page_context", None)      # ui.context: nothing of the last run stays usable
    st.session_state[_NOTICE] = notice


def gate(lang: str) -> None:
    """The sign-in form, or on a database without accounts the first administrator's form."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        _notice(lang)
        if load(accounts.has_accounts):
            _sign_in_form(lang)
        else:
            _first_admin_form(lang)


def _notice(lang: str) -> None:
    notice = st.session_state.pop(_NOTICE, None)
    if notice == "expired":
        st.info(t("ac_expired", lang, minutes=IDLE_MINUTES, hours=MAX_HOURS), icon=":material/timer_off:")
    elif notice == "disabled":
        st.warning(t("ac_disabled", lang), icon=":material/block:")
    elif notice == "signed_out":
        st.success(t("ac_signed_out", lang), icon=":material/logout:")


def _sign_in_form(lang: str) -> None:
    st.title(t("ac_signin_title", lang))
    st.caption(t("ac_signin_intro", lang))
    with st.form("signin_form"):
        st.text_input(t("ac_username", lang), key="signin_username")
        st.text_input(t("ac_password", lang), type="password", key="signin_password")
        # A callback, not the button's return value: it runs before any script of the rerun, so a
        # rerun through the frame (ui/context.py) cannot drop the click.
        st.form_submit_button(t("ac_signin_button", lang), type="primary", on_click=_check_password)
    if single_sign_on_configured() and st.button(t("ac_sso_button", lang), icon=":material/key:"):
        st.login()
    _refusal(lang)


def _check_password() -> None:
    username = st.session_state.get("signin_username", "").strip()
    with open_connection() as con:
        result = accounts.sign_in(con, username, st.session_state.get("signin_password", ""))
        audit.record(con, username or "?", "sign_in" if result.account else "sign_in_failed", result.reason)
        if result.account is not None:
            _start_session(con, result.account.username)
    st.session_state["signin_password"] = ""
    if result.account is None:
        st.session_state[_REFUSAL] = ("ac_locked" if result.reason == "locked" else
                                      "ac_disabled" if result.reason == "disabled" else "ac_wrong",
                                      {"until": f"{result.locked_until:%H:%M}"} if result.locked_until else {})


def _refusal(lang: str) -> None:
    """The reason the last attempt was refused (kept by the callbacks for this run)."""
    if refusal := st.session_state.pop(_REFUSAL, None):
        key, values = refusal
        st.error(t(key, lang, **values), icon=":material/error:")


def _first_admin_form(lang: str) -> None:
    st.title(t("ac_first_title", lang))
    st.info(t("ac_first_intro", lang), icon=":material/admin_panel_settings:")
    with st.form("first_admin_form"):
        st.text_input(t("ac_username", lang), key="first_username")
        st.text_input(t("ac_display_name", lang), key="first_display")
        st.text_input(t("ac_password", lang), type="password", key="first_password")
        st.text_input(t("ac_password_again", lang), type="password", key="first_again")
        st.form_submit_button(t("ac_first_button", lang), type="primary", on_click=_create_first_admin)
    _refusal(lang)


def _create_first_admin() -> None:
    state = st.session_state
    if state.get("first_password") != state.get("first_again"):
        state[_REFUSAL] = ("ac_password_mismatch", {})
        return
    try:
        with open_connection() as con:
            if accounts.has_accounts(con):     # someone else was quicker: they sign in instead
                return
            created = accounts.create_account(con, state.get("first_username", ""), state.get("first_display", ""),
                                              state.get("first_password", ""), "admin")
            audit.record(con, created.username, "account", f"first administrator {created.username}")
            _start_session(con, created.username)
    except accounts.AccountRefused as refused:
        state[_REFUSAL] = (f"ac_refused_{refused.kind}", {"detail": refused.detail})


def account_box(account: Account, lang: str) -> None:
    """Who is signed in, with the sign-out button (sidebar)."""
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.markdown(f":material/account_circle: {literal(account.display_name)} · "
                  f"{t(f'ac_role_{account.role}', lang)}")
    right.button(t("ac_sign_out", lang), key="sign_out", type="tertiary", on_click=_sign_out,
                 args=(account.username,))


def _sign_out(username: str) -> None:
    with open_connection() as con:
        audit.record(con, username, "sign_out")
    _end_session("signed_out")
    st.session_state[_SSO_LOGOUT] = True     # st.logout() belongs in the script run, not a callback
