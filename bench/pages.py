"""Every page's data: the queries and analytics calls each page makes with the default filters.

`PAGES` maps a page file to its steps, in the order the page runs them. A step calls the same
db/ and analytics/ functions with the same arguments the page passes through `ui.database.load`
on a first visit (default preset last_90_days, no member filters, first option of each control).
Pages change while this is written: `bench.run` records the functions each page really loads
in AppTest and lists any that is missing here.

`REFERENCES` holds, per page, one hand-written SQL query that computes the page's headline
numbers straight from the tables: the yardstick for the page's data (the ratio in RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import duckdb
import pandas as pd

from analytics import alerts
from analytics.awards import candidate_measures, champion_candidates, with_team_measures
from analytics.funnel import mark_immature, stage_funnel, stall_thresholds, time_in_stage
from analytics.handoffs import handoff_table
from analytics.kpis import kpi_table, rolled_up
from analytics.mix import mix_adjusted_win_rates
from analytics.pacing import attainment_table, metric_actuals, month_bounds, monthly_actuals, pace_table
from analytics.satisfaction import (
    satisfaction_table,
    satisfaction_trend,
    satisfaction_vs_conversion,
    score_distribution,
)
from analytics.stats import rank_by_lower_bound
from bench.signin import BENCH_USER
from db import accounts, audit, catalog, feedback, groups, incentives, meetings, regroup, scope
from db.filters import Filters
from db.queries import cases as case_queries
from db.queries import (
    closed_deals_by_cell,
    cycle_time,
    dimension_labels,
    handoff_aggregates,
    kpi_aggregates,
    lowest_survey_comments,
    metric_targets,
    monthly_targets,
    stage_durations,
    stage_reach_counts,
    survey_score_counts,
)
from db.queries.explorer import explorer_aggregates
from db.queries.followups import overdue_followup_counts_and_list
from db.queries.people import staff_roster
from db.queries.stalled import stalled_deal_counts_and_list
from ui.periods import DEFAULT_PRESET, month_start, preset_window, previous_month_start, trend_weeks

PACE_METRICS = ("won_amount", "won_deals", "first_visits", "visits")   # ui/alerts.py, ui/charts_targets.py


@dataclass(frozen=True)
class Context:
    """What app.py hands a page on a first visit: the as-of date and the default filters."""

    as_of: date
    filters: Filters

    @classmethod
    def default(cls, con: duckdb.DuckDBPyConnection) -> Context:
        as_of = catalog.as_of_date(con)
        return cls(as_of, Filters(*preset_window(DEFAULT_PRESET, as_of)))


@dataclass(frozen=True)
class Step:
    """One call a page makes: `run(con, ctx)`; `queries` names the db functions it loads."""

    name: str
    run: Callable[[duckdb.DuckDBPyConnection, Context], Any]
    queries: tuple[str, ...]


def step(name: str, *queries: Callable) -> Callable:
    def wrap(run: Callable) -> Step:
        return Step(name, run, tuple(f"{q.__module__}:{q.__qualname__}" for q in queries))
    return wrap


def _window(ctx: Context, start: date, end: date) -> Filters:
    return replace(ctx.filters, start=start, end=end)


def _frame_steps(con, ctx) -> dict:
    """The frame (app.py) on every page: the signed-in account and its scope, the privacy switch,
    filter choices and the freshness line (the bench signs in as an administrator)."""
    return {"account": accounts.account(con, BENCH_USER), "has_accounts": accounts.has_accounts(con),
            "scope": scope.scope_for_username(con, BENCH_USER, catalog.as_of_date(con)),
            "privacy_for_all": scope.privacy_for_all(con),
            "groups": catalog.groups(con), "projects": catalog.projects(con), "as_of": catalog.as_of_date(con),
            "sources": catalog.distinct_values(con, "source_channel"),
            "types": catalog.distinct_values(con, "customer_type"), "freshness": catalog.freshness(con)}


FRAME = Step("frame: account + scope, choices, freshness", _frame_steps,
             tuple(f"db.catalog:{n}" for n in ("groups", "projects", "as_of_date", "distinct_values", "freshness"))
             + ("db.accounts:account", "db.accounts:has_accounts", "db.scope:scope_for_username",
                "db.scope:privacy_for_all"))


def _kpis(con, filters, by):
    return kpi_table(kpi_aggregates(con, filters, by), by)


def _pace_alerts(con, ctx):
    """ui/alerts.off_pace_groups."""
    month = _window(ctx, month_start(ctx.as_of), ctx.as_of)
    targets = metric_targets(con, month, scope="group", metrics=PACE_METRICS)
    daily = kpi_aggregates(con, month, ("group", "month"))
    actuals = metric_actuals(daily, "group", PACE_METRICS, as_of=ctx.as_of)
    return alerts.pace_alerts(pace_table(targets, actuals, as_of=ctx.as_of, by=["group", "metric"]))


def _overview_kpis(con, c):
    """pages/overview.py and ui/alerts.py: one kpi_aggregates by group per window (ui.database.load
    caches it for both), the cards from their sums."""
    current, previous = (kpi_aggregates(con, window, "group") for window in (c.filters, c.filters.previous()))
    cards = [kpi_table(rolled_up(agg, None), "total") for agg in (current, previous)]
    return cards, alerts.satisfaction_drops(kpi_table(current, "group"), kpi_table(previous, "group"))


def _stalled(con, scope, history, as_of, listed):
    """ui/alerts.py: the stalled deals counted, and the first `listed` per stage."""
    thresholds = stall_thresholds(stage_durations(con, history))
    return stalled_deal_counts_and_list(con, scope, as_of, thresholds, per_stage=listed)


OVERVIEW = [
    FRAME,
    Step("KPIs by group, current and previous window: the cards (their sums), satisfaction drops",
         _overview_kpis, ("db.queries.kpis:kpi_aggregates",)),
    Step("alerts: pace (group × month, 4 target metrics)", _pace_alerts,
         ("db.queries.kpis:kpi_aggregates", "db.queries.pacing:metric_targets")),
    Step("alerts: overdue follow-ups (counted per group, the first 200 listed)",
         lambda con, c: overdue_followup_counts_and_list(con, c.filters, c.as_of, listed=200),
         ("db.queries.followups:overdue_followup_counts_and_list",)),
    Step("alerts: stalled deals",
         lambda con, c: _stalled(con, c.filters, _window(c, date(2000, 1, 1), c.as_of), c.as_of, 200),
         ("db.queries.stalled:stalled_deal_counts_and_list",
          "db.queries.funnel:stage_durations")),
    Step("weekly trend (week × group, 13 weeks)",
         lambda con, c: kpi_aggregates(con, trend_weeks(c.filters)[0], ("week", "group")),
         ("db.queries.kpis:kpi_aggregates",)),
]

COMPARE = [
    FRAME,
    Step("kpi_table by group", lambda con, c: _kpis(con, c.filters, "group"), ("db.queries.kpis:kpi_aggregates",)),
    Step("mix-adjusted win rates", lambda con, c: mix_adjusted_win_rates(closed_deals_by_cell(con, c.filters)),
         ("db.queries.mix:closed_deals_by_cell",)),
    Step("weekly small multiples (week × group)", lambda con, c: kpi_aggregates(con, c.filters, ("week", "group")),
         ("db.queries.kpis:kpi_aggregates",)),
]


def _trailing_year(scope: Filters, end: date) -> Filters:
    first = (pd.Timestamp(end) - pd.DateOffset(months=11)).replace(day=1).date()
    return replace(scope, start=min(first, scope.start), end=end)


def _cohorts(con, c):
    counts = stage_reach_counts(con, _trailing_year(c.filters, c.filters.end), basis="cohort", by="month")
    return mark_immature(stage_funnel(counts, basis="cohort", by="month"), "month", period="month",
                         as_of=c.as_of, window_days=90)


FUNNEL = [
    FRAME,
    Step("stage funnel (cohort)", lambda con, c: stage_funnel(stage_reach_counts(con, c.filters, basis="cohort"),
                                                              basis="cohort"),
         ("db.queries.funnel:stage_reach_counts",)),
    Step("stalled deals (history: 365 days)",
         lambda con, c: stalled_deal_counts_and_list(
             con, c.filters, c.as_of, stall_thresholds(stage_durations(con, _window(c, c.as_of - timedelta(days=364),
                                                                                    c.as_of))), per_stage=50),
         ("db.queries.stalled:stalled_deal_counts_and_list", "db.queries.funnel:stage_durations")),
    Step("cycle time", lambda con, c: cycle_time(con, c.filters), ("db.queries.funnel:cycle_time",)),
    Step("monthly cohorts (12 months)", _cohorts, ("db.queries.funnel:stage_reach_counts",)),
    Step("time in stage", lambda con, c: time_in_stage(stage_durations(con, c.filters)),
         ("db.queries.funnel:stage_durations",)),
    Step("hand-offs", lambda con, c: handoff_table(handoff_aggregates(con, c.filters)),
         ("db.queries.handoffs:handoff_aggregates",)),
]


def _person_trend_window(filters: Filters) -> Filters:
    """ui/charts_people.trend_window for 'month': the 12 months up to the window's end."""
    from ui.charts_people import trend_window
    return trend_window(filters, "month")


