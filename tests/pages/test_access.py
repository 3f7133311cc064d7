"""Sign-in, roles and data scope through the real frame (app.py) in AppTest.

The demo holds one account per role (tests/accounts.py): mgr_pb runs project PB (滨江悦: 刚需组
B-FIRST and 改善组 B-UPGRADE), leader_b leads 刚需组, cons_b (高琦振 S027) consults in 刚需组,
analyst has no grant to personal data, analyst_granted has it.
"""

from __future__ import annotations

import re
import shutil
import time

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from db import accounts
from db.connection import connect
from tests.accounts import TEST_PASSWORD
from tests.pages.apptest import APP, REPO, metric_values, run_app
from tests.pages.test_weekly import page_text
from tests.ui.test_reports import leaks, personal_data
from ui.navigation import PAGES
from ui.sign_in_sessions import COOKIE_NAME
from ui.signin import IDLE_MINUTES, SESSION_KEY

# What each role may open, written out here (not read from ui/access.py) so the test checks it.
EVERYONE = {"overview", "funnel", "people", "satisfaction", "targets", "case-review", "dictionary", "feedback"}
ANALYSIS = {"compare", "explorer", "weekly"}
MANAGEMENT = {"groups", "set-targets", "incentives", "regroup"}
MAY_OPEN = {
    "admin": EVERYONE | ANALYSIS | MANAGEMENT | {"import", "accounts"},
    "mgr_pb": EVERYONE | ANALYSIS | MANAGEMENT | {"import"},
    "analyst": EVERYONE | ANALYSIS | {"import"},
    "leader_b": EVERYONE | ANALYSIS,
    "cons_b": EVERYONE,
}
OCTOBER = {"preset": "custom", "from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture(scope="module")
def office(demo_db_path, tmp_path_factory):
    """A private copy: signing in and the weekly meeting write to the database."""
    path = tmp_path_factory.mktemp("access") / "demo.duckdb"
    shutil.copy(demo_db_path, path)
    return path


def sql(path, query: str, params=None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(query, params or []).fetchall()


def group_choices(app) -> list[str]:
    return next(m.options for m in app.sidebar.multiselect if m.label == "小组")


# --- signed out -------------------------------------------------------------------------------

def test_a_new_tab_sees_only_the_sign_in_form(monkeypatch, office):
    app = run_app(monkeypatch, office, OCTOBER, user=None)
    assert [title.value for title in app.title] == ["登录"]
    assert not app.metric and not app.dataframe and not app.sidebar.multiselect
    text = page_text(app)
    assert "刚需组" not in text and "云栖府" not in text


def test_a_wrong_password_is_refused_and_logged_and_the_right_one_opens_the_overview(monkeypatch, office):
    app = run_app(monkeypatch, office, OCTOBER, user=None)
    app.text_input(key="signin_username").input("leader_b")
    app.text_input(key="signin_password").input("not the password")
    app.button[0].click().run()
    assert [e.value for e in app.error] == ["用户名或密码错误。"]
    app.text_input(key="signin_password").input(TEST_PASSWORD)
    app.button[0].click().run()
    assert not app.exception
    assert [title.value for title in app.title] == ["总览"]
    logged = sql(office, "SELECT action FROM audit_log WHERE actor = 'leader_b' ORDER BY logged_at, rowid")
    assert logged[-2:] == [("sign_in_failed",), ("sign_in",)]


def test_an_idle_session_expires_back_to_the_sign_in_form(monkeypatch, office):
    monkeypatch.setenv("ANCHANG_DB", str(office))
    app = AppTest.from_file(APP, default_timeout=90)
    idle = time.time() - (IDLE_MINUTES + 1) * 60
    app.session_state[SESSION_KEY] = {"username": "admin", "since": idle, "seen": idle}
    app.run()
    assert [title.value for title in app.title] == ["登录"]
    assert "登录已过期" in app.info[0].value


# --- a reload: the browser's token resumes the session ---------------------------------------

def cookie_scripts(app) -> list[str]:
    """The cookie changes the run handed the browser (st.html scripts)."""
    return [element.proto.body for element in app.html if COOKIE_NAME in element.proto.body]


def signed_in_token(monkeypatch, office, user: str = "leader_b") -> str:
    """Sign in through the form; the token the run put in the browser's cookie."""
    app = run_app(monkeypatch, office, OCTOBER, user=None)
    app.text_input(key="signin_username").input(user)
    app.text_input(key="signin_password").input(TEST_PASSWORD)
    app.button[0].click().run()
    assert [title.value for title in app.title] == ["总览"]
    [script] = cookie_scripts(app)
    return re.search(rf"{COOKIE_NAME}=([A-Za-z0-9_-]+);", script).group(1)


def reload_with_cookie(monkeypatch, office, token: str) -> AppTest:
    """A new session, as after a reload, from a browser that presents `token` (AppTest has no
    browser, so its st.context.cookies are replaced for the run)."""
    monkeypatch.setattr(type(st.context), "cookies", property(lambda _: {COOKIE_NAME: token}))
    return run_app(monkeypatch, office, OCTOBER, user=None)


def test_a_reload_resumes_the_session_and_signing_out_ends_it(monkeypatch, office):
    token = signed_in_token(monkeypatch, office)
    reloaded = reload_with_cookie(monkeypatch, office, token)
    assert not reloaded.exception
    assert [title.value for title in reloaded.title] == ["总览"] and not cookie_scripts(reloaded)
    reloaded.sidebar.button(key="sign_out").click().run()
    assert [title.value for title in reloaded.title] == ["登录"]
    assert cookie_scripts(reloaded) == [f"<script data-sign-in-cookie>document.cookie = '{COOKIE_NAME}=; Path=/; Max-Age=0; "
                                        "SameSite=Strict';</script>"]
    again = reload_with_cookie(monkeypatch, office, token)
    assert [title.value for title in again.title] == ["登录"]
    assert "刚需组" not in page_text(again)


def test_a_new_password_ends_the_sessions_of_the_old_one(monkeypatch, office):
    token = signed_in_token(monkeypatch, office)
    with connect(office) as con:                     # the same password again: a new salt, a new hash
        accounts.set_password(con, "leader_b", TEST_PASSWORD)
    reloaded = reload_with_cookie(monkeypatch, office, token)
    assert [title.value for title in reloaded.title] == ["登录"]
    assert len(cookie_scripts(reloaded)) == 1         # the dead cookie is cleared


def test_the_first_start_asks_for_an_administrator_and_stores_only_a_hash(monkeypatch, tmp_path):
    empty = tmp_path / "fresh.duckdb"
    app = run_app(monkeypatch, empty, user=None)
    assert [title.value for title in app.title] == ["创建管理员账户"]
    app.text_input(key="first_username").input("boss")
    app.text_input(key="first_display").input("王经理")
    app.text_input(key="first_password").input("a long passphrase")
    app.text_input(key="first_again").input("a long passphrase")
    app.button[0].click().run()
    assert not app.exception
    assert app.session_state[SESSION_KEY]["username"] == "boss"
    (role, stored), = sql(empty, "SELECT role, password_hash FROM accounts")
    assert role == "admin" and stored.startswith("$argon2id$") and "passphrase" not in stored


# --- roles: pages ---------------------------------------------------------------------------

def openable_pages(app) -> set[str]:
    """The url paths the frame's navigation offers (AppTest refuses to switch to any other)."""
    offered = set()
    for path, _title, _icon, url_path, _section in PAGES:
        try:
            app.switch_page(str(REPO / path))
        except ValueError as refused:
            assert "Could not find a navigation page" in str(refused)
        else:
            offered.add(url_path)
    return offered


@pytest.mark.parametrize("user", sorted(MAY_OPEN))
def test_each_role_is_offered_exactly_its_pages(monkeypatch, office, user):
    app = run_app(monkeypatch, office, OCTOBER, user=user)
    assert openable_pages(app) == MAY_OPEN[user]


@pytest.mark.parametrize(("user", "url_path"), [
    (user, url_path) for user in ("mgr_pb", "leader_b", "cons_b", "analyst") for url_path in sorted(MAY_OPEN[user])
    if url_path not in ("dictionary", "import")])
def test_every_page_a_role_may_open_runs_within_its_scope(monkeypatch, office, user, url_path):
    path = next(path for path, *_rest, url, _section in PAGES if url == url_path)
    app = run_app(monkeypatch, office, {"preset": "last_month"}, page=path, user=user)
    assert not app.exception, app.exception


# --- roles: data ----------------------------------------------------------------------------

@pytest.mark.parametrize(("user", "groups"), [
    ("admin", ["初期接触组", "跟进组", "成交组", "刚需组", "改善组"]),
    ("mgr_pb", ["刚需组", "改善组"]),
    ("leader_b", ["刚需组"]),
    ("cons_b", ["刚需组"]),
])
def test_the_group_filter_offers_only_the_groups_in_scope(monkeypatch, office, user, groups):
    app = run_app(monkeypatch, office, OCTOBER, user=user)
    assert group_choices(app) == groups


def test_a_leaders_overview_counts_only_their_group(monkeypatch, office):
    app = run_app(monkeypatch, office, OCTOBER, user="leader_b")
    # October's deals created in 刚需组, by SQL: the number the leader's 商机数 card must show.
    (deals,), = sql(office, "SELECT count(*) FROM deals WHERE group_id = 'B-FIRST' "
                            "AND created_at >= '2026-10-01' AND created_at < '2026-11-01'")
    (everyone,), = sql(office, "SELECT count(*) FROM deals WHERE created_at >= '2026-10-01' AND created_at < '2026-11-01'")
    assert deals < everyone
    assert metric_values(app)["商机数"] == f"{deals:,} 个"


def test_a_group_in_the_url_outside_the_scope_shows_nothing_of_it(monkeypatch, office):
    app = run_app(monkeypatch, office, {**OCTOBER, "group": "A-CLOSE"}, user="leader_b")
    assert "成交组" not in page_text(app)


def test_a_consultant_sees_their_own_scorecard_and_no_leaderboard(monkeypatch, office):
    app = run_app(monkeypatch, office, OCTOBER, page="pages/people.py", user="cons_b")
    assert not app.exception
    assert app.selectbox(key="consultant").options == ["高琦振 · 刚需组"]
    assert not app.dataframe                   # the leaderboard tables are not drawn
    assert "付楠琴" not in page_text(app)         # a colleague in 刚需组


def test_a_consultant_cannot_open_a_colleagues_case(monkeypatch, office):
    (colleague_deal,), = sql(office, "SELECT min(deal_id) FROM deals WHERE owner_staff_id = 'S028'")
    app = run_app(monkeypatch, office, {"deal": colleague_deal}, page="pages/case_review.py", user="cons_b")
    assert "该商机不在您的数据范围内。" in [w.value for w in app.warning]
    (own_deal,), = sql(office, "SELECT min(deal_id) FROM deals WHERE owner_staff_id = 'S027'")
    app = run_app(monkeypatch, office, {"deal": own_deal}, page="pages/case_review.py", user="cons_b")
    assert not app.warning and own_deal in page_text(app)


def test_an_analyst_without_the_grant_sees_no_personal_data_even_without_asking(monkeypatch, office):
    secrets = personal_data(office)
    app = run_app(monkeypatch, office, {"preset": "last_month"}, user="analyst")
    toggle = next(tg for tg in app.sidebar.toggle if tg.label == "隐私模式")
    assert toggle.value is True and toggle.disabled
    assert leaks(page_text(app), secrets) == {}
    granted = run_app(monkeypatch, office, {"preset": "last_month"}, user="analyst_granted")
    assert leaks(page_text(granted), secrets).get("names")      # the control: names do show


def test_a_manager_switches_privacy_on_for_every_viewer_and_it_is_logged(monkeypatch, office):
    run_app(monkeypatch, office, OCTOBER, user="mgr_pb").sidebar.toggle(key="w_privacy_all").set_value(True).run()
    try:
        leader = run_app(monkeypatch, office, OCTOBER, user="leader_b")
        toggle = next(tg for tg in leader.sidebar.toggle if tg.label == "隐私模式")
        assert toggle.value is True and toggle.disabled
        assert ("mgr_pb", "privacy", "on") in sql(office, "SELECT actor, action, detail FROM audit_log")
    finally:
        run_app(monkeypatch, office, OCTOBER, user="mgr_pb").sidebar.toggle(key="w_privacy_all").set_value(False).run()
    leader = run_app(monkeypatch, office, OCTOBER, user="leader_b")
    assert next(tg for tg in leader.sidebar.toggle if tg.label == "隐私模式").value is False


def test_the_admin_sees_accounts_and_the_audit_log_without_any_hash(monkeypatch, office):
    app = run_app(monkeypatch, office, page="pages/accounts.py", user="admin")
    assert not app.exception
    accounts_table = app.dataframe[0].value
    assert set(accounts_table["用户名"]) >= {"admin", "mgr_pb", "leader_b", "cons_b"}
    assert "$argon2" not in page_text(app)


# --- single sign-on (OIDC through st.login, when .streamlit/secrets.toml has [auth]) -------------

def sso_app(monkeypatch, office, email: str) -> AppTest:
    monkeypatch.setenv("ANCHANG_DB", str(office))
    app = AppTest.from_file(APP, default_timeout=90)
    app.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    app.user = {"is_logged_in": True, "email": email, "name": email}
    return app


def test_a_provider_sign_in_maps_to_the_account_of_that_email(monkeypatch, office):
    with duckdb.connect(str(office)) as con:
        con.execute("INSERT INTO accounts (username, display_name, password_hash, role, staff_id) "
                    "SELECT 'liu@example.com', '刘立旭', password_hash, 'leader', 'S024' FROM accounts "
                    "WHERE username = 'leader_b' ON CONFLICT DO NOTHING")
    app = sso_app(monkeypatch, office, "liu@example.com")
    app.run()
    assert not app.exception
    assert [title.value for title in app.title] == ["总览"]
    assert group_choices(app) == ["刚需组"]


def test_a_provider_sign_in_without_an_account_sees_nothing(monkeypatch, office):
    app = sso_app(monkeypatch, office, "stranger@example.com")
    app.run()
    assert not app.metric and not app.sidebar.multiselect
    assert ("stranger@example.com", "sign_in_failed", "oidc") in sql(office, "SELECT actor, action, detail FROM audit_log")


def test_a_manager_manages_only_the_groups_of_their_projects(monkeypatch, office):
    app = run_app(monkeypatch, office, page="pages/groups_admin.py", user="mgr_pb")
    assert not app.exception
    shown = app.dataframe[0].value
    names = set(shown[shown.columns[0]]) | set(shown[shown.columns[1]])
    assert {"刚需组", "改善组"} <= names and not names & {"初期接触组", "跟进组", "成交组"}


def test_a_leaders_explorer_download_holds_only_their_group(monkeypatch, office, downloads):
    app = run_app(monkeypatch, office, {"preset": "last_90_days"}, page="pages/explorer.py", user="leader_b")
    assert not app.exception
    (csv_name,) = [name for name in downloads if name.endswith(".csv")]
    text = downloads[csv_name].decode("utf-8-sig")
    assert "刚需组" in text
    assert not any(name in text for name in ("初期接触组", "跟进组", "成交组", "改善组"))
