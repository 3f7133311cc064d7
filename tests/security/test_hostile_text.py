"""Text from an import never runs: names that are HTML, Markdown, SQL or spreadsheet formulas show
as typed on every page, in every chart and download, and change nothing in the database.

A roster and a deals export whose group, person, customer, project, deal and stage names are
hostile strings are imported (under a hostile file name) on top of the demo. Every page then runs
in AppTest as a signed-in administrator, and every text a browser would read as Markdown
(markdown, captions, titles, alerts, labels, help) is searched for the raw strings: they must
only appear escaped. Plotly renders a few HTML tags (<b>, <br>, <a>) in its labels, so the charts'
display fields must carry data text with `<` escaped too.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import duckdb
import pandas as pd
import pytest
from google.protobuf.message import Message
from python_calamine import CalamineWorkbook
from streamlit.testing.v1 import AppTest

from db.accounts import create_account
from db.connection import connect
from ingest.pipeline import import_file
from tests.pages.apptest import APP, REPO
from ui import formats
from ui.exports import to_csv_bytes, to_xlsx_bytes
from ui.navigation import PAGES
from ui.signin import SESSION_KEY, signed_in_session

SQL = "'; DROP TABLE deals; --"
IMG = "<img src=x onerror=alert(1)>"
BOLD = "**bold**"
BOSS = "<b>boss</b>"
SCRIPT_STAGE = "<script>alert(1)</script>"
FORMULAS = ('=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "+cmd|' /C calc'!A0", "-2+3")
FILE_NAME = "**名单**<img src=x>.csv"
# Markup that would act if a renderer read it: a tag opener or ** not preceded by a backslash.
RAW_MARKUP = re.compile(r"(?<!\\)<(img|b>|script)|(?<![\\*])\*\*bold")
# In a chart the dashboard's own <b>, <br>, <i> are wanted; the imported tags must be entities.
RAW_CHART_MARKUP = re.compile(r"<img|<b>boss|<script")
HOSTILE_DEAL = "fxiaoke:H-0"          # customer <b>boss</b>, owner **bold**, project <img …>
ADMIN = "sec-admin"


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def roster_file() -> bytes:
    people = [(BOLD, SQL, "组长"), (FORMULAS[0], SQL, "置业顾问"), (FORMULAS[1], IMG, "组长"),
              (FORMULAS[3], IMG, "置业顾问")]
    return csv_bytes([["姓名", "小组", "角色", "分组依据", "入组日期"]]
                     + [[name, group, role, "项目", "2025-01-01"] for name, group, role in people])


def deals_file() -> bytes:
    """Fxiaoke deals of the demo's last weeks, owned by the hostile people, one stage unknown."""
    header = ["商机编号", "商机名称", "客户名称", "负责人", "所属项目", "商机阶段", "商机金额", "预计成交日期",
              "创建时间", "赢率", "商机状态"]
    customers, owners = (BOSS, IMG, *FORMULAS[:2]), (BOLD, FORMULAS[0], FORMULAS[1], FORMULAS[3])
    stages, statuses = ("首访", SCRIPT_STAGE, "签约", "认购"), ("进行中", "进行中", "赢单", "进行中")
    rows = [[f"H-{i}", f"{IMG} {i}", customers[i % 4], owners[i % 4], IMG, stages[i % 4], "100万", "2026/12/30",
             f"2026-11-{10 + i % 10:02d} 10:00", "10%", statuses[i % 4]] for i in range(16)]
    return csv_bytes([header, *rows])


