"""The weekly meeting's "what changed" digest: one count per item, this week against the last.

Event items count what happened during the week (first visits, stage moves, ownership changes);
state items count what stood at the week's end (stalled, overdue). Pure pandas.
"""

from __future__ import annotations

import pandas as pd

# 认购 → 签约: a subscription is normally signed within two to three weeks in the demo 案场
# (median 14 days, 90th percentile 23); past 30 days it is overdue and at risk of 退订.
SIGNING_DEADLINE_DAYS = 30
# 签约 → 回款: the down payment and mortgage usually arrive within 30 days (90th percentile 54);
# past 60 days the payment is overdue and needs chasing.
PAYMENT_DEADLINE_DAYS = 60

# (item id, kind, the column whose distinct values are counted). In meeting order.
DIGEST_ITEMS: tuple[tuple[str, str, str], ...] = (
    ("first_visits", "event", "activity_id"),
    ("stage_moves", "event", "deal_id"),
    ("stalled", "state", "deal_id"),
    ("overdue_followups", "state", "deal_id"),
    ("overdue_signings", "state", "deal_id"),
    ("overdue_payments", "state", "deal_id"),
    ("ownership_changes", "event", "deal_id"),
)
DIGEST_IDS: tuple[str, ...] = tuple(item for item, _, _ in DIGEST_ITEMS)
WEEK_DAYS = 7


def newly_stalled(stalled: pd.DataFrame, days: int = WEEK_DAYS) -> pd.DataFrame:
    """The stalled deals (analytics.funnel.stalled_deals) that crossed their stage's P75 within the
    last `days` days: p75_days < days_in_stage <= p75_days + days.

    Deals stalled for months are a backlog, not news; the meeting looks at the ones that went over
    the line this week, while they can still be saved. Input unchanged.
    """
    return stalled[stalled["days"] - days <= stalled["p75_days"]].reset_index(drop=True)


def item_count(frame: pd.DataFrame, column: str) -> int:
    """Distinct values of `column` (a deal moved twice in a week is one deal that moved)."""
    return int(frame[column].nunique()) if column in frame.columns else len(frame)


def digest_counts(current: dict[str, pd.DataFrame], previous: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """item, kind, count, previous, change (count − previous) for every digest item.

    `current`/`previous`: item id → its list for this week / the week before. A missing list
    counts 0; the previous count is NaN (and the change too) when there is no previous list.
    """
    rows = []
    for item, kind, column in DIGEST_ITEMS:
        now = item_count(current[item], column) if item in current else 0
        before = item_count(previous[item], column) if item in previous else float("nan")
        rows.append({"item": item, "kind": kind, "count": now, "previous": before, "change": now - before})
    return pd.DataFrame(rows)
