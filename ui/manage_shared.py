"""Texts and helpers two management pages show alike (Streamlit-free).

小组管理 and 分组方案模拟 both write days and stage phases the same way, and refuse a change the
membership rules forbid in the same words; 激励与培训 and 反馈 both pick a month the same way and
leave out the win rate of consultants whose stage group hands its deals on. Kept here so that no
page's module imports another page's.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from analytics.membership import Problem
from ui import formats
from ui.charts_compare import hands_deals_on
from ui.i18n import t


def day_text(value) -> str:
    """A date as YYYY-MM-DD, or — when missing."""
    return formats.DASH if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def phase_text(phase, lang: str) -> str:
    return formats.DASH if phase is None or pd.isna(phase) else t(f"mg_phase_{phase}", lang)


def problem_text(problem: Problem, staff_names: dict[str, str], group_names: dict[str, str], lang: str) -> str:
    """One refused rule in plain words."""
    return t(f"mg_problem_{problem.kind}", lang,
             name=staff_names.get(problem.staff_id, problem.staff_id or ""),
             group=group_names.get(problem.group_id, problem.group_id or ""),
             other=staff_names.get(problem.other_staff_id, problem.other_staff_id or ""),
             other_group=group_names.get(problem.other_group_id, problem.other_group_id or ""),
             day=problem.day.isoformat() if problem.day else "")


def refusal_text(problems: list[Problem], staff_names: dict[str, str], group_names: dict[str, str],
                 lang: str) -> str:
    """'Not saved: … nothing changed' followed by one line per problem."""
    lines = [f"- {problem_text(p, staff_names, group_names, lang)}" for p in problems]
    return t("mg_refused_header", lang, n=len(problems)) + "\n\n" + "\n".join(lines)


def recent_months(as_of: date, count: int) -> list[pd.Timestamp]:
    """The `count` months up to as_of's, newest first (as month-start timestamps)."""
    last = pd.Timestamp(as_of).to_period("M")
    return [(last - k).to_timestamp() for k in range(count)]


def award_month_option(month: pd.Timestamp, as_of: date, lang: str) -> str:
    if month.to_period("M") == pd.Timestamp(as_of).to_period("M"):
        return f"{month:%Y-%m}" + t("mg_month_running", lang, day=f"{as_of:%m-%d}")
    return f"{month:%Y-%m}"


def hands_on_staff(roster: pd.DataFrame) -> set[str]:
    """Staff of a stage group that hands its deals on: their win rate measures the split, not them."""
    return {s for s, b, p in zip(roster["staff_id"], roster["basis"], roster["phase"], strict=True)
            if hands_deals_on(b, p)}
