"""The weekly meeting's content from a database connection, and its freezing (Streamlit-free).

The page (pages/weekly.py) and the command line (commands/report.py) both go through here, so a
report made from either shows the same numbers. A week is computed once, as of the end of its
Sunday, and frozen in weekly_snapshots; afterwards it is read back, never recomputed, until
someone re-freezes it on purpose.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import duckdb
import pandas as pd

from analytics.cases import redacted_column
from analytics.digest import (
    DIGEST_IDS,
    PAYMENT_DEADLINE_DAYS,
    SIGNING_DEADLINE_DAYS,
    WEEK_DAYS,
    digest_counts,
)
from analytics.funnel import stall_thresholds
from analytics.pacing import monthly_actuals, pace_table
from analytics.privacy import HIDDEN_TEXT
from analytics.weekly import (
    actions_at_meeting,
    biggest_movers,
    frame_payload,
    payload_frame,
    previous_week_key,
    scoreboard,
    top_performers,
    week_bounds,
)
from db import catalog, meetings
from db.filters import Filters
from db.queries import kpi_aggregates, monthly_targets
from db.queries import weekly as wq
from db.queries.cases import customers_named_in
from ui.charts_targets import TARGET_METRICS, in_display_order

ALL_SCOPE = "all"


@dataclass(frozen=True)
class WeeklyMeeting:
    """One week's meeting content: frames by section name, and what it describes (meta)."""

    week: str
    scope: str
    meta: dict
    sections: dict[str, pd.DataFrame] = field(default_factory=dict)
    frozen_at: datetime | None = None

    def list_of(self, item: str) -> pd.DataFrame:
        return self.sections[f"list_{item}"]

    def pace_metrics(self) -> list[str]:
        """The metrics with targets in the week-end month, money first (as frozen)."""
        return list(self.meta.get("pace_metrics", []))


def member_filters(filters: Filters | None, start: date, end: date) -> Filters:
    """`filters`' member lists (project, group, channel, customer type) over [start, end]."""
    if filters is None:
        return Filters(start, end)
    return replace(filters, start=start, end=end)


def scope_key(filters: Filters | None) -> str:
    """'all' without member filters, else a stable text naming them (part of a frozen week's key)."""
    if filters is None:
        return ALL_SCOPE
    parts = [f"{name}={','.join(sorted(values))}" for name, values in (
        ("project", filters.project_ids), ("group", filters.group_ids),
        ("source", filters.source_channels), ("ctype", filters.customer_types)) if values]
    return ";".join(parts) or ALL_SCOPE


def _digest_lists(con: duckdb.DuckDBPyConnection, members: Filters, start: date,
                  end: date) -> tuple[dict[str, pd.DataFrame], int]:
    """Every digest item's list for the week start..end (state items as of the end of `end`);
    'stalled' holds the deals that went stalled this week; also how many are stalled in all."""
    thresholds = stall_thresholds(wq.stage_durations_at(con, members, end))
    open_lists = wq.open_deal_lists_at(con, members, end, thresholds, crossed_within=WEEK_DAYS)
    signings, payments = wq.deadlines_missed_at(con, members, end, (("subscription", "contract", SIGNING_DEADLINE_DAYS),
                                                                     ("contract", "payment", PAYMENT_DEADLINE_DAYS)))
    lists = {
        "first_visits": wq.first_visits_between(con, members, start, end),
        "stage_moves": wq.stage_moves_between(con, members, start, end),
        "stalled": open_lists.stalled,
        "overdue_followups": open_lists.overdue,
        "overdue_signings": signings,
        "overdue_payments": payments,
        "ownership_changes": wq.ownership_changes_between(con, members, start, end),
    }
    return lists, open_lists.stalled_total


def _both_digests(con: duckdb.DuckDBPyConnection, week: tuple, week_before: tuple):
    """_digest_lists of this week and the week before, side by side on two threads.

    DuckDB runs a query on both cores only part of the time (~1.3 on these machines), so the two
    weeks' ~15 queries overlap well: 0.2-0.3 s of a ~1.9 s first computation at 1M deals. Each
    thread has a cursor of its own (a DuckDB connection object is not shared across threads).
    """
    cursors = [con.cursor(), con.cursor()]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            running = [pool.submit(_digest_lists, cursor, *args) for cursor, args in zip(cursors, (week, week_before),
                                                                                          strict=True)]
            return running[0].result(), running[1].result()
    finally:
        for cursor in cursors:
            cursor.close()


def _pace(con: duckdb.DuckDBPyConnection, members: Filters, groups: pd.DataFrame, end: date) -> pd.DataFrame:
    """pace_table rows of every target of the month holding `end`, month to date as of `end`, with
    a `metric` column, in display order (as the targets page computes them, on the Sunday)."""
    month = replace(members, start=end.replace(day=1), end=end)
    daily = kpi_aggregates(con, month, ("group", "day"))
    paced = [pace_table(targets, monthly_actuals(daily, "group", metric, as_of=end), as_of=end).assign(metric=metric)
             for metric in TARGET_METRICS if not (targets := monthly_targets(con, month, metric=metric)).empty]
    if not paced:
        return pd.DataFrame(columns=["group", "month", "metric", "target", "actual", "attainment", "pace_forecast",
                                     "status", "selling_days_elapsed", "selling_days_total", "projected"])
    return in_display_order(pd.concat(paced, ignore_index=True), list(groups["group_id"]))


