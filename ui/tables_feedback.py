"""反馈: the suggestion box editor and its edits, a group's weekly summaries and numbers, and a
consultant's monthly review cards (Streamlit-free display frames and strings).

A review's KPIs are saved as a JSON-able dict, so a later import that changes the month shows as
a difference (changed_kpis). Separate: it changes with the 反馈 page only.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ui import formats
from ui.i18n import ROLE_LABELS, label, t
from ui.metric_text import metric_label

REVIEW_METRICS: tuple[str, ...] = ("deals", "first_visits", "won_deals", "won_amount", "win_rate",
                                   "followup_timeliness", "csat")
_RATES = ("win_rate", "followup_timeliness")


def status_labels(lang: str) -> dict[str, str]:
    return {s: t(f"mg_status_{s}", lang) for s in ("new", "discussed", "done")}


def suggestions_frame(box: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The suggestion box for the editor: status and response editable, the rest shown."""
    labels = status_labels(lang)
    return pd.DataFrame({
        "suggestion_id": box["suggestion_id"].astype("int64"),
        "created": [f"{pd.Timestamp(v):%Y-%m-%d}" for v in box["created_at"]],
        "author": box["author"].fillna(t("mg_anonymous", lang)),
        "group": box["group_name"].fillna(formats.DASH),
        "body": box["body"], "status": [labels[s] for s in box["status"]],
        "response": box["response"].fillna(""),
    })


def suggestion_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[int, str, str | None]]:
    """(suggestion_id, status key, response) of the rows whose status or response was edited."""
    keys = {label_: key for key, label_ in status_labels("zh").items()} | \
        {label_: key for key, label_ in status_labels("en").items()}
    changes = []
    for old, new in zip(before.itertuples(), after.itertuples(), strict=True):
        response = "" if pd.isna(new.response) else str(new.response)
        if (old.status, old.response) != (new.status, response):
            changes.append((int(new.suggestion_id), keys[new.status], response or None))
    return changes


def recent_mondays(as_of: date, count: int) -> list[date]:
    """The Mondays of the `count` weeks up to as_of's, newest first."""
    monday = as_of - timedelta(days=as_of.weekday())
    return [monday - timedelta(days=7 * k) for k in range(count)]


def week_option(monday: date, as_of: date, lang: str) -> str:
    end = monday + timedelta(days=6)
    text = t("mg_week_range", lang, start=f"{monday:%m-%d}", end=f"{end:%m-%d}")
    return text + (t("mg_week_this", lang) if monday <= as_of <= end else "")


def week_numbers_text(numbers: pd.DataFrame, group_id: str, window, lang: str) -> str:
    """'本周（11-23 至 11-25）：首访 120 · 商机 95 · 成交 6 · 成交金额 1,234.0 万元'."""
    if group_id not in numbers.index:
        return t("mg_week_no_numbers", lang)
    row = numbers.loc[group_id]
    return t("mg_week_numbers", lang, start=f"{window.start:%m-%d}", end=f"{window.end:%m-%d}",
             first_visits=formats.count(row["first_visits"]), deals=formats.count(row["deals"]),
             won=formats.count(row["won_deals"]), amount=formats.money(row["won_amount"], lang))


def summary_for(history: pd.DataFrame, monday: date) -> dict | None:
    """The saved summary of the week starting `monday` (summary, next_plan, author), or None."""
    rows = history[pd.to_datetime(history["week_start"]) == pd.Timestamp(monday)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {key: (None if pd.isna(row[key]) else row[key]) for key in ("summary", "next_plan", "author")}


def summaries_frame(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("mg_weekly_week", lang): [f"{pd.Timestamp(w):%Y-%m-%d}" for w in history["week_start"]],
        t("mg_weekly_summary", lang): history["summary"].fillna(""),
        t("mg_weekly_plan", lang): history["next_plan"].fillna(""),
        t("mg_weekly_author", lang): history["author"].fillna(""),
    })


def roster_labels(roster: pd.DataFrame, lang: str) -> dict[str, str]:
    """Staff id -> '张三 · 刚需组 置业顾问' for every row of a roster (one pass: a select box formats
    each of its 2,800 options, and a lookup per option cost seconds)."""
    return {staff_id: f"{name} · {group} {label(ROLE_LABELS, role, lang)}"
            for staff_id, name, group, role in zip(roster["staff_id"], roster["name"], roster["group_name"],
                                                   roster["role_in_group"], strict=True)}


def roster_label(roster: pd.DataFrame, staff_id: str, lang: str) -> str:
    return roster_labels(roster[roster["staff_id"] == staff_id], lang)[staff_id]


def _plain(value):
    """A JSON-able number: numpy → Python, NaN → None."""
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def review_kpis(by_staff: pd.DataFrame, staff_id: str) -> dict:
    """The month's KPIs of one consultant (kpi_table by staff) as a JSON-able dict: each
    REVIEW_METRICS value, and `<id>_n` for rates and CSAT. Without facts: zeros and None."""
    row = by_staff.loc[staff_id] if staff_id in by_staff.index else None
    kpis = {}
    for metric in REVIEW_METRICS:
        kpis[metric] = _plain(row[metric]) if row is not None else (0 if metric not in (*_RATES, "csat") else None)
        if metric in (*_RATES, "csat"):
            kpis[f"{metric}_n"] = _plain(row[f"{metric}_n"]) if row is not None else 0
    return kpis


def review_metric_label(metric_id: str, lang: str) -> str:
    return metric_label(metric_id, lang)


def review_cards(kpis: dict, lang: str, *, hands_on: bool = False) -> list[tuple[str, str, str]]:
    """(label, value, caption) per KPI card: n under rates; '样本不足' below 5; a win rate is
    not applicable to someone whose stage group hands its deals on."""
    cards = []
    for metric in REVIEW_METRICS:
        value, n = kpis.get(metric), kpis.get(f"{metric}_n")
        if metric == "win_rate" and hands_on:
            cards.append((metric_label(metric, lang), t("mg_not_applicable", lang), t("mg_hands_on_note", lang)))
            continue
        if metric == "won_amount":
            text = formats.money(value or 0, lang)
        elif metric in _RATES:
            text = t("too_few", lang) if (n or 0) < 5 else formats.percent(value)
        elif metric == "csat":
            text = formats.score(value) if n else formats.DASH
        else:
            text = formats.count(value or 0)
        cards.append((metric_label(metric, lang), text, "" if n is None else f"n={int(n)}"))
    return cards


def changed_kpis(saved: dict, live: dict) -> list[str]:
    """Metric ids whose saved value differs from today's (a later import changed the month)."""
    def differs(a, b) -> bool:
        if a is None or b is None:
            return (a is None) != (b is None)
        return abs(float(a) - float(b)) > 1e-9
    return [m for m in REVIEW_METRICS if differs(saved.get(m), live.get(m))]
