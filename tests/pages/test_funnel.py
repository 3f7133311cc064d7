"""转化漏斗 Funnel in AppTest on the demo: the numbers equal plain SQL or the analytics functions,
the basis toggle relabels, filters narrow, English, an inferred funnel says so, drill-down."""

from __future__ import annotations

import base64
import json
import shutil
from datetime import date

import duckdb
import numpy as np
import pytest

from analytics.funnel import stage_funnel
from analytics.handoffs import handoff_table
from db.filters import Filters
from db.queries import handoff_aggregates, stage_reach_counts
from domain import STAGES
from tests.pages.apptest import metric_values, plotly_figures, run_app

PAGE = "pages/funnel.py"
# 上月 relative to the demo's as-of date 2026-11-25 is October 2026.
OCTOBER = Filters(date(2026, 10, 1), date(2026, 10, 31))
REACHED = "到达（个）"

# Furthest canonical stage of each deal: its furthest logged stage, else (no history) its current
# stage. A deal reached stage k when its furthest stage is k or later; written independently of
# db/queries/funnel.py (which works with first-entry times).
_FURTHEST_SQL = """
WITH ranks AS (SELECT unnest(?::VARCHAR[]) AS stage, generate_subscripts(?::VARCHAR[], 1) - 1 AS pos),
logged AS (SELECT e.deal_id, max(r.pos) AS pos FROM stage_events e JOIN ranks r ON r.stage = e.to_stage
           GROUP BY e.deal_id),
furthest AS (SELECT d.deal_id, coalesce(l.pos, r.pos) AS pos FROM deals d
             LEFT JOIN logged l ON l.deal_id = d.deal_id LEFT JOIN ranks r ON r.stage = d.stage
             WHERE d.created_at >= ?::TIMESTAMP AND d.created_at < ?::TIMESTAMP {group})
SELECT r.stage, count(f.deal_id) FILTER (WHERE f.pos >= r.pos) AS reached
FROM ranks r CROSS JOIN furthest f GROUP BY r.stage, r.pos ORDER BY r.pos
"""


def reached_by_sql(db_path, group_id: str | None = None) -> list[int]:
    """Deals created in October 2026 that reached each stage, lead first."""
    params = [list(STAGES), list(STAGES), "2026-10-01", "2026-11-01"]
    sql = _FURTHEST_SQL.format(group="AND d.group_id = ?" if group_id else "")
    with duckdb.connect(str(db_path), read_only=True) as con:
        return [row[1] for row in con.execute(sql, params + ([group_id] if group_id else [])).fetchall()]


