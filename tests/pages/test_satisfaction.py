"""满意度 Satisfaction in AppTest on the demo: cards and group rows equal plain SQL, filters narrow,
English, drill-down, and privacy mode that lets no customer name or comment reach the page."""

from __future__ import annotations

import json

import duckdb
import pytest

from tests.pages.apptest import metric_values, plotly_figures, run_app

PAGE = "pages/satisfaction.py"
# 上月 relative to the demo's as-of date 2026-11-25 is October 2026.
OCTOBER = ["2026-10-01", "2026-11-01"]
_IN_OCTOBER = "answered_at >= ?::TIMESTAMP AND answered_at < ?::TIMESTAMP"


def october_scores(db_path, group_id: str | None = None) -> dict:
    """CSAT mean and n, NPS (% promoters − % detractors) and n of October's answers, by plain SQL."""
    group = " AND group_id = ?" if group_id else ""
    with duckdb.connect(str(db_path), read_only=True) as con:
        csat, csat_n = con.execute(f"SELECT avg(csat), count(csat) FROM surveys WHERE {_IN_OCTOBER}{group}",
                                   OCTOBER + ([group_id] if group_id else [])).fetchone()
        promoters, detractors, nps_n = con.execute(
            f"SELECT count(*) FILTER (WHERE nps >= 9), count(*) FILTER (WHERE nps <= 6), count(nps) "
            f"FROM surveys WHERE {_IN_OCTOBER}{group}", OCTOBER + ([group_id] if group_id else [])).fetchone()
    return {"csat": csat, "csat_n": csat_n, "nps": 100 * (promoters - detractors) / nps_n, "nps_n": nps_n}


def frame_with(app, column: str, without: str = "顾问"):
    """The one table with `column` (and not `without`: the consultant table shares the group's columns)."""
    (frame,) = [df.value for df in app.dataframe if column in df.value.columns and without not in df.value.columns]
    return frame


