"""`python cli.py import …`: summaries, exit statuses, refusals, busy database, progress bar, undo."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import duckdb
import pytest

import cli
from tests.ingest.conftest import FIXTURES


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.duckdb")


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = cli.main(["import", *args])
    out = capsys.readouterr()
    return status, out.out, out.err


def counts(db: str, sql: str):
    con = duckdb.connect(db, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_imports_print_a_summary_per_file_and_exit_zero(capsys, db):
    status, out, _ = run(capsys, "--db", db, str(FIXTURES / "zoho_deals_week1.csv"), str(FIXTURES / "zoho_deals_week2.csv"))
    assert status == 0
    assert "zoho_deals_week1.csv: read 3 · new 3 · updated 0 · unchanged 0 · rejected 0 (batch 1)" in out
    assert "zoho_deals_week2.csv: read 4 · new 1 · updated 2 · unchanged 1 · rejected 0 (batch 2)" in out
    assert "detected: Zoho CRM Deals: headers Deal Owner.id" in out
    status, out, _ = run(capsys, "--db", db, str(FIXTURES / "zoho_deals_week2.csv"))
    assert status == 0 and "already imported in batch 2: nothing changed" in out


def test_a_refused_file_gives_a_one_line_reason_and_exit_two(capsys, db):
    run(capsys, "--db", db, str(FIXTURES / "zoho_deals_week1.csv"))
    before = counts(db, "SELECT count(*) FROM deals")
    status, _, err = run(capsys, "--db", db, str(FIXTURES / "image.csv"))
    assert status == 2
    assert err.strip() == "error: image.csv: this is a PNG image, not a CSV or Excel file (database unchanged)"
    assert counts(db, "SELECT count(*) FROM deals") == before


def test_strict_mode_refuses_a_file_with_a_bad_row(capsys, db):
    status, _, err = run(capsys, "--db", db, "--strict", str(FIXTURES / "bad_rows.csv"))
    assert status == 2 and "strict mode: 3 row(s) cannot be read" in err


def test_a_mapping_from_the_command_line_and_stage_words(capsys, db):
    layout = str(FIXTURES / "unknown_layout.csv")
    status, out, _ = run(capsys, "--db", db, "--entity", "deals", "--map", "name=Property", "--map", "stage=Result",
                         "--map", "created_at=Sold On", "--map", "owner_name=Agent", layout)
    assert status == 0 and "unmapped stages (imported with no stage; map them to fix): PI (1), S (1), SP (1)" in out
    status, out, _ = run(capsys, "--db", db, "--stage", "S=contract", "--stage", "SP=contract", "--stage", "PI=lost")
    assert status == 0 and "stage map: S → contract (generic; 1 deals re-derived)" in out
    assert counts(db, "SELECT outcome, count(*) FROM deals GROUP BY 1 ORDER BY 1") == [("lost", 1), ("won", 2)]


def test_rejects_can_be_listed_and_written_and_a_batch_undone(capsys, db, tmp_path):
    run(capsys, "--db", db, str(FIXTURES / "bad_rows.csv"))
    out_file = tmp_path / "rejects.csv"
    status, out, _ = run(capsys, "--db", db, "--rejects", "1", "--out", str(out_file))
    assert status == 0 and "3 rejected rows of batch 1" in out
    assert "一百万" in out_file.read_text(encoding="utf-8-sig")
    status, out, _ = run(capsys, "--db", db, "--undo", "1")
    assert status == 0 and "batch 1 undone" in out
    assert counts(db, "SELECT count(*) FROM deals") == [(0,)]
    status, out, _ = run(capsys, "--db", db, "--batches")
    assert "undone" in out


def test_large_files_show_a_progress_bar_on_stderr(capsys, db, tmp_path):
    big = tmp_path / "big.csv"
    lines = ["deal_id,sales_agent,deal_stage,close_value,engage_date"]
    lines += [f"D{i:07d},Agent {i % 40},{'Won' if i % 3 else 'Lost'},{i % 9000},2025-03-{i % 28 + 1:02d}" for i in range(30000)]
    big.write_text("\n".join(lines) + "\n")
    assert big.stat().st_size > 1 << 20
    status, out, err = run(capsys, "--db", db, str(big))
    assert status == 0 and "new 30000" in out
    assert "big.csv [##############################] 100% done" in err


def test_a_busy_database_exits_three_with_what_to_do(capsys, db):
    duckdb.connect(db).close()
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({db!r})
        print("holding", flush=True)
        time.sleep(30)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        status, _, err = run(capsys, "--db", db, str(FIXTURES / "zoho_deals_week1.csv"))
        assert status == 3 and "is open in another process" in err
    finally:
        holder.kill()
        holder.wait()
