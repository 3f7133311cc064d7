"""Interface text of the compare pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
    "cmp_intro": ("小组按赢率 95% 置信区间的下限排名：商机少、靠运气偏高的小组不会排到前面。点击图中的点或柱，"
                  "查看背后的商机。",
                  "Groups are ranked by the lower bound of the 95% interval of their win rate, so a small "
                  "lucky sample does not top the list. Click a point or a bar to see the deals behind it."),
    "cmp_basis_heading": ("各小组的分组依据", "How each group is split"),
    "cmp_members": ("{n} 人", "{n} people"),
    "cmp_phase_initial_contact": ("负责初期接触", "owns first contact"),
    "cmp_phase_follow_up": ("负责跟进", "owns follow-up"),
    "cmp_phase_closing": ("负责成交", "owns closing"),
    "cmp_ranking_heading": ("赢率排名", "Win-rate ranking"),
    "cmp_ranking_title": ("各小组赢率及 95% 置信区间（按区间下限排名）",
                          "Win rate per group with 95% interval (ranked by lower bound)"),
    "cmp_axis_win_rate": ("赢率（%）", "Win rate (%)"),
    "cmp_top_shown": ("图中显示排名前 {shown} 位，共 {total} 位；下表列出全部。",
                      "The best {shown} of {total} are drawn; the table below lists all."),
    "cmp_axis_group": ("小组", "Group"),
    "cmp_hover_rate": ("赢率 {rate}", "Win rate {rate}"),
    "cmp_hover_interval": ("95% 区间 {low} – {high}", "95% interval {low} – {high}"),
    "cmp_hover_closed": ("已结束商机 n={n:,}（成交 {won:,}，流失 {lost:,}）", "Closed deals n={n:,} ({won:,} won, {lost:,} lost)"),
    "cmp_hover_lower": ("排名依据（区间下限）{low}", "Ranked on the lower bound {low}"),
    "cmp_hover_click": ("点击查看背后的商机", "Click to see the deals behind it"),
    "cmp_stage_note": ("{groups}按阶段分工、把商机交给下一组，不按赢率排名：它们的转化见“转化漏斗”页。",
                       "{groups} split by funnel stage and hand their deals on, so they are not ranked on win "
                       "rate: see the Funnel page for their conversion."),
    "cmp_closing_note": ("{groups}只接手已进入成交阶段的商机，赢率天然偏高，只宜与同类小组比较。",
                         "{groups} only receive deals that already reached the closing stages, so their win "
                         "rate runs high by design: compare them with like groups only."),
    "cmp_no_closed": ("所选时间内，参与排名的小组没有成交或流失的商机，无法比较赢率——请放宽日期或小组筛选。",
                      "None of the ranked groups won or lost a deal in this window, so there is no win rate "
                      "to compare — widen the dates or the group filter."),
    "cmp_kpi_heading": ("关键指标并排", "KPIs side by side"),
    "cmp_kpi_caption": ("按赢率排名排序；按阶段交接的小组排在最后。点击一行查看该组的商机。",
                        "Sorted by the win-rate ranking; stage-split groups that hand deals on come last. "
                        "Click a row to see that group's deals."),
    "cmp_na_hands_on": ("不适用：按阶段交接", "n/a: hands deals on"),
    "cmp_col_per_capita": ("人均成交金额", "Per consultant"),
    "cmp_col_rank_group": ("名次 · 小组", "Rank · group"),
    "cmp_whisker_help": ("横线为 95% 置信区间（Wilson）；空心点表示样本不足。", "Whiskers: 95% Wilson interval; an open marker means too few deals."),
    "cmp_col_closed": ("已结束商机", "Closed deals"),
    "cmp_col_actual": ("实际赢率", "Actual win rate"),
    "cmp_col_expected": ("预期赢率（按客户结构）", "Expected win rate (from its mix)"),
    "cmp_col_mix_effect": ("实际 − 预期（百分点）", "Actual − expected (pp)"),
    "cmp_mix_heading": ("客户结构调整后的赢率", "Mix-adjusted win rate"),
    "cmp_mix_explain": ("预期赢率 = 假如该组的每位客户（按来源渠道 × 客户类型分类）都按全公司同类客户的平均赢率成交，"
                        "该组会达到的赢率；实际高于预期，说明成绩不只是因为客户好做。",
                        "Expected win rate = what the group would win if each of its customers (by source "
                        "channel × customer type) converted at the company's average for that kind of "
                        "customer; actual above expected means the result is not just an easier mix."),
    "cmp_mix_stage_note": ("按阶段分工的小组只负责漏斗的一段，客户结构调整对它们不适用。",
                           "Stage-split groups own only part of the funnel; the mix adjustment does not "
                           "apply to them."),
    "cmp_mix_title": ("实际赢率与按客户结构预期的赢率", "Actual win rate vs the rate its customer mix predicts"),
    "cmp_mix_top_shown": ("图中显示实际与预期相差最大的 {shown} 个小组，共 {total} 个；下表列出全部。",
                          "The {shown} groups of {total} furthest from their expected rate are drawn; the table "
                          "below lists all."),
    "cmp_mix_actual": ("实际赢率（含 95% 区间）", "Actual win rate (95% interval)"),
    "cmp_mix_expected": ("预期赢率（按客户结构）", "Expected from its mix"),
    "cmp_hover_expected": ("预期赢率 {rate}", "Expected {rate}"),
    "cmp_hover_effect": ("实际 − 预期 {pp}", "Actual − expected {pp}"),
    "cmp_mix_na": ("不适用（按阶段分工）", "n/a (stage-split)"),
    "cmp_trend_heading": ("各小组每周趋势", "Weekly trend per group"),
    "cmp_trend_metric": ("趋势指标", "Trend metric"),
    "cmp_trend_title": ("每周{metric}（各小组纵轴相同）", "{metric} per week (same y-axis for every group)"),
    "chart_top_groups": ("显示合计最高的 {shown} 个小组，共 {total} 个；用小组筛选查看其他小组。",
                         "The {shown} groups of {total} with the highest totals are drawn; filter the groups to "
                         "see others."),
    "cmp_trend_caption": ("首尾两周可能只有部分天数落在所选时间内。", "The first and last weeks may be only partly inside the window."),
    "cmp_axis_week": ("周（自周一）", "Week (from Monday)"),
    "cmp_hover_week": ("{week} 起一周", "Week of {week}"),
    "cmp_unit_amount": ("万元", "M CNY"),
    "cmp_unit_count": ("个", "count"),
    "cmp_what_closed": ("{group}：所选时间内成交或流失的商机", "{group}: deals won or lost in the window"),
    "cmp_what_created": ("{group}：所选时间内新建的商机", "{group}: deals created in the window"),
    "cmp_what_week": ("{group}：{week} 起一周{basis}", "{group}: week of {week}, {basis}"),
    "cmp_basis_won": ("成交的商机", "won deals"),
    "cmp_basis_lost": ("流失的商机", "lost deals"),
    "cmp_basis_created": ("新建的商机", "deals created"),
    "cmp_window": ("{start} 至 {end}（{days} 天）", "{start} to {end} ({days} days)"),
}
