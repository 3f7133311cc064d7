"""The demo's funnel: how each deal moves stage by stage, who owns it, and how it ends.

Stage by stage for all deals at once: a deal at stage k advances (after a realistic gap), is lost
(after a longer gap), or stalls. The odds depend on channel, grade, customer type and the owner's
skill; the designed stories live here: project A hands deals on at 复访 (to 跟进组) and once pledged
(认筹, to 成交组, who close most of them); B-FIRST's last eight weeks are a losing streak; B-UPGRADE's
months swing. Times are seconds since the period start (see demo_calendar).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from db.demo_calendar import DAY, HOUR, Calendar, call_time_of_day, next_visit_day, visit_time_of_day
from db.demo_people import Roster

N_STAGES = 7
LEAD, FIRST_VISIT, REVISIT, PLEDGE, SUBSCRIPTION, CONTRACT, PAYMENT = range(N_STAGES)
CHANNEL_FACTOR = {"natural": 1.3, "agency": 1.0, "referral": 1.6, "online": 0.55, "phone": 0.85}
GRADE_FACTOR = {"A": 2.0, "B": 1.0, "C": 0.4}
TYPE_FACTOR = {"first_home": 1.0, "upgrade": 1.15, "investment": 0.75}
LEAD_VISIT = {"phone": 0.55, "online": 0.35}
ADVANCE = {FIRST_VISIT: 0.40, REVISIT: 0.55, PLEDGE: 0.62}
# (median days, lognormal sigma, min, max) between entering stage k and entering k + 1.
GAP = {LEAD: (3, 0.8, 1, 30), FIRST_VISIT: (8, 0.5, 2, 30), REVISIT: (9, 0.7, 1, 60),
       PLEDGE: (10, 0.8, 1, 90), SUBSCRIPTION: (14, 0.4, 7, 30), CONTRACT: (30, 0.5, 10, 120)}
LOSS_GAP = (25, 0.7, 3, 150)
# Hours from a hand-off to the receiving group's visit: the customer is handed over when the
# visit is booked (gamma shape, scale in hours; min, max), never before the sender's own visit.
HANDOFF_LEAD_HOURS = (2.0, 16.0, 1.5, 96.0)
# Of project A's customers who do not come back for the next stage, the share handed over all
# the same (a visit booked, then missed), and the hours after their last visit it happens.
HANDOFF_NO_SHOW = 0.35
HANDOFF_NO_SHOW_HOURS = (20.0, 100.0)
# Of those hand-offs, the share the receiving group never contacts: the deal is closed as lost at
# a review without a call, so the hand-offs' "followed up" share is below 100%, as in a real 案场.
HANDOFF_UNATTENDED = 0.45
SLUMP_DAYS = 56   # B-FIRST's losing streak: the last eight weeks before as-of …
SLUMP_LOSS = {REVISIT: 0.15, PLEDGE: 0.45}   # … when this share of its advancing deals go to 竞品 instead
LOST_REASONS = {
    "early": (["失联", "价格超预算", "区位不满意", "选择竞品", "户型不满意", "学区不满意", "暂缓购房"],
              [0.26, 0.22, 0.13, 0.14, 0.10, 0.06, 0.09]),
    "late": (["价格超预算", "选择竞品", "贷款问题", "户型不满意", "家庭意见不统一", "失联"],
             [0.25, 0.30, 0.15, 0.12, 0.10, 0.08]),
    "refund": (["退订-贷款未获批", "退订-个人原因", "退订-选择竞品"], [0.5, 0.3, 0.2]),
    "slump": (["选择竞品", "价格超预算"], [0.6, 0.4]),
}


@dataclass
class Funnel:
    """Per deal: stage entry times (n × 7, NaN = never), outcome, loss, and the owner segments."""

    stage_time: np.ndarray
    furthest: np.ndarray
    outcome: np.ndarray        # 'open' / 'won' / 'lost'
    lost_at: np.ndarray
    lost_reason: np.ndarray
    terminal: np.ndarray       # when the deal stops generating activity
    segments: pd.DataFrame     # deal, start, staff: owner from start on (first = creator)
    unattended_from: np.ndarray  # a no-show hand-off nobody followed up: no activity from then (else NaN)


def _gap_days(rng: np.random.Generator, spec: tuple, n: int) -> np.ndarray:
    median, sigma, low, high = spec
    return np.clip(median * np.exp(rng.normal(0.0, sigma, n)), low, high)


def _reasons(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
    labels, probs = LOST_REASONS[kind]
    return np.array(labels, dtype=object)[rng.choice(len(labels), size=n, p=probs)]


class _Simulation:
    def __init__(self, rng, cal: Calendar, roster: Roster, deals: pd.DataFrame):
        self.rng, self.cal, self.roster = rng, cal, roster
        self.n = len(deals)
        self.project = deals["project"].to_numpy()
        self.group = deals["group"].to_numpy()
        self.channel = deals["source_channel"].to_numpy()
        self.factor = (deals["source_channel"].map(CHANNEL_FACTOR) * deals["grade"].map(GRADE_FACTOR)
                       * deals["customer_type"].map(TYPE_FACTOR)).to_numpy(dtype=float) ** (1 / 3)
        self.grade_factor = deals["grade"].map(GRADE_FACTOR).to_numpy(dtype=float) ** 0.5
        self.stage_time = np.full((self.n, N_STAGES), np.nan)
        walk_in = deals["walk_in"].to_numpy()
        self.furthest = np.where(walk_in, FIRST_VISIT, LEAD)
        self.stage_time[np.arange(self.n), self.furthest] = deals["created"].to_numpy()
        self.pending = np.ones(self.n, dtype=bool)
        self.outcome = np.full(self.n, "open", dtype=object)
        self.lost_at = np.full(self.n, np.nan)
        self.lost_reason = np.full(self.n, None, dtype=object)
        created_day = (deals["created"].to_numpy() // DAY).astype(np.int64)
        self.owner = roster.pick_by_group(rng, self.group, created_day)
        self.segments = [(np.arange(self.n), deals["created"].to_numpy(), self.owner.copy())]
        self.month_noise = np.exp(rng.normal(0.0, 0.35, cal.n_days // 28 + 4))
        # a stream of its own (spawning draws nothing from rng): every other draw stays as it was
        self.handoff_rng = rng.spawn(1)[0]
        self.unattended_rng = rng.spawn(1)[0]      # the same for the unattended hand-offs
        self.unattended_from = np.full(self.n, np.nan)

    def advance_probability(self, k: int, idx: np.ndarray, when: np.ndarray) -> np.ndarray:
        if k == LEAD:
            p = pd.Series(self.channel[idx]).map(LEAD_VISIT).to_numpy(dtype=float) * self.grade_factor[idx]
        elif k <= PLEDGE:
            p = ADVANCE[k] * self.factor[idx] * self.roster.skill[self.owner[idx]]
            noisy = self.group[idx] == "B-UPGRADE"
            p = np.where(noisy, p * self.month_noise[self.cal.month_index(when)], p)
        elif k == SUBSCRIPTION:
            p = np.where(self.project[idx] == "PA", 0.97, 0.91) * np.ones(idx.size)
        else:
            p = np.full(idx.size, 0.93)
        return np.minimum(p, 0.93)

    def next_time(self, k: int, t: np.ndarray) -> np.ndarray:
        day = ((t + _gap_days(self.rng, GAP[k], t.size) * DAY) // DAY).astype(np.int64)
        if k + 1 <= SUBSCRIPTION:
            day = next_visit_day(self.rng, self.cal, day)
        return day * DAY + visit_time_of_day(self.rng, t.size)

    def step(self, k: int) -> None:
        idx = np.flatnonzero(self.pending & (self.furthest == k))
        t = self.stage_time[idx, k]
        t_next = self.next_time(k, t)
        advance = self.rng.random(idx.size) < self.advance_probability(k, idx, t)
        slump = (advance & (self.group[idx] == "B-FIRST") & (t_next > self.cal.cutoff - SLUMP_DAYS * DAY)
                 & (t_next <= self.cal.cutoff) & (self.rng.random(idx.size) < SLUMP_LOSS.get(k, 0.0)))
        self._lose(idx[slump], t_next[slump], "slump")
        advance &= ~slump
        moved = advance & (t_next <= self.cal.cutoff)
        self.stage_time[idx[moved], k + 1] = t_next[moved]
        self.furthest[idx[moved]] = k + 1
        self.pending[idx[advance & ~moved]] = False   # would move after as-of: still open
        self._handoff(k + 1, idx[moved], t_next[moved], t[moved])
        self._not_advanced(k, idx[~advance & ~slump], t[~advance & ~slump])

    def _not_advanced(self, k: int, idx: np.ndarray, t: np.ndarray) -> None:
        if k >= CONTRACT:
            self.pending[idx] = False           # won, waiting for payment
            return
        if k == SUBSCRIPTION:
            refund = self.rng.random(idx.size) < np.where(self.project[idx] == "PA", 0.25, 0.45)
            when = t[refund] + _gap_days(self.rng, (10, 0.5, 2, 30), int(refund.sum())) * DAY
            self._lose(idx[refund], when, "refund")
            self.pending[idx] = False
            return
        stall = np.where((self.project[idx] == "PA") & (k >= REVISIT), 0.35, 0.06)
        lose = self.rng.random(idx.size) >= stall
        day = ((t + _gap_days(self.rng, LOSS_GAP, idx.size) * DAY) // DAY).astype(np.int64)
        when = day * DAY + call_time_of_day(self.rng, idx.size)
        lose &= when <= self.cal.cutoff
        self._no_show_handoff(k, idx[lose], t[lose], when[lose])
        self._lose(idx[lose], when[lose], "early" if k <= FIRST_VISIT else "late")
        self.pending[idx] = False

    def _no_show_handoff(self, k: int, idx: np.ndarray, t: np.ndarray, until: np.ndarray) -> None:
        """HANDOFF_NO_SHOW of project A's customers who stop at stage k and are lost at `until`
        are handed on anyway, HANDOFF_NO_SHOW_HOURS after their last visit and before the loss:
        the receiving group then owns a deal that does not move on, as real hand-offs do. (The
        ones who stall stay with the sender: the demo's stalled deals are 跟进组's.)"""
        target = {FIRST_VISIT: "A-FOLLOW", REVISIT: "A-CLOSE"}.get(k)
        if target is None:
            return
        low, high = HANDOFF_NO_SHOW_HOURS
        handed = np.floor(t + self.handoff_rng.uniform(low, high, idx.size) * HOUR)
        chosen = ((self.project[idx] == "PA") & (self.handoff_rng.random(idx.size) < HANDOFF_NO_SHOW)
                  & (handed < until))
        idx, handed = idx[chosen], handed[chosen]
        staff = self.roster.pick(self.handoff_rng, target, (handed // DAY).astype(np.int64))
        self.owner[idx] = staff
        self.segments.append((idx, handed, staff))
        silent = self.unattended_rng.random(idx.size) < HANDOFF_UNATTENDED
        self.unattended_from[idx[silent]] = handed[silent]

    def _lose(self, idx: np.ndarray, when: np.ndarray, kind: str) -> None:
        when = np.floor(when)
        keep = when <= self.cal.cutoff
        idx, when = idx[keep], when[keep]
        self.outcome[idx] = "lost"
        self.lost_at[idx] = when
        self.lost_reason[idx] = _reasons(self.rng, kind, idx.size)
        self.pending[idx] = False

    def _handoff(self, stage: int, idx: np.ndarray, when: np.ndarray, since: np.ndarray) -> None:
        """Project A: 复访 goes to 跟进组, 认筹 to 成交组 (an ownership event each).

        The hand-off comes HANDOFF_LEAD_HOURS before the stage's visit (`when`), after the
        previous stage's (`since`), so the receiving group's first activity follows it by hours
        to days, as in a real hand-over, not at the same instant.
        成交组 takes pledged customers, so its win rate (won / closed, by closing group) is that of
        pledge → subscription: high, but not the near-certainty a hand-off at 认购 would give.
        """
        target = {REVISIT: "A-FOLLOW", PLEDGE: "A-CLOSE"}.get(stage)
        if target is None:
            return
        mask = self.project[idx] == "PA"
        idx, when, since = idx[mask], when[mask], since[mask]
        shape, scale, low, high = HANDOFF_LEAD_HOURS
        lead = np.clip(self.handoff_rng.gamma(shape, scale, idx.size), low, high) * HOUR
        handed = np.floor(np.maximum(when - lead, np.minimum(since + 2 * HOUR, when)))
        staff = self.roster.pick(self.rng, target, (handed // DAY).astype(np.int64))
        self.owner[idx] = staff
        self.segments.append((idx, handed, staff))

    def result(self) -> Funnel:
        won = (self.furthest >= SUBSCRIPTION) & (self.outcome != "lost")
        self.outcome[won] = "won"
        last_stage = np.nanmax(self.stage_time, axis=1)
        terminal = np.full(self.n, self.cal.cutoff)
        settled = won & np.isin(self.furthest, (SUBSCRIPTION, CONTRACT))
        terminal[settled] = np.minimum(last_stage[settled] + 45 * DAY, self.cal.cutoff)
        terminal[self.furthest == PAYMENT] = last_stage[self.furthest == PAYMENT]
        lost = self.outcome == "lost"
        terminal[lost] = self.lost_at[lost]
        segments = pd.DataFrame({
            "deal": np.concatenate([s[0] for s in self.segments]),
            "start": np.concatenate([s[1] for s in self.segments]),
            "staff": np.concatenate([s[2] for s in self.segments]),
        })
        segments = _reassign_leavers(self.rng, self.roster, segments, terminal)
        return Funnel(self.stage_time, self.furthest, self.outcome, self.lost_at, self.lost_reason,
                      terminal, segments, self.unattended_from)


def _reassign_leavers(rng, roster: Roster, segments: pd.DataFrame, terminal: np.ndarray) -> pd.DataFrame:
    """Deals whose owner moves group or leaves while they are live go to a colleague at 00:00 that day.

    Midnight, because membership dates are whole days: from the move date on, the old owner is no
    longer in the group, so any activity that day must already be the colleague's.
    """
    for _ in range(3):
        segments = segments.sort_values(["deal", "start"], kind="stable").reset_index(drop=True)
        nxt = segments.groupby("deal")["start"].shift(-1).to_numpy()
        end = np.where(np.isnan(nxt), terminal[segments["deal"].to_numpy()], nxt)
        added = []
        for stint in roster.stint_ends().itertuples():
            moment = stint.end_day * DAY
            hit = ((segments["staff"].to_numpy() == stint.staff) & (segments["start"].to_numpy() < moment)
                   & (end > moment))
            if hit.any():
                deals = segments["deal"].to_numpy()[hit]
                staff = roster.pick(rng, stint.group, np.full(deals.size, stint.end_day))
                added.append(pd.DataFrame({"deal": deals, "start": moment, "staff": staff}))
        if not added:
            return segments
        segments = pd.concat([segments, *added], ignore_index=True)
    return segments.sort_values(["deal", "start"], kind="stable").reset_index(drop=True)


def simulate_funnel(rng: np.random.Generator, cal: Calendar, roster: Roster, deals: pd.DataFrame) -> Funnel:
    """Run every deal through the funnel; `deals` needs project, group, walk_in, created and the
    customer's source_channel, grade, customer_type."""
    sim = _Simulation(rng, cal, roster, deals)
    for k in range(LEAD, PAYMENT):
        sim.step(k)
    return sim.result()
