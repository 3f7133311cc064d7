"""案例复盘 Case review shaping: a deal's path through the stages against its peers', the
timeline as shown, and redaction of customer names and phones in free text typed by staff.

Pure pandas: frames and values in, new frames and values out; inputs unchanged.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analytics.privacy import HIDDEN_TEXT, masked_phone, pseudonym
from domain import STAGES

# A mainland mobile number written as 11 digits: masked in free text even when it is no
# customer's stored phone (a relative's, a second number).
_MOBILE = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def redacted_text(text, named: pd.DataFrame):
    """`text` with every customer name in `named` replaced by its pseudonym and every phone
    (theirs, or any 11-digit mobile number) masked; None/NaN stay as they are.

    `named`: customer_id, name, phone (db.queries.cases.customers_named_in). Longer names go
    first so that 莫涵浩 is replaced whole, not as 莫涵 + 浩.
    """
    if not isinstance(text, str):
        return text
    result = text
    for row in named.assign(_len=named["name"].str.len()).sort_values("_len", ascending=False).itertuples():
        if isinstance(row.phone, str) and row.phone:
            result = result.replace(row.phone, masked_phone(row.phone))
        if isinstance(row.name, str) and len(row.name) >= 2:
            result = result.replace(row.name, pseudonym(row.customer_id))
    return _MOBILE.sub(lambda match: masked_phone(match.group(0)), result)


def redacted_column(frame: pd.DataFrame, column: str, named: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` with `column` redacted (redacted_text)."""
    return frame.assign(**{column: [redacted_text(value, named) for value in frame[column]]})


def timeline_shown(events: pd.DataFrame, privacy: bool) -> pd.DataFrame:
    """The timeline as it may be shown: in privacy mode every note and comment is hidden (a
    survey comment or a follow-up note can name the customer, a relative, an address)."""
    if not privacy:
        return events.copy()
    return events.assign(note=events["note"].where(events["note"].isna(), HIDDEN_TEXT))


def deal_path(entries: pd.DataFrame, created_at, lost_at=None) -> pd.DataFrame:
    """A deal's path: per stage entered, days_in (creation → first entry) and days (first entry →
    the next stage's first entry). The last stage reached ends at `lost_at` for a lost deal; for
    any other deal its stay has not ended (NaN: a won deal may still sign or pay).

    `entries`: stage, position, entered_at (db.queries.cases.stage_entries).
    """
    path = entries.sort_values("position").reset_index(drop=True)
    entered = pd.to_datetime(path["entered_at"])
    following = entered.shift(-1)
    if lost_at is not None and not pd.isna(lost_at) and len(path):
        following.iloc[-1] = pd.Timestamp(lost_at)
    seconds_per_day = 86400.0
    return path.assign(
        days_in=(entered - pd.Timestamp(created_at)).dt.total_seconds() / seconds_per_day,
        days=(following - entered).dt.total_seconds() / seconds_per_day)


def path_comparison(this: pd.DataFrame, typical: pd.DataFrame, lost: pd.DataFrame | None) -> pd.DataFrame:
    """Per canonical stage that any of the three reached: this deal's days in the stage and days
    since creation, the won peers' medians (and n), and the similar lost deal's days.

    Columns: stage, position, this_days_in, this_days, typical_days_in, typical_days, typical_n,
    lost_days_in, lost_days. A stage a path never entered is NaN there.
    """
    frame = pd.DataFrame({"stage": list(STAGES), "position": np.arange(len(STAGES))})
    parts = [
        (this, {"days_in": "this_days_in", "days": "this_days"}),
        (typical, {"median_days_in": "typical_days_in", "median_days": "typical_days", "n": "typical_n"}),
        (lost if lost is not None else pd.DataFrame(columns=["stage", "days_in", "days"]),
         {"days_in": "lost_days_in", "days": "lost_days"}),
    ]
    for part, columns in parts:
        picked = part.reindex(columns=["stage", *columns]).rename(columns=columns)
        frame = frame.merge(picked, on="stage", how="left")
    reached = frame[[c for c in frame.columns if c not in ("stage", "position", "typical_n")]].notna().any(axis=1)
    return frame[reached].reset_index(drop=True)


def tag_counts(tag_lists: pd.Series) -> pd.Series:
    """How often each tag occurs in a column of tag lists, most frequent first."""
    flat = [tag for tags in tag_lists if tags is not None for tag in tags]
    return pd.Series(flat, dtype="str").value_counts()


# Tags of a reviewed case: the outcome, then reasons (keys; the UI labels them, and a reviewer
# may add words of their own, stored as typed).
OUTCOME_TAGS = {"won": "success", "lost": "failure"}
REASON_TAGS: tuple[str, ...] = (
    "price", "layout", "location", "school", "competitor", "lost_contact", "loan", "family", "postponed",
    "followup", "needs_match", "referral", "showroom", "service", "handoff",
)
# The demo's and common CRMs' lost reasons, as reason tags.
LOST_REASON_TAGS = {
    "价格超预算": "price", "户型不满意": "layout", "区位不满意": "location", "学区不满意": "school",
    "选择竞品": "competitor", "退订-选择竞品": "competitor", "失联": "lost_contact", "贷款问题": "loan",
    "退订-贷款未获批": "loan", "家庭意见不统一": "family", "暂缓购房": "postponed",
}


def suggested_tags(outcome: str | None, lost_reason: str | None) -> list[str]:
    """Tags to start a review with: 成功案例/失败案例 by outcome, and the lost reason's tag."""
    tags = [OUTCOME_TAGS[outcome]] if outcome in OUTCOME_TAGS else []
    if isinstance(lost_reason, str) and lost_reason in LOST_REASON_TAGS:
        tags.append(LOST_REASON_TAGS[lost_reason])
    return tags