def _chosen_groups(groups: pd.DataFrame, members: Filters) -> pd.DataFrame:
    """The groups the member filters (or the reader's data scope) leave in the scoreboard."""
    if members.group_ids:
        groups = groups[groups["group_id"].isin(members.group_ids)]
    if members.project_ids:
        groups = groups[groups["project_id"].isin(members.project_ids) | groups["project_id"].isna()]
    return groups


def computed_meeting(con: duckdb.DuckDBPyConnection, week: str, filters: Filters | None = None) -> WeeklyMeeting:
    """The meeting of ISO week `week` computed now from the database, as of the end of its Sunday."""
    start, end = week_bounds(week)
    before_start, before_end = week_bounds(previous_week_key(week))
    members, before = member_filters(filters, start, end), member_filters(filters, before_start, before_end)
    groups = _chosen_groups(catalog.groups(con), members)
    week_aggregates = kpi_aggregates(con, members, "group")
    previous_aggregates = kpi_aggregates(con, before, "group")
    pace = _pace(con, members, groups, end)
    (current, stalled_total), (previous, stalled_total_previous) = _both_digests(
        con, (members, start, end), (before, before_start, before_end))
    sections = {
        "scoreboard": scoreboard(week_aggregates, pace, groups),
        "pace": pace,
        "digest": digest_counts(current, previous),
        **{f"list_{item}": current[item] for item in DIGEST_IDS},
        "movers": biggest_movers(week_aggregates, previous_aggregates, groups),
        "performers": top_performers(kpi_aggregates(con, members, "staff"), wq.staff_at(con, end)),
        "groups": groups[["group_id", "name", "basis", "phase", "sort_order"]],
    }
    meta = {"week": week, "start": start.isoformat(), "end": end.isoformat(),
            "previous_week": previous_week_key(week), "data_as_of": catalog.as_of_date(con).isoformat(),
            "scope": scope_key(filters), "signing_days": SIGNING_DEADLINE_DAYS,
            "payment_days": PAYMENT_DEADLINE_DAYS, "pace_metrics": list(dict.fromkeys(pace["metric"])),
            "stalled_total": stalled_total, "stalled_total_previous": stalled_total_previous}
    return WeeklyMeeting(week, scope_key(filters), meta, sections)


def payloads(meeting: WeeklyMeeting) -> dict[str, str]:
    """The sections as JSON texts for weekly_snapshots (meta as section 'meta')."""
    stored = {name: frame_payload(frame) for name, frame in meeting.sections.items()}
    return {**stored, "meta": json.dumps(meeting.meta, ensure_ascii=False)}


def stored_meeting(con: duckdb.DuckDBPyConnection, week: str, scope: str) -> WeeklyMeeting | None:
    """The frozen meeting of `week` for `scope`, read back; None when it was never frozen."""
    found = meetings.snapshot(con, week, scope)
    if found is None:
        return None
    texts, frozen_at = found
    meta = json.loads(texts.pop("meta", "{}"))
    return WeeklyMeeting(week, scope, meta, {name: payload_frame(text) for name, text in texts.items()},
                         frozen_at)


def freeze(con: duckdb.DuckDBPyConnection, week: str, filters: Filters | None = None, *,
           refreeze: bool = False, now: datetime | None = None) -> WeeklyMeeting:
    """Compute the meeting and store it (replacing a frozen one only with `refreeze`); returns what
    is stored afterwards (another session may have frozen it first: then that one)."""
    meeting = computed_meeting(con, week, filters)
    meetings.save_snapshot(con, week, meeting.scope, payloads(meeting), now or datetime.now(),
                           replace=refreeze)
    return stored_meeting(con, week, meeting.scope)


def frozen_meeting(con: duckdb.DuckDBPyConnection, week: str, filters: Filters | None = None) -> WeeklyMeeting:
    """The meeting of `week` as first frozen; computed and frozen now if it never was."""
    return stored_meeting(con, week, scope_key(filters)) or freeze(con, week, filters)


def meeting_extras(con: duckdb.DuckDBPyConnection, week: str, privacy: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(actions, notes) of the meeting of `week`: the action items it shows with their status then
    (analytics.weekly.actions_at_meeting) and its minutes with the last meeting's.

    In privacy mode customer names and phones typed into an action are redacted (pseudonym,
    masked phone) and the minutes are hidden: free text may name anyone.
    """
    actions = actions_at_meeting(meetings.actions_until(con, week), week)
    notes = meetings.notes_until(con, week)
    if privacy:
        texts = tuple(str(v) for v in (*actions["what"], *actions["owner"].dropna()))
        named = customers_named_in(con, texts)
        actions = redacted_column(redacted_column(actions, "what", named), "owner", named)
        notes = notes.assign(body=HIDDEN_TEXT)
    return actions, notes
