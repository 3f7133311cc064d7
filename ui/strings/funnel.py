"""Interface text of the funnel pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
    # controls and basis
    "fun_basis": ("口径", "Basis"),
    "fun_basis_cohort": ("同期群", "Cohort"),
    "fun_basis_period": ("期间", "Period"),
    "fun_basis_cohort_text": (
        "同期群：按创建日期——{start} 至 {end} 创建的商机，统计它们此后（截至 {as_of}）到达过的每个阶段。"
        "到达 = 进入过该阶段或其后任一阶段。",
        "Cohort: by creation date — deals created {start} to {end}, counted at every stage they reached "
        "since (up to {as_of}). Reached = entered the stage or any later one."),
    "fun_basis_period_text": (
        "期间：按进入阶段日期——{start} 至 {end} 内到达某阶段的商机计入该阶段，无论何时创建。"
        "各步比率是通过量之比，可能超过 100%，因此不给置信区间。",
        "Period: by the date a stage was entered — a deal counts at a stage when it reached it between "
        "{start} and {end}, whenever it was created. Step ratios are throughput ratios that may exceed "
        "100%, so they carry no interval."),
    "fun_split": ("小组", "Group"),
    "fun_all_groups": ("全部小组", "All groups"),
    "fun_split_help": ("按创建商机的小组拆分：商机计入其创建时顾问所在的小组。",
                       "Split by the group that created the deal (the creator's group at creation)."),
    "fun_inferred_note": (
        "漏斗为推断：{share} 的商机（{n} 个）没有阶段历史（快照导入），按其当前阶段推断为经过了此前的所有阶段。"
        "导入阶段变更记录可得到实测的漏斗。",
        "Inferred funnel: {share} of the deals ({n}) have no stage history (snapshot import) and are "
        "counted at every stage up to their current one. Import the stage history for a measured funnel."),
    "fun_group_no_deals": (
        "该小组在窗口内没有创建商机。按阶段分工时，跟进组、成交组接手的商机计入创建它们的初期接触组；"
        "它们接手后的表现见下方“小组交接”。",
        "This group created no deals in the window. With a stage split, the deals the follow-up and "
        "closing groups take over count with the initial-contact group that created them; see "
        "“Hand-offs between groups” below for what they do with them."),
    # cards
    "fun_card_entered": ("进入漏斗", "Entered the funnel"),
    "fun_card_entered_caption": ("{basis} · 单位：个", "{basis} · deals"),
    "fun_card_won": ("到达认购", "Reached subscription"),
    "fun_card_won_caption": ("累计转化 {rate}（n={n}）", "{rate} of the funnel (n={n})"),
    "fun_card_worst": ("最大流失环节", "Largest drop-off"),
    "fun_card_worst_caption": ("{stage} → {next}：流失 {n} 个", "{stage} → {next}: {n} lost"),
    "fun_card_entered_help": ("到达漏斗第一阶段（来电/线索）的商机数，口径见上方说明。",
                              "Deals that reached the first stage (lead), on the basis described above."),
    "fun_card_won_help": ("认购即成交：到达认购（或其后阶段）的商机。", "Won at subscription: deals that reached subscription or later."),
    "fun_card_worst_help": ("认购之前流失比例最大的一步（未到达下一阶段的占比）。",
                            "The step before subscription that loses the largest share of its deals."),
    "fun_card_stalled_help": ("跟进中、在当前阶段停留超过该阶段近 12 个月 P75 的商机，见下方“停滞商机”。",
                              "Open deals in their stage longer than its P75 over 12 months; see “Stalled deals” below."),
    "fun_card_stalled": ("停滞商机", "Stalled deals"),
    "fun_card_stalled_caption": ("当前阶段停留超过历史 P75", "in their stage longer than its P75"),
    # funnel chart and table
    "fun_funnel_title": ("阶段漏斗 · {basis}", "Stage funnel · {basis}"),
    "fun_axis_deals": ("商机数（个）", "Deals (count)"),
    "fun_axis_stage": ("阶段", "Stage"),
    "fun_bar_text": ("{n} 个 · {cumulative}", "{n} · {cumulative}"),
    "fun_hover_reached": ("到达：{n} 个", "Reached: {n} deals"),
    "fun_hover_cumulative": ("累计转化：{rate}", "Cumulative conversion: {rate}"),
    "fun_hover_step_in": ("由上一阶段转入：{rate}", "From the previous stage: {rate}"),
    "fun_hover_drop": ("未到达下一阶段：{n} 个（{rate}）", "Did not reach the next stage: {n} ({rate})"),
    "fun_hover_phase": ("所属环节：{phase}", "Phase: {phase}"),
    "fun_hover_click": ("点击查看这些商机", "Click for these deals"),
    "fun_phase_initial_contact": ("初期接触", "Initial contact"),
    "fun_phase_follow_up": ("跟进", "Follow-up"),
    "fun_phase_closing": ("成交", "Closing"),
    "fun_col_stage": ("阶段", "Stage"),
    "fun_col_reached": ("到达（个）", "Reached (n)"),
    "fun_col_step": ("转化到下一阶段", "To the next stage"),
    "fun_col_cumulative": ("累计转化率", "Cumulative"),
    "fun_col_drop": ("流失（个，%）", "Dropped (n, %)"),
    "fun_col_inferred": ("推断占比", "Inferred share"),
    "fun_table_help": (
        "转化到下一阶段 = 到达下一阶段的商机 ÷ 到达本阶段的商机，n 为本阶段商机数，方括号内为 95% Wilson 区间；"
        "流失 = 到达本阶段但未到达下一阶段。",
        "To the next stage = deals reaching the next stage ÷ deals reaching this one; n is this stage's "
        "deals, brackets a 95% Wilson interval. Dropped = reached this stage but not the next."),
    "fun_table_help_period": (
        "转化到下一阶段 = 窗口内到达下一阶段的商机 ÷ 窗口内到达本阶段的商机（通过量之比），n 为本阶段商机数；"
        "流失 = 两者之差。",
        "To the next stage = deals reaching the next stage in the window ÷ deals reaching this one in the "
        "window (a throughput ratio); n is this stage's deals. Dropped = the difference."),
    "fun_click_hint": ("点击漏斗中的柱或表格中的一行，查看到达该阶段的商机。",
                       "Click a funnel bar or a table row for the deals that reached the stage."),
    "fun_drill_title": ("明细：到达“{stage}”的商机（{basis}{group}，共 {total} 个{more}）",
                        "Deals that reached “{stage}” ({basis}{group}; {total} deals{more})"),
    "fun_drill_more": ("，显示最近到达的 {limit} 个", "; the {limit} latest arrivals shown"),
    "fun_col_reached_at": ("到达时间", "Reached at"),
    # cohorts
    "fun_cohort_title": ("各月同期群的认购转化", "Conversion to subscription by monthly cohort"),
    "fun_cohort_chart_title": ("线索 → 认购 转化率（按创建月份）", "Lead → subscription by month created"),
    "fun_cohort_caption": (
        "同期群：按创建月份分组，{start} 至 {end}，比率 = 已到达认购 ÷ 进入漏斗，误差线为 95% Wilson 区间。"
        "灰色为未成熟的同期群：{days} 天转化窗口尚未走完（标注已过的比例），它们的转化率还会上升。",
        "Cohorts by month created, {start} to {end}; rate = reached subscription ÷ entered the funnel, "
        "error bars a 95% Wilson interval. Grey cohorts are immature: their {days}-day conversion window "
        "is not over yet (the share elapsed is marked), so their rates will still rise."),
    "fun_axis_month_created": ("创建月份", "Month created"),
    "fun_axis_conversion_pct": ("转化率（%）", "Conversion (%)"),
    "fun_mature": ("已成熟", "Mature"),
    "fun_immature": ("未成熟（窗口未满）", "Immature (window not over)"),
    "fun_elapsed": ("已过 {share}", "{share} elapsed"),
    "fun_hover_cohort": ("{month} 同期群：{rate}（{won}/{n}）", "{month} cohort: {rate} ({won}/{n})"),
    "fun_hover_interval": ("95% 区间：{interval}", "95% interval: {interval}"),
    "fun_cohort_empty": ("过去 12 个月没有创建商机。请放宽筛选条件或导入数据。",
                         "No deals created in the last 12 months: widen the filters or import data."),
    # time in stage and cycle
    "fun_time_title": ("阶段停留时长", "Time in stage"),
    "fun_time_chart_title": ("各阶段停留天数（中位数与 P75）", "Days in each stage (median and P75)"),
    "fun_axis_days": ("停留时长（天）", "Time in stage (days)"),
    "fun_median": ("中位数", "Median"),
    "fun_p75": ("P75", "P75"),
    "fun_hover_days": ("{stage} · {which}：{days}（n={n} 段停留）", "{stage} · {which}: {days} (n={n} stays)"),
    "fun_time_caption": (
        "窗口内进入该阶段、且已离开的停留（到下一次阶段变更为止）；没有阶段历史的商机不计入。"
        "四分之一的停留比 P75 更长。",
        "Stays that began in the window and have ended (at the next stage change); deals without stage "
        "history are not counted. A quarter of the stays last longer than P75."),
    "fun_time_empty": ("窗口内没有已结束的阶段停留。请放宽日期，或导入阶段变更记录。",
                       "No finished stays in the window: widen the dates or import the stage history."),
    "fun_cycle_title": ("整体成交周期", "Overall cycle"),
    "fun_cycle_text": ("窗口内成交的 {n} 个商机，从创建到认购：中位数 {median}，P75 {p75}。",
                       "{n} deals won in the window, from creation to subscription: median {median}, P75 {p75}."),
    "fun_cycle_empty": ("窗口内没有成交的商机。", "No deals won in the window."),
    # stalled
    "fun_stalled_title": ("停滞商机", "Stalled deals"),
    "fun_stalled_caption": (
        "跟进中的商机，在当前阶段已停留的天数超过该阶段近 12 个月（{start} 至 {end}）停留时长的 P75；"
        "停留少于 {min_n} 段的阶段不设阈值。共 {n} 个，按超出倍数排序，显示前 {shown} 个。",
        "Open deals that have been in their stage longer than that stage's P75 over the last 12 months "
        "({start} to {end}); stages with fewer than {min_n} stays set no threshold. {n} deals, longest "
        "overrun first; the first {shown} shown."),
    "fun_stalled_stage": ("只看阶段", "Stage"),
    "fun_all_stages": ("全部阶段", "All stages"),
    "fun_stage_count": ("{stage}（{n} 个）", "{stage} ({n})"),
    "fun_stalled_none": ("没有停滞的商机。", "No stalled deals."),
    "fun_col_since": ("进入阶段", "In stage since"),
    "fun_col_days": ("已停留（天）", "Days in stage"),
    "fun_col_p75": ("阶段 P75（天）", "Stage P75 (days)"),
    "fun_col_over": ("为 P75 的倍数", "× P75"),
    # hand-offs
    "fun_handoff_title": ("小组交接", "Hand-offs between groups"),
    "fun_handoff_caption": (
        "按阶段分工的小组之间的交接（窗口内的负责人变更）：交出多少商机，接手小组首次跟进用时的中位数、"
        "跟进过的占比，以及接手后推进到更后阶段的占比（交接转化率）。两个占比的 n 都是交接数，"
        "方括号内为 95% Wilson 区间。",
        "Hand-offs between stage-split groups (owner changes in the window): how many deals each group "
        "passes on, the receiving group's median time to its first touch, the share it touched at all, and "
        "the share it moves on to a later stage (hand-off rate). Both shares have n = hand-offs; brackets "
        "a 95% Wilson interval."),
    "fun_handoff_none": ("窗口内按阶段分工的小组之间没有交接。", "No hand-offs between stage-split groups in the window."),
    "fun_col_from": ("交出小组", "From"),
    "fun_col_to": ("接手小组", "To"),
    "fun_col_handed": ("交接（个）", "Handed on (deals)"),
    "fun_col_first_touch": ("首次跟进用时中位数", "Median time to first touch"),
    "fun_col_touched": ("已跟进占比", "Touched"),
    "fun_col_handoff_rate": ("交接转化率", "Hand-off rate"),
    "fun_hours": ("{hours} 小时", "{hours} h"),
    "fun_backward": ("（回退）", " (backward)"),
}