@pytest.fixture(scope="module")
def hostile_db(demo_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copy(demo_db_path, path)
    with connect(path) as con:
        import_file(con, roster_file(), FILE_NAME)
        import_file(con, deals_file(), f"{BOSS}.csv")
        create_account(con, ADMIN, BOLD, "long-password-1", "admin", personal_data=True)
    return path


def run_page(monkeypatch, db_path, page: str, params: dict[str, str] | None = None) -> AppTest:
    monkeypatch.setenv("ANCHANG_DB", str(db_path))
    app = AppTest.from_file(APP, default_timeout=90)
    app.session_state[SESSION_KEY] = signed_in_session(ADMIN)
    for key, value in {"preset": "last_90_days", **(params or {})}.items():
        app.query_params[key] = value
    app.run()
    app.switch_page(str(REPO / page))
    app.run()
    return app


# ---------------------------------------------------------------- what a page drew


MARKDOWN_FIELDS = frozenset({"body", "label", "help", "caption", "placeholder"})
NOT_TEXT = frozenset({"spec", "arrow_data", "data", "options", "default", "value", "raw_value"})


def markdown_texts(app: AppTest) -> list[str]:
    """Every string the page sent that the browser renders as Markdown (bodies, labels, help)."""
    found: list[str] = []

    def visit(message: Message) -> None:
        for field, value in message.ListFields():
            if field.name in NOT_TEXT:
                continue
            if isinstance(value, Message):
                visit(value)
            elif isinstance(value, str):
                if field.name in MARKDOWN_FIELDS:
                    found.append(value)
            elif not isinstance(value, bytes) and hasattr(value, "__iter__"):
                for item in value:
                    if isinstance(item, Message):
                        visit(item)

    def walk(node) -> None:
        if isinstance(getattr(node, "proto", None), Message):
            visit(node.proto)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return found


# Fields of a plotly trace that are data or ids, never drawn as text.
PLOTLY_NOT_SHOWN = frozenset({"customdata", "ids", "legendgroup", "uid", "meta", "selectedpoints"})


def plotly_display_texts(app: AppTest) -> list[str]:
    """The strings of every chart that plotly draws (labels, ticks, names, hover and annotation
    text, and the customdata columns a hover template shows)."""
    texts: list[str] = []

    def strings(value) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                strings(item)
        elif isinstance(value, list):
            for item in value:
                strings(item)

    for element in app.main.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        for trace in spec.get("data", []):
            strings({k: v for k, v in trace.items() if k not in PLOTLY_NOT_SHOWN})
            strings(shown_customdata(trace))
        layout = spec.get("layout", {})
        strings({k: v for k, v in layout.items() if k != "template"})
    return texts


def shown_customdata(trace: dict) -> list:
    """The customdata cells a trace's hover or text template puts on screen."""
    templates = " ".join(str(trace.get(k, "")) for k in ("hovertemplate", "texttemplate"))
    columns = {int(k) for k in re.findall(r"customdata\[(\d+)\]", templates)}
    rows = trace.get("customdata") or []
    shown = [row[k] for row in rows if isinstance(row, list) for k in columns if k < len(row)]
    return shown + ([row for row in rows if not isinstance(row, list)] if "%{customdata}" in templates else [])


def raw_markup(texts: list[str], pattern: re.Pattern = RAW_MARKUP) -> list[str]:
    return [text[:160] for text in texts if pattern.search(text)]


# ---------------------------------------------------------------- the pages


PAGE_PATHS = [path for path, *_ in PAGES if (REPO / path).exists()]


@pytest.mark.parametrize("page", PAGE_PATHS)
def test_no_page_renders_imported_text_as_markup(monkeypatch, hostile_db, page):
    params = {"deal": HOSTILE_DEAL} if page.endswith("case_review.py") else None
    app = run_page(monkeypatch, hostile_db, page, params)
    assert not app.exception, app.exception
    assert raw_markup(markdown_texts(app)) == []
    assert raw_markup(plotly_display_texts(app), RAW_CHART_MARKUP) == []


def test_the_names_do_show_escaped_where_pages_write_them(monkeypatch, hostile_db):
    # Control: the search above would have found them; here they are, shown literally.
    app = run_page(monkeypatch, hostile_db, "pages/case_review.py", {"deal": HOSTILE_DEAL})
    texts = markdown_texts(app)
    assert any(formats.literal(BOLD) in text and formats.literal(IMG) in text for text in texts)   # owner, project
    imports = run_page(monkeypatch, hostile_db, "pages/import_data.py")
    assert any(formats.literal(FILE_NAME) in text for text in markdown_texts(imports))


def test_an_uploaded_file_with_hostile_names_previews_and_imports_as_text(monkeypatch, hostile_db, tmp_path):
    path = tmp_path / "upload.duckdb"
    shutil.copy(hostile_db, path)
    app = run_page(monkeypatch, path, "pages/import_data.py")
    stages = csv_bytes([["商机编号", "商机名称", "负责人", "商机阶段", "商机状态"],
                        ["U-1", IMG, BOLD, f"{BOSS}阶段", "进行中"], ["U-2", BOLD, IMG, SCRIPT_STAGE, "进行中"]])
    app.file_uploader[0].upload(f"{IMG}.csv", stages, "text/csv").run()
    assert not app.exception, app.exception
    texts = markdown_texts(app)
    assert raw_markup(texts) == []
    assert any(formats.literal(SCRIPT_STAGE) in text for text in texts)   # the unknown stage's chooser
    app.button(key=next(b.key for b in app.button if (b.key or "").startswith("imp_go_"))).click().run()
    assert not app.exception, app.exception
    assert raw_markup(markdown_texts(app)) == []


# ---------------------------------------------------------------- SQL and the database


def test_a_group_named_like_sql_is_stored_and_read_as_text(hostile_db):
    with duckdb.connect(str(hostile_db), read_only=True) as con:
        tables = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert "deals" in tables
        assert con.execute("SELECT count(*) FROM groups WHERE name = ?", [SQL]).fetchall()[0][0] == 1
        assert con.execute("SELECT count(*) FROM deals WHERE deal_id LIKE 'fxiaoke:H-%'").fetchall()[0][0] == 16


# ---------------------------------------------------------------- downloads


def test_every_formula_cell_is_neutralised_in_csv_and_xlsx_downloads():
    frame = pd.DataFrame({"name": [*FORMULAS, "\tx", "\rx", "plain", SQL], "amount": [-5, 1, 2, 3, 4, 5, 6, 7]})
    frame = frame.rename(columns={"name": "=cmd"})
    written = pd.DataFrame(list(csv.reader(io.StringIO(to_csv_bytes(frame).decode("utf-8-sig"), newline=""))))
    written = written.iloc[1:].set_axis(list(written.iloc[0]), axis=1)
    book = CalamineWorkbook.from_filelike(io.BytesIO(to_xlsx_bytes(frame)))
    sheet = book.get_sheet_by_name(book.sheet_names[0]).to_python()
    for cells in (list(written.columns) + list(written.iloc[:, 0]), [row[0] for row in sheet]):
        texts = [str(c) for c in cells]
        assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts), texts
        assert "'" + FORMULAS[0] in texts and "plain" in texts and SQL in texts
    assert list(written["amount"]) == ["-5", "1", "2", "3", "4", "5", "6", "7"]   # numbers are not prefixed


def test_rejected_rows_download_neutralises_the_files_raw_lines():
    from ui import import_views as vw

    frame = vw.rejects_frame([(2, "bad amount", FORMULAS[0]), (3, "bad date", "@SUM(1+1),x")], privacy=False)
    rows = list(csv.reader(io.StringIO(vw.rejects_csv(frame).decode("utf-8-sig"), newline="")))
    assert [row[2] for row in rows[1:]] == ["'" + FORMULAS[0], "'@SUM(1+1),x"]
