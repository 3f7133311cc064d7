"""周会 Weekly meeting in AppTest on a copy of the demo: the default week is 2026-W47, its numbers
equal plain SQL, opening it freezes it, action items carry over, privacy mode leaks nothing.

`page_text` (every text the page drew, tables and chart specs included) is shared with the case
review tests.
"""

from __future__ import annotations

import shutil
from datetime import date

import duckdb
import pandas as pd
import pytest
from google.protobuf.text_format import MessageToString

from db import meetings
from db.connection import connect
from tests.pages.apptest import metric_values, run_app
from tests.ui.test_reports import leaks, personal_data

WEEK = ("2026-11-16", "2026-11-23")          # 2026-W47, Monday to Sunday, end exclusive
PAGE = "pages/weekly.py"


def page_text(app) -> str:
    """Every text the run drew: each element's message (labels, values, chart specs with their
    hover text) and every table's cells."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(MessageToString(proto, as_utf8=True))
        value = getattr(node, "value", None) if type(node).__name__ == "Dataframe" else None
        if isinstance(value, pd.DataFrame):
            parts.append(" ".join(map(str, value.columns)) + "\n" + value.to_csv(index=False))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return "\n".join(parts)


def table_with(app, column: str) -> pd.DataFrame:
    """The first table on the page that has `column`."""
    return next(table.value for table in app.dataframe if column in table.value.columns)


@pytest.fixture(scope="module")
def office(demo_db_path, tmp_path_factory):
    """This module's copy of the demo: the page writes (snapshots, actions) and the fixture is shared."""
    path = tmp_path_factory.mktemp("weekly") / "demo.duckdb"
    shutil.copy(demo_db_path, path)
    return path


def _scalar(path, sql: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, list(WEEK)).fetchone()[0]


def test_the_default_week_is_w47_frozen_on_opening_and_its_numbers_equal_sql(monkeypatch, office):
    app = run_app(monkeypatch, office, page=PAGE)
    assert not app.exception, app.exception
    assert app.title[0].value == "周会"
    assert app.selectbox(key="wk_week").value == "2026-W47"
    tiles = metric_values(app)
    window = "{col} >= ?::TIMESTAMP AND {col} < ?::TIMESTAMP"
    first_visits = _scalar(office, "SELECT count(*) FROM activities WHERE kind = 'first_visit' AND "
                           + window.format(col="occurred_at"))
    moved = _scalar(office, "SELECT count(DISTINCT deal_id) FROM stage_events WHERE " + window.format(col="entered_at"))
    handed = _scalar(office, "SELECT count(DISTINCT deal_id) FROM ownership_events WHERE "
                     + window.format(col="changed_at"))
    assert (tiles["新增首访"], tiles["阶段推进"], tiles["负责人变更"]) == (f"{first_visits:,}", f"{moved:,}", f"{handed:,}")
    with duckdb.connect(str(office), read_only=True) as con:
        won = dict(con.execute("SELECT g.name, count(*) FROM deals d JOIN groups g ON g.group_id = d.closing_group_id "
                               "WHERE d.outcome = 'won' AND d.won_at >= ?::TIMESTAMP AND d.won_at < ?::TIMESTAMP "
                               "GROUP BY ALL", list(WEEK)).fetchall())
        frozen = con.execute("SELECT count(*) FROM weekly_snapshots WHERE week = '2026-W47' AND scope = 'all'").fetchone()[0]
    board = table_with(app, "本周成交").set_index("小组")["本周成交"]
    assert {name: int(board[name]) for name in won} == won and board.sum() == sum(won.values())
    assert frozen > 0 and "冻结于" in app.caption[0].value


def test_an_action_agreed_in_one_meeting_is_carried_to_the_next_with_its_status(monkeypatch, office):
    app = run_app(monkeypatch, office, {"week": "2026-W46"}, page=PAGE)
    app.text_input(key="wk_new_what").input("刚需组回访全部逾期客户")
    app.text_input(key="wk_new_owner").input("丁蕾鸿")
    app.button(key="wk_add_action_submit").click().run()
    assert not app.exception, app.exception
    assert "刚需组回访全部逾期客户" in table_with(app, "事项")["事项"].tolist()

    app.selectbox(key="wk_week").set_value("2026-W47").run()                  # the next meeting
    carried = table_with(app, "事项").set_index("事项").loc["刚需组回访全部逾期客户"]
    assert carried["状态"] == "○ 进行中" and carried["提出于"] == "2026-W46 （延续）" and carried["负责人"] == "丁蕾鸿"
    app.radio(key="wk_new_status").set_value("done")
    app.button(key="wk_status_submit").click().run()
    assert table_with(app, "事项").set_index("事项").loc["刚需组回访全部逾期客户", "状态"] == "● 已完成"

    app.selectbox(key="wk_week").set_value("2026-W46").run()                  # as it stood at that meeting
    assert table_with(app, "事项").set_index("事项").loc["刚需组回访全部逾期客户", "状态"] == "○ 进行中"
    assert not app.exception, app.exception


def test_in_privacy_mode_the_weekly_page_shows_no_customer_name_phone_or_note(monkeypatch, office):
    with connect(office) as con:
        name, phone = con.execute("SELECT name, phone FROM customers WHERE customer_id = 'C000001'").fetchone()
        meetings.add_action(con, "2026-W47", f"联系{name} {phone} 催签约", "闫辰", date(2026, 11, 29))
        meetings.save_notes(con, "2026-W47", f"{name} 认购逾期", "经理")
    app = run_app(monkeypatch, office, {"privacy": "1"}, page=PAGE)
    assert not app.exception, app.exception
    text = page_text(app)
    assert leaks(text, personal_data(office)) == {}
    assert name not in text and phone not in text
    assert "客户-" in text and "****" in text                 # pseudonyms and masked phones instead
    assert any("隐私模式下会议纪要已隐藏" in info.value for info in app.info)


def test_the_weekly_page_speaks_english(monkeypatch, office):
    app = run_app(monkeypatch, office, {"lang": "en"}, page=PAGE)
    assert not app.exception, app.exception
    assert app.title[0].value == "Weekly meeting"
    assert {"New first visits", "Overdue follow-ups", "Contracts not paid"} <= set(metric_values(app))
