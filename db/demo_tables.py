"""Turning the generator's arrays into rows of the schema's tables (customers … surveys)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from db.demo_calendar import DAY, Calendar
from db.demo_people import GROUP_ROWS, Roster
from db.demo_pipeline import N_STAGES, Funnel
from domain import STAGES

STAGE_LABELS = {"lead": "来电/线索", "first_visit": "首访", "revisit": "复访", "pledge": "认筹",
                "subscription": "认购", "contract": "签约", "payment": "回款"}
GROUP_NAMES = {row[0]: row[1] for row in GROUP_ROWS}
PROJECT_NAMES = {"PA": "云栖府", "PB": "滨江悦"}


def ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)


def customers_table(cal: Calendar, deals: pd.DataFrame) -> pd.DataFrame:
    frame = deals[["customer_id", "name", "phone", "source_channel", "customer_type", "grade",
                   "intent_layout", "intent_area_sqm", "intent_budget", "region"]].copy()
    frame.insert(1, "source_system", "demo")
    frame.insert(2, "source_record_id", frame["customer_id"])
    frame["created_at"] = cal.timestamps(deals["created"].to_numpy())
    return frame


def deals_table(cal: Calendar, roster: Roster, deals: pd.DataFrame, funnel: Funnel,
                next_follow: np.ndarray, last_activity: np.ndarray) -> pd.DataFrame:
    segments = funnel.segments
    first = segments.groupby("deal")["staff"].first().to_numpy()
    owner = segments.groupby("deal")["staff"].last().to_numpy()
    staff_ids = roster.staff_ids
    stage_key = np.array(STAGES, dtype=object)[funnel.furthest]
    stage_at = funnel.stage_time[np.arange(len(deals)), funnel.furthest]
    won = funnel.outcome == "won"
    updated = np.fmax(np.fmax(np.nanmax(funnel.stage_time, axis=1), funnel.lost_at), last_activity)
    owner_group = roster.group_at(owner, (funnel.terminal // DAY).astype(np.int64))
    project_name = deals["project"].map(PROJECT_NAMES)
    return pd.DataFrame({
        "deal_id": deals["deal_id"], "source_system": "demo", "source_record_id": deals["deal_id"],
        "name": deals["name"] + "-" + project_name + "-" + deals["intent_layout"],
        "customer_id": deals["customer_id"], "owner_staff_id": staff_ids[owner],
        "creator_staff_id": staff_ids[first],
        "department": pd.Series(owner_group, dtype=object).map(GROUP_NAMES),
        "project_id": deals["project"], "stage": stage_key,
        "source_stage": pd.Series(stage_key, dtype=object).map(STAGE_LABELS),
        "outcome": funnel.outcome, "amount": deals["amount"], "currency": "CNY",
        "created_at": cal.timestamps(deals["created"].to_numpy()),
        "stage_entered_at": cal.timestamps(stage_at),
        "won_at": cal.timestamps(np.where(won, funnel.stage_time[:, 4], np.nan)),
        "lost_at": cal.timestamps(funnel.lost_at), "lost_reason": funnel.lost_reason,
        "next_follow_at": cal.timestamps(next_follow), "updated_at": cal.timestamps(updated),
    })


def stage_events_table(cal: Calendar, roster: Roster, deals: pd.DataFrame, funnel: Funnel, owner_at) -> pd.DataFrame:
    st = funnel.stage_time
    deal, stage = np.nonzero(~np.isnan(st))            # row-major: per deal, stages in order
    previous = np.full((len(deals), N_STAGES), -1)
    for k in range(1, N_STAGES):
        previous[:, k] = np.where(~np.isnan(st[:, k - 1]), k - 1, previous[:, k - 1])
    keys = np.array(STAGES, dtype=object)
    from_rank = previous[deal, stage]
    when = st[deal, stage]
    return pd.DataFrame({
        "deal_id": deals["deal_id"].to_numpy()[deal], "entered_at": cal.timestamps(when),
        "from_stage": np.where(from_rank >= 0, keys[np.maximum(from_rank, 0)], None),
        "to_stage": keys[stage], "source_stage": pd.Series(keys[stage], dtype=object).map(STAGE_LABELS),
        "staff_id": roster.staff_ids[owner_at(funnel.segments, deal, when)],
    })


def ownership_events_table(cal: Calendar, roster: Roster, deals: pd.DataFrame, funnel: Funnel) -> pd.DataFrame:
    segments = funnel.segments
    before = segments.groupby("deal")["staff"].shift(1)
    changes = segments[before.notna()]
    return pd.DataFrame({
        "deal_id": deals["deal_id"].to_numpy()[changes["deal"].to_numpy()],
        "changed_at": cal.timestamps(changes["start"].to_numpy()),
        "from_staff_id": roster.staff_ids[before[before.notna()].to_numpy(dtype=np.int64)],
        "to_staff_id": roster.staff_ids[changes["staff"].to_numpy()],
    })


def activities_table(cal: Calendar, roster: Roster, deals: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    activity_id = ids("A", len(log), 7)
    deal = log["deal"].to_numpy()
    return pd.DataFrame({
        "activity_id": activity_id, "source_system": "demo", "source_record_id": activity_id,
        "deal_id": deals["deal_id"].to_numpy()[deal], "customer_id": deals["customer_id"].to_numpy()[deal],
        "staff_id": roster.staff_ids[log["staff"].to_numpy()], "kind": log["kind"].to_numpy(),
        "occurred_at": cal.timestamps(log["when"].to_numpy()),
        "next_follow_at": cal.timestamps(log["next_follow"].to_numpy()), "note": log["note"].to_numpy(),
    })


def surveys_table(cal: Calendar, roster: Roster, deals: pd.DataFrame, surveys: pd.DataFrame) -> pd.DataFrame:
    survey_id = ids("V", len(surveys), 6)
    deal = surveys["deal"].to_numpy()
    return pd.DataFrame({
        "survey_id": survey_id, "source_system": "demo", "source_record_id": survey_id,
        "customer_id": deals["customer_id"].to_numpy()[deal], "deal_id": deals["deal_id"].to_numpy()[deal],
        "staff_id": roster.staff_ids[surveys["staff"].to_numpy()],
        "answered_at": cal.timestamps(surveys["when"].to_numpy()),
        "csat": surveys["csat"].to_numpy(), "nps": surveys["nps"].to_numpy(), "comment": surveys["comment"].to_numpy(),
    })
