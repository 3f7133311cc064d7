"""The weekly report as HTML, PDF and XLSX (ui.reports) and from `python cli.py report weekly`:
self-contained, Chinese text in the PDF, formulas neutralised, and in privacy mode not a single
customer name, phone or note in any file.

`personal_data` and `leaks` are shared with the page tests: they search a text for every customer
name and phone in the database and every activity note and survey comment.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from python_calamine import CalamineWorkbook

from analytics.registry import METRICS
from cli import main as cli_main
from db import meetings
from db.connection import connect
from ui import i18n, reports, weekly_data
from ui.exports import FORMULA_PREFIXES

REPO = Path(__file__).resolve().parents[2]
WEEK = "2026-W47"
# A customer of the demo written into an action item and the minutes (free text staff may type).
NAMED_CUSTOMER = "C000001"
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")


def personal_data(db_path) -> dict:
    """Customer names and phones, notes and comments (secrets), and the words allowed on screen:
    staff, group and project names, lost reasons and every interface label (CJK runs only)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        def values(sql: str) -> set[str]:
            return {row[0] for row in con.execute(sql).fetchall() if row[0]}
        allowed = (values("SELECT name FROM staff") | values("SELECT name FROM groups") | values("SELECT name FROM projects")
                   | values("SELECT DISTINCT lost_reason FROM deals"))
        secrets = {"names": values("SELECT name FROM customers"), "phones": values("SELECT phone FROM customers"),
                   "notes": values("SELECT DISTINCT note FROM activities") | values("SELECT DISTINCT comment FROM surveys")}
    labels = [text for pair in i18n.STRINGS.values() for text in pair]
    for table in (i18n.STAGE_LABELS, i18n.CHANNEL_LABELS, i18n.CUSTOMER_TYPE_LABELS, i18n.ROLE_LABELS, i18n.BASIS_LABELS):
        labels += [text for pair in table.values() for text in pair]
    labels += [m.label_zh for m in METRICS.values()] + ["客户", "已隐藏"]
    words = {run for text in [*labels, *allowed] for run in _CJK.findall(text)}
    return {**secrets, "allowed": sorted(words, key=len, reverse=True)}


def leaks(text: str, data: dict) -> dict[str, set[str]]:
    """The customer names, phones and notes found in `text`.

    Chinese runs are joined across whitespace (a PDF wraps a cell's text over lines) and every
    allowed word is taken out before looking for names, so that 本周成交 does not read as the
    two-character name 周成. What remains must contain no customer name.
    """
    joined = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", text)
    found = {"names": set(), "phones": set(_ELEVEN_DIGITS.findall(text)) & data["phones"],
             "notes": {note for note in data["notes"] if note in joined}}
    for run in set(_CJK.findall(joined)):
        rest = run
        for word in data["allowed"]:
            if word in rest:
                rest = rest.replace(word, " ")
        for piece in _CJK.findall(rest):
            found["names"] |= {piece[i:i + n] for n in (2, 3) for i in range(len(piece) - n + 1)} & data["names"]
    return {kind: hits for kind, hits in found.items() if hits}


@pytest.fixture(scope="module")
def office(demo_db_path, tmp_path_factory):
    """A copy of the demo with W47 frozen, an action and minutes that name a customer, and the
    customer's name and phone."""
    path = tmp_path_factory.mktemp("reports") / "demo.duckdb"
    shutil.copy(demo_db_path, path)
    with connect(path) as con:
        name, phone = con.execute("SELECT name, phone FROM customers WHERE customer_id = ?", [NAMED_CUSTOMER]).fetchone()
        meetings.add_action(con, "2026-W46", f"=联系{name}（{phone}）确认签约", "闫辰", date(2026, 11, 27))
        meetings.save_notes(con, WEEK, f"{name} 的认购逾期，电话 {phone}", "经理")
        weekly_data.frozen_meeting(con, WEEK)
    return {"path": path, "name": name, "phone": phone}


