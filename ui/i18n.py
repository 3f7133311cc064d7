"""Interface text in 中文 (default) and English, and display labels for the domain's keys.

`t(key, lang)` returns the text; a missing key raises so that a typo fails a test instead of
showing a raw key to a user. Metric labels come from analytics.registry, not from here.
"""

from __future__ import annotations

LANGS: tuple[str, ...] = ("zh", "en")
DEFAULT_LANG = "zh"

# key: (中文, English)
STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("案场销售分组看板", "Sales-office group dashboard"),
    "language": ("语言", "Language"),
    "filters": ("筛选", "Filters"),
    "period": ("时间", "Period"),
    "date_range": ("自定义日期", "Custom dates"),
    "project": ("项目", "Project"),
    "groups": ("小组", "Groups"),
    "source_channel": ("来源渠道", "Source channel"),
    "customer_type": ("客户类型", "Customer type"),
    "all": ("全部", "All"),
    "reset_filters": ("重置筛选", "Reset filters"),
    "section_main": ("看板", "Dashboards"),
    "section_data": ("数据", "Data"),
    "page_overview": ("总览", "Overview"),
    "page_compare": ("小组对比", "Group comparison"),
    "page_funnel": ("转化漏斗", "Funnel"),
    "page_people": ("顾问", "People"),
    "page_satisfaction": ("满意度", "Satisfaction"),
    "page_targets": ("目标与进度", "Targets & pacing"),
    "page_explorer": ("趋势探索", "Explorer"),
    "page_import": ("数据导入", "Import"),
    "section_analysis": ("分析", "Analysis"),
    "preset_this_week": ("本周", "This week"),
    "preset_last_week": ("上周", "Last week"),
    "preset_this_month": ("本月", "This month"),
    "preset_last_month": ("上月", "Last month"),
    "preset_last_90_days": ("近90天", "Last 90 days"),
    "preset_custom": ("自定义", "Custom"),
    "window_caption": ("{start} 至 {end}（{days} 天），对比前 {days} 天",
                       "{start} to {end} ({days} days), compared with the {days} days before"),
    "freshness": ("数据截至 {as_of} · 最近导入：{last_import} · 数据来源：{source}",
                  "Data as of {as_of} · last import: {last_import} · source: {source}"),
    "no_import_yet": ("尚无导入（演示数据）", "none yet (demo data)"),
    "empty_window": ("所选时间内没有数据——请放宽日期或导入文件。",
                     "No data in this window — widen the dates or import a file."),
    "no_database": ("数据库为空。运行 `make run` 会生成演示数据，或在“数据导入”页导入 CRM 导出文件。",
                    "The database is empty. `make run` seeds demo data, or import a CRM export on the Import page."),
    "vs_previous": ("较前期", "vs previous"),
    "n_label": ("n={n:,}", "n={n:,}"),
    "list_sep": ("、", ", "),
    "clause_sep": ("；", "; "),
    "label_sep": ("：", ": "),
    "too_few": ("样本不足", "too few"),
    "group_table": ("各小组表现", "Groups at a glance"),
    "weekly_trend": ("每周趋势（近 13 周）", "Weekly trend (13 weeks)"),
    "partial_week": ("空心点：本周截至 {end}，仅 {days}/7 天", "Hollow point: week to {end}, {days} of 7 days"),
    "trend_metric": ("趋势指标", "Trend metric"),
    "week": ("周", "Week"),
    "group": ("小组", "Group"),
    "basis": ("分组依据", "Split basis"),
    "unit_wan_yuan": ("万元", "10k CNY"),
    "unit_yuan": ("元", "CNY"),
    "unit_groups": ("组", "groups"),
    "unit_people": ("人", "people"),
    "unit_deals": ("个", "deals"),
    "unit_days": ("天", "days"),
    "unit_score": ("分", "pts"),
    "not_applicable_stage_group": ("不适用（按阶段分工，见转化漏斗）", "n/a (stage-split: see Funnel)"),
    "page_dictionary": ("指标口径", "Metric dictionary"),
    "dictionary_intro": ("每个指标只在指标注册表中定义一次：卡片、表格、导出和命令行都读取这里的定义。"
                         "比率一律先求和再相除；分母为 0 时显示“—”，不是 0。",
                         "Each metric is declared once in the registry; cards, tables, exports and the "
                         "CLI all read it. Ratios are sum-then-divide; an empty denominator shows “—”, never 0."),
    "search": ("搜索", "Search"),
    "metric_basis": ("口径", "Basis"),
    "metric_unit": ("单位", "Unit"),
    "basis_period": ("期间（按事件日期计入窗口）", "period (events dated in the window)"),
    "basis_cohort": ("同期群（按起始日期归组，跟踪后续转化）", "cohort (grouped by start date, followed over time)"),
    "basis_snapshot": ("快照（截至数据日期）", "snapshot (as of the data date)"),
    "unit_count": ("个/条", "count"),
    "unit_ratio": ("比例 %", "ratio %"),
    "unit_score_1_5": ("分（1-5）", "score (1-5)"),
    "unit_nps": ("分（-100 至 100）", "points (-100 to 100)"),
    "higher_is_better": ("越高越好", "higher is better"),
    "lower_is_better": ("越低越好", "lower is better"),
    "computed_by": ("计算函数", "computed by"),
    "show_sql": ("查看取数 SQL", "Show the SQL"),
    "privacy_mode": ("隐私模式", "Privacy mode"),
    "privacy_help": ("客户姓名显示为固定化名，电话打码，备注与评价隐藏；适用于所有页面、下载与报告。",
                     "Customer names become stable pseudonyms, phones are masked, notes and comments are "
                     "hidden, on every page, download and report."),
    "presentation_mode": ("演示模式", "Presentation mode"),
    "presentation_help": ("隐藏侧边栏与页眉，放大字体（含图表），适合投影或共享屏幕。",
                          "Hides the sidebar and header and enlarges all text, charts included, for a projector."),
    "exit_presentation": ("退出演示模式", "Exit presentation mode"),
    "privacy_badge": ("隐私模式已开启", "Privacy mode on"),
    "interval_help": ("括号内为 95% 置信区间（Wilson）", "Brackets: 95% Wilson interval"),
    "metric_dictionary_hint": ("每个指标的定义、口径与取数 SQL → 指标口径", "Every metric's definition, basis and SQL → Metric dictionary"),
}

