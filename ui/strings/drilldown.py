"""Interface text of the drill-down deal lists: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
    "deals_behind": ("明细：{what}（{n} 个商机{more}）", "Deals behind: {what} ({n} deals{more})"),
    "deals_more": ("，仅显示最新 {limit} 个", ", newest {limit} shown"),
    "no_deals_behind": ("这里没有商机。", "No deals here."),
    "col_customer": ("客户", "Customer"),
    "col_phone": ("电话", "Phone"),
    "col_consultant": ("顾问", "Consultant"),
    "col_group": ("小组", "Group"),
    "col_stage": ("阶段", "Stage"),
    "col_outcome": ("结果", "Outcome"),
    "col_created": ("创建时间", "Created"),
    "col_closed": ("成交/流失时间", "Won/lost at"),
    "col_amount": ("金额（万元）", "Amount (10k CNY)"),
    "col_lost_reason": ("流失原因", "Lost reason"),
    "col_source": ("来源渠道", "Source"),
    "col_customer_type": ("客户类型", "Customer type"),
    "outcome_open": ("跟进中", "open"),
    "outcome_won": ("成交", "won"),
    "outcome_lost": ("流失", "lost"),
    "click_to_drill": ("点击图表中的柱/点或表格中的行，查看背后的商机。",
                       "Click a bar, a point or a table row to see the deals behind it."),
}