def cli(*args: str) -> subprocess.CompletedProcess:
    """`python cli.py report weekly …` as its own process."""
    return subprocess.run([sys.executable, str(REPO / "cli.py"), "report", "weekly", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def private_files(office, tmp_path_factory):
    """The three formats written by the CLI in privacy mode (also the CLI's own test): the XLSX
    by a separate process, the others in this one (same code, without a second interpreter start)."""
    folder = tmp_path_factory.mktemp("private")
    files = {fmt: folder / f"weekly.{fmt}" for fmt in ("pdf", "html", "xlsx")}
    done = cli("--week", WEEK, "--db", str(office["path"]), "--out", str(files["xlsx"]), "--privacy")
    assert done.returncode == 0, done.stderr
    assert "privacy mode" in done.stdout
    for fmt in ("pdf", "html"):
        status = cli_main(["report", "weekly", "--week", WEEK, "--db", str(office["path"]), "--out", str(files[fmt]),
                           "--privacy"])
        assert status == 0
    return files


def xlsx_text(path: Path) -> str:
    book = CalamineWorkbook.from_path(str(path))
    return "\n".join(f"[{name}]\n" + "\n".join("\t".join(str(cell) for cell in row)
                                            for row in book.get_sheet_by_name(name).to_python())
                     for name in book.sheet_names)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_cli_writes_every_format_and_exits_0(private_files):
    assert private_files["pdf"].read_bytes().startswith(b"%PDF")
    assert private_files["html"].read_text(encoding="utf-8").startswith("<!doctype html>")
    assert private_files["xlsx"].read_bytes().startswith(b"PK")


def test_the_cli_refuses_a_bad_week_or_extension(office, tmp_path):
    def status(*args: str) -> int:
        return cli_main(["report", "weekly", *args])

    assert status("--week", "2026-47", "--db", str(office["path"])) == 1
    assert status("--db", str(office["path"]), "--out", str(tmp_path / "x.docx")) == 1
    assert status("--db", str(tmp_path / "missing.duckdb")) == 2


def test_the_pdf_prints_the_chinese_labels_the_week_and_the_as_of_moment(private_files):
    text = pdf_text(private_files["pdf"])
    for label in ("周会", "小组记分牌", "本周变化", "亮点", "行动项与纪要", "新增首访", "成交组"):
        assert label in text, label
    assert "2026-W47" in text and "数据截至 2026-11-22 24:00" in text and "范围：全部" in text
    assert "隐私模式" in text


def test_in_privacy_mode_no_report_holds_a_customer_name_phone_or_note(office, private_files):
    data = personal_data(office["path"])
    texts = {"pdf": pdf_text(private_files["pdf"]), "html": private_files["html"].read_text(encoding="utf-8"),
             "xlsx": xlsx_text(private_files["xlsx"])}
    for fmt, text in texts.items():
        assert leaks(text, data) == {}, fmt
        assert office["name"] not in text and office["phone"] not in text
    assert "客户-" in texts["xlsx"] and "****" in texts["xlsx"]      # pseudonyms and masked phones instead


def test_without_privacy_the_same_check_finds_the_names(office):
    # The leak check itself must see a leak: the normal report names customers in its lists.
    with connect(office["path"]) as con:
        meeting = weekly_data.frozen_meeting(con, WEEK)
        actions, notes = weekly_data.meeting_extras(con, WEEK, privacy=False)
    text = reports.weekly_html(meeting, actions, notes, "zh", privacy=False)
    found = leaks(text, personal_data(office["path"]))
    assert office["name"] in found["names"] and office["phone"] in found["phones"]


def test_the_html_is_self_contained_with_plotly_inlined_once(private_files):
    html = private_files["html"].read_text(encoding="utf-8")
    assert html.count("* plotly.js v") == 1                  # the library's banner: inlined once
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html)     # nothing fetched when opened
    assert html.count('class="plotly-graph-div"') >= 3


def test_the_xlsx_has_a_sheet_per_table_and_no_formula_runs(private_files):
    book = CalamineWorkbook.from_path(str(private_files["xlsx"]))
    assert book.sheet_names[:3] == ["说明", "小组记分牌", "月度进度"]
    assert {"本周变化", "新增首访", "逾期未跟进", "认购逾期未签约", "最佳顾问", "行动项", "会议纪要"} <= set(book.sheet_names)
    actions = book.get_sheet_by_name("行动项").to_python()
    whats = [row[1] for row in actions[1:]]
    assert any(str(w).startswith("'=联系客户-") for w in whats)         # neutralised and redacted
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).to_python()[1:]:
            assert not any(isinstance(c, str) and c.startswith(FORMULA_PREFIXES) for c in row), name


def test_the_english_report_speaks_english(office):
    with connect(office["path"]) as con:
        meeting = weekly_data.frozen_meeting(con, WEEK)
        actions, notes = weekly_data.meeting_extras(con, WEEK)
    html = reports.weekly_html(meeting, actions, notes, "en", privacy=False)
    assert "Weekly meeting · 2026-W47" in html and "Group scoreboard" in html and "Newly stalled deals" in html