BASIS_LABELS: dict[str, tuple[str, str]] = {
    "stage": ("按阶段", "by funnel stage"),
    "project": ("按项目", "by project"),
    "customer_type": ("按客户类型", "by customer type"),
    "region": ("按区域", "by region"),
    "other": ("其他", "other"),
}

STAGE_LABELS: dict[str, tuple[str, str]] = {
    "lead": ("来电/线索", "Lead"),
    "first_visit": ("首访", "First visit"),
    "revisit": ("复访", "Revisit"),
    "pledge": ("认筹", "Pledge"),
    "subscription": ("认购", "Subscription"),
    "contract": ("签约", "Contract"),
    "payment": ("回款", "Payment"),
    "lost": ("流失", "Lost"),
}

CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    "natural": ("自然到访", "Walk-in"),
    "agency": ("渠道", "Agency"),
    "referral": ("老带新", "Referral"),
    "online": ("网络", "Online"),
    "phone": ("来电", "Phone-in"),
}

CUSTOMER_TYPE_LABELS: dict[str, tuple[str, str]] = {
    "first_home": ("刚需", "First home"),
    "upgrade": ("改善", "Upgrade"),
    "investment": ("投资", "Investment"),
}

ROLE_LABELS: dict[str, tuple[str, str]] = {
    "manager": ("案场经理", "Site manager"),
    "leader": ("组长", "Leader"),
    "deputy": ("副组长", "Deputy"),
    "analyst": ("数据分析员", "Analyst"),
    "consultant": ("置业顾问", "Consultant"),
}


def _merge_area_strings() -> None:
    """Add the per-area tables in ui/strings/; a key defined twice is a bug."""
    from ui.strings import (
        access,
        alerts,
        compare,
        drilldown,
        explorer,
        funnel,
        import_refusals,
        imports,
        manage,
        people,
        satisfaction,
        targets,
        weekly,
    )

    for module in (access, alerts, compare, drilldown, explorer, funnel, import_refusals, imports, manage, people,
                   satisfaction, targets, weekly):
        clash = STRINGS.keys() & module.STRINGS.keys()
        if clash:
            raise KeyError(f"{module.__name__} redefines {sorted(clash)}")
        STRINGS.update(module.STRINGS)


_merge_area_strings()


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    """The interface text for `key` in `lang`, with `{name}` placeholders filled from values."""
    zh, en = STRINGS[key]
    text = en if lang == "en" else zh
    return text.format(**values) if values else text


def listed(items, lang: str = DEFAULT_LANG) -> str:
    """Names in a sentence: '刚需组、改善组' in Chinese, '刚需组, 改善组' in English."""
    return t("list_sep", lang).join(str(item) for item in items)


def label(table: dict[str, tuple[str, str]], key: str | None, lang: str = DEFAULT_LANG) -> str:
    """The display label of a domain key; unknown keys (a CRM's own words) show as they are."""
    if key is None:
        return "—"
    pair = table.get(key)
    if pair is None:
        return str(key)
    return pair[1] if lang == "en" else pair[0]
