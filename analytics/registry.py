"""The one metric registry: every metric of DOMAIN.md's dictionary, declared once as data.

Cards, tables, exports, the dictionary page, the CLI and the tests iterate over `METRICS`
(the dbt/MetricFlow habit: name, labels, description, unit, numerator, denominator, and the SQL
that feeds it). `kpi_table` computes the metrics whose `aggregation` is 'sum', 'ratio', 'median'
or 'nps' straight from these declarations; the others name the function that computes them.

`sql` is a plain, runnable query over the whole database with named parameters ($start, $end:
the inclusive window as DATEs; $as_of; $days: the conversion window; $stages: the canonical
stage list). It is written independently of db/queries, and the tests check that both agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain import PHASES, STAGE_PHASE, STAGES

UNITS = ("count", "yuan", "ratio", "days", "score", "nps")
BASES = ("period", "cohort", "snapshot")
AGGREGATIONS = ("sum", "ratio", "median", "nps", "other")


@dataclass(frozen=True)
class Metric:
    """One metric. `numerator`/`denominator` name columns of kpi_aggregates (summed, then divided).

    fmt is a format spec for `format(value, fmt)` (',.0f', '.1%', …); interval is 'wilson'
    (proportions), 'mean' (CSAT), 'nps' or None; for 'sum'/'median' metrics `source` is the
    aggregate column and `denominator` (if any) the n shown beside the value.
    """

    id: str
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str
    unit: str
    fmt: str
    higher_is_better: bool
    basis: str
    sql: str
    aggregation: str = "sum"
    source: str | None = None
    numerator: tuple[str, ...] = ()
    denominator: tuple[str, ...] = ()
    interval: str | None = None
    computed_by: str = "analytics.kpis.kpi_table"
    # False where a small denominator is not a small sample (a group of 4 consultants).
    needs_min_n: bool = True

    @property
    def is_rate(self) -> bool:
        """True for metrics that carry an n (and, with `interval`, a confidence interval)."""
        return self.aggregation in ("ratio", "median", "nps")


_IN_WINDOW = "BETWEEN $start AND $end"


def _group_at(staff_column: str) -> str:
    return ("(SELECT m.group_id FROM memberships m\n"
            f"       WHERE m.staff_id = o.{staff_column} AND m.valid_from <= CAST(o.changed_at AS DATE)\n"
            "         AND (m.valid_to IS NULL OR CAST(o.changed_at AS DATE) < m.valid_to)\n"
            "       ORDER BY m.valid_from DESC LIMIT 1)")


# 1-based position of the last stage of each phase (list_position counts from 1).
_PHASE_END_SQL = "CASE from_phase " + " ".join(
    f"WHEN '{phase}' THEN {max(i + 1 for i, s in enumerate(STAGES) if STAGE_PHASE[s] == phase)}"
    for phase in PHASES) + " END"
_WON_IN_WINDOW = f"outcome = 'won' AND CAST(won_at AS DATE) {_IN_WINDOW}"
_LOST_IN_WINDOW = f"outcome = 'lost' AND CAST(lost_at AS DATE) {_IN_WINDOW}"

_METRICS: tuple[Metric, ...] = (
    Metric(
        "deals", "商机数", "Deals",
        "窗口内创建的商机数(按创建时间 created_at 计入)。",
        "Number of deals created, counted by created_at in the window.",
        "count", ",.0f", True, "period",
        f"SELECT count(*) AS deals\nFROM deals\nWHERE CAST(created_at AS DATE) {_IN_WINDOW}",
        source="deals"),
    Metric(
        "visits", "来访组数", "Visits",
        "窗口内首访与复访跟进记录的条数(按发生时间 occurred_at 计入)。",
        "Number of first-visit and revisit activities, counted by occurred_at in the window.",
        "count", ",.0f", True, "period",
        "SELECT count(*) AS visits\nFROM activities\n"
        f"WHERE kind IN ('first_visit', 'revisit') AND CAST(occurred_at AS DATE) {_IN_WINDOW}",
        source="visits"),
    Metric(
        "first_visits", "首访数", "First visits",
        "窗口内首访记录的条数(按发生时间 occurred_at 计入)。",
        "Number of first-visit activities, counted by occurred_at in the window.",
        "count", ",.0f", True, "period",
        "SELECT count(*) AS first_visits\nFROM activities\n"
        f"WHERE kind = 'first_visit' AND CAST(occurred_at AS DATE) {_IN_WINDOW}",
        source="first_visits"),
    Metric(
        "won_deals", "成交数", "Won deals",
        "结果为成交、且成交时间 won_at 落在窗口内的商机数。",
        "Number of deals whose outcome is won, counted by won_at in the window.",
        "count", ",.0f", True, "period",
        f"SELECT count(*) AS won_deals\nFROM deals\nWHERE {_WON_IN_WINDOW}",
        source="won_deals"),
    Metric(
        "lost_deals", "流失数", "Lost deals",
        "结果为流失、且流失时间 lost_at 落在窗口内的商机数。",
        "Number of deals whose outcome is lost, counted by lost_at in the window.",
        "count", ",.0f", False, "period",
        f"SELECT count(*) AS lost_deals\nFROM deals\nWHERE {_LOST_IN_WINDOW}",
        source="lost_deals"),
    Metric(
        "win_rate", "赢率", "Win rate",
        "成交数除以(成交数+流失数),各按成交/流失时间落在窗口内计入。",
        "Won deals divided by won plus lost deals, each counted by its won_at or lost_at in the window.",
        "ratio", ".1%", True, "period",
        "SELECT count(*) FILTER (WHERE outcome = 'won') / nullif(count(*), 0) AS win_rate\n"
        f"FROM deals\nWHERE ({_WON_IN_WINDOW})\n   OR ({_LOST_IN_WINDOW})",
        aggregation="ratio", numerator=("won_deals",), denominator=("won_deals", "lost_deals"),
        interval="wilson"),
    Metric(
        "won_amount", "成交金额", "Won amount",
        "成交时间 won_at 落在窗口内的成交商机金额之和(无金额的按 0 计)。",
        "Sum of the amounts of deals won with won_at in the window (a missing amount counts as 0).",
        "yuan", ",.0f", True, "period",
        f"SELECT coalesce(sum(amount), 0) AS won_amount\nFROM deals\nWHERE {_WON_IN_WINDOW}",
        source="won_amount"),
    Metric(
        "avg_deal_amount", "平均成交金额", "Average deal amount",
        "成交金额除以成交数,均按成交时间 won_at 落在窗口内计入。",
        "Won amount divided by won deals, both counted by won_at in the window.",
        "yuan", ",.0f", True, "period",
        "SELECT coalesce(sum(amount), 0) / nullif(count(*), 0) AS avg_deal_amount\n"
        f"FROM deals\nWHERE {_WON_IN_WINDOW}",
        aggregation="ratio", numerator=("won_amount",), denominator=("won_deals",)),
    Metric(
        "median_cycle_days", "成交周期中位数", "Median sales cycle",
        "成交时间落在窗口内的成交商机,从创建日到成交日的自然日数的中位数。",
        "Median number of calendar days from created_at to won_at over deals won with won_at in the window.",
        "days", ".1f", False, "period",
        "SELECT median(date_diff('day', CAST(created_at AS DATE), CAST(won_at AS DATE)))"
        f" AS median_cycle_days\nFROM deals\nWHERE {_WON_IN_WINDOW}",
        aggregation="median", source="cycle_days_median", denominator=("won_deals",)),
    Metric(
        "visit_to_won_rate", "到访成交率", "Visit-to-won rate",
        "窗口内首访记录中,其客户商机在首访后 N 天(默认 90 天)内成交的比例(按首访日期分组)。",
        "Share of first visits in the window whose customer's deal was won within N days (default 90) of the visit.",
        "ratio", ".1%", True, "cohort",
        "WITH first_visits AS (\n"
        "  SELECT activity_id, deal_id, customer_id, CAST(occurred_at AS DATE) AS day\n"
        f"  FROM activities WHERE kind = 'first_visit' AND CAST(occurred_at AS DATE) {_IN_WINDOW})\n"
        "SELECT avg(CASE WHEN EXISTS (\n"
        "    SELECT 1 FROM deals d WHERE d.outcome = 'won'\n"
        "      AND (d.deal_id = v.deal_id OR (v.deal_id IS NULL AND d.customer_id = v.customer_id))\n"
        "      AND CAST(d.won_at AS DATE) BETWEEN v.day AND v.day + $days)\n"
        "  THEN 1.0 ELSE 0.0 END) AS visit_to_won_rate\nFROM first_visits v",
        aggregation="ratio", numerator=("first_visits_won",), denominator=("first_visits",),
        interval="wilson"),
    Metric(
        "stage_conversion", "阶段转化率", "Stage conversion",
        "到达阶段 k 的商机中又到达阶段 k+1 的比例;队列口径按创建时间、期间口径按进入阶段时间落在窗口内计入。",
        "Of deals that reached stage k, the share that reached stage k+1; cohort (created_at) or period (stage entry) basis, labelled.",
        "ratio", ".1%", True, "cohort",
        "-- cohort basis: deals created in the window, at every stage up to the furthest reached\n"
        "-- (stage_events; deals without history are inferred from their current stage)\n"
        "WITH cohort AS (\n"
        f"  SELECT deal_id, stage FROM deals WHERE CAST(created_at AS DATE) {_IN_WINDOW}\n"
        "), entries AS (\n"
        "  SELECT e.deal_id, e.to_stage AS stage FROM stage_events e JOIN cohort USING (deal_id)\n"
        "  UNION ALL\n"
        "  SELECT c.deal_id, c.stage FROM cohort c\n"
        "  WHERE NOT EXISTS (SELECT 1 FROM stage_events e WHERE e.deal_id = c.deal_id)\n"
        "), furthest AS (\n"
        "  SELECT deal_id, max(list_position($stages, stage)) AS position FROM entries GROUP BY deal_id\n"
        ")\nSELECT st.position, st.stage, count(f.deal_id) AS reached\n"
        "FROM (SELECT unnest($stages) AS stage, generate_subscripts($stages, 1) AS position) st\n"
        "LEFT JOIN furthest f ON f.position >= st.position\nGROUP BY ALL ORDER BY st.position",
        aggregation="other", numerator=("reached_next",), denominator=("reached",),
        interval="wilson", computed_by="analytics.funnel.stage_funnel"),
    Metric(
        "followup_timeliness", "跟进及时率", "Follow-up timeliness",
        "窗口内新建商机中,创建后 24 小时内有首次跟进(首访以外的跟进记录)的比例(按创建时间计入);尚未导入任何跟进记录时不计算(—)。",
        "Share of deals created in the window with a first follow-up (an activity other than the first visit) within 24 hours; "
        "none (—) while no follow-up records were imported.",
        "ratio", ".1%", True, "cohort",
        "-- a follow-up: any activity but the opening first visit, on the deal or (without a deal)\n"
        "-- on its customer\n"
        "WITH touches AS (\n"
        "  SELECT a.deal_id, a.occurred_at FROM activities a\n"
        "  WHERE a.deal_id IS NOT NULL AND a.kind <> 'first_visit'\n"
        "  UNION ALL\n"
        "  SELECT d.deal_id, a.occurred_at FROM activities a JOIN deals d ON d.customer_id = a.customer_id\n"
        "  WHERE a.deal_id IS NULL AND a.kind <> 'first_visit'\n)\n"
        "SELECT avg(CASE WHEN EXISTS (\n"
        "    SELECT 1 FROM touches t WHERE t.deal_id = d.deal_id\n"
        "      AND t.occurred_at > d.created_at AND t.occurred_at <= d.created_at + INTERVAL 24 HOUR)\n"
        "  THEN 1.0 ELSE 0.0 END) AS followup_timeliness\n"
        f"FROM deals d\nWHERE CAST(d.created_at AS DATE) {_IN_WINDOW}",
        aggregation="ratio", numerator=("followup_on_time",), denominator=("followup_n",),
        interval="wilson"),
    Metric(
        "overdue_followups", "逾期未跟进", "Overdue follow-ups",
        "截至数据日期,计划跟进日已过且此后没有任何跟进记录的未结商机数。",
        "Number of open deals whose next_follow_at day is before the as-of date with no activity on or after that day.",
        "count", ",.0f", False, "snapshot",
        "SELECT count(*) AS overdue_followups\nFROM deals d\n"
        "WHERE d.outcome = 'open' AND CAST(d.next_follow_at AS DATE) < $as_of\n"
        "  AND NOT EXISTS (SELECT 1 FROM activities a\n"
        "    WHERE (a.deal_id = d.deal_id OR (a.deal_id IS NULL AND a.customer_id = d.customer_id))\n"
        "      AND CAST(a.occurred_at AS DATE) >= CAST(d.next_follow_at AS DATE))",
        aggregation="other", computed_by="analytics.kpis.overdue_counts"),
    Metric(
        "csat", "满意度", "CSAT",
        "窗口内答卷的满意度评分(1-5)之和除以有评分的答卷数(按答卷时间计入)。",
        "Sum of CSAT scores (1-5) divided by the number of answers with a score, counted by answered_at in the window.",
        "score", ".2f", True, "period",
        f"SELECT avg(csat) AS csat\nFROM surveys\nWHERE csat IS NOT NULL AND CAST(answered_at AS DATE) {_IN_WINDOW}",
        aggregation="ratio", numerator=("csat_sum",), denominator=("csat_n",), interval="mean"),
    Metric(
        "nps", "净推荐值", "NPS",
        "窗口内推荐者(9-10 分)占比减去贬损者(0-6 分)占比,乘以 100,分母为有 NPS 评分的答卷数(按答卷时间计入)。",
        "Percent promoters (9-10) minus percent detractors (0-6) among answers with an NPS score, counted by answered_at in the window.",
        "nps", "+.0f", True, "period",
        "SELECT 100.0 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6))\n"
        "       / nullif(count(*), 0) AS nps\n"
        f"FROM surveys\nWHERE nps IS NOT NULL AND CAST(answered_at AS DATE) {_IN_WINDOW}",
        aggregation="nps", numerator=("nps_promoters", "nps_detractors"), denominator=("nps_n",),
        interval="nps"),
    Metric(
        "target_attainment", "目标完成率", "Target attainment",
        "某月实际值除以该月目标值,实际值按目标所指指标的口径计入该月。",
        "Actual value of the target's metric in the month divided by the month's target.",
        "ratio", ".1%", True, "period",
        "-- example for won_amount targets of groups; other metrics use their own date basis\n"
        "SELECT t.scope_id AS group_id, t.month, t.value AS target,\n"
        "       coalesce(sum(d.amount), 0) AS actual,\n"
        "       coalesce(sum(d.amount), 0) / nullif(t.value, 0) AS target_attainment\n"
        "FROM targets t\nLEFT JOIN deals d ON d.closing_group_id = t.scope_id AND d.outcome = 'won'\n"
        "     AND date_trunc('month', d.won_at) = t.month\n"
        "WHERE t.scope = 'group' AND t.metric = 'won_amount'\n"
        "  AND t.month BETWEEN date_trunc('month', $start) AND $end\n"
        "GROUP BY t.scope_id, t.month, t.value ORDER BY t.month, t.scope_id",
        aggregation="other", numerator=("actual",), denominator=("target",),
        computed_by="analytics.pacing.attainment_table"),
    Metric(
        "pace_forecast", "预计完成率", "Pace forecast",
        "本月至数据日期的实际值按已过销售日折算到整月(实际 ÷ 已过销售日 × 本月销售日)后除以月目标。",
        "Month-to-date actual scaled to the month by selling days (actual / elapsed × total selling days), divided by the month's target.",
        "ratio", ".1%", True, "snapshot",
        "-- month-to-date actuals per group and day; the selling-day projection is computed in pandas\n"
        "SELECT closing_group_id AS group_id, CAST(won_at AS DATE) AS day,\n"
        "       coalesce(sum(amount), 0) AS won_amount\nFROM deals\n"
        "WHERE outcome = 'won' AND won_at >= date_trunc('month', $as_of)\n"
        "  AND CAST(won_at AS DATE) <= $as_of\nGROUP BY ALL",
        aggregation="other", numerator=("projected",), denominator=("target",),
        computed_by="analytics.pacing.pace_table"),
    Metric(
        "per_capita_won_amount", "人均成交金额", "Won amount per consultant",
        "小组成交金额(按成交时间计入)除以窗口内在组的销售人员数(不含数据分析员与经理)。",
        "Group won amount by won_at in the window divided by the selling members of the group during the window.",
        "yuan", ",.0f", True, "period",
        "WITH won AS (\n  SELECT closing_group_id AS group_id, coalesce(sum(amount), 0) AS won_amount\n"
        f"  FROM deals WHERE {_WON_IN_WINDOW} GROUP BY 1\n"
        "), heads AS (\n  SELECT group_id, count(DISTINCT staff_id) AS headcount FROM memberships\n"
        "  WHERE valid_from <= $end AND (valid_to IS NULL OR valid_to > $start)\n"
        "    AND role_in_group NOT IN ('analyst', 'manager')\n  GROUP BY 1\n)\n"
        "SELECT h.group_id, coalesce(w.won_amount, 0) / h.headcount AS per_capita_won_amount\n"
        "FROM heads h LEFT JOIN won w USING (group_id) ORDER BY h.group_id",
        aggregation="ratio", numerator=("won_amount",), denominator=("headcount",), needs_min_n=False),
    Metric(
        "handoff_rate", "交接转化率", "Hand-off conversion",
        "按阶段分组时,窗口内从上一组交接到下一组的商机中,接手组推进到更后阶段的比例(按交接时间计入)。",
        "For stage-based groups, the share of deals handed on in the window that the receiving group moved to a later stage.",
        "ratio", ".1%", True, "cohort",
        "-- hand-offs: ownership changes whose old and new owners were in different stage-based groups\n"
        "WITH owners AS (\n"
        "  SELECT o.deal_id, o.changed_at, d.stage AS current_stage,\n"
        f"    {_group_at('from_staff_id')} AS from_group,\n"
        f"    {_group_at('to_staff_id')} AS to_group\n"
        "  FROM ownership_events o JOIN deals d ON d.deal_id = o.deal_id\n"
        f"  WHERE CAST(o.changed_at AS DATE) {_IN_WINDOW}\n"
        "), handoffs AS (\n"
        "  SELECT h.*, gf.phase AS from_phase,\n"
        "    EXISTS (SELECT 1 FROM stage_events e WHERE e.deal_id = h.deal_id\n"
        "              AND list_position($stages, e.to_stage) IS NOT NULL) AS has_history,\n"
        "    (SELECT max(list_position($stages, e.to_stage)) FROM stage_events e\n"
        "      WHERE e.deal_id = h.deal_id AND e.entered_at <= h.changed_at) AS position_at,\n"
        "    (SELECT max(list_position($stages, e.to_stage)) FROM stage_events e\n"
        "      WHERE e.deal_id = h.deal_id AND e.entered_at > h.changed_at) AS position_after\n"
        "  FROM owners h\n"
        "  JOIN groups gf ON gf.group_id = h.from_group AND gf.basis = 'stage'\n"
        "  JOIN groups gt ON gt.group_id = h.to_group AND gt.basis = 'stage'\n"
        "  WHERE h.from_group <> h.to_group\n)\n"
        "SELECT from_group, to_group, count(*) AS handed_on,\n"
        "  count(*) FILTER (WHERE CASE WHEN has_history\n"
        "    THEN coalesce(position_after > coalesce(position_at, 0), false)\n"
        "    -- without stage history: the deal now lies beyond the sender's phase\n"
        f"    ELSE coalesce(list_position($stages, current_stage) > {_PHASE_END_SQL}, false) END)\n"
        "    AS moved_on\nFROM handoffs GROUP BY ALL ORDER BY ALL",
        aggregation="other", numerator=("moved_on",), denominator=("handed_on",),
        interval="wilson", computed_by="analytics.handoffs.handoff_table"),
)

METRICS: dict[str, Metric] = {m.id: m for m in _METRICS}

# The metrics kpi_table computes from kpi_aggregates, in display order.
KPI_METRIC_IDS: tuple[str, ...] = tuple(
    m.id for m in _METRICS if m.aggregation != "other" and m.id != "per_capita_won_amount")


def metric(metric_id: str) -> Metric:
    """The registered metric with this id; KeyError naming the known ids otherwise."""
    try:
        return METRICS[metric_id]
    except KeyError:
        raise KeyError(f"unknown metric {metric_id!r}; known: {', '.join(METRICS)}") from None
