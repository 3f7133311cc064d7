"""总览 Overview in AppTest on the demo: the cards equal plain SQL for a fixed window."""

from __future__ import annotations

import re

import duckdb
import pytest

from tests.pages.apptest import metric_values, plotly_figures, run_app

# 上月 relative to the demo's as-of date 2026-11-25 is October 2026.
OCTOBER = ("2026-10-01", "2026-11-01")


def _october_truth(db_path) -> dict:
    """The six card numbers for October 2026, each by its own independent SQL query."""
    window = "{col} >= ?::TIMESTAMP AND {col} < ?::TIMESTAMP"
    with duckdb.connect(str(db_path), read_only=True) as con:
        def scalar(sql, col):
            return con.execute(sql.format(w=window.format(col=col)), list(OCTOBER)).fetchone()[0]
        return {
            "deals": scalar("SELECT count(*) FROM deals WHERE {w}", "created_at"),
            "first_visits": scalar("SELECT count(*) FROM activities WHERE kind = 'first_visit' AND {w}",
                                   "occurred_at"),
            "won": scalar("SELECT count(*) FROM deals WHERE outcome = 'won' AND {w}", "won_at"),
            "lost": scalar("SELECT count(*) FROM deals WHERE outcome = 'lost' AND {w}", "lost_at"),
            "won_amount": scalar("SELECT sum(amount) FROM deals WHERE outcome = 'won' AND {w}", "won_at"),
            "csat": scalar("SELECT avg(csat) FROM surveys WHERE {w}", "answered_at"),
        }


@pytest.fixture(scope="module")
def october(demo_db_path):
    return _october_truth(demo_db_path)


def test_the_overview_cards_show_octobers_numbers_from_sql(monkeypatch, demo_db_path, october):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"})
    assert not app.exception, app.exception
    cards = metric_values(app)
    assert cards["商机数"] == f"{october['deals']:,} 个"
    assert cards["首访数"] == f"{october['first_visits']:,}"
    assert cards["成交数"] == f"{october['won']:,} 个"
    # above 1 亿 (1e8 元) money reads in 亿元 with two decimals
    assert cards["成交金额"] == f"{october['won_amount'] / 1e8:,.2f} 亿元"
    closed = october["won"] + october["lost"]
    assert cards["赢率"] == f"{october['won'] / closed * 100:.1f}%"
    assert cards["满意度"] == f"{october['csat']:.2f} / 5"


def test_the_overview_draws_a_weekly_trend_with_one_line_per_group(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"})
    assert not app.exception, app.exception
    (figure,) = plotly_figures(app)
    names = {trace["name"] for trace in figure["data"]}
    assert names <= {"初期接触组", "跟进组", "成交组", "刚需组", "改善组"}
    assert {"成交组", "刚需组"} <= names   # the groups that win deals


def test_a_group_filter_in_the_url_narrows_the_cards(monkeypatch, demo_db_path):
    everyone = metric_values(run_app(monkeypatch, demo_db_path, {"preset": "last_month"}))
    only_b_first = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "group": "B-FIRST"})
    assert not only_b_first.exception
    narrowed = metric_values(only_b_first)
    as_number = lambda text: int(text.split()[0].replace(",", ""))  # noqa: E731
    assert 0 < as_number(narrowed["商机数"]) < as_number(everyone["商机数"])


def test_the_overview_speaks_english_when_asked(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "lang": "en"})
    assert not app.exception
    assert app.title[0].value == "Overview"
    assert "Won amount" in metric_values(app) or "Won deals" in metric_values(app)
    # lists of names are joined the English way (the Chinese 、 and ， stay in Chinese)
    by_group = [c.value for c in app.caption if c.value.startswith("By the owner's current group: ")]
    assert by_group and all("，" not in text and "、" not in text and ", " in text for text in by_group)


def test_an_empty_database_says_what_to_do(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "empty.duckdb")
    assert not app.exception
    assert any("导入" in info.value for info in app.info)


def test_the_alerts_name_the_group_designed_to_be_off_pace(monkeypatch, demo_db_path):
    # The demo's 刚需组 (B-FIRST) is on a losing streak and off pace in November 2026; its
    # projection is (actual / 25 elapsed days × 30) / target < 90 % (tests/db/test_demo.py).
    app = run_app(monkeypatch, demo_db_path, {"preset": "this_month"})
    assert not app.exception
    texts = " ".join(markdown.value for markdown in app.markdown)
    assert "需要关注" in " ".join(header.value for header in app.subheader)
    assert "■ 刚需组：成交数进度落后" in texts or "■ 刚需组：成交金额进度落后" in texts
    expander_labels = " ".join(expander.label for expander in app.expander)
    assert "逾期未跟进" in expander_labels and "停滞商机" in expander_labels
    # Counts in the titles carry thousands separators like every other count (the demo has
    # ~3,000 stalled deals, so a bare "3142" would show here).
    stalled = re.search(r"停滞商机（超过该阶段历史 P75）：([\d,]+) 个", expander_labels).group(1)
    assert int(stalled.replace(",", "")) >= 1000 and stalled == f"{int(stalled.replace(',', '')):,}"


def test_in_privacy_mode_the_alert_lists_show_no_customer_name(monkeypatch, demo_db_path):
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        names = {row[0] for row in con.execute("SELECT name FROM customers").fetchall()}
    app = run_app(monkeypatch, demo_db_path, {"preset": "this_month", "privacy": "1"})
    assert not app.exception
    shown = set()
    for table in app.dataframe:
        shown |= {str(value) for value in table.value.to_numpy().ravel()}
    assert not (shown & names)


def test_presentation_mode_enlarges_the_chart_text_and_offers_a_way_out(monkeypatch, demo_db_path):
    normal = plotly_figures(run_app(monkeypatch, demo_db_path, {"preset": "last_month"}))[0]
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "present": "1"})
    assert not app.exception
    big = plotly_figures(app)[0]
    # base font 13 px × PRESENTATION_FONT_SCALE 1.6 = 20.8 px
    assert normal["layout"]["font"]["size"] == 13
    assert big["layout"]["font"]["size"] == pytest.approx(20.8)
    assert any(button.label == "退出演示模式" for button in app.button)


@pytest.mark.parametrize("page", ["pages/compare.py", "pages/funnel.py", "pages/people.py",
                                  "pages/satisfaction.py", "pages/targets.py", "pages/explorer.py"])
def test_every_chart_grows_in_presentation_mode(monkeypatch, demo_db_path, page):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "present": "1"}, page=page)
    assert not app.exception, app.exception
    figures = plotly_figures(app)
    assert figures
    # every figure's base font is scaled by PRESENTATION_FONT_SCALE (1.6) from 12-14 px
    assert all(figure["layout"]["font"]["size"] >= 19 for figure in figures)
