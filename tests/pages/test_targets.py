"""目标与进度 in AppTest on the demo (as of 2026-11-25: 25 of November's 30 selling days gone)."""

from __future__ import annotations

import duckdb
import pytest

from tests.pages.apptest import plotly_figures, run_app
from ui import formats

PAGE = "pages/targets.py"
NOVEMBER = ("2026-11-01", "2026-11-26")     # month to date, as_of included


def _scalar(db_path, sql: str, params: list):
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params).fetchone()[0]


@pytest.fixture(scope="module")
def b_first(demo_db_path) -> dict:
    """B-FIRST 刚需组's November: won deals and amount to date and its targets, by plain SQL."""
    won = """SELECT {what} FROM deals WHERE closing_group_id = 'B-FIRST' AND outcome = 'won'
             AND won_at >= ?::TIMESTAMP AND won_at < ?::TIMESTAMP"""
    target = """SELECT value FROM targets WHERE scope = 'group' AND scope_id = 'B-FIRST' AND metric = ?
                AND month = DATE '2026-11-01'"""
    return {"won": _scalar(demo_db_path, won.format(what="count(*)"), list(NOVEMBER)),
            "amount": _scalar(demo_db_path, won.format(what="sum(amount)"), list(NOVEMBER)),
            "won_target": _scalar(demo_db_path, target, ["won_deals"]),
            "amount_target": _scalar(demo_db_path, target, ["won_amount"])}


def _pace_rows(app, lang: str = "zh"):
    """The pace table keyed by (group name, metric label)."""
    marker = "预计完成率" if lang == "zh" else "Pace forecast"
    (table,) = [frame.value for frame in app.dataframe if marker in frame.value.columns]
    group, metric = ("小组", "目标指标") if lang == "zh" else ("Group", "Target metric")
    return table.set_index([group, metric])


def test_b_first_is_off_track_in_november_with_the_numbers_of_plain_sql(monkeypatch, demo_db_path, b_first):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    assert not app.exception, app.exception
    row = _pace_rows(app).loc[("刚需组", "成交数")]
    projected = b_first["won"] / 25 * 30                      # 25 of 30 selling days gone
    assert projected < 0.9 * b_first["won_target"]             # the demo's story: more than 10% short
    assert row["状态"] == "■ 落后"
    assert row["本月至今"] == f"{b_first['won']:,}"
    assert row["月目标"] == f"{b_first['won_target']:,.0f}"
    assert row["销售日 已过/全月"] == "25 / 30"
    assert row["预计月底"] == formats.count(projected)
    assert row["预计完成率"] == f"{projected / b_first['won_target'] * 100:.1f}%"
    amount = _pace_rows(app).loc[("刚需组", "成交金额")]
    assert amount["本月至今"] == formats.money(b_first["amount"])
    assert amount["月目标"] == formats.money(b_first["amount_target"])
    summary = next(m.value for m in app.markdown if m.value.startswith("■ 落后"))
    assert "刚需组" in summary


def test_the_why_panel_names_b_firsts_falling_win_rate(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    assert any(tab.label == "■ 刚需组" for tab in app.tabs)
    (tab,) = [tab for tab in app.tabs if tab.label == "■ 刚需组"]
    assert any("主要原因：赢率" in markdown.value for markdown in tab.markdown)
    drivers = tab.dataframe[0].value.set_index("驱动指标")
    assert drivers.loc["赢率", "变化"].startswith("-")


def test_the_pace_chart_has_a_bar_per_target_with_status_patterns(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    pace, heat = plotly_figures(app)
    projected = pace["data"][0]
    labels = dict(zip(projected["y"], projected["marker"]["pattern"]["shape"], strict=True))
    assert labels["■ 刚需组 · 成交数"] == "x"
    assert pace["layout"]["xaxis"]["title"]["text"] == "占月目标 %"
    assert heat["data"][0]["type"] == "heatmap" and heat["layout"]["title"]["text"] == "各月目标完成率"


def test_weekends_off_count_only_weekdays_as_selling_days(monkeypatch, demo_db_path, b_first):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    app.toggle(key="tgt_weekends_off").set_value(True).run()
    assert not app.exception
    row = _pace_rows(app).loc[("刚需组", "成交数")]
    # November 2026 starts on a Sunday: 9 weekend days, 21 weekdays; by the 25th 7 weekend days → 18
    assert row["销售日 已过/全月"] == "18 / 21"
    assert row["预计月底"] == formats.count(b_first["won"] / 18 * 21)


def test_a_closed_day_leaves_the_selling_days(monkeypatch, demo_db_path):
    from datetime import date
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    app.multiselect(key="tgt_holidays").select(date(2026, 11, 3)).run()
    assert not app.exception
    assert _pace_rows(app).loc[("刚需组", "成交数")]["销售日 已过/全月"] == "24 / 29"


def test_one_metric_shows_only_its_targets(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    app.button_group(key="tgt_metric").set_value("won_deals").run()
    assert not app.exception
    assert set(_pace_rows(app).index.get_level_values(1)) == {"成交数"}


def test_filters_change_the_numbers(monkeypatch, demo_db_path, b_first):
    only_b_first = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days", "group": "B-FIRST"}, page=PAGE)
    assert not only_b_first.exception
    assert set(_pace_rows(only_b_first).index.get_level_values(0)) == {"刚需组"}
    agency = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days", "source": "agency"}, page=PAGE)
    assert not agency.exception
    narrowed = int(_pace_rows(agency).loc[("刚需组", "成交数")]["本月至今"].replace(",", ""))
    assert 0 < narrowed < b_first["won"]
    assert any("目标按全部客户设定" in warning.value for warning in agency.warning)


def test_picking_a_group_lists_its_deals_won_this_month(monkeypatch, demo_db_path, b_first):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    app.selectbox(key="tgt_focus").select("B-FIRST").run()
    assert not app.exception
    headings = [markdown.value for markdown in app.markdown]
    assert f"**明细：刚需组 · 2026-11 成交（{b_first['won']} 个商机）**" in headings


def test_the_page_speaks_english(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days", "lang": "en"}, page=PAGE)
    assert not app.exception
    assert app.title[0].value == "Targets & pacing"
    row = _pace_rows(app, "en").loc[("刚需组", "Won deals")]
    assert row["Status"] == "■ off track"
    assert any("off track" in markdown.value for markdown in app.markdown)


def test_an_empty_database_says_what_to_do(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "empty.duckdb", page=PAGE)
    assert not app.exception
    assert any("导入" in info.value for info in app.info)
