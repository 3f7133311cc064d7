"""案例复盘 Case review in AppTest on a copy of the demo: a deal opened from the URL shows every
event SQL knows about, a lesson recorded on the page lands in the case library, a phone fragment
finds the deal, and privacy mode shows no customer name, phone or note anywhere (tooltips too)."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest

from db import meetings
from db.connection import connect
from tests.pages.apptest import plotly_figures, run_app
from tests.pages.test_weekly import page_text, table_with
from tests.ui.test_reports import leaks, personal_data

PAGE = "pages/case_review.py"
DEAL = "D000004"     # won in the demo: visits, calls, two hand-offs, stage changes


@pytest.fixture(scope="module")
def office(demo_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("cases") / "demo.duckdb"
    shutil.copy(demo_db_path, path)
    return path


def _events_in_sql(path, deal_id: str) -> int:
    """Activities, stage events, ownership changes and surveys of the deal (each through its
    customer when it has no deal), plus its loss, counted table by table."""
    with duckdb.connect(str(path), read_only=True) as con:
        customer = con.execute("SELECT customer_id FROM deals WHERE deal_id = ?", [deal_id]).fetchone()[0]
        def count(sql: str, *params) -> int:
            return con.execute(sql, list(params)).fetchone()[0]
        return (count("SELECT count(*) FROM activities WHERE deal_id = ? OR (deal_id IS NULL AND customer_id = ?)",
                      deal_id, customer)
                + count("SELECT count(*) FROM stage_events WHERE deal_id = ?", deal_id)
                + count("SELECT count(*) FROM ownership_events WHERE deal_id = ?", deal_id)
                + count("SELECT count(*) FROM surveys WHERE deal_id = ? OR (deal_id IS NULL AND customer_id = ?)",
                        deal_id, customer)
                + count("SELECT count(*) FROM deals WHERE deal_id = ? AND lost_at IS NOT NULL", deal_id))


def test_a_deal_in_the_url_opens_with_every_event_of_its_timeline(monkeypatch, office):
    app = run_app(monkeypatch, office, {"deal": DEAL}, page=PAGE)
    assert not app.exception, app.exception
    with duckdb.connect(str(office), read_only=True) as con:
        name = con.execute("SELECT c.name FROM deals d JOIN customers c USING (customer_id) WHERE d.deal_id = ?",
                           [DEAL]).fetchone()[0]
    assert app.subheader[0].value == f"{name} · {DEAL}"
    expected = _events_in_sql(office, DEAL)
    timeline = next(f for f in plotly_figures(app) if "时间线" in f["layout"]["title"]["text"])
    assert sum(len(trace["x"]) for trace in timeline["data"]) == expected
    assert len(table_with(app, "类型")) == expected
    assert "同类成交（中位数）" in json.dumps(plotly_figures(app), ensure_ascii=False)


def test_a_lesson_recorded_on_the_page_lands_in_the_case_library(monkeypatch, office):
    app = run_app(monkeypatch, office, {"deal": DEAL}, page=PAGE)
    assert app.multiselect(key=f"case_tags_{DEAL}").value == ["success"]       # a won deal starts as 成功案例
    app.multiselect(key=f"case_tags_{DEAL}").select("followup")
    app.text_area(key=f"case_lesson_{DEAL}").input("两次交接都在 24 小时内跟进，客户没有流失")
    app.text_input(key=f"case_reviewer_{DEAL}").input("案场经理")
    app.button(key="case_review_submit").click().run()
    assert not app.exception, app.exception
    library = table_with(app, "复盘次数")
    row = library.set_index("商机编号").loc[DEAL]
    assert row["心得"] == "两次交接都在 24 小时内跟进，客户没有流失" and row["标签"] == "成功案例、跟进节奏"
    app.selectbox(key="case_library_tag").set_value("followup").run()
    assert table_with(app, "复盘次数")["商机编号"].tolist() == [DEAL]


def test_a_phone_fragment_finds_the_deal(monkeypatch, office):
    with duckdb.connect(str(office), read_only=True) as con:
        phone = con.execute("SELECT c.phone FROM deals d JOIN customers c USING (customer_id) WHERE d.deal_id = ?",
                            [DEAL]).fetchone()[0]
    app = run_app(monkeypatch, office, page=PAGE)
    assert not app.exception, app.exception
    app.text_input(key="case_search_text").input(phone[-8:]).run()
    assert DEAL in table_with(app, "电话")["商机编号"].tolist()


def test_in_privacy_mode_the_case_review_shows_no_customer_name_phone_or_note(monkeypatch, office):
    with connect(office) as con:
        name, phone = con.execute("SELECT c.name, c.phone FROM deals d JOIN customers c USING (customer_id) "
                                  "WHERE d.deal_id = 'D000001'").fetchone()
        meetings.add_case_review(con, "D000001", ["failure", "price"], f"{name}（{phone}）预算差 30 万", "经理")
    app = run_app(monkeypatch, office, {"deal": "D000001", "privacy": "1"}, page=PAGE)
    assert not app.exception, app.exception
    text = page_text(app)          # cards, tables, the library, and every chart's hover text
    assert leaks(text, personal_data(office)) == {}
    assert name not in text and phone not in text
    assert app.subheader[0].value.startswith("客户-") and "〔已隐藏 hidden〕" in text