def page_text(app) -> str:
    """Everything the page shows as text: markdown, captions, notices, cards, tables and figures."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error",
                 "success"):
        parts.extend(str(element.value) for element in getattr(app, kind))
    for metric in app.metric:
        parts.extend((metric.label, metric.value, str(metric.proto.help)))
    for table in app.dataframe:
        parts.append(" ".join(map(str, table.value.columns)))
        parts.append(table.value.to_csv())
    parts.extend(json.dumps(figure, ensure_ascii=False) for figure in plotly_figures(app))
    return "\n".join(parts)


def test_the_cards_show_octobers_csat_and_nps_from_sql(monkeypatch, demo_db_path):
    truth = october_scores(demo_db_path)
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    assert not app.exception, app.exception
    cards = metric_values(app)
    assert cards["满意度 CSAT"] == f"{truth['csat']:.2f} / 5"
    assert cards["净推荐值 NPS"] == f"{truth['nps']:+.0f}"
    assert cards["答卷数"] == f"{truth['csat_n']:,}"


def test_each_groups_row_shows_its_csat_and_nps_with_n(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    table = frame_with(app, "满意度（1-5）").set_index("小组")
    for group_id, name in (("A-CLOSE", "成交组"), ("B-FIRST", "刚需组"), ("A-INIT", "初期接触组")):
        truth = october_scores(demo_db_path, group_id)
        assert table.at[name, "满意度（1-5）"].startswith(f"{truth['csat']:.2f} (n={truth['csat_n']})")
        assert table.at[name, "净推荐值"].startswith(f"{truth['nps']:+.0f} (n={truth['nps_n']})")
    assert table.at["跟进组", "满意度（1-5）"] == "—"      # the demo surveys nobody after 跟进组 visits


def test_a_group_filter_in_the_url_narrows_the_cards(monkeypatch, demo_db_path):
    truth = october_scores(demo_db_path, "A-CLOSE")
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "group": "A-CLOSE"}, page=PAGE)
    assert not app.exception, app.exception
    assert metric_values(app)["满意度 CSAT"] == f"{truth['csat']:.2f} / 5"
    assert metric_values(app)["答卷数"] == f"{truth['csat_n']:,}"


def test_the_scatter_leaves_out_stage_groups_that_do_not_close(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    (scatter,) = [f for f in plotly_figures(app) if "赢率" in f["layout"]["title"]["text"]]
    assert {trace["name"] for trace in scatter["data"]} == {"成交组", "刚需组", "改善组"}
    assert any("未列入：初期接触组、跟进组" in c.value for c in app.caption)
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        won, closed = con.execute("""
            SELECT count(*) FILTER (WHERE outcome = 'won' AND won_at >= ?::TIMESTAMP AND won_at < ?::TIMESTAMP),
                   count(*) FILTER (WHERE (outcome = 'won' AND won_at >= ?::TIMESTAMP AND won_at < ?::TIMESTAMP)
                                       OR (outcome = 'lost' AND lost_at >= ?::TIMESTAMP AND lost_at < ?::TIMESTAMP))
            FROM deals WHERE closing_group_id = 'A-CLOSE'""", OCTOBER * 3).fetchone()
    (closing,) = [trace for trace in scatter["data"] if trace["name"] == "成交组"]
    assert closing["y"][0] == pytest.approx(100 * won / closed)


def test_the_distribution_switches_between_nps_categories_and_csat_scores(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    names = lambda: [t["name"] for f in plotly_figures(app) for t in f["data"]  # noqa: E731
                     if "分布" in f["layout"]["title"]["text"] or "占比" in f["layout"]["title"]["text"]]
    assert names() == ["贬损者（0-6）", "被动者（7-8）", "推荐者（9-10）"]
    app.segmented_control(key="sat_scale").set_value("csat").run()
    assert not app.exception, app.exception
    assert names() == ["1 分", "2 分", "3 分", "4 分", "5 分"]


def test_the_trend_switches_to_months(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_90_days"}, page=PAGE)
    app.segmented_control(key="sat_period").set_value("month").run()
    assert not app.exception, app.exception
    (trend,) = [f for f in plotly_figures(app) if "趋势" in f["layout"]["title"]["text"]]
    assert trend["layout"]["title"]["text"] == "满意度趋势（按月）"
    overall = [t for t in trend["data"] if t["name"] == "全部"][0]
    assert [x[:10] for x in overall["x"]] == ["2026-08-01", "2026-09-01", "2026-10-01", "2026-11-01"]


def test_a_selected_group_opens_its_closed_deals_and_comments(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    app.session_state["sat_group_table"] = {"selection": {"rows": [2], "columns": []}}   # 成交组
    app.run()
    assert not app.exception, app.exception
    assert any(m.value == "#### 成交组：商机与评价" for m in app.markdown)
    deals = frame_with(app, "成交/流失时间", without="评价")
    assert set(deals["小组"]) == {"成交组"} and set(deals["结果"]) <= {"成交", "流失"}


def test_the_lowest_comments_come_worst_first(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    (comments,) = [df.value for df in app.dataframe if "评价" in df.value.columns]
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        worst = con.execute(f"""
            SELECT comment FROM surveys WHERE {_IN_OCTOBER} AND comment IS NOT NULL AND trim(comment) <> ''
            ORDER BY least((csat - 1) / 4.0, nps / 10.0), answered_at DESC, survey_id LIMIT 1""",
                            OCTOBER).fetchone()[0]
    assert comments["评价"].iloc[0] == worst and len(comments) == 20


def _survey_people_and_comments(db_path, staff_and_groups: set[str]) -> tuple[set[str], set[str]]:
    """Names of October's surveyed customers (those that cannot be mistaken for a consultant's or
    a group's name) and the comment texts."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        names = {row[0] for row in con.execute(f"""
            SELECT DISTINCT c.name FROM surveys s JOIN customers c ON c.customer_id = s.customer_id
            WHERE {_IN_OCTOBER.replace('answered_at', 's.answered_at')}""", OCTOBER).fetchall()}
        comments = {row[0] for row in con.execute(
            f"SELECT DISTINCT comment FROM surveys WHERE {_IN_OCTOBER} AND comment IS NOT NULL", OCTOBER).fetchall()}
    safe = {name for name in names if not any(name in other or other in name for other in staff_and_groups)}
    return safe, comments


def test_privacy_mode_shows_no_customer_name_or_comment(monkeypatch, demo_db_path):
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        staff_and_groups = {r[0] for r in con.execute("SELECT name FROM staff UNION SELECT name FROM groups").fetchall()}
    customers, comments = _survey_people_and_comments(demo_db_path, staff_and_groups)

    def shown(privacy: bool) -> str:
        params = {"preset": "last_month", **({"privacy": "1"} if privacy else {})}
        app = run_app(monkeypatch, demo_db_path, params, page=PAGE)
        app.session_state["sat_group_table"] = {"selection": {"rows": [2], "columns": []}}   # drill-down too
        app.run()
        assert not app.exception, app.exception
        return page_text(app)

    plain = shown(privacy=False)
    assert any(name in plain for name in customers) and any(text in plain for text in comments)  # a real test
    masked = shown(privacy=True)
    assert [name for name in customers if name in masked] == []
    assert [text for text in comments if text in masked] == []
    assert "客户-" in masked and "〔已隐藏 hidden〕" in masked


def test_the_satisfaction_page_speaks_english(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "lang": "en"}, page=PAGE)
    assert not app.exception, app.exception
    assert app.title[0].value == "Satisfaction"
    assert "CSAT" in metric_values(app) and "NPS" in metric_values(app)
    titles = [f["layout"]["title"]["text"] for f in plotly_figures(app)]
    assert "CSAT and NPS by group (dot: value, line: 95% interval)" in titles
    assert any("Left out: 初期接触组, 跟进组" in c.value for c in app.caption)


def test_a_window_without_answers_says_what_to_do(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "custom", "from": "2020-01-01", "to": "2020-01-31"},
                  page=PAGE)
    assert not app.exception, app.exception
    assert any("没有满意度答卷" in info.value for info in app.info)


def test_every_chart_has_a_title_axis_titles_and_the_page_font(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    figures = plotly_figures(app)
    assert len(figures) == 4
    for figure in figures:
        layout = figure["layout"]
        assert layout["title"]["text"] and "WenQuanYi" in layout["font"]["family"]
        assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"]
