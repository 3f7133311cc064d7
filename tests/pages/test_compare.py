"""小组对比 Group comparison in AppTest on the demo: the table, the ranking, the mix view and the
small multiples equal plain SQL (or the analytics functions) for October 2026."""

from __future__ import annotations

import base64
import math
from datetime import date

import duckdb
import numpy as np
import pytest

from analytics.mix import mix_adjusted_win_rates
from db.filters import Filters
from db.queries import closed_deals_by_cell
from tests.pages.apptest import plotly_figures, run_app

PAGE = "pages/compare.py"
# 上月 relative to the demo's as-of date 2026-11-25 is October 2026.
OCTOBER = ("2026-10-01", "2026-11-01")
HANDS_ON = {"初期接触组", "跟进组"}   # the demo's stage groups that pass deals on


def wilson(won: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson interval, written out: (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n)."""
    p = won / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(centre - half, 0.0), min(centre + half, 1.0)


@pytest.fixture(scope="module")
def october(demo_db_path) -> dict[str, dict]:
    """Per group name: won and lost (closing group, won_at / lost_at in October), deals created."""
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        closes = con.execute("""
            SELECT g.name,
                   count(*) FILTER (WHERE d.outcome = 'won' AND d.won_at >= ? AND d.won_at < ?),
                   count(*) FILTER (WHERE d.outcome = 'lost' AND d.lost_at >= ? AND d.lost_at < ?)
            FROM groups g LEFT JOIN deals d ON d.closing_group_id = g.group_id GROUP BY 1
        """, [*OCTOBER, *OCTOBER]).fetchall()
        created = dict(con.execute("""
            SELECT g.name, count(d.deal_id) FROM groups g
            LEFT JOIN deals d ON d.group_id = g.group_id AND d.created_at >= ? AND d.created_at < ?
            GROUP BY 1""", list(OCTOBER)).fetchall())
        ids = dict(con.execute("SELECT name, group_id FROM groups").fetchall())
    return {name: {"won": won, "lost": lost, "deals": created[name], "id": ids[name]}
            for name, won, lost in closes}


def values(data) -> list:
    """A trace's x/y as a list: plotly's JSON packs numeric arrays as {'dtype', 'bdata'} (base64)."""
    if isinstance(data, dict) and "bdata" in data:
        return np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"]).tolist()
    return list(data)


def test_the_kpi_table_shows_each_groups_numbers_from_sql(monkeypatch, demo_db_path, october):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    by_name = {label.split(" ", 1)[1]: row for label, row in zip(table["名次 · 小组"], table.itertuples(),
                                                               strict=True)}
    assert set(by_name) == set(october)
    for name, truth in october.items():
        row = by_name[name]
        assert row.成交数 == truth["won"] and row.商机数 == truth["deals"]
        if name in HANDS_ON:
            assert row.赢率 == "不适用：按阶段交接"
            continue
        n = truth["won"] + truth["lost"]
        low, high = wilson(truth["won"], n)
        assert row.赢率 == f"{truth['won'] / n * 100:.1f}% (n={n}) [{low * 100:.0f}%, {high * 100:.0f}%]"


def test_groups_are_ranked_by_the_lower_bound_and_hand_on_groups_are_left_out(monkeypatch, demo_db_path,
                                                                              october):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    ranking = plotly_figures(app)[0]
    lows = {truth["id"]: wilson(truth["won"], truth["won"] + truth["lost"])[0]
            for name, truth in october.items() if name not in HANDS_ON and truth["won"] + truth["lost"]}
    best_first = sorted(lows, key=lows.get, reverse=True)
    assert list(reversed(ranking["layout"]["yaxis"]["categoryarray"])) == best_first
    assert {trace["name"] for trace in ranking["data"]} == set(october) - HANDS_ON
    table = app.dataframe[0].value["名次 · 小组"]
    assert [label.split(" ", 1)[1] for label in table[:len(best_first)]] == [
        next(n for n, t in october.items() if t["id"] == g) for g in best_first]
    assert any("初期接触组、跟进组按阶段分工" in caption.value for caption in app.caption)


def test_the_mix_view_equals_the_analytics_function_on_the_demo(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        mix = mix_adjusted_win_rates(closed_deals_by_cell(con, Filters(date(2026, 10, 1), date(2026, 10, 31))))
    mix = mix.set_index("group")
    table = app.dataframe[1].value.set_index("小组")
    effect = {name: mix.at[group_id, "mix_effect"] for name, group_id in (("刚需组", "B-FIRST"),
                                                                         ("改善组", "B-UPGRADE"))}
    assert list(table.index) == sorted(effect, key=effect.get, reverse=True)   # stage groups left out
    for name, group_id in (("刚需组", "B-FIRST"), ("改善组", "B-UPGRADE")):
        assert table.at[name, "已结束商机"] == mix.at[group_id, "closed"]
        assert table.at[name, "预期赢率（按客户结构）"] == f"{mix.at[group_id, 'expected_win_rate'] * 100:.1f}%"
        assert table.at[name, "实际 − 预期（百分点）"] == f"{mix.at[group_id, 'mix_effect'] * 100:+.1f}"
    figure = plotly_figures(app)[1]
    assert figure["layout"]["title"]["text"] == "实际赢率与按客户结构预期的赢率"
    assert any("预期赢率 = " in markdown.value for markdown in app.markdown)


def test_the_small_multiples_show_weekly_won_deals_per_group_from_sql(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    trend = plotly_figures(app)[2]
    assert [trace["name"] for trace in trend["data"]] == ["初期接触组", "跟进组", "成交组", "刚需组", "改善组"]
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        weekly = con.execute("""
            SELECT CAST(date_trunc('week', won_at) AS DATE), count(*) FROM deals
            WHERE outcome = 'won' AND closing_group_id = 'A-CLOSE' AND won_at >= ? AND won_at < ?
            GROUP BY 1 ORDER BY 1""", list(OCTOBER)).fetchall()
    closing = trend["data"][2]
    assert [c[1] for c in closing["customdata"]] == [week.isoformat() for week, _ in weekly]
    assert values(closing["y"]) == [count for _, count in weekly]


def test_the_trend_metric_control_switches_to_won_amount_in_wan_yuan(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    app.button_group(key="cmp_trend_metric").set_value("won_amount").run()
    assert not app.exception
    trend = plotly_figures(app)[2]
    assert trend["layout"]["title"]["text"].startswith("每周成交金额")
    assert trend["layout"]["yaxis"]["title"]["text"] == "成交金额（万元）"
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        total = con.execute("SELECT sum(amount) FROM deals WHERE outcome = 'won' AND closing_group_id = "
                            "'B-FIRST' AND won_at >= ? AND won_at < ?", list(OCTOBER)).fetchone()[0]
    assert sum(values(trend["data"][3]["y"])) == pytest.approx(total / 1e4)


def test_a_group_filter_in_the_url_narrows_every_view(monkeypatch, demo_db_path, october):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "group": "B-FIRST,B-UPGRADE"}, page=PAGE)
    assert not app.exception
    shown = list(app.dataframe[0].value["名次 · 小组"].str.split(" ").str[1])
    low = {name: wilson(october[name]["won"], october[name]["won"] + october[name]["lost"])[0]
           for name in ("刚需组", "改善组")}
    assert shown == sorted(low, key=low.get, reverse=True)
    assert list(app.dataframe[0].value["成交数"]) == [october[name]["won"] for name in shown]
    ranking, _, trend = plotly_figures(app)
    assert len(ranking["data"]) == 2 and len(trend["data"]) == 2
    assert not any("按阶段分工" in caption.value for caption in app.caption)
    assert "初期接触组" not in app.main.get("html")[0].proto.body


def test_the_page_speaks_english_when_asked(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "lang": "en"}, page=PAGE)
    assert not app.exception
    assert app.title[0].value == "Group comparison"
    assert [header.value for header in app.subheader] == [
        "How each group is split", "Win-rate ranking", "KPIs side by side", "Mix-adjusted win rate",
        "Weekly trend per group"]
    titles = [figure["layout"]["title"]["text"] for figure in plotly_figures(app)]
    assert titles[0] == "Win rate per group with 95% interval (ranked by lower bound)"
    assert "Rank · group" in app.dataframe[0].value.columns
    assert "Won amount (M CNY)" in app.dataframe[0].value.columns
    assert "n/a: hands deals on" in set(app.dataframe[0].value["Win rate"])


def test_a_window_without_data_says_what_to_do(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "custom", "from": "2020-01-01", "to": "2020-01-31"},
                  page=PAGE)
    assert not app.exception
    assert any("放宽日期" in info.value for info in app.info)
    assert not plotly_figures(app)


def test_an_empty_database_says_what_to_do(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "empty.duckdb", page=PAGE)
    assert not app.exception
    assert any("导入" in info.value for info in app.info)
