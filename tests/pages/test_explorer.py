"""趋势探索 in AppTest on the demo: the shown table equals plain SQL, and the downloads equal it."""

from __future__ import annotations

from io import BytesIO, StringIO

import duckdb
import pandas as pd

from tests.pages.apptest import plotly_figures, run_app
from ui.exports import neutralised

PAGE = "pages/explorer.py"
AUTUMN = ("2026-08-28", "2026-11-26")        # 近90天 on 2026-11-25, as a half-open timestamp range
A_YEAR_EARLIER = ("2025-08-28", "2025-11-26")


def _rows(db_path, sql: str, params: list) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def _pivot(app) -> pd.DataFrame:
    """The pivot table: the last table on the page (the drill-down comes before it)."""
    return app.dataframe[-1].value


def test_the_default_view_answers_which_channel_converts_best_in_which_group(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    assert not app.exception, app.exception
    won, closed = _rows(demo_db_path, """
        SELECT count(*) FILTER (WHERE d.outcome = 'won'), count(*) FROM deals d JOIN customers c USING (customer_id)
        WHERE d.closing_group_id = 'B-FIRST' AND c.source_channel = 'natural'
          AND ((d.outcome = 'won' AND d.won_at >= ?::TIMESTAMP AND d.won_at < ?::TIMESTAMP)
            OR (d.outcome = 'lost' AND d.lost_at >= ?::TIMESTAMP AND d.lost_at < ?::TIMESTAMP))""",
                        [*AUTUMN, *AUTUMN])[0]
    pivot = _pivot(app).set_index("来源渠道")
    assert pivot.loc["自然到访", "刚需组"] == f"{won / closed * 100:.1f}% (n={closed:,})"
    # stage groups that hand their deals on have no win rate of their own: left out, and said so
    assert "初期接触组" not in pivot.columns and "跟进组" not in pivot.columns
    assert any("按阶段分工" in caption.value for caption in app.caption)
    (figure,) = plotly_figures(app)
    assert figure["data"][0]["type"] == "heatmap"
    assert figure["layout"]["title"]["text"] == "赢率 · 按来源渠道 × 小组"


def test_the_downloads_hold_exactly_the_shown_table(monkeypatch, demo_db_path, downloads):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    shown = _pivot(app)
    (csv_name,) = [name for name in downloads if name.endswith(".csv")]
    (xlsx_name,) = [name for name in downloads if name.endswith(".xlsx")]
    assert downloads[csv_name].startswith(b"\xef\xbb\xbf")
    from_csv = pd.read_csv(StringIO(downloads[csv_name].decode("utf-8-sig")), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(from_csv, neutralised(shown).astype(str))
    from_xlsx = pd.read_excel(BytesIO(downloads[xlsx_name]), engine="calamine", dtype=str)
    pd.testing.assert_frame_equal(from_xlsx, neutralised(shown).astype(str))


def test_numbers_download_as_numbers(monkeypatch, demo_db_path, downloads):
    params = {"preset": "last_90_days", "x_metric": "deals", "x_rows": "area_band", "x_cols": "month"}
    app = run_app(monkeypatch, demo_db_path, params, page=PAGE)
    assert not app.exception, app.exception
    shown = _pivot(app)
    (csv_name,) = [name for name in downloads if name.endswith(".csv")]
    back = pd.read_csv(StringIO(downloads[csv_name].decode("utf-8-sig")))
    pd.testing.assert_frame_equal(back, shown, check_dtype=False)


def test_deals_by_area_band_and_month_equal_plain_sql(monkeypatch, demo_db_path):
    params = {"preset": "last_90_days", "x_metric": "deals", "x_rows": "area_band", "x_cols": "month"}
    app = run_app(monkeypatch, demo_db_path, params, page=PAGE)
    plain = _rows(demo_db_path, """
        SELECT CASE WHEN c.intent_area_sqm < 90 THEN '<90 ㎡' WHEN c.intent_area_sqm < 120 THEN '90–120 ㎡'
                    WHEN c.intent_area_sqm < 144 THEN '120–144 ㎡' ELSE '≥144 ㎡' END,
               strftime(d.created_at, '%Y-%m'), count(*)
        FROM deals d JOIN customers c USING (customer_id)
        WHERE d.created_at >= ?::TIMESTAMP AND d.created_at < ?::TIMESTAMP GROUP BY ALL""", list(AUTUMN))
    pivot = _pivot(app).set_index("意向面积")
    assert list(pivot.columns) == ["2026-08", "2026-09", "2026-10", "2026-11"]
    for band, month, deals in plain:
        assert pivot.loc[band, month] == deals, (band, month)


def test_a_year_earlier_adds_the_same_window_of_last_year(monkeypatch, demo_db_path):
    params = {"preset": "last_90_days", "x_metric": "won_deals", "x_rows": "grade", "x_cols": "none",
              "x_chart": "bar", "x_yoy": "1"}
    app = run_app(monkeypatch, demo_db_path, params, page=PAGE)
    assert not app.exception, app.exception
    won = """SELECT c.grade, count(*) FROM deals d JOIN customers c USING (customer_id)
             WHERE d.outcome = 'won' AND d.won_at >= ?::TIMESTAMP AND d.won_at < ?::TIMESTAMP GROUP BY 1"""
    now, before = dict(_rows(demo_db_path, won, list(AUTUMN))), dict(_rows(demo_db_path, won, list(A_YEAR_EARLIER)))
    pivot = _pivot(app).set_index(["客户等级", "口径"])["成交数"]
    assert pivot.loc[("A 级", "本期")] == now["A"]
    assert pivot.loc[("A 级", "去年同期")] == before["A"]
    (figure,) = plotly_figures(app)
    assert [trace["name"] for trace in figure["data"]] == ["本期", "去年同期"]
    assert figure["data"][1]["marker"]["pattern"]["shape"] == "/"


def test_a_line_chart_shows_each_period_in_order(monkeypatch, demo_db_path):
    params = {"preset": "last_90_days", "x_metric": "won_amount", "x_rows": "budget_band", "x_cols": "month",
              "x_chart": "line"}
    app = run_app(monkeypatch, demo_db_path, params, page=PAGE)
    assert not app.exception, app.exception
    (figure,) = plotly_figures(app)
    assert {trace["type"] for trace in figure["data"]} == {"scatter"}
    assert list(figure["data"][0]["x"]) == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert figure["layout"]["yaxis"]["title"]["text"] == "成交金额（万元）"
    assert figure["layout"]["xaxis"]["title"]["text"] == "月份"
    assert "WenQuanYi" in figure["layout"]["font"]["family"]


def test_a_group_filter_narrows_the_numbers(monkeypatch, demo_db_path):
    params = {"preset": "last_90_days", "x_metric": "deals", "x_rows": "source", "x_cols": "none"}
    everyone = _pivot(run_app(monkeypatch, demo_db_path, params, page=PAGE)).set_index("来源渠道")["商机数"]
    narrowed_app = run_app(monkeypatch, demo_db_path, {**params, "group": "B-FIRST"}, page=PAGE)
    assert not narrowed_app.exception
    narrowed = _pivot(narrowed_app).set_index("来源渠道")["商机数"]
    assert (narrowed <= everyone.reindex(narrowed.index)).all() and narrowed.sum() < everyone.sum()


def test_a_stage_group_alone_has_no_win_rate_and_the_page_says_where_to_look(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days", "group": "A-INIT"}, page=PAGE)
    assert not app.exception
    assert any("转化漏斗" in info.value for info in app.info)


def test_widgets_change_the_view(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    app.selectbox(key="exp_w_rows").set_value("region").run()
    app.selectbox(key="exp_w_cols").set_value("none").run()
    assert not app.exception
    assert _pivot(app).columns.tolist() == ["客户区域", "赢率"]


def test_the_explorer_speaks_english(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days", "lang": "en"}, page=PAGE)
    assert not app.exception
    assert app.title[0].value == "Explorer"
    pivot = _pivot(app)
    assert pivot.columns[0] == "Source channel"
    assert "Walk-in" in set(pivot["Source channel"])
