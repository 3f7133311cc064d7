"""An import killed half-way, two imports at once, and readers during an import: the database
always holds either the data before or the data after a whole file, never a part of one.

Real processes (`python cli.py import …`), because DuckDB's guarantees here are about the file:
a kill -9 skips every Python clean-up, and its lock is per process.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from db.connection import connect
from tests.ingest.conftest import FIXTURES, table_hashes

REPO = Path(__file__).resolve().parents[2]
HEADER = ('"Record Id","Deal Owner.id","Deal Owner","Deal Name","Account Name.id","Account Name","Amount",'
          '"Closing Date","Stage","Lead Source","Created Time","Modified Time"\n')
STAGES = ("Qualification", "Proposal/Price Quote", "Closed Won", "Closed Lost")


def zoho_deals(path: Path, rows: int, first: int = 1) -> Path:
    """A Zoho deals export of `rows` deals numbered from `first` (200k rows import in ~3 s here)."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for i in range(first, first + rows):
            out.write(f'"zcrm_{i}","zcrm_o{i % 50}","Owner {i % 50}","Deal {i}","zcrm_a{i}","Acct {i}",'
                      f'"${i % 9000 + 100}.00","03/15/2025","{STAGES[i % 4]}","Web","03/01/2025 09:30 AM",'
                      '"03/02/2025 10:00 AM"\n')
    return path


def cli_import(db: Path, *files: Path, stderr=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "cli.py", "import", *map(str, files), "--db", str(db)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=stderr, text=True)


def state(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return table_hashes(con)


def deal_count(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*) FROM deals").fetchall()[0][0]


@pytest.fixture
def db(tmp_path) -> Path:
    """A database that already holds one small import."""
    path = tmp_path / "office.duckdb"
    done = subprocess.run([sys.executable, "cli.py", "import", str(FIXTURES / "zoho_deals_week1.csv"), "--db",
                           str(path)], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return path


def wait_for_text(path: Path, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while text not in path.read_text(errors="replace"):
        assert time.monotonic() < deadline, f"no {text!r} in {path.read_text(errors='replace')[-300:]}"
        time.sleep(0.02)


def test_an_import_killed_mid_write_leaves_the_database_as_it_was_and_usable(db, tmp_path):
    big = zoho_deals(tmp_path / "big.csv", 120_000)
    before = state(db)
    progress = tmp_path / "progress.txt"
    with progress.open("w") as err:
        importer = cli_import(db, big, stderr=err)
        wait_for_text(progress, "writing")     # past reading and checking: rows are going in
        time.sleep(0.3)
        os.kill(importer.pid, signal.SIGKILL)
        importer.wait()
    assert importer.returncode == -signal.SIGKILL
    assert state(db) == before
    again = subprocess.run([sys.executable, "cli.py", "import", str(zoho_deals(tmp_path / "small.csv", 50)),
                            "--db", str(db)], cwd=REPO, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert deal_count(db) == before["deals"][0] + 50


def test_two_imports_at_once_end_as_both_in_sequence_never_doubled(db, tmp_path):
    first = zoho_deals(tmp_path / "first.csv", 60_000, first=1)
    second = zoho_deals(tmp_path / "second.csv", 2_000, first=100_000)
    start = deal_count(db)
    runs = [cli_import(db, first), cli_import(db, second)]
    results = [(run.wait(timeout=120), *run.communicate()) for run in runs]
    for code, _, err in results:
        assert code in (0, 3), err
        if code == 3:
            assert "is open in another process" in err          # says so, in one line
    for (code, _, _), file in zip(results, (first, second), strict=True):
        if code == 3:                                            # the retry the message asks for
            retry = subprocess.run([sys.executable, "cli.py", "import", str(file), "--db", str(db)], cwd=REPO,
                                   capture_output=True, text=True)
            assert retry.returncode == 0, retry.stderr
    assert deal_count(db) == start + 62_000
    again = subprocess.run([sys.executable, "cli.py", "import", str(first), str(second), "--db", str(db)], cwd=REPO,
                           capture_output=True, text=True)
    assert again.returncode == 0 and "nothing changed" in again.stdout
    assert deal_count(db) == start + 62_000


READER = """
import json, sys, time
sys.path.insert(0, {repo!r})
from db.connection import DatabaseBusy, connect
seen = set()
deadline = time.monotonic() + {seconds}
while time.monotonic() < deadline:
    try:
        con = connect({db!r}, read_only=True)
    except DatabaseBusy:
        seen.add("busy")
        time.sleep(0.01)
        continue
    try:
        seen.add(con.execute("SELECT count(*) FROM deals").fetchall()[0][0])
    finally:
        con.close()
print(json.dumps(sorted(seen, key=str)))
"""


def test_readers_during_an_import_see_the_old_or_the_new_totals_or_busy(db, tmp_path):
    big = zoho_deals(tmp_path / "big.csv", 50_000)
    old = deal_count(db)
    script = READER.format(repo=str(REPO), db=str(db), seconds=4)
    readers = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for _ in range(3)]
    time.sleep(0.5)
    importer = cli_import(db, big)
    importer_code = importer.wait(timeout=120)
    outputs = [reader.communicate(timeout=60) for reader in readers]
    new = deal_count(db)
    assert importer_code in (0, 3)       # a reader holding the file for a moment may make the CLI give up
    assert new in (old, old + 50_000)
    for reader, (out, err) in zip(readers, outputs, strict=True):
        assert reader.returncode == 0, err
        assert set(json.loads(out)) <= {old, new, "busy"}, out


def test_a_read_only_open_while_a_writer_holds_the_file_says_busy(db):
    holder = connect(db)
    try:
        probe = subprocess.run([sys.executable, "-c", f"""
import sys; sys.path.insert(0, {str(REPO)!r})
from db.connection import DatabaseBusy, connect
try:
    connect({str(db)!r}, read_only=True)
except DatabaseBusy as busy:
    print("busy:", busy)
"""], capture_output=True, text=True)
    finally:
        holder.close()
    assert probe.stdout.startswith("busy:") and "is open in another process" in probe.stdout, probe.stderr
