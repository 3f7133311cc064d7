"""The demo's activity log (跟进记录) and satisfaction surveys, done by whoever owned the deal then.

Every stage a deal enters on site leaves an activity (首访, 复访; 认筹/认购 are visits too), every new
customer gets a first follow-up (fast in A-INIT, slower in project B), phone and WeChat touches fill
the time between stages, and a lost deal ends with the call that lost it (except a no-show handed
on to a group that never called: db.demo_pipeline.HANDOFF_UNATTENDED). Open deals carry their
next follow-up date; a few hundred of those dates have passed with nobody calling (逾期未跟进).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from db.demo_calendar import DAY, HOUR, Calendar
from db.demo_notes import activity_notes, survey_comments
from db.demo_people import Roster
from db.demo_pipeline import FIRST_VISIT, LEAD, PLEDGE, REVISIT, SUBSCRIPTION, Funnel

# Share of new customers followed up within 24 h, by the group that received them.
FOLLOWUP_WITHIN_DAY = {"A-INIT": 0.93, "B-FIRST": 0.80, "B-UPGRADE": 0.62}
TOUCH_RATE = 0.045           # phone/WeChat touches per day while a deal sits in a stage …
TOUCH_WINDOW_DAYS = 50       # … during at most this many days of it
OVERDUE_SHARE = {"A-INIT": 0.02, "A-FOLLOW": 0.14, "A-CLOSE": 0.02, "B-FIRST": 0.06, "B-UPGRADE": 0.10}
CSAT_PROBS = {"A-CLOSE": [0.06, 0.12, 0.28, 0.34, 0.20], "other": [0.01, 0.03, 0.10, 0.36, 0.50]}


def owner_at(segments: pd.DataFrame, deal: np.ndarray, when: np.ndarray) -> np.ndarray:
    """Staff index owning each deal at each time (the segment that started last, at or before)."""
    probe = pd.DataFrame({"deal": deal, "start": when, "row": np.arange(deal.size)})
    probe = probe.sort_values("start", kind="stable")
    found = pd.merge_asof(probe, segments.sort_values("start", kind="stable"), on="start", by="deal")
    return found.sort_values("row")["staff"].to_numpy(dtype=np.int64)


def _piece(deal, when, kind, note) -> pd.DataFrame:
    return pd.DataFrame({"deal": deal, "when": np.floor(when), "kind": kind, "note_key": note})


def _stage_pieces(rng, deals: pd.DataFrame, funnel: Funnel) -> list[pd.DataFrame]:
    st = funnel.stage_time
    walk_in = deals["walk_in"].to_numpy()
    phone_lead = deals["source_channel"].to_numpy() == "phone"
    pieces = [_piece(np.flatnonzero(walk_in), st[walk_in, FIRST_VISIT], "first_visit", "first_visit"),
              _piece(np.flatnonzero(phone_lead), st[phone_lead, LEAD], "call", "call")]
    for stage, note in ((FIRST_VISIT, "first_visit"), (REVISIT, "revisit"), (PLEDGE, "pledge"),
                        (SUBSCRIPTION, "subscription")):
        entered = ~np.isnan(st[:, stage])
        if stage == FIRST_VISIT:
            entered &= ~walk_in      # walk-ins already have theirs
        kind = "first_visit" if stage == FIRST_VISIT else "revisit"
        pieces.append(_piece(np.flatnonzero(entered), st[entered, stage], kind, note))
    viewing = ~np.isnan(st[:, REVISIT]) & (rng.random(len(deals)) < 0.25)
    pieces.append(_piece(np.flatnonzero(viewing), st[viewing, REVISIT] + 40 * 60, "viewing", "viewing"))
    lost = funnel.outcome == "lost"
    pieces.append(_piece(np.flatnonzero(lost), funnel.lost_at[lost], "phone", "lost"))
    return pieces


def _followup_piece(rng, deals: pd.DataFrame, cal: Calendar) -> pd.DataFrame:
    n = len(deals)
    within = deals["group"].map(FOLLOWUP_WITHIN_DAY).to_numpy(dtype=float)
    fast = rng.random(n) < within
    delay = np.where(fast, np.clip(rng.exponential(4.0, n), 0.3, 23.5), rng.uniform(25.0, 96.0, n)) * HOUR
    kind = np.where(rng.random(n) < 0.6, "phone", "wechat")
    return _piece(np.arange(n), deals["created"].to_numpy() + delay, kind, kind)


def _touch_piece(rng, funnel: Funnel) -> pd.DataFrame:
    """Touches spread over the time each deal spent in each stage it entered."""
    st, parts = funnel.stage_time, []
    for k in range(st.shape[1]):
        entered = np.flatnonzero(~np.isnan(st[:, k]))
        start = st[entered, k]
        nxt = st[entered, k + 1] if k + 1 < st.shape[1] else np.full(entered.size, np.nan)
        end = np.where(np.isnan(nxt), funnel.terminal[entered], nxt)
        span = np.clip((end - start) / DAY, 0.0, TOUCH_WINDOW_DAYS) - 1.0
        rate = TOUCH_RATE if k < SUBSCRIPTION else TOUCH_RATE / 3
        count = np.where(span > 0, np.minimum(rng.poisson(rate * np.maximum(span, 0)), 8), 0)
        deal = np.repeat(entered, count)
        when = np.repeat(start + 0.5 * DAY, count) + rng.random(deal.size) * np.repeat(span, count) * DAY
        # office hours on the drawn day, never before the stage began
        when = np.maximum((when // DAY) * DAY + rng.uniform(9.0, 21.5, deal.size) * HOUR,
                          np.repeat(start, count) + HOUR)
        parts.append(_piece(deal, when, np.where(rng.random(deal.size) < 0.55, "wechat", "phone"), "touch"))
    touches = pd.concat(parts, ignore_index=True)
    touches["note_key"] = touches["kind"]
    return touches


def activity_log(rng, cal: Calendar, roster: Roster, deals: pd.DataFrame, funnel: Funnel):
    """(activities frame, deal next_follow_at seconds): one row per activity, ids in time order."""
    log = pd.concat([*_stage_pieces(rng, deals, funnel), _followup_piece(rng, deals, cal),
                     _touch_piece(rng, funnel)], ignore_index=True)
    log = log[(log["when"] <= funnel.terminal[log["deal"].to_numpy()]) & (log["when"] <= cal.cutoff)]
    log, next_follow = _follow_dates(rng, cal, deals, funnel, log)
    log = log.sort_values(["when", "deal", "kind"], kind="stable").reset_index(drop=True)
    log["staff"] = owner_at(funnel.segments, log["deal"].to_numpy(), log["when"].to_numpy())
    log["note"] = activity_notes(rng, log["note_key"].to_numpy(), deals, log["deal"].to_numpy(), funnel)
    # Dropped last, after every draw, so that the rest of the demo stays as it was.
    unattended = log["when"].to_numpy() >= funnel.unattended_from[log["deal"].to_numpy()]
    return log[~unattended].reset_index(drop=True), next_follow


def _follow_dates(rng, cal: Calendar, deals: pd.DataFrame, funnel: Funnel, log: pd.DataFrame):
    """Set next_follow_at on activities and open deals; make a few hundred open deals overdue."""
    n = len(deals)
    open_ = funnel.outcome == "open"
    last_stage = np.nanmax(funnel.stage_time, axis=1)
    phase_group = np.where((deals["project"] == "PA") & (funnel.furthest >= REVISIT), "A-FOLLOW",
                           deals["group"].to_numpy())
    share = pd.Series(phase_group).map(OVERDUE_SHARE).to_numpy(dtype=float)
    overdue = open_ & (last_stage < cal.cutoff - 10 * DAY) & (rng.random(n) < share)
    due = np.maximum(cal.cutoff - rng.uniform(1, 25, n) * DAY, last_stage + DAY)
    drop = overdue[log["deal"].to_numpy()] & (log["when"].to_numpy() >= due[log["deal"].to_numpy()])
    log = log[~drop].copy()
    last_when = log.groupby("deal")["when"].max().reindex(np.arange(n)).to_numpy()
    planned = last_when + rng.integers(1, 8, n) * DAY
    future = (np.floor(cal.cutoff / DAY) + rng.integers(1, 11, n)) * DAY + 10 * HOUR
    dormant = last_when < cal.cutoff - 120 * DAY
    next_follow = np.where(planned > cal.cutoff, planned, np.where(dormant, np.nan, future))
    next_follow = np.where(overdue, np.floor(due), next_follow)
    next_follow[~open_] = np.nan
    is_last = log["when"].to_numpy() == last_when[log["deal"].to_numpy()]
    own = log["when"].to_numpy() + rng.integers(1, 8, len(log)) * DAY
    follow_kinds = log["kind"].isin(["call", "first_visit", "revisit", "phone", "wechat"]).to_numpy()
    log["next_follow"] = np.where(is_last, next_follow[log["deal"].to_numpy()],
                                  np.where(follow_kinds, own, np.nan))
    return log, next_follow


def survey_log(rng, cal: Calendar, roster: Roster, funnel: Funnel) -> pd.DataFrame:
    """Surveys after ~8.5% of first visits and ~45% of subscriptions, csat/nps by the served group."""
    parts = []
    for stage, share, days in ((FIRST_VISIT, 0.085, 2), (SUBSCRIPTION, 0.45, 3)):
        entered = np.flatnonzero(~np.isnan(funnel.stage_time[:, stage]))
        picked = entered[rng.random(entered.size) < share]
        served = funnel.stage_time[picked, stage]
        # answered on the evening of the visit or one of the next days, 09:00-22:00
        answered = (served // DAY + rng.integers(0, days, picked.size)) * DAY + rng.uniform(9, 22, picked.size) * HOUR
        answered = np.floor(np.where(answered <= served, served + rng.uniform(1, 3, picked.size) * HOUR, answered))
        parts.append(pd.DataFrame({"deal": picked, "served": served, "when": answered}))
    surveys = pd.concat(parts, ignore_index=True)
    surveys = surveys[surveys["when"] <= cal.cutoff].sort_values(["when", "deal"], kind="stable")
    surveys = surveys.reset_index(drop=True)
    surveys["staff"] = owner_at(funnel.segments, surveys["deal"].to_numpy(), surveys["served"].to_numpy())
    staff = surveys["staff"].to_numpy()
    group = roster.group_at(staff, (surveys["served"].to_numpy() // DAY).astype(np.int64))
    # a survey answered after its consultant moved or left would count for another group: not sent
    same = group == roster.group_at(staff, (surveys["when"].to_numpy() // DAY).astype(np.int64))
    surveys, group = surveys[same].reset_index(drop=True), group[same]
    closing = group == "A-CLOSE"
    csat = np.where(closing, rng.choice(5, len(surveys), p=CSAT_PROBS["A-CLOSE"]),
                    rng.choice(5, len(surveys), p=CSAT_PROBS["other"])) + 1
    surveys["csat"] = csat
    surveys["nps"] = np.clip(np.round(2 * csat - 0.6 + rng.normal(0, 1.1, len(surveys))), 0, 10).astype(int)
    surveys["comment"] = survey_comments(rng, csat, closing)
    return surveys
