"""Interface text of the management pages (小组管理, 目标设置, 激励与培训, 反馈, 分组方案模拟):
key -> (中文, English). Keys start with mg_, except the page and section titles."""

STRINGS: dict[str, tuple[str, str]] = {
    "section_manage": ("管理", "Management"),
    "page_groups_admin": ("小组管理", "Groups"),
    "page_targets_admin": ("目标设置", "Set targets"),
    "page_incentives": ("激励与培训", "Incentives & training"),
    "page_feedback": ("反馈", "Feedback"),
    "page_regroup": ("分组方案模拟", "What-if regrouping"),
    # --- shared words
    "mg_none": ("（无）", "(none)"),
    "mg_person": ("顾问", "Consultant"),
    "mg_role": ("角色", "Role"),
    "mg_from": ("开始", "From"),
    "mg_last_day": ("最后一天", "Last day"),
    "mg_since": ("任职起", "Since"),
    "mg_until": ("至", "Until"),
    "mg_open_end": ("至今", "ongoing"),
    "mg_years": ("{years} 年", "{years} yrs"),
    "mg_no_group": ("未分组", "no group"),
    "mg_phase": ("负责阶段", "Phase owned"),
    "mg_phase_initial_contact": ("初期接触", "Initial contact"),
    "mg_phase_follow_up": ("跟进", "Follow-up"),
    "mg_phase_closing": ("成交", "Closing"),
    "mg_phase_help": ("只有按阶段分组的小组需要：它负责漏斗的哪一段（初期接触 / 跟进 / 成交）。",
                      "Only for stage-based groups: the part of the funnel it owns (initial contact / follow-up / "
                      "closing)."),
    "mg_unit_csat": ("1-5 分", "1-5"),
    "mg_saved_at": ("已保存 {when}", "Saved {when}"),
    "mg_not_filtered": ("本页不受侧栏日期筛选影响。", "The sidebar's date filter does not apply to this page."),
    # --- 小组管理
    "mg_groups_intro": ("按 {as_of}（数据日期）显示当前组员。调动按生效日期执行：之前的商机、跟进和满意度仍归原小组，"
                        "之后的归新小组。规则：每个小组同一时间只有一位组长；一个人同一时间只在一个小组；任职记录不能重叠。"
                        "不满足规则的改动会被拒绝，并说明原因，数据库不做任何改动。",
                        "Members as of {as_of} (the data's date). A move takes effect on its date: deals, follow-ups "
                        "and surveys before it stay with the old group, later ones count for the new group. Rules: one "
                        "leader per group at a time; nobody in two groups at once; no overlapping stints. A change "
                        "that breaks a rule is refused with the reason, and nothing is changed."),
    "mg_structure_header": ("小组结构", "Group structure"),
    "mg_no_groups": ("还没有小组：在下方“新建或修改小组”中新建，或在“数据导入”页导入花名册。",
                     "No groups yet: create one under “Create or edit a group” below, or import a roster on the "
                     "Import page."),
    "mg_col_leader": ("组长", "Leader"),
    "mg_no_leader": ("（空缺）", "(vacant)"),
    "mg_col_members": ("人数（销售）", "People (selling)"),
    "mg_members_count": ("{members} 人（{sellers} 人销售）", "{members} ({sellers} selling)"),
    "mg_group_edit": ("新建或修改小组", "Create or edit a group"),
    "mg_group_pick": ("小组", "Group"),
    "mg_group_new": ("＋ 新建小组", "+ New group"),
    "mg_group_id": ("小组编号", "Group id"),
    "mg_group_name": ("小组名称", "Group name"),
    "mg_group_save": ("保存小组", "Save group"),
    "mg_group_saved": ("已保存小组“{name}”。", "Group “{name}” saved."),
    "mg_members_header": ("组员与任职历史", "Members and their history"),
    "mg_planned_caption": ("已安排、尚未生效的任职：", "Stints arranged but not started yet:"),
    "mg_history_header": ("已结束的任职（{n} 条）", "Ended stints ({n})"),
    "mg_history_none": ("这个小组还没有已结束的任职。", "No ended stints in this group yet."),
    "mg_move_header": ("调动、任命与离组", "Move, appoint or remove"),
    "mg_move_caption": ("选择顾问、新小组、角色和生效日期。原任职在生效日结束，新任职从生效日开始；同一小组内改角色"
                        "（例如任命组长）也这样做。换组长：先把现任组长改为其他角色，再用同一生效日期任命新组长。",
                        "Pick the consultant, the new group, the role and the effective date. The current stint ends "
                        "on that date and the new one starts; changing a role within the same group (appointing a "
                        "leader) works the same way. To replace a leader, first give the current leader another role, "
                        "then appoint the new one on the same date."),
    "mg_to_group": ("调入小组", "To group"),
    "mg_leave_group": ("— 离开小组 —", "— leave the group —"),
    "mg_effective": ("生效日期", "Effective"),
    "mg_move_submit": ("确认调动", "Confirm"),
    "mg_move_done": ("{name} 自 {day} 起在“{group}”担任{role}。此前的业绩仍归原小组。",
                     "{name} is {role} in “{group}” from {day}. Results before that stay with the old group."),
    "mg_left_done": ("{name} 自 {day} 起离开小组。此前的业绩仍归原小组。",
                     "{name} leaves the group on {day}. Results before that stay with the group."),
    "mg_past_header": ("补录历史任职", "Record a past stint"),
    "mg_past_caption": ("补录一段已结束的任职（例如系统上线前的分组）。它必须与这个人的其他任职、以及该组其他组长的任期"
                        "都不重叠，否则会被拒绝。",
                        "Record a stint that has ended (for example a grouping from before the system). It must not "
                        "overlap the person's other stints or another leader's, or it is refused."),
    "mg_past_submit": ("保存历史任职", "Save the past stint"),
    "mg_past_done": ("已补录 {name} 在“{group}”的任职。", "Past stint of {name} in “{group}” recorded."),
    "mg_refused_header": ("未保存：{n} 条规则不满足，数据库没有任何改动。",
                          "Not saved: {n} rule(s) broken; nothing was changed."),
    "mg_problem_two_groups": ("{name} 自 {day} 起会同时在“{group}”和“{other_group}”：一个人同一时间只能在一个小组。",
                              "{name} would be in “{group}” and “{other_group}” at once from {day}: one group at a "
                              "time."),
    "mg_problem_overlap": ("{name} 在“{group}”的任职与已有记录重叠（{day} 起）。",
                           "{name}'s stint in “{group}” overlaps an existing one (from {day})."),
    "mg_problem_two_leaders": ("“{group}”在 {day} 已有组长 {other}：一个小组同一时间只能有一位组长。请先把现任组长改为"
                               "其他角色（同一生效日期），再任命新组长。",
                               "“{group}” already has a leader on {day}: {other}. One leader per group at a time: "
                               "give the current leader another role on the same date first, then appoint."),
    "mg_problem_empty_stint": ("{name} 的任职（{day} 起）结束日不晚于开始日。",
                               "{name}'s stint from {day} ends before it starts."),
    "mg_problem_no_change": ("{name} 在 {day} 已在“{group}”担任这个角色：没有需要改动的。",
                             "{name} already holds this role in “{group}” on {day}: nothing to change."),
    "mg_problem_unknown_staff": ("员工 {name} 不在员工名单中。", "Staff member {name} is not on the staff list."),
    "mg_problem_unknown_group": ("小组 {group} 不存在。", "Group {group} does not exist."),
    "mg_problem_unknown_role": ("未知角色：只能是组长、副组长、数据分析员或置业顾问。",
                                "Unknown role: leader, deputy, analyst or consultant only."),
    "mg_problem_before_hire": ("{name} 的入职日期是 {day}：生效日期不能早于入职。",
                               "{name} was hired on {day}: the effective date cannot be earlier."),
    "mg_problem_after_leaving": ("{name} 已于 {day} 离职：不能在此之后调入小组。",
                                 "{name} left on {day}: they cannot join a group after that."),
    "mg_problem_not_in_group": ("{name} 在 {day} 不在任何小组：无需离组。",
                                "{name} is in no group on {day}: nothing to leave."),
    "mg_refused_empty_id": ("请填写小组编号。", "Enter a group id."),
    "mg_refused_empty_name": ("请填写小组名称。", "Enter a group name."),
    "mg_refused_bad_basis": ("未知的分组依据：{detail}", "Unknown split basis: {detail}"),
    "mg_refused_bad_phase": ("未知的阶段：{detail}", "Unknown phase: {detail}"),
    "mg_refused_phase_needed": ("按阶段分组的小组必须选择负责阶段。{detail}",
                                "A stage-based group needs the phase it owns. {detail}"),
    "mg_refused_name_taken": ("已有名为“{detail}”的小组。", "A group named “{detail}” exists already."),
    "mg_refused_bad_metric": ("不能为这个指标设目标：{detail}", "No targets for this metric: {detail}"),
    "mg_refused_negative_target": ("目标不能为负数（{detail}）。", "A target cannot be negative ({detail})."),
    "mg_refused_csat_range": ("满意度目标须在 1 到 5 之间（填写了 {detail}）。",
                              "A CSAT target must lie between 1 and 5 ({detail} given)."),
    "mg_refused_bad_scope": ("未知的目标范围：{detail}", "Unknown target scope: {detail}"),
    "mg_refused_empty_draft_name": ("请给方案起个名字。", "Give the draft a name."),
    "mg_refused_unknown_group": ("方案里有人被分到不存在的小组：{detail}", "Someone is placed in an unknown group: {detail}"),
    # --- 目标设置
    "mg_targets_intro": ("为每个小组（也可以为每位顾问）设置某个月的目标。直接在表格里填写或修改，空白表示不设目标；"
                         "改完点“保存目标”。成交金额以万元填写，满意度为 1-5 分的平均分。下方可以参考近 3 个月的实际，"
                         "也可以把小组目标按人平均或按权重拆分给组员。",
                         "Set a month's targets per group (and per consultant). Type into the table; a blank cell "
                         "means no target; then “Save targets”. Won amount is in 10k CNY, CSAT a 1-5 average. Below: "
                         "the last three months' actuals for reference, and splitting a group's target across its "
                         "members equally or by weight."),
    "mg_tgt_month": ("目标月份", "Target month"),
    "mg_month_this": ("（本月）", " (this month)"),
    "mg_month_next": ("（下月）", " (next month)"),
    "mg_tgt_group_header": ("小组目标 · {month}", "Group targets · {month}"),
    "mg_tgt_pending": ("有 {n} 处改动尚未保存。", "{n} change(s) not saved yet."),
    "mg_tgt_blank_help": ("双击单元格填写；清空单元格即删除该目标。", "Double-click a cell to type; clear a cell to "
                                                                 "remove that target."),
    "mg_tgt_save": ("保存目标", "Save targets"),
    "mg_tgt_saved": ("已保存 {n} 项目标。", "{n} target(s) saved."),
    "mg_tgt_reference": ("参考：{start} 至 {end} 的月均实际", "For reference: monthly average actuals {start} to {end}"),
    "mg_split_header": ("把小组目标拆分给组员", "Split a group target across its members"),
    "mg_split_caption": ("拆分对象是该月 1 日在组内的销售人员（不含数据分析员）。按人平均：每人一样；按权重：例如组长 0.5、"
                         "新人 0.8。金额以 1 万元为单位取整，个数取整，各人之和等于小组目标。满意度是平均分，不拆分。",
                         "The members are the group's sellers on the month's first day (analysts excluded). Equal: "
                         "everyone the same; by weight: e.g. 0.5 for the leader, 0.8 for a newcomer. Amounts round "
                         "to 10k CNY and counts to whole numbers, adding up to the group's target. CSAT is an "
                         "average and is not split."),
    "mg_split_metric": ("拆分哪个目标", "Target to split"),
    "mg_split_mode": ("拆分方式", "How"),
    "mg_split_equal": ("按人平均", "Equally"),
    "mg_split_weight": ("按权重", "By weight"),
    "mg_weight": ("权重", "Weight"),
    "mg_split_no_members": ("{month} 时“{group}”没有销售人员可拆分。", "“{group}” has no sellers in {month} to split "
                                                                   "across."),
    "mg_split_no_target": ("“{group}”{month} 还没有“{metric}”目标：先在上表设置并保存。",
                           "“{group}” has no “{metric}” target for {month}: set and save it in the table above first."),
    "mg_split_no_weight": ("至少要有一个人的权重大于 0。", "At least one weight must be above 0."),
    "mg_split_total": ("“{group}”的{metric}目标 **{total}**，拆给 {n} 人：", "“{group}”: {metric} target **{total}**, "
                                                                         "split across {n}:"),
    "mg_split_new": ("拆分后目标", "Split target"),
    "mg_split_old": ("现有个人目标", "Current personal target"),
    "mg_split_save": ("保存为组员目标", "Save as the members' targets"),
    "mg_split_saved": ("已为“{group}”的 {n} 位组员保存个人目标。", "Personal targets saved for {n} members of “{group}”."),
    "mg_staff_targets_header": ("直接编辑“{group}”组员 {month} 的个人目标", "Edit the personal targets of “{group}” "
                                                                           "for {month}"),
    # --- 激励
    "mg_incentives_intro": ("月度销冠和团队协作奖按下面写明的规则计算：比哪个指标、至少多少样本才参评、并列时怎么办。"
                            "样本不足时本月不评，避免把运气当成绩。",
                            "The monthly sales champion and the team award follow the rules written beside them: the "
                            "metric, the minimum sample, and the tie-break. Below the minimum sample there is no award "
                            "that month, so luck is not rewarded as skill."),
    "mg_award_name_champion": ("月度销冠", "Sales champion of the month"),
    "mg_award_name_team": ("团队协作奖", "Team award"),
    "mg_award_month": ("评奖月份", "Award month"),
    "mg_month_running": ("（进行中，截至 {day}）", " (running, to {day})"),
    "mg_award_partial": ("本月尚未结束（数据截至 {as_of}）：结果会变，月底后再颁发。",
                         "This month is not over (data to {as_of}): the result can change; award it after month end."),
    "mg_rule_label": ("规则：", "Rule: "),
    "mg_rule_words": ("比{metric}，高者得；至少 {min_n} {sample}才参评；并列时{tie}，仍并列则共同获奖。",
                      "highest {metric} wins; at least {min_n} {sample} to take part; a tie goes to {tie}, and "
                      "whoever is still equal shares the award."),
    "mg_metric_desc_won_amount": ("当月成交金额（按成交日期，归成交时的负责人）",
                                  "won amount in the month (by won date, credited to the owner at the close)"),
    "mg_metric_desc_won_deals": ("当月成交数", "won deals in the month"),
    "mg_metric_desc_win_rate": ("当月赢率（成交 ÷ 已结束商机）", "win rate in the month (won ÷ closed deals)"),
    "mg_metric_desc_csat": ("当月满意度平均分（1-5）", "average CSAT in the month (1-5)"),
    "mg_metric_desc_attainment": ("当月各项目标的平均完成率（每项 = 实际 ÷ 目标）",
                                  "average attainment of the month's targets (each = actual ÷ target)"),
    "mg_metric_desc_handoff_rate": ("当月交接转化率（交给下一组的商机中被推进的比例，只有按阶段分组的小组参评）",
                                    "hand-off rate in the month (share of deals passed on that the next group moved "
                                    "on; stage-based groups only)"),
    "mg_metric_desc_per_capita_won_amount": ("当月人均成交金额", "won amount per seller in the month"),
    "mg_sample_won_deals": ("单成交", "won deals"),
    "mg_sample_closed": ("个已结束商机", "closed deals"),
    "mg_sample_csat_n": ("份满意度评价", "CSAT answers"),
    "mg_sample_attainment_n": ("个样本（各项目标中最少的那项：成交、首访、来访或评价数）",
                               "facts (in the thinnest target: won deals, first visits, visits or answers)"),
    "mg_sample_attainment_n_short": ("个样本（最少的一项）", "facts (thinnest target)"),
    "mg_sample_handed_on": ("次交接", "hand-offs"),
    "mg_metric_attainment": ("目标完成率", "Target attainment"),
    "mg_metric_handoff_rate": ("交接转化率", "Hand-off rate"),
    "mg_tie_n": ("样本多者得", "the larger sample"),
    "mg_tie_shared": ("共同获奖", "sharing the award"),
    "mg_tie_metric": ("比{metric}，高者得", "the higher {metric}"),
    "mg_award_winner": ("**{who}** · {value}（{n} {sample}）", "**{who}** · {value} ({n} {sample})"),
    "mg_award_by_tie": ("与他人数值并列，按“{tie}”胜出。", "Tied on the value; decided by {tie}."),
    "mg_award_shared": ("数值并列且平局规则无法区分：共同获奖。", "Tied, and the tie-break cannot separate them: "
                                                           "they share the award."),
    "mg_award_too_few": ("**本月不评 — 样本不足**：没有人达到 {min_n} {sample}（最多的只有 {best}）。",
                         "**No award this month — too few**: nobody reached {min_n} {sample} (the most was {best})."),
    "mg_award_no_data": ("本月没有可评的数据。", "No data to judge this month."),
    "mg_award_none_short": ("不评（样本不足）", "none (too few)"),
    "mg_award_record": ("记录为已颁发", "Record as awarded"),
    "mg_award_record_help": ("把本月获奖者连同当时的规则写入获奖记录；以后改规则不会改变已颁发的记录。",
                             "Write this month's winner with the rule's words into the record; later rule changes do "
                             "not rewrite what was awarded."),
    "mg_award_recorded": ("已记录 {month} 的{name}。", "{name} for {month} recorded."),
    "mg_col_rank": ("名次", "Rank"),
    "mg_col_candidate": ("参评者", "Candidate"),
    "mg_col_sample": ("样本 n", "Sample n"),
    "mg_col_note": ("说明", "Note"),
    "mg_below_min": ("未达 {min_n}：不参评", "below {min_n}: not ranked"),
    "mg_history_awards": ("历月获奖", "Winners by month"),
    "mg_history_caption": ("每月按当前规则计算；✓ 表示该月已记录为颁发（记录保留颁发时的规则）。",
                           "Each month is computed under today's rule; ✓ marks months recorded as awarded (the record "
                           "keeps the rule of the time)."),
    "mg_award_recorded_other": ("✓ 已颁发给 {who}（按当前规则：{now}）", "✓ awarded to {who} (under today's rule: {now})"),
    "mg_col_month": ("月份", "Month"),
    "mg_rules_header": ("编辑评奖规则", "Edit the award rules"),
    "mg_rules_caption": ("改动立即用于上面的结果和历史；已记录颁发的月份不变。最低样本按所选指标自己的样本计：成交金额、"
                         "成交数按成交单数，赢率按已结束商机数，满意度按评价份数，交接转化率按交接次数。",
                         "Changes apply at once to the results and history above; recorded awards stay as they were. "
                         "The minimum sample counts the metric's own sample: won deals for amounts and counts, closed "
                         "deals for win rate, answers for CSAT, hand-offs for the hand-off rate."),
    "mg_rule_name": ("奖项名称", "Award name"),
    "mg_rule_metric": ("比什么", "Ranked on"),
    "mg_rule_min_n": ("最低样本 n", "Minimum sample n"),
    "mg_rule_min_n_help": ("低于这个样本的人（或组）不参评；没有人达到时本月不评。",
                           "Candidates below this sample are not ranked; if nobody reaches it, no award that month."),
    "mg_rule_tie": ("并列时", "On a tie"),
    "mg_rule_save": ("保存规则", "Save the rule"),
    "mg_rule_saved": ("已保存规则“{name}”。", "Rule “{name}” saved."),
    "mg_refused_rule": ("规则未保存：{detail}", "Rule not saved: {detail}"),
    # --- 培训
    "mg_training_header": ("培训", "Training"),
    "mg_training_add": ("录入培训记录", "Record a training"),
    "mg_training_who": ("参训人员", "Who"),
    "mg_training_what": ("培训内容", "Topic"),
    "mg_training_what_hint": ("例如：逼定技巧、客户管理、数据分析", "e.g. closing skills, customer care, data analysis"),
    "mg_training_when": ("培训日期", "Date"),
    "mg_training_hours": ("学时", "Hours"),
    "mg_training_trainer": ("讲师", "Trainer"),
    "mg_training_note": ("备注", "Note"),
    "mg_training_save": ("保存培训记录", "Save the training"),
    "mg_training_missing": ("请选择参训人员并填写培训内容。", "Pick who was trained and enter the topic."),
    "mg_training_saved": ("已为 {n} 人记录培训“{topic}”。", "Training “{topic}” recorded for {n} people."),
    "mg_training_empty": ("还没有培训记录：在上方“录入培训记录”中填写谁、什么内容、哪天，之后这里会显示每个人培训前后的"
                          "转化和满意度。",
                          "No training recorded yet: enter who, what and when under “Record a training” above; each "
                          "trainee's conversion and satisfaction before and after will show here."),
    "mg_training_conversion": ("转化指标", "Conversion"),
    "mg_training_window": ("前后各看", "Window each side"),
    "mg_days": ("{days} 天", "{days} days"),
    "mg_before": ("培训前 {days} 天", "{days} days before"),
    "mg_after": ("培训后 {days} 天", "{days} days after"),
    "mg_team_before": ("其他人 · 同期培训前", "Everyone else · before"),
    "mg_team_after": ("其他人 · 同期培训后", "Everyone else · after"),
    "mg_training_chart_title": ("培训前后{metric}（%，线为 95% 置信区间；菱形为其他人同期）",
                                "{metric} before and after training (%, lines: 95% interval; diamonds: everyone else "
                                "over the same days)"),
    "mg_col_change": ("变化", "Change"),
    "mg_col_team_change": ("其他人同期变化", "Everyone else's change"),
    "mg_col_csat_change": ("满意度 前 → 后", "CSAT before → after"),
    "mg_col_verdict": ("结论", "Reading"),
    "mg_verdict_too_few": ("样本不足，不下结论", "too few to tell"),
    "mg_verdict_clear": ("区间不重叠：变化明显", "intervals apart: a real change"),
    "mg_verdict_overlap": ("区间重叠：看不出差别", "intervals overlap: no clear change"),
    "mg_verdict_running": ("（培训后才 {done}/{days} 天）", " (only {done} of {days} days after so far)"),
    "mg_training_caveats": ("怎么读：① 每个比率旁边是样本 n 和 95% 置信区间；几十单以内，前后区间重叠很常见，这时不能说培训"
                            "有效或无效。② 季节性：先看“其他人同期变化”——如果大家都涨了，涨的不是培训的功劳。③ 培训后"
                            "不满 {days} 天的还在累积。④ 其他变化（调组、换项目、客户结构）也会影响前后对比。"
                            "到访成交率按首访后 90 天内成交计，最近的首访还没到期，会偏低。",
                            "How to read: ① each rate has its n and 95% interval; with a few dozen deals, overlapping "
                            "intervals are common and then the training can be called neither effective nor not. "
                            "② Seasonality: look at everyone else's change first — if everybody rose, the training did "
                            "not cause it. ③ Windows shorter than {days} days after are still filling. ④ Other changes "
                            "(a move, another project, a different customer mix) also move the numbers. Visit-to-won "
                            "counts wins within 90 days of a first visit: recent visits have not had the time and read "
                            "low."),
    "mg_training_col": ("培训（顾问 · 内容 · 日期）", "Training (who · what · when)"),
    "mg_training_hands_on": ("另有 {n} 条培训的参训人在“交给下一组”的阶段小组：赢率衡量的是分工而不是他们，改看“到访成交率”。",
                             "{n} more trainee(s) work in a stage group that hands its deals on: a win rate measures "
                             "the split, not them — switch to visit-to-won."),
    "mg_training_none_shown": ("所选转化指标不适用于这些参训人：请切换到“到访成交率”。",
                               "The chosen conversion does not apply to these trainees: switch to visit-to-won."),
    "mg_not_applicable": ("不适用", "n/a"),
    "mg_hands_on_note": ("阶段分工：成交在下一组", "stage split: the next group closes"),
    "mg_training_records": ("全部培训记录（{n} 条）", "All training records ({n})"),
    "mg_training_delete": ("删除一条记录", "Delete a record"),
    "mg_training_delete_button": ("删除", "Delete"),
    "mg_training_deleted": ("已删除培训记录。", "Training record deleted."),
    # --- 反馈
    "mg_feedback_intro": ("三种反馈：意见箱（可匿名，状态从“新建”到“已讨论”到“已完成”）、每个小组的周总结与下周计划、"
                          "每位顾问的月度评估（自动带出当月指标，保存经理的评语）。",
                          "Three kinds of feedback: the suggestion box (anonymous if wished; new → discussed → done), "
                          "each group's weekly summary and next week's plan, and a monthly review per consultant (the "
                          "month's KPIs filled in, the manager's comment kept)."),
    "mg_feedback_refused": ("未保存：{detail}", "Not saved: {detail}"),
    "mg_box_tab": ("意见箱", "Suggestion box"),
    "mg_weekly_tab": ("每周总结", "Weekly summaries"),
    "mg_review_tab": ("月度评估", "Monthly reviews"),
    "mg_box_body": ("建议内容", "Suggestion"),
    "mg_box_hint": ("工作流程、分组、客户接待……任何可以改进的地方", "Process, grouping, customer care… anything to "
                                                            "improve"),
    "mg_box_author": ("提交人", "From"),
    "mg_anonymous": ("匿名", "Anonymous"),
    "mg_box_author_help": ("选“匿名”时不记录是谁提交的。", "With “Anonymous” nothing records who wrote it."),
    "mg_box_group": ("相关小组", "About group"),
    "mg_box_submit": ("提交建议", "Submit"),
    "mg_box_thanks": ("已收到，谢谢！", "Received, thank you!"),
    "mg_box_empty": ("意见箱还是空的：在上方写下第一条建议。", "The box is empty: write the first suggestion above."),
    "mg_status_new": ("新建", "New"),
    "mg_status_discussed": ("已讨论", "Discussed"),
    "mg_status_done": ("已完成", "Done"),
    "mg_box_created": ("日期", "Date"),
    "mg_box_status": ("状态", "Status"),
    "mg_box_response": ("处理说明", "Response"),
    "mg_box_save": ("保存状态和处理说明（{n} 处改动）", "Save status and responses ({n} changes)"),
    "mg_box_saved": ("已更新 {n} 条建议。", "{n} suggestion(s) updated."),
    "mg_weekly_week": ("周", "Week"),
    "mg_week_range": ("{start} 至 {end}", "{start} to {end}"),
    "mg_week_this": ("（本周）", " (this week)"),
    "mg_week_no_numbers": ("这一周没有这个小组的数据。", "No data for this group that week."),
    "mg_week_numbers": ("**这一周的数字**（{start} 至 {end}）：首访 {first_visits} · 新增商机 {deals} · 成交 {won} · "
                        "成交金额 {amount}",
                        "**The week in numbers** ({start} to {end}): first visits {first_visits} · new deals {deals} "
                        "· won {won} · won amount {amount}"),
    "mg_weekly_last_plan": ("上周定的计划：", "Last week's plan: "),
    "mg_weekly_summary": ("本周总结", "This week"),
    "mg_weekly_plan": ("下周计划", "Next week's plan"),
    "mg_weekly_author": ("填写人", "Written by"),
    "mg_weekly_save": ("保存周总结", "Save the summary"),
    "mg_weekly_saved": ("已保存“{group}” {week} 这一周的总结。", "Summary of “{group}” for the week of {week} saved."),
    "mg_weekly_none": ("这个小组还没有周总结。", "No weekly summaries for this group yet."),
    "mg_review_month": ("评估月份", "Month"),
    "mg_review_progress": ("{month}：已评估 {done} / {total} 位顾问。", "{month}: {done} of {total} consultants reviewed."),
    "mg_review_rating": ("评价", "Rating"),
    "mg_rating_excellent": ("优秀", "Excellent"),
    "mg_rating_good": ("良好", "Good"),
    "mg_rating_adequate": ("合格", "Adequate"),
    "mg_rating_improve": ("待改进", "Needs work"),
    "mg_review_comment": ("经理评语", "Manager's comment"),
    "mg_review_comment_hint": ("这个月做得好的、需要改进的", "What went well, what to improve"),
    "mg_review_focus": ("下月重点", "Focus for next month"),
    "mg_review_reviewer": ("评估人", "Reviewer"),
    "mg_review_save": ("保存评估", "Save the review"),
    "mg_review_saved": ("已保存 {name} {month} 的评估。", "Review of {name} for {month} saved."),
    "mg_review_saved_at": ("上次保存：{when} · 评估人：{reviewer}。保存时的指标已一并存档。",
                           "Last saved {when} by {reviewer}; the KPIs as shown then are archived with it."),
    "mg_review_kpis_changed": ("保存后数据有更新（{metrics}）：上面是最新数字，存档保留保存时的数字；再次保存会更新存档。",
                               "The data changed since saving ({metrics}): above are today's numbers, the archive keeps "
                               "those at saving; saving again updates it."),
    # --- 分组方案模拟
    "mg_regroup_intro": ("起草一个新的分组方案——把人调到别的组、改变某个组的分组依据、或新增一个组——再和现在的分组对比："
                         "人数、人均在手商机、按组员过去成交记录算出的转化和月均成交金额、司龄分布，以及按阶段分组带来的"
                         "交接点。方案可以保存，确定后按生效日期执行（执行时同样检查组长和任职规则）。",
                         "Draft a new grouping — move people, switch a group's split basis, add a group — and compare "
                         "it with today's: sellers, open deals per seller, conversion and won amount per month from "
                         "the members' own past closes, tenure spread, and the hand-off points a stage split creates. "
                         "Drafts are saved and applied on an effective date (with the same leader and stint rules)."),
    "mg_rg_draft": ("方案", "Draft"),
    "mg_rg_new_draft": ("＋ 新方案（从现在的分组开始）", "+ New draft (starting from today's grouping)"),
    "mg_rg_applied_on": ("（已于 {day} 执行）", " (applied {day})"),
    "mg_rg_months": ("按过去多久的成交记录", "Past results over"),
    "mg_months": ("{months} 个月", "{months} months"),
    "mg_rg_groups_header": ("方案中的小组", "The draft's groups"),
    "mg_rg_groups_caption": ("改名称、分组依据、负责阶段或项目；在表格最后一行可以新增小组，选中行后可删除。"
                             "按阶段分组的小组需要选负责阶段。",
                             "Edit names, split basis, phase or project; add a group on the last row, delete a "
                             "selected row. Stage-based groups need the phase they own."),
    "mg_rg_people_header": ("方案中每个人的小组和角色", "Each person's group and role in the draft"),
    "mg_rg_today": ("现在", "Today"),
    "mg_rg_draft_side": ("方案", "Draft"),
    "mg_rg_draft_group": ("方案小组", "Draft group"),
    "mg_rg_draft_role": ("方案角色", "Draft role"),
    "mg_rg_compare_header": ("现在 vs 方案（按组员过去 {months} 个月的记录）",
                             "Today vs the draft (from the members' last {months} months)"),
    "mg_rg_card_moves": ("变动人数", "People changing"),
    "mg_rg_card_moves_note": ("{groups} 人换组，{roles} 人只换角色", "{groups} change group, {roles} only role"),
    "mg_rg_card_groups": ("小组数", "Groups"),
    "mg_rg_card_handoffs": ("交接点", "Hand-off points"),
    "mg_rg_card_handoffs_note": ("约 {today} → {draft} 次交接/月", "about {today} → {draft} hand-offs a month"),
    "mg_rg_card_spread": ("忙闲差距", "Workload spread"),
    "mg_rg_card_spread_note": ("人均在手商机：最忙组 ÷ 最闲组", "open deals per seller: busiest ÷ least busy group"),
    "mg_rg_sellers": ("销售人数", "Sellers"),
    "mg_rg_open_per_person": ("人均在手商机", "Open deals per seller"),
    "mg_rg_conversion": ("成交转化率", "Conversion"),
    "mg_rg_conversion_today": ("成交转化（现在）", "Conversion (today)"),
    "mg_rg_conversion_draft": ("成交转化（方案）", "Conversion (draft)"),
    "mg_rg_won_per_month": ("月均成交金额", "Won amount per month"),
    "mg_rg_basis_draft": ("分组依据（方案）", "Basis (draft)"),
    "mg_rg_tenure": ("司龄（方案）", "Tenure (draft)"),
    "mg_rg_tenure_cell": ("中位 {median} 年 [{low}–{high}]，新人 {new}", "median {median} yrs [{low}–{high}], {new} new"),
    "mg_rg_no_record": ("无成交记录（方案）", "No closing record (draft)"),
    "mg_rg_figure_title": ("现在（灰）与方案（蓝）各组对比；转化率的误差线为 95% 置信区间",
                           "Today (grey) and the draft (blue) per group; conversion error bars: 95% interval"),
    "mg_rg_compare_caption": ("方案中的小组没有自己的历史：数字来自被分进去的人过去 {months} 个月自己的记录——在手商机跟着负责人"
                              "走；成交转化 = 自己负责成交的商机中赢单的比例（n = 已结束商机数）。来自“交给下一组”的阶段"
                              "小组的人没有成交记录（成交是别人的工作），记为“无成交记录”，不计入转化和金额。司龄：入职年数的中位数 [最短–最长]，新人 = 入职不满 1 年。"
                              "这是估计，不是预测。",
                              "Draft groups have no history of their own: the figures come from the people put in them, "
                              "over their last {months} months — open deals follow their owner; conversion = won share "
                              "of the deals they closed themselves (n = closed deals). People from a stage group that "
                              "hands deals on have no closing record (closing was another group's job): counted under "
                              "“no closing record”, left out of conversion and amount. Tenure: median years since hiring [shortest–longest], "
                              "and how many sellers joined less than a year ago. An estimate, not a forecast."),
    "mg_rg_handoffs_today": ("现在的交接点", "Hand-off points today"),
    "mg_rg_handoffs_draft": ("方案的交接点", "Hand-off points in the draft"),
    "mg_rg_no_handoffs": ("没有按阶段分组的小组：客户从头到尾由同一个人跟，没有交接。",
                          "No stage-based groups: one person follows a customer from start to end, no hand-offs."),
    "mg_rg_handoff_step": ("{sender} → {receiver}（约 {per_month} 次/月）", "{sender} → {receiver} (about {per_month} a "
                                                                           "month)"),
    "mg_rg_tenure_title": ("方案中各组的司龄分布（每个点是一位销售人员）", "Tenure in the draft's groups (one dot per seller)"),
    "mg_rg_tenure_axis": ("司龄", "Tenure"),
    "mg_year_unit": ("年", "years"),
    "mg_rg_moves": ("方案中变动的 {n} 个人", "The {n} people the draft changes"),
    "mg_rg_save_header": ("保存与执行", "Save and apply"),
    "mg_rg_name": ("方案名称", "Draft name"),
    "mg_rg_note": ("说明", "Note"),
    "mg_rg_save_as_new": ("另存为新方案", "Save as a new draft"),
    "mg_rg_save": ("保存方案", "Save the draft"),
    "mg_rg_saved": ("已保存方案“{name}”。", "Draft “{name}” saved."),
    "mg_rg_apply_needs_save": ("先保存方案，才能按生效日期执行。", "Save the draft before applying it."),
    "mg_rg_apply_text": ("按此方案执行：{n} 个人从生效日期起换组或换角色；新小组会被创建，改了分组依据的小组会被更新"
                         "（小组的分组依据没有历史记录）。生效日期之前的业绩仍归原小组。",
                         "Apply the draft: {n} people change group or role from the effective date; new groups are "
                         "created and switched bases updated (a group's basis has no history). Results before the date "
                         "stay with the old groups."),
    "mg_rg_apply_sure": ("我已核对上面的对比，确认执行", "I have checked the comparison above"),
    "mg_rg_apply": ("按此方案执行", "Apply the draft"),
    "mg_rg_apply_confirm": ("请先勾选确认。", "Tick the confirmation first."),
    "mg_rg_applied": ("方案已执行：{n} 个人自 {day} 起换组或换角色。", "Draft applied: {n} people change from {day}."),
    "mg_rg_delete": ("删除这个方案", "Delete this draft"),
    "mg_rg_deleted": ("方案已删除。", "Draft deleted."),
}
