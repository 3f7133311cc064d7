"""Accounts (db/accounts.py), the audit log (db/audit.py) and data scopes (db/scope.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from db import accounts, audit
from db.connection import connect, connect_memory
from db.deal_lists import DealSelection, deal_list
from db.filters import Filters
from db.scope import EVERYTHING, NOTHING, DataScope, scope_of

AS_OF = date(2026, 11, 25)
NOW = datetime(2026, 11, 27, 9, 0)


@pytest.fixture
def con():
    connection = connect_memory()
    accounts.create_account(connection, "root", "Root", "s3cret-pass", "admin")
    yield connection
    connection.close()


def test_the_password_is_stored_as_a_salted_argon2id_hash_never_as_text(con):
    accounts.create_account(con, "twin", "Twin", "s3cret-pass", "analyst")
    hashes = [h for (h,) in con.execute("SELECT password_hash FROM accounts ORDER BY username").fetchall()]
    assert all(h.startswith("$argon2id$") and "s3cret-pass" not in h for h in hashes)
    assert hashes[0] != hashes[1]                  # same password, different salt


def test_sign_in_accepts_the_right_password_only(con):
    assert accounts.sign_in(con, "root", "s3cret-pass", NOW).account.role == "admin"
    assert accounts.sign_in(con, "root", "wrong", NOW).reason == "wrong"
    assert accounts.sign_in(con, "nobody", "s3cret-pass", NOW).reason == "wrong"   # same answer for a wrong name


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(con):
    for _ in range(4):
        assert accounts.sign_in(con, "root", "guess", NOW).reason == "wrong"
    locked = accounts.sign_in(con, "root", "guess", NOW)
    assert locked.reason == "locked" and locked.locked_until == NOW + timedelta(minutes=5)
    assert accounts.sign_in(con, "root", "s3cret-pass", NOW + timedelta(minutes=4)).reason == "locked"
    # after the lock the right password works and the count starts again
    assert accounts.sign_in(con, "root", "s3cret-pass", NOW + timedelta(minutes=6)).account is not None
    assert con.execute("SELECT failed_attempts FROM accounts WHERE username = 'root'").fetchall() == [(0,)]


def test_each_further_wrong_password_doubles_the_lock(con):
    for _ in range(5):
        accounts.sign_in(con, "root", "guess", NOW)
    later = NOW + timedelta(minutes=6)           # the first lock (5 min) is over
    assert accounts.sign_in(con, "root", "guess", later).locked_until == later + timedelta(minutes=10)


def test_weak_or_duplicate_accounts_are_refused_and_nothing_is_stored(con):
    for username, password, role, kind in (("x", "short", "admin", "password_short"),
                                           ("root", "long-enough", "admin", "username_taken"),
                                           ("", "long-enough", "admin", "username_missing"),
                                           ("y", "long-enough", "boss", "role_unknown")):
        with pytest.raises(accounts.AccountRefused) as refused:
            accounts.create_account(con, username, username, password, role)
        assert refused.value.kind == kind
    assert con.execute("SELECT count(*) FROM accounts").fetchall() == [(1,)]


def test_the_last_enabled_admin_cannot_be_demoted_or_disabled(con):
    for change in ({"role": "analyst", "disabled": False}, {"role": "admin", "disabled": True}):
        with pytest.raises(accounts.AccountRefused):
            accounts.update_account(con, "root", staff_id=None, project_ids=(), personal_data=False, **change)
    assert accounts.account(con, "root").role == "admin"


def test_a_disabled_account_cannot_sign_in(con):
    accounts.create_account(con, "gone", "Gone", "s3cret-pass", "analyst")
    accounts.update_account(con, "gone", role="analyst", staff_id=None, project_ids=(), personal_data=False,
                            disabled=True)
    assert accounts.sign_in(con, "gone", "s3cret-pass", NOW).reason == "disabled"
    assert accounts.account(con, "gone") is None


def test_the_audit_log_lists_newest_first_and_filters_by_action(con):
    audit.record(con, "root", "sign_in")
    audit.record(con, "root", "export", "explorer.csv")
    assert list(audit.audit_entries(con)["action"]) == ["export", "sign_in"]
    assert list(audit.audit_entries(con, "export")["detail"]) == ["explorer.csv"]


# --- scopes on the demo: 刘立旭 S024 leads 刚需组 B-FIRST (project PB); 高琦振 S027 consults there.

@pytest.fixture(scope="module")
def demo(demo_db_path):
    connection = connect(demo_db_path, read_only=True)
    yield connection
    connection.close()


@pytest.mark.parametrize(("role", "staff", "projects", "expected"), [
    ("admin", None, (), EVERYTHING),
    ("analyst", None, (), DataScope(personal_data=False)),
    ("manager", None, ("PB",), DataScope(project_ids=("PB",), group_ids=("B-FIRST", "B-UPGRADE"))),
    ("manager", None, (), DataScope(project_ids=NOTHING, group_ids=NOTHING)),
    ("leader", "S024", (), DataScope(project_ids=("PB",), group_ids=("B-FIRST",))),
    ("consultant", "S027", (), DataScope(project_ids=("PB",), group_ids=("B-FIRST",), own_staff_id="S027")),
    ("consultant", None, (), DataScope(project_ids=NOTHING, group_ids=NOTHING, own_staff_id=NOTHING[0])),
])
def test_each_role_gets_its_scope(demo, role, staff, projects, expected):
    account = accounts.Account("u", "u", role, staff, projects)
    assert scope_of(demo, account, AS_OF) == expected


def test_restricting_filters_keeps_chosen_groups_inside_the_scope_and_drops_the_others():
    scope = DataScope(project_ids=("PB",), group_ids=("B-FIRST", "B-UPGRADE"))
    window = Filters(date(2026, 10, 1), date(2026, 10, 31))
    assert scope.restrict(window).group_ids == ("B-FIRST", "B-UPGRADE")
    assert scope.restrict(Filters(window.start, window.end, group_ids=("A-INIT", "B-FIRST"))).group_ids == ("B-FIRST",)
    assert scope.restrict(Filters(window.start, window.end, group_ids=("A-INIT",))).group_ids == ("B-FIRST", "B-UPGRADE")


def test_a_consultants_deal_lists_hold_only_their_own_deals(demo):
    scope = DataScope(project_ids=("PB",), group_ids=("B-FIRST",), own_staff_id="S027")
    window = Filters(date(2026, 9, 1), date(2026, 11, 25))
    listed = deal_list(demo, scope.restrict(window), DealSelection(basis="created"))
    owners = demo.execute("SELECT DISTINCT owner_staff_id FROM deals WHERE deal_id IN (SELECT unnest(?))",
                          [list(listed["deal_id"])]).fetchall()
    # the same window for the whole group lists other owners' deals too
    group_list = deal_list(demo, DataScope(group_ids=("B-FIRST",)).restrict(window), DealSelection(basis="created"))
    assert len(listed) > 0 and owners == [("S027",)]
    assert len(group_list) > len(listed)