PEOPLE = [
    FRAME,
    Step("roster + kpi_table by staff",
         lambda con, c: (staff_roster(con, c.filters.end), _kpis(con, c.filters, "staff")),
         ("db.queries.people:staff_roster", "db.queries.kpis:kpi_aggregates")),
    Step("person trend (month × staff)",
         lambda con, c: kpi_aggregates(con, _person_trend_window(c.filters), ("month", "staff")),
         ("db.queries.kpis:kpi_aggregates",)),
]

SATISFACTION = [
    FRAME,
    Step("by group (the current total is their sum) + previous total + vs conversion",
         lambda con, c: (satisfaction_table(rolled_up(agg := kpi_aggregates(con, c.filters, "group"), None), "total"),
                         satisfaction_table(kpi_aggregates(con, c.filters.previous(), "total"), "total"),
                         satisfaction_table(agg, "group"), satisfaction_vs_conversion(kpi_table(agg, "group"))),
         ("db.queries.kpis:kpi_aggregates",)),
    Step("trend (week × group, and their sums per week)",
         lambda con, c: (satisfaction_table(agg := kpi_aggregates(con, c.filters, ("week", "group")),
                                            ["week", "group"]),
                         satisfaction_trend(rolled_up(agg, "week"), "week")),
         ("db.queries.kpis:kpi_aggregates",)),
    Step("by consultant (staff × group)",
         lambda con, c: (rank_by_lower_bound(satisfaction_table(kpi_aggregates(con, c.filters, ("staff", "group")),
                                                                ["staff", "group"]), "csat"),
                         dimension_labels(con, "staff")),
         ("db.queries.kpis:kpi_aggregates", "db.queries.labels:dimension_labels")),
    Step("lowest comments", lambda con, c: lowest_survey_comments(con, c.filters, 20),
         ("db.queries.satisfaction:lowest_survey_comments",)),
    Step("csat distribution (tab)",
         lambda con, c: score_distribution(survey_score_counts(con, c.filters, "group"), "csat", by="group"),
         ("db.queries.satisfaction:survey_score_counts",)),
]


