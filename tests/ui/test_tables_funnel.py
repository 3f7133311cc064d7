"""Display frames of the funnel page: n and intervals beside rates, masking, hand-off rows."""

from __future__ import annotations

import pandas as pd

from analytics.funnel import stage_funnel
from analytics.handoffs import handoff_table
from domain import STAGES
from ui.tables_funnel import card_texts, funnel_table, handoff_display, stalled_table


def funnel(reached, inferred=None):
    return stage_funnel(pd.DataFrame({"stage": list(STAGES), "reached": reached, "entered": reached,
                                      "inferred": inferred or [0] * 7}), basis="cohort")


def test_the_funnel_table_gives_each_step_with_n_and_interval():
    table = funnel_table(funnel([100, 80, 40, 20, 10, 10, 3]), "zh")
    assert list(table.columns) == ["阶段", "到达（个）", "转化到下一阶段", "累计转化率", "流失（个，%）"]
    # 80/100 with Wilson (0.7112, 0.8666)
    assert table["转化到下一阶段"].iloc[0] == "80.0% (n=100) [71%, 87%]"
    assert table["流失（个，%）"].iloc[1] == "40 (50.0%)"
    assert table["转化到下一阶段"].iloc[6] == "—"          # nothing after 回款
    assert table["累计转化率"].iloc[6] == "3.0%"


def test_a_small_stage_reads_too_few_and_an_inferred_funnel_gets_a_column():
    table = funnel_table(funnel([10, 4, 2, 0, 0, 0, 0], inferred=[5, 2, 1, 0, 0, 0, 0]), "en")
    assert table["To the next stage"].iloc[1] == "too few (n=4)"
    assert table["Inferred share"].iloc[0] == "50.0%"


def test_the_stalled_table_pseudonymises_customers_in_privacy_mode():
    stalled = pd.DataFrame({"deal_id": ["D1"], "customer_id": ["C1"], "customer": ["王小明"], "owner": ["赵雨"],
                            "group_id": ["A-INIT"], "stage": ["pledge"],
                            "stage_since": [pd.Timestamp("2026-09-01 10:00")], "days": [85], "p75_days": [16.07],
                            "over_p75": [85 / 16.07]})
    plain = stalled_table(stalled, {"A-INIT": "初期接触组"}, "zh", privacy=False)
    assert plain.iloc[0].tolist() == ["王小明", "赵雨", "初期接触组", "认筹", "2026-09-01", 85, 16.1, "5.3×"]
    masked = stalled_table(stalled, {"A-INIT": "初期接触组"}, "zh", privacy=True)
    assert masked["客户"].iloc[0].startswith("客户-") and "王小明" not in masked.to_csv()


def test_hand_offs_read_from_group_to_group_with_the_rate_and_its_n():
    aggregates = pd.DataFrame({"from_group": ["A", "B"], "to_group": ["B", "A"],
                               "from_phase": ["initial_contact", "follow_up"],
                               "to_phase": ["follow_up", "initial_contact"], "handed_on": [10, 2],
                               "moved_on": [6, 1], "first_touched": [9, 2], "first_touch_hours_median": [5.25, None]})
    shown = handoff_display(handoff_table(aggregates), {"A": "初期接触组", "B": "跟进组"}, "zh")
    # touched 9 of 10, Wilson by hand: centre (0.9 + 1.96²/20) / (1 + 1.96²/10) = 0.789, half-width
    # 1.96·sqrt(0.009 + 1.96²/400) / 1.384 = 0.193 → [60%, 98%]
    assert shown.iloc[0].tolist() == ["初期接触组", "跟进组", "10", "5.2 小时", "90.0% (n=10) [60%, 98%]",
                                      "60.0% (n=10) [31%, 83%]"]
    assert shown["已跟进占比"].iloc[1] == "样本不足 (n=2)"
    assert shown["接手小组"].iloc[1] == "初期接触组（回退）"
    assert shown["交接转化率"].iloc[1] == "样本不足 (n=2)" and shown["首次跟进用时中位数"].iloc[1] == "—"


def test_the_cards_name_the_worst_step_before_the_sale():
    cards = card_texts(funnel([100, 80, 40, 20, 10, 10, 1]), 7, "cohort", "zh")
    assert [(c.label, c.value) for c in cards] == [("进入漏斗", "100"), ("到达认购", "10"),
                                                   ("最大流失环节", "50.0%"), ("停滞商机", "7")]
    # 首访, 复访 and 认筹 all lose 50%: the first wins; 签约 → 回款 (90%) comes after the sale
    assert cards[2].caption == "首访 → 复访：流失 40 个"
    assert cards[1].caption == "累计转化 10.0%（n=100）"
