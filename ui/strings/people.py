"""Interface text of the people pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
    "ppl_intro": ("排行榜按赢率 95% 置信区间的下限排名：靠少数几单得到的高赢率不会排到前面；已结束商机少于 {min_n} 个"
                  "显示“样本不足”，不参与排名。数据分析员和案场经理不在榜上。",
                  "The leaderboard ranks on the lower bound of the 95% interval of the win rate, so a high "
                  "rate from a handful of deals does not top it; fewer than {min_n} closed deals show as "
                  "“too few” and are not ranked. Analysts and site managers are not listed."),
    "ppl_board_heading": ("顾问排行榜", "Consultant leaderboard"),
    "ppl_board_title": ("顾问赢率及 95% 置信区间（按区间下限排名）",
                        "Consultant win rate with 95% interval (ranked by lower bound)"),
    "ppl_axis_consultant": ("顾问", "Consultant"),
    "ppl_col_rank": ("名次", "Rank"),
    "ppl_col_role": ("角色", "Role"),
    "ppl_col_lower": ("区间下限", "Lower bound"),
    "ppl_board_caption": ("点击一行或图中的点：下方打开该顾问的商机，档案切换到该顾问。",
                          "Click a row or a point: that consultant's deals open below and the scorecard "
                          "switches to them."),
    "ppl_handoff_heading": ("按阶段分工的顾问", "Stage-split consultants"),
    "ppl_handoff_caption": ("他们所在的小组把商机交给下一组，成交不在他们手里，因此不按赢率排名；看商机数、首访、"
                            "跟进及时率和满意度。点击一行查看其流失的商机。",
                            "Their groups hand deals on to the next group, so closing is not in their hands "
                            "and they are not ranked on win rate: look at deals, first visits, follow-up "
                            "timeliness and satisfaction. Click a row to see their lost deals."),
    "ppl_no_people": ("所选时间和筛选下没有顾问的数据——请放宽日期或筛选。",
                      "No consultant has data in this window and these filters — widen the dates or the "
                      "filters."),
    "ppl_no_ranked": ("没有顾问在所选时间内成交或流失商机，排行榜为空——请放宽日期。",
                      "No consultant won or lost a deal in this window, so the leaderboard is empty — widen "
                      "the dates."),
    "ppl_scorecard_heading": ("顾问档案", "Consultant scorecard"),
    "ppl_pick": ("选择顾问", "Consultant"),
    "ppl_pick_help": ("也可以点击排行榜中的点或行。链接里的 consultant= 参数会记住所选顾问。",
                      "Or click a point or a row of the leaderboard. The link's consultant= parameter keeps "
                      "the choice."),
    "ppl_profile": ("{group}（{basis}）· {role} · 箭头为与本组 {peers} 位顾问中位数的差",
                    "{group} ({basis}) · {role} · arrows: difference to the median of the group's {peers} "
                    "consultants"),
    "ppl_no_group": ("未分组", "no group"),
    "ppl_vs_median": ("较组中位数", "vs group median"),
    "ppl_median": ("组中位数 {value}", "group median {value}"),
    "ppl_not_applicable": ("不适用", "n/a"),
    "ppl_stage_card": ("按阶段交接，成交不在本组", "stage-split: closing is another group's"),
    "ppl_trend_heading": ("趋势：对比组内中位数", "Trend against the group median"),
    "ppl_granularity": ("周期", "Period"),
    "ppl_period_month": ("按月", "Monthly"),
    "ppl_period_week": ("按周", "Weekly"),
    "ppl_trend_metric": ("趋势指标", "Trend metric"),
    "ppl_trend_title": ("{name}：{metric}（柱）与组内中位数（虚线）",
                        "{name}: {metric} (bars) vs the group median (dashed)"),
    "ppl_axis_month": ("月份", "Month"),
    "ppl_axis_week": ("周（自周一）", "Week (from Monday)"),
    "ppl_trend_span": ("趋势显示 {start} 至 {end}（至少 6 个月或 13 周，才看得出走势）；最后一期可能未满。"
                       "组中位数只计当期有记录的组员。",
                       "The trend covers {start} to {end} (at least 6 months or 13 weeks, to show a "
                       "direction); the last period may be partial. The group median counts members with "
                       "any record in the period."),
    "ppl_median_line": ("组内中位数", "Group median"),
    "ppl_hover_period_month": ("{period}", "{period}"),
    "ppl_hover_period_week": ("{period} 起一周", "Week of {period}"),
    "ppl_what_closed": ("{name}：所选时间内成交或流失的商机", "{name}: deals won or lost in the window"),
    "ppl_what_lost": ("{name}：所选时间内流失的商机", "{name}: deals lost in the window"),
    "ppl_what_period": ("{name}：{period}{basis}", "{name}: {period}, {basis}"),
    "ppl_period_label_month": ("{period} 月", "{period}"),
    "ppl_period_label_week": ("{period} 起一周", "week of {period}"),
    "ppl_no_drill_metric": ("这个指标的柱对应不到一张商机列表（交接会换负责人；首访、来访是活动，不是商机）；"
                            "选“流失数”可点击查看商机。",
                            "This metric's bars do not map to a deal list (hand-offs change the owner; visits "
                            "are activities, not deals); pick “Lost deals” to click through."),
}