def _targets(con, c):
    month_first, _ = month_bounds(c.as_of)
    mtd = replace(c.filters, start=month_first, end=c.as_of)
    span = replace(c.filters, start=min(c.filters.start, month_first), end=max(c.filters.end, c.as_of))
    metrics = [m for m in PACE_METRICS if not monthly_targets(con, span, metric=m).empty]
    daily_mtd = kpi_aggregates(con, mtd, ("group", "month"))
    pace = [pace_table(monthly_targets(con, mtd, metric=m), monthly_actuals(daily_mtd, "group", m, as_of=c.as_of),
                       as_of=c.as_of) for m in metrics]
    history = replace(c.filters, start=month_bounds(c.filters.start)[0],
                      end=min(month_bounds(c.filters.end)[1], c.as_of))
    daily = kpi_aggregates(con, history, ("group", "month"))
    attained = [attainment_table(monthly_targets(con, c.filters, metric=m),
                                 monthly_actuals(daily, "group", m, as_of=c.as_of)) for m in metrics]
    return pace, attained


def _why(con, c):
    """The 'why' tabs: kpi_table by group for the month so far and the three months before."""
    month_first = c.as_of.replace(day=1)
    before_first = previous_month_start(previous_month_start(previous_month_start(c.as_of)))
    before = replace(c.filters, start=before_first, end=month_first - timedelta(days=1))
    return _kpis(con, replace(c.filters, start=month_first, end=c.as_of), "group"), _kpis(con, before, "group")