def values(array) -> list:
    """A figure array as a list (plotly 7 writes numeric arrays as base64 'bdata')."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def funnel_frame(app):
    (frame,) = [df.value for df in app.dataframe if REACHED in df.value.columns]
    return frame


def as_int(text: str) -> int:
    return int(text.replace(",", ""))


def captions(app) -> str:
    return "\n".join(c.value for c in app.caption)


@pytest.fixture(scope="module")
def october_reached(demo_db_path):
    return reached_by_sql(demo_db_path)


def test_the_cohort_funnel_shows_octobers_reached_counts_from_sql(monkeypatch, demo_db_path, october_reached):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    assert not app.exception, app.exception
    table = funnel_frame(app)
    assert [as_int(v) for v in table[REACHED]] == october_reached
    cards = metric_values(app)
    assert as_int(cards["进入漏斗"]) == october_reached[0]
    assert as_int(cards["到达认购"]) == october_reached[STAGES.index("subscription")]
    # step conversion lead → first visit = reached(first_visit) / reached(lead), with its n
    step = october_reached[1] / october_reached[0]
    assert table["转化到下一阶段"].iloc[0].startswith(f"{step * 100:.1f}% (n={october_reached[0]:,})")
    cumulative = october_reached[4] / october_reached[0]
    assert table["累计转化率"].iloc[4] == f"{cumulative * 100:.1f}%"


def test_the_funnel_bars_carry_the_stage_keys_for_a_click(monkeypatch, demo_db_path, october_reached):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    funnel = plotly_figures(app)[0]
    bars = [trace for trace in funnel["data"] if trace.get("customdata")]
    stages = [stage for trace in bars for stage in trace["customdata"]]
    counts = [count for trace in bars for count in values(trace["x"])]
    assert stages == list(STAGES) and counts == october_reached
    assert funnel["layout"]["xaxis"]["title"]["text"] == "商机数（个）"
    assert "WenQuanYi" in funnel["layout"]["font"]["family"]


def test_the_basis_toggle_relabels_the_funnel_and_counts_by_period(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    assert "同期群：按创建日期" in captions(app)
    app.segmented_control(key="fun_basis").set_value("period").run()
    assert not app.exception, app.exception
    assert "期间：按进入阶段日期" in captions(app) and "同期群：按创建日期" not in captions(app)
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        expected = stage_funnel(stage_reach_counts(con, OCTOBER, basis="period"), basis="period")
    assert [as_int(v) for v in funnel_frame(app)[REACHED]] == expected["reached"].tolist()
    assert plotly_figures(app)[0]["layout"]["title"]["text"] == "阶段漏斗 · 期间"


def test_a_group_filter_in_the_url_narrows_the_funnel(monkeypatch, demo_db_path, october_reached):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "group": "B-FIRST"}, page=PAGE)
    assert not app.exception, app.exception
    narrowed = [as_int(v) for v in funnel_frame(app)[REACHED]]
    assert narrowed == reached_by_sql(demo_db_path, "B-FIRST")
    assert 0 < narrowed[0] < october_reached[0]


def test_the_group_selector_splits_the_funnel_by_the_creating_group(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    app.selectbox(key="fun_group").set_value("B-UPGRADE").run()
    assert not app.exception, app.exception
    assert [as_int(v) for v in funnel_frame(app)[REACHED]] == reached_by_sql(demo_db_path, "B-UPGRADE")
    assert plotly_figures(app)[0]["layout"]["title"]["text"].endswith("改善组")


def test_a_stage_group_that_creates_no_deals_is_explained(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    app.selectbox(key="fun_group").set_value("A-CLOSE").run()
    assert not app.exception, app.exception
    assert any("没有创建商机" in info.value for info in app.info)


def test_a_selected_stage_lists_the_deals_that_reached_it(monkeypatch, demo_db_path, october_reached):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "group": "B-UPGRADE"}, page=PAGE)
    subscription = STAGES.index("subscription")
    app.session_state["fun_table"] = {"selection": {"rows": [subscription], "columns": []}}
    app.run()
    assert not app.exception, app.exception
    expected = reached_by_sql(demo_db_path, "B-UPGRADE")[subscription]
    assert any(f"到达“认购”的商机（同期群，共 {expected} 个" in m.value for m in app.markdown)
    (deals,) = [df.value for df in app.dataframe if "到达时间" in df.value.columns]
    assert len(deals) == expected


def test_the_monthly_cohorts_grey_out_the_immature_ones(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    (cohorts,) = [f for f in plotly_figures(app) if f["layout"]["title"]["text"].startswith("线索 → 认购")]
    traces = {trace["name"]: trace for trace in cohorts["data"]}
    # As of 2026-11-25 with a 90-day window: July's last day (07-31) is 117 days back (mature);
    # August (86 days), September (56) and October (25) are still inside the window.
    assert traces["未成熟（窗口未满）"]["x"] == ["2026-08", "2026-09", "2026-10"]
    assert traces["已成熟"]["x"][-1] == "2026-07" and len(traces["已成熟"]["x"]) == 9
    assert "已过 28%" in traces["未成熟（窗口未满）"]["text"][-1]   # 25 / 90 days


def test_the_handoffs_between_stage_groups_equal_the_analytics(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    with duckdb.connect(str(demo_db_path), read_only=True) as con:
        expected = handoff_table(handoff_aggregates(con, OCTOBER))
    (shown,) = [df.value for df in app.dataframe if "交接（个）" in df.value.columns]
    assert [as_int(v) for v in shown["交接（个）"]] == expected["handed_on"].tolist()
    assert list(shown["交出小组"]) == ["初期接触组", "跟进组"]
    first = expected.iloc[0]
    assert shown["交接转化率"].iloc[0].startswith(f"{first.handoff_rate * 100:.1f}% (n={first.handed_on:,})")


def test_the_funnel_speaks_english(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "lang": "en"}, page=PAGE)
    assert not app.exception, app.exception
    assert app.title[0].value == "Funnel"
    assert "Cohort: by creation date" in captions(app)
    assert "Reached (n)" in funnel_frame_en(app).columns
    assert plotly_figures(app)[0]["layout"]["xaxis"]["title"]["text"] == "Deals (count)"


def funnel_frame_en(app):
    (frame,) = [df.value for df in app.dataframe if "Reached (n)" in df.value.columns]
    return frame


@pytest.fixture(scope="module")
def snapshot_db(demo_db_path, tmp_path_factory):
    """The demo with the stage history of every deal whose id ends in 3 deleted (a snapshot import)."""
    path = tmp_path_factory.mktemp("snapshot") / "snapshot.duckdb"
    shutil.copyfile(demo_db_path, path)
    with duckdb.connect(str(path)) as con:
        con.execute("DELETE FROM stage_events WHERE deal_id LIKE '%3'")
    return path


def test_an_inferred_funnel_says_so_and_for_what_share(monkeypatch, snapshot_db, demo_db_path):
    plain = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    assert not plain.warning                           # the demo has full history
    app = run_app(monkeypatch, snapshot_db, {"preset": "last_month"}, page=PAGE)
    assert not app.exception, app.exception
    with duckdb.connect(str(snapshot_db), read_only=True) as con:
        inferred, entered = con.execute("""
            SELECT count(*) FILTER (WHERE deal_id LIKE '%3'), count(*) FROM deals
            WHERE created_at >= '2026-10-01' AND created_at < '2026-11-01' AND stage IS NOT NULL""").fetchone()
    (warning,) = app.warning
    assert warning.value.startswith(f"漏斗为推断：{inferred / entered * 100:.1f}% 的商机（{inferred} 个）")
    assert "推断占比" in funnel_frame(app).columns


def test_privacy_mode_pseudonymises_the_stalled_customers(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "privacy": "1"}, page=PAGE)
    assert not app.exception, app.exception
    (stalled,) = [df.value for df in app.dataframe if "为 P75 的倍数" in df.value.columns]
    assert stalled["客户"].str.match(r"^客户-[0-9A-F]{4}$").all()


def test_an_empty_database_says_what_to_do(monkeypatch, tmp_path):
    app = run_app(monkeypatch, tmp_path / "empty.duckdb", page=PAGE)
    assert not app.exception, app.exception
    assert any("导入" in info.value for info in app.info)


def test_every_chart_has_a_title_and_axis_titles(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month"}, page=PAGE)
    for figure in plotly_figures(app):
        layout = figure["layout"]
        assert layout["title"]["text"]
        assert layout["xaxis"]["title"]["text"] and layout["yaxis"]["title"]["text"], json.dumps(layout)[:200]
