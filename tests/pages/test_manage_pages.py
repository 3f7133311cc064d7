"""The management pages in AppTest: each runs in both languages and on an empty database; writes
made through the pages' own widgets land in the database (always a copy of the demo: the session
fixture is shared), refusals say why and change nothing, and the awards equal plain SQL."""

from __future__ import annotations

import json
import shutil
from datetime import date

import duckdb
import pytest

from tests.pages.apptest import run_app

PAGES = ("pages/groups_admin.py", "pages/targets_admin.py", "pages/incentives.py", "pages/feedback.py",
         "pages/regroup.py")
TITLES = {"pages/groups_admin.py": ("小组管理", "Groups"), "pages/targets_admin.py": ("目标设置", "Set targets"),
          "pages/incentives.py": ("激励与培训", "Incentives & training"), "pages/feedback.py": ("反馈", "Feedback"),
          "pages/regroup.py": ("分组方案模拟", "What-if regrouping")}
OCTOBER = ("2026-10-01", "2026-11-01")


@pytest.fixture
def db_copy(demo_db_path, tmp_path):
    """A private copy of the demo for a test that writes."""
    copy = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_path, copy)
    return copy


def rows(db_path, sql: str, params=None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def click(app, label: str, index: int = 0):
    """Click the `index`-th (form submit) button with this label and run the app."""
    [b for b in app.button if b.label == label][index].click()
    app.run()
    return app


def texts(app) -> str:
    return "\n".join(e.value for kind in ("markdown", "caption", "info", "error", "success", "warning")
                     for e in getattr(app, kind))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_page_runs_in_both_languages(monkeypatch, demo_db_path, page, lang):
    app = run_app(monkeypatch, demo_db_path, {"preset": "last_month", "lang": lang}, page=page)
    assert not app.exception, app.exception
    assert app.title[0].value == TITLES[page][0 if lang == "zh" else 1]


@pytest.mark.parametrize("page", PAGES)
def test_an_empty_database_says_what_to_do(monkeypatch, tmp_path, page):
    app = run_app(monkeypatch, tmp_path / "empty.duckdb", page=page)
    assert not app.exception, app.exception
    assert any("导入" in info.value or "新建" in info.value for info in app.info)


def test_a_move_made_with_the_form_closes_the_old_stint_and_opens_the_new(monkeypatch, db_copy):
    app = run_app(monkeypatch, db_copy, page="pages/groups_admin.py")
    app.selectbox(key="mg_move_person").set_value("S026")
    app.selectbox(key="mg_move_group").set_value("B-UPGRADE")
    app.date_input(key="mg_move_date").set_value(date(2026, 11, 1))
    click(app, "确认调动")
    assert not app.exception, app.exception
    assert rows(db_copy, "SELECT group_id, valid_from, valid_to FROM memberships WHERE staff_id = 'S026' "
                         "ORDER BY valid_from") == [("B-FIRST", date(2024, 4, 19), date(2026, 11, 1)),
                                                    ("B-UPGRADE", date(2026, 11, 1), None)]
    assert any("此前的业绩仍归原小组" in s.value for s in app.success)
    # deals S026 created in November now count for 改善组, October's stay with 刚需组
    assert rows(db_copy, "SELECT DISTINCT group_id FROM deals WHERE creator_staff_id = 'S026' "
                         "AND created_at >= '2026-11-01'") == [("B-UPGRADE",)]
    assert rows(db_copy, "SELECT DISTINCT group_id FROM deals WHERE creator_staff_id = 'S026' "
                         "AND created_at >= ? AND created_at < ?", list(OCTOBER)) == [("B-FIRST",)]


def test_a_second_leader_is_refused_on_the_page_with_the_reason_and_nothing_changes(monkeypatch, db_copy):
    before = rows(db_copy, "SELECT * FROM memberships ORDER BY staff_id, valid_from")
    app = run_app(monkeypatch, db_copy, page="pages/groups_admin.py")
    app.selectbox(key="mg_move_person").set_value("S026")
    app.selectbox(key="mg_move_group").set_value("B-UPGRADE")
    app.selectbox(key="mg_move_role").set_value("leader")
    click(app, "确认调动")
    assert not app.exception
    leader = rows(db_copy, "SELECT name FROM staff WHERE staff_id = 'S032'")[0][0]
    assert any("数据库没有任何改动" in e.value and f"已有组长 {leader}" in e.value for e in app.error)
    assert rows(db_copy, "SELECT * FROM memberships ORDER BY staff_id, valid_from") == before


def test_a_target_typed_into_the_editor_is_stored(monkeypatch, db_copy):
    app = run_app(monkeypatch, db_copy, page="pages/targets_admin.py")
    assert app.selectbox(key="mg_tgt_month").value == date(2026, 12, 1)          # next month by default
    editor = app.data_editor(key="mg_tgt_editor_202612_0").value
    row = list(editor["name"]).index("刚需组")
    app.session_state["mg_tgt_editor_202612_0"] = {
        "edited_rows": {row: {"won_deals": 25, "won_amount": 4321.5}}, "added_rows": [], "deleted_rows": []}
    app.run()
    app.button(key="mg_tgt_save").click()
    app.run()
    assert not app.exception, app.exception
    stored = dict(rows(db_copy, "SELECT metric, value FROM targets WHERE scope = 'group' AND scope_id = 'B-FIRST' "
                                "AND month = DATE '2026-12-01'"))
    assert stored["won_deals"] == 25 and stored["won_amount"] == pytest.approx(4321.5 * 10_000)   # typed in 万元
    assert any("已保存 2 项目标" in s.value for s in app.success)


def test_a_group_target_split_equally_goes_to_its_sellers(monkeypatch, db_copy):
    app = run_app(monkeypatch, db_copy, page="pages/targets_admin.py")
    app.selectbox(key="mg_split_group").set_value("B-FIRST")
    app.run()                                        # the metrics offered are those the group has targets for
    assert app.selectbox(key="mg_split_metric").options == ["成交金额（万元）", "成交数（个）"]
    app.selectbox(key="mg_split_metric").set_value("won_deals")
    app.run()
    group_target = rows(db_copy, "SELECT value FROM targets WHERE scope = 'group' AND scope_id = 'B-FIRST' "
                                 "AND metric = 'won_deals' AND month = DATE '2026-12-01'")[0][0]
    app.button(key="mg_split_save").click()
    app.run()
    assert not app.exception, app.exception
    parts = rows(db_copy, "SELECT scope_id, value FROM targets WHERE scope = 'staff' AND metric = 'won_deals' "
                          "AND month = DATE '2026-12-01' ORDER BY scope_id")
    sellers = rows(db_copy, "SELECT staff_id FROM memberships WHERE group_id = 'B-FIRST' AND valid_to IS NULL "
                            "AND role_in_group <> 'analyst' ORDER BY staff_id")
    assert [p[0] for p in parts] == [s[0] for s in sellers]
    assert sum(p[1] for p in parts) == group_target
    assert max(p[1] for p in parts) - min(p[1] for p in parts) <= 1              # equal, to the deal


def test_the_champion_is_the_seller_with_the_most_won_amount_from_sql(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, page="pages/incentives.py")
    assert not app.exception, app.exception
    assert app.selectbox(key="mg_award_month").value.strftime("%Y-%m") == "2026-10"   # the last full month
    best = rows(demo_db_path, """
        SELECT s.name, sum(d.amount), count(*) FROM deals d JOIN staff s ON s.staff_id = d.owner_staff_id
        WHERE d.outcome = 'won' AND d.won_at >= ? AND d.won_at < ? AND s.role NOT IN ('analyst', 'manager')
        GROUP BY 1 HAVING count(*) >= 3 ORDER BY 2 DESC LIMIT 1""", list(OCTOBER))[0]
    headline = next(m.value for m in app.markdown if m.value.startswith("**"))
    assert headline.startswith(f"**{best[0]}**") and f"（{best[2]} 单成交）" in headline
    assert any(c.value.startswith("规则：比当月成交金额") and "至少 3 单成交才参评" in c.value for c in app.caption)


def test_recording_an_award_freezes_the_winner_with_the_rules_words(monkeypatch, db_copy):
    app = run_app(monkeypatch, db_copy, page="pages/incentives.py")
    app.button(key="mg_award_record_champion").click()
    app.run()
    assert not app.exception, app.exception
    [(month, winner, rule_text)] = rows(db_copy, "SELECT month, winner_id, rule_text FROM award_history")
    assert month == date(2026, 10, 1) and rule_text.startswith("比当月成交金额")
    history = app.dataframe[2].value.set_index("月份")
    assert history.at["2026-10", "月度销冠"].startswith("✓ ")
    name = rows(db_copy, "SELECT name FROM staff WHERE staff_id = ?", [winner])[0][0]
    assert name in history.at["2026-10", "月度销冠"]


def test_a_minimum_no_one_reaches_means_no_award_this_month(monkeypatch, db_copy):
    app = run_app(monkeypatch, db_copy, page="pages/incentives.py")
    app.number_input(key="mg_rule_min_n_champion").set_value(500)
    click(app, "保存规则", index=0)          # the first rule form is 月度销冠's
    assert not app.exception, app.exception
    assert rows(db_copy, "SELECT metric, min_n FROM award_rules WHERE rule_id = 'champion'") == [("won_amount", 500)]
    assert any("本月不评 — 样本不足" in m.value for m in app.markdown)


def test_a_training_entered_on_the_page_gets_a_before_after_row(monkeypatch, db_copy):
    app = run_app(monkeypatch, db_copy, page="pages/incentives.py")
    assert any("还没有培训记录" in i.value for i in app.info)
    app.multiselect(key="mg_training_who").set_value(["S023"])
    app.text_input(key="mg_training_topic").set_value("逼定技巧")
    app.date_input(key="mg_training_day").set_value(date(2026, 8, 15))
    click(app, "保存培训记录")
    assert not app.exception, app.exception
    assert rows(db_copy, "SELECT staff_id, topic, trained_on FROM training_records") == \
        [("S023", "逼定技巧", date(2026, 8, 15))]
    table = app.dataframe[-2].value
    [label] = table["培训（顾问 · 内容 · 日期）"]
    assert "逼定技巧 · 08-15" in label
    # the before-window is 16 Jun – 14 Aug: its n is S023's closed deals then
    closed = rows(db_copy, """SELECT count(*) FROM deals WHERE owner_staff_id = 'S023' AND (
        (outcome = 'won' AND won_at >= '2026-06-16' AND won_at < '2026-08-15') OR
        (outcome = 'lost' AND lost_at >= '2026-06-16' AND lost_at < '2026-08-15'))""")[0][0]
    assert f"(n={closed})" in table["培训前 60 天"].iloc[0]
    assert any("季节性" in i.value for i in app.info)


def test_feedback_is_stored_anonymous_summaries_and_reviews(monkeypatch, db_copy):
    app = run_app(monkeypatch, db_copy, page="pages/feedback.py")
    app.text_area(key="mg_box_body").set_value("周末来访多，建议增加值班人手")
    click(app, "提交建议")
    assert rows(db_copy, "SELECT staff_id, body, status FROM suggestions") == \
        [(None, "周末来访多，建议增加值班人手", "new")]                              # anonymous by default
    app.session_state["mg_box_editor_1"] = {"edited_rows": {0: {"status": "已讨论", "response": "下周排班调整"}},
                                            "added_rows": [], "deleted_rows": []}
    app.run()
    app.button(key="mg_box_save").click()
    app.run()
    assert rows(db_copy, "SELECT status, response FROM suggestions") == [("discussed", "下周排班调整")]
    app.selectbox(key="mg_weekly_group").set_value("B-FIRST")
    app.run()
    app.text_area(key="mg_weekly_summary_B-FIRST_20261123").set_value("首访 60 组，成交 5 套")
    app.text_area(key="mg_weekly_plan_B-FIRST_20261123").set_value("跟进 A 级客户")
    click(app, "保存周总结")
    assert rows(db_copy, "SELECT group_id, week_start, summary, next_plan FROM weekly_summaries") == \
        [("B-FIRST", date(2026, 11, 23), "首访 60 组，成交 5 套", "跟进 A 级客户")]
    app.selectbox(key="mg_review_person").set_value("S023")
    app.run()
    app.text_area(key="mg_review_comment_S023").set_value("成交稳定，注意客户回访")
    click(app, "保存评估")
    assert not app.exception, app.exception
    [(kpi_json, comment, rating)] = rows(db_copy, "SELECT kpi_json, manager_comment, rating FROM review_cards "
                                                  "WHERE staff_id = 'S023' AND month = DATE '2026-10-01'")
    won = rows(db_copy, "SELECT count(*) FROM deals WHERE owner_staff_id = 'S023' AND outcome = 'won' "
                        "AND won_at >= ? AND won_at < ?", list(OCTOBER))[0][0]
    assert (json.loads(kpi_json)["won_deals"], comment, rating) == (won, "成交稳定，注意客户回访", "good")


def test_a_draft_made_in_the_editors_is_saved_compared_and_applied(monkeypatch, db_copy):
    app = run_app(monkeypatch, db_copy, page="pages/regroup.py")
    people = app.data_editor(key="mg_rg_people_0_0").value
    row = list(people["staff_id"]).index("S026")
    app.session_state["mg_rg_people_0_0"] = {"edited_rows": {row: {"group": "改善组"}}, "added_rows": [],
                                             "deleted_rows": []}
    app.run()
    cards = {m.label: m.value for m in app.metric}
    assert cards["变动人数"] == "1" and cards["交接点"] == "2 → 2"
    app.text_input(key="mg_rg_name").set_value("刚需组支援改善组")
    click(app, "保存方案")
    assert rows(db_copy, "SELECT d.name, m.group_id FROM regroup_drafts d JOIN regroup_draft_members m "
                         "USING (draft_id) WHERE m.staff_id = 'S026'") == [("刚需组支援改善组", "B-UPGRADE")]
    app.checkbox(key="mg_rg_apply_sure").check()
    app.date_input(key="mg_rg_effective").set_value(date(2026, 12, 1))
    click(app, "按此方案执行")
    assert not app.exception, app.exception
    assert rows(db_copy, "SELECT group_id, valid_from FROM memberships WHERE staff_id = 'S026' AND valid_to IS NULL") \
        == [("B-UPGRADE", date(2026, 12, 1))]
    assert rows(db_copy, "SELECT applied_on FROM regroup_drafts") == [(date(2026, 12, 1),)]


def test_switching_project_a_to_customer_types_removes_its_hand_off_points(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, page="pages/regroup.py")
    app.session_state["mg_rg_groups_0_0"] = {"edited_rows": {i: {"basis": "按客户类型"} for i in range(3)},
                                             "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception, app.exception
    assert {m.label: m.value for m in app.metric}["交接点"] == "2 → 0"
    assert any("没有按阶段分组的小组" in m.value for m in app.markdown)