TARGETS = [
    FRAME,
    Step("pace + attainment (targets, group × month)", _targets,
         ("db.queries.pacing:monthly_targets", "db.queries.kpis:kpi_aggregates")),
    Step("why: kpi_table by group, month and the 3 before", _why, ("db.queries.kpis:kpi_aggregates",)),
]


def _explorer(con, c):
    by = ("source", "group")
    return kpi_table(explorer_aggregates(con, c.filters, by), by), dimension_labels(con, "source"), \
        dimension_labels(con, "group")


EXPLORER = [
    FRAME,
    Step("win rate by source × group", _explorer,
         ("db.queries.explorer:explorer_aggregates", "db.queries.labels:dimension_labels")),
]


def _last_full_week(as_of: date) -> str:
    from analytics.weekly import week_key
    from ui.periods import last_full_week
    return week_key(last_full_week(as_of)[0])


def _weekly(con, c):
    """The week's meeting as the page reads it once frozen (bench.run freezes it first; the
    first opening of a week computes and stores it: measured on its own row)."""
    from ui.weekly_data import computed_meeting, meeting_extras, scope_key, stored_meeting
    week = _last_full_week(c.as_of)
    meeting = stored_meeting(con, week, scope_key(c.filters)) or computed_meeting(con, week, c.filters)
    return meeting, meeting_extras(con, week)


WEEKLY = [
    FRAME,
    Step("frozen weeks", lambda con, c: meetings.frozen_weeks(con), ("db.meetings:frozen_weeks",)),
    Step("the week's frozen meeting + actions and notes", _weekly,
         ("ui.weekly_data:stored_meeting", "ui.weekly_data:meeting_extras")),
]

CASE_REVIEW = [
    FRAME,
    Step("consultants + reviewed cases", lambda con, c: (case_queries.consultants(con),
                                                         case_queries.reviewed_cases(con, "", None)),
         ("db.queries.cases:consultants", "db.queries.cases:reviewed_cases")),
]

DICTIONARY = [FRAME]

GROUPS_ADMIN = [
    FRAME,
    Step("group overview + directory + membership history",
         lambda con, c: (ov := groups.group_overview(con, c.as_of), groups.staff_directory(con, c.as_of),
                         groups.membership_history(con, ov["group_id"].iloc[0])),
         ("db.groups:group_overview", "db.groups:staff_directory", "db.groups:membership_history")),
]


