"""`cli.py accounts …` and the --as USERNAME scope of `cli.py kpis` and `cli.py report`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[2]


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "cli.py"), *args], input=stdin, capture_output=True,
                          text=True, cwd=REPO, timeout=120)


@pytest.fixture(scope="module")
def office(demo_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli_access") / "demo.duckdb"
    shutil.copy(demo_db_path, path)
    return path


def test_an_operator_adds_an_account_and_the_password_is_never_an_argument(tmp_path):
    db = str(tmp_path / "fresh.duckdb")
    refused = cli("accounts", "--db", db, "add", "boss", "--role", "admin", "--password-stdin", stdin="short\n")
    assert refused.returncode == 2 and "at least 8 characters" in refused.stderr
    made = cli("accounts", "--db", db, "add", "boss", "--role", "admin", "--password-stdin", stdin="long enough pw\n")
    assert made.returncode == 0, made.stderr
    listed = cli("accounts", "--db", db, "list")
    assert listed.stdout.split() == ["boss", "admin"]
    with duckdb.connect(db, read_only=True) as con:
        (stored,), = con.execute("SELECT password_hash FROM accounts").fetchall()
        logged = con.execute("SELECT actor, action, detail FROM audit_log").fetchall()
    assert stored.startswith("$argon2id$") and "long enough" not in stored
    assert logged[0][1:] == ("account", "created boss as admin") and logged[0][0].startswith("cli")


def test_kpis_as_a_leader_print_only_their_group(office):
    everyone = cli("kpis", "--db", str(office), "--from", "2026-10-01", "--to", "2026-10-31", "--format", "csv")
    leader = cli("kpis", "--db", str(office), "--from", "2026-10-01", "--to", "2026-10-31", "--format", "csv",
                 "--as", "leader_b")
    assert leader.returncode == 0, leader.stderr
    rows = [line.split(",")[0] for line in leader.stdout.splitlines()[1:]]
    assert rows == ["刚需组"]
    assert len(everyone.stdout.splitlines()) == 6          # header + five groups
    with duckdb.connect(str(office), read_only=True) as con:
        (deals,), = con.execute("SELECT count(*) FROM deals WHERE group_id = 'B-FIRST' AND created_at >= "
                                "'2026-10-01' AND created_at < '2026-11-01'").fetchall()
    header = leader.stdout.splitlines()[0].split(",")
    assert int(float(leader.stdout.splitlines()[1].split(",")[header.index("deals")])) == deals


def test_an_unknown_account_is_refused(office):
    result = cli("kpis", "--db", str(office), "--as", "nobody")
    assert result.returncode == 2 and "no enabled account named 'nobody'" in result.stderr


def test_the_weekly_report_as_a_manager_holds_only_their_projects_groups(office, tmp_path):
    out = tmp_path / "week.html"
    result = cli("report", "weekly", "--db", str(office), "--week", "2026-W46", "--out", str(out), "--as", "mgr_pb")
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert "刚需组" in html and "改善组" in html
    assert not any(name in html for name in ("初期接触组", "跟进组", "成交组"))


def test_the_weekly_report_as_an_analyst_without_the_grant_is_in_privacy_mode(office, tmp_path):
    out = tmp_path / "week.html"
    result = cli("report", "weekly", "--db", str(office), "--week", "2026-W46", "--out", str(out), "--as", "analyst")
    assert result.returncode == 0, result.stderr
    assert "privacy mode" in result.stdout


def test_rebuilding_the_demo_keeps_the_sign_in_accounts(tmp_path):
    db = str(tmp_path / "demo.duckdb")
    assert cli("demo", "--db", db).returncode == 0
    made = cli("accounts", "--db", db, "add", "boss", "--role", "admin", "--password-stdin", stdin="long enough pw\n")
    assert made.returncode == 0, made.stderr
    with duckdb.connect(db, read_only=True) as con:
        before = con.execute("SELECT username, role, password_hash FROM accounts").fetchall()
    rebuilt = cli("demo", "--db", db, "--force")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "kept 1 sign-in account(s)" in rebuilt.stdout
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT username, role, password_hash FROM accounts").fetchall() == before
        assert con.execute("SELECT count(*) FROM deals").fetchone()[0] > 20_000     # the demo itself is back