def _month_offset(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _targets_admin(con, c):
    this_month = c.as_of.replace(day=1)
    month = _month_offset(this_month, 1)
    reference_last = previous_month_start(c.as_of)
    window = replace(c.filters, start=_month_offset(reference_last, -2), end=month_bounds(reference_last)[1],
                     group_ids=())
    return (groups.group_overview(con, c.as_of), groups.targets_for_month(con, "group", month),
            _kpis(con, window, "group"), groups.staff_directory(con, month),
            groups.targets_for_month(con, "staff", month))


TARGETS_ADMIN = [
    FRAME,
    Step("overview, targets of next month, reference kpis, directory", _targets_admin,
         ("db.groups:group_overview", "db.groups:targets_for_month", "db.queries.kpis:kpi_aggregates",
          "db.groups:staff_directory")),
]


def _incentives(con, c):
    months = [(pd.Timestamp(c.as_of).to_period("M") - k).to_timestamp() for k in range(12)]
    window = Filters(months[-1].date(), c.as_of)
    roster = staff_roster(con, c.as_of)
    by_staff, by_group = incentives.monthly_award_measures(con, window)
    champions = champion_candidates(by_staff, roster)
    team = with_team_measures(candidate_measures(by_group, "group"),
                              handoffs=incentives.monthly_handoffs(con, tuple(m.date() for m in months)),
                              targets=incentives.monthly_group_targets(con, window.start, window.end),
                              headcount=incentives.monthly_headcount(con, window.start, window.end))
    return champions, team, incentives.award_rules(con), incentives.announced_awards(con), \
        incentives.training_records(con)


INCENTIVES = [
    FRAME,
    Step("award candidates (12 months), rules, history, training", _incentives,
         ("db.queries.people:staff_roster", "db.incentives:monthly_award_measures", "db.incentives:monthly_handoffs",
          "db.incentives:monthly_group_targets", "db.incentives:monthly_headcount", "db.incentives:award_rules",
          "db.incentives:announced_awards", "db.incentives:training_records")),
]


def _feedback(con, c):
    roster = staff_roster(con, c.as_of)
    monday = c.as_of - timedelta(days=c.as_of.weekday())
    first_group = catalog.groups(con)["group_id"].iloc[0]
    everything = replace(c.filters, group_ids=())
    week = replace(everything, start=monday, end=c.as_of)
    last_month = previous_month_start(c.as_of)
    month = replace(everything, start=last_month, end=month_bounds(last_month)[1])
    return (roster, feedback.suggestions(con), feedback.weekly_summaries(con, first_group),
            _kpis(con, week, "group"), _kpis(con, month, "staff"), feedback.review_cards(con, last_month))


FEEDBACK = [
    FRAME,
    Step("roster, suggestions, weekly numbers by group, month by staff", _feedback,
         ("db.queries.people:staff_roster", "db.feedback:suggestions", "db.feedback:weekly_summaries",
          "db.queries.kpis:kpi_aggregates", "db.feedback:review_cards", "db.feedback:review_card")),
]

REGROUP = [
    FRAME,
    Step("today's groups, drafts, people (6 months), phase crossings",
         lambda con, c: (groups.group_overview(con, c.as_of), regroup.drafts(con),
                         regroup.regroup_people(con, c.as_of, 6), regroup.phase_crossings(con, c.as_of, 6)),
         ("db.groups:group_overview", "db.regroup:drafts", "db.regroup:regroup_people",
          "db.regroup:draft_groups", "db.regroup:draft_members", "db.regroup:phase_crossings")),
]

ACCOUNTS = [
    FRAME,
    Step("accounts, staff, projects, the audit log",
         lambda con, c: (accounts.account_table(con), groups.staff_directory(con, c.as_of), catalog.projects(con),
                         audit.audit_entries(con, None)),
         ("db.accounts:account_table", "db.groups:staff_directory", "db.catalog:projects", "db.audit:audit_entries")),
]

PAGES: dict[str, list[Step]] = {
    "pages/overview.py": OVERVIEW, "pages/compare.py": COMPARE, "pages/funnel.py": FUNNEL,
    "pages/people.py": PEOPLE, "pages/satisfaction.py": SATISFACTION, "pages/targets.py": TARGETS,
    "pages/explorer.py": EXPLORER, "pages/weekly.py": WEEKLY, "pages/case_review.py": CASE_REVIEW,
    "pages/dictionary.py": DICTIONARY, "pages/groups_admin.py": GROUPS_ADMIN,
    "pages/targets_admin.py": TARGETS_ADMIN, "pages/incentives.py": INCENTIVES,
    "pages/feedback.py": FEEDBACK, "pages/regroup.py": REGROUP, "pages/accounts.py": ACCOUNTS,
}


# ---------------------------------------------------------------- references

def _bounds(f: Filters) -> list[datetime]:
    return [datetime.combine(f.start, time()), datetime.combine(f.end_exclusive, time())]


# The headline numbers of a window by group, in one pass per fact table: deals created, closes,
# won amount, visits and answers. The yardstick for pages whose numbers are KPIs by group.
_BY_GROUP = """
    SELECT group_id, count(*) AS deals, NULL AS won, NULL AS lost, NULL AS amount, NULL AS visits, NULL AS csat
    FROM deals WHERE created_at >= $t0 AND created_at < $t1 GROUP BY ALL
    UNION ALL
    SELECT closing_group_id, NULL, count(*) FILTER (WHERE outcome = 'won' AND won_at >= $t0 AND won_at < $t1),
           count(*) FILTER (WHERE outcome = 'lost' AND lost_at >= $t0 AND lost_at < $t1),
           sum(amount) FILTER (WHERE outcome = 'won' AND won_at >= $t0 AND won_at < $t1), NULL, NULL
    FROM deals WHERE (won_at >= $t0 AND won_at < $t1) OR (lost_at >= $t0 AND lost_at < $t1) GROUP BY ALL
    UNION ALL
    SELECT group_id, NULL, NULL, NULL, NULL, count(*), NULL FROM activities
    WHERE occurred_at >= $t0 AND occurred_at < $t1 AND kind IN ('first_visit', 'revisit') GROUP BY ALL
    UNION ALL
    SELECT group_id, NULL, NULL, NULL, NULL, NULL, avg(csat) FROM surveys
    WHERE answered_at >= $t0 AND answered_at < $t1 GROUP BY ALL
"""
_FUNNEL = """
    SELECT e.to_stage, count(DISTINCT e.deal_id) AS deals FROM stage_events e JOIN deals d USING (deal_id)
    WHERE d.created_at >= $t0 AND d.created_at < $t1 GROUP BY ALL
"""
_BY_STAFF = """
    SELECT owner_staff_id, count(*) FILTER (WHERE outcome = 'won') AS won, count(*) AS closed, sum(amount) AS amount
    FROM deals WHERE (won_at >= $t0 AND won_at < $t1) OR (lost_at >= $t0 AND lost_at < $t1) GROUP BY ALL
"""
_SURVEYS = """
    SELECT group_id, avg(csat) AS csat, count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6) AS nps,
           count(*) AS n FROM surveys WHERE answered_at >= $t0 AND answered_at < $t1 GROUP BY ALL
"""
_PACE = """
    SELECT t.scope_id, t.metric, t.value, a.won_amount, a.won_deals FROM targets t LEFT JOIN (
        SELECT closing_group_id AS g, sum(amount) AS won_amount, count(*) AS won_deals FROM deals
        WHERE outcome = 'won' AND won_at >= date_trunc('month', $t1::TIMESTAMP - INTERVAL 1 SECOND) AND won_at < $t1
        GROUP BY ALL) a ON a.g = t.scope_id
    WHERE t.scope = 'group' AND t.month = date_trunc('month', $t1::TIMESTAMP - INTERVAL 1 SECOND)
"""
_EXPLORER = """
    SELECT c.source_channel, d.closing_group_id, count(*) FILTER (WHERE d.outcome = 'won') AS won, count(*) AS closed
    FROM deals d JOIN customers c USING (customer_id)
    WHERE (d.won_at >= $t0 AND d.won_at < $t1) OR (d.lost_at >= $t0 AND d.lost_at < $t1) GROUP BY ALL
"""
_WEEK = """
    SELECT group_id, count(*) AS visits FROM activities
    WHERE occurred_at >= $t1::TIMESTAMP - INTERVAL 7 DAY AND occurred_at < $t1 GROUP BY ALL
"""
_GROUPS = """
    SELECT m.group_id, count(*) AS members FROM memberships m WHERE m.valid_to IS NULL GROUP BY ALL
"""
REFERENCES: dict[str, str] = {
    "pages/overview.py": _BY_GROUP, "pages/compare.py": _BY_GROUP, "pages/funnel.py": _FUNNEL,
    "pages/people.py": _BY_STAFF, "pages/satisfaction.py": _SURVEYS, "pages/targets.py": _PACE,
    "pages/explorer.py": _EXPLORER, "pages/weekly.py": _WEEK, "pages/case_review.py": _GROUPS,
    "pages/dictionary.py": _GROUPS, "pages/groups_admin.py": _GROUPS, "pages/targets_admin.py": _BY_GROUP,
    "pages/incentives.py": _BY_STAFF, "pages/feedback.py": _BY_STAFF, "pages/regroup.py": _BY_STAFF,
    "pages/accounts.py": _GROUPS,
}


def reference(con: duckdb.DuckDBPyConnection, page: str, ctx: Context) -> pd.DataFrame:
    t0, t1 = _bounds(ctx.filters)
    cursor = con.cursor()
    try:
        sql = REFERENCES[page]
        params = {name: value for name, value in (("t0", t0), ("t1", t1)) if f"${name}" in sql}
        return cursor.sql(sql, params=params or None).to_arrow_table().to_pandas()
    finally:
        cursor.close()
