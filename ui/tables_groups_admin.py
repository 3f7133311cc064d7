"""小组管理: the groups table, a group's members over time (now, planned, ended), the person
labels of the move form and the texts after a move (Streamlit-free display frames and strings).

Stint end dates are stored exclusive (valid_to = the first day in the new group); people read
them inclusive, so every display shows the last day (valid_to − 1 day). One module per management
page, so each changes with its page only; what two of them share is in ui.manage_shared.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from ui import formats
from ui.i18n import BASIS_LABELS, ROLE_LABELS, label, t
from ui.manage_shared import day_text, phase_text


def _last_day(valid_to) -> str:
    return formats.DASH if valid_to is None or pd.isna(valid_to) else \
        (pd.Timestamp(valid_to).date() - timedelta(days=1)).isoformat()


def group_table(overview: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The groups: name, basis, project, phase, leader, members (sellers)."""
    return pd.DataFrame({
        t("group", lang): overview["name"],
        t("basis", lang): [label(BASIS_LABELS, b, lang) for b in overview["basis"]],
        t("project", lang): overview["project"].fillna(formats.DASH),
        t("mg_phase", lang): [phase_text(p, lang) for p in overview["phase"]],
        t("mg_col_leader", lang): overview["leader"].fillna(t("mg_no_leader", lang)),
        t("mg_col_members", lang): [t("mg_members_count", lang, members=m, sellers=s)
                                    for m, s in zip(overview["members"], overview["sellers"], strict=True)],
    })


def members_frames(history: pd.DataFrame, as_of: date, lang: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(members on as_of, stints starting after as_of, ended stints) of one group's history."""
    start = pd.to_datetime(history["valid_from"])
    end = pd.to_datetime(history["valid_to"])
    today = pd.Timestamp(as_of)
    current = history[(start <= today) & (end.isna() | (end > today))]
    rank = {role: i for i, role in enumerate(("leader", "deputy", "consultant", "analyst"))}
    current = current.assign(_rank=current["role_in_group"].map(rank).fillna(9)).sort_values(
        ["_rank", "valid_from"], kind="stable")
    planned = history[start > today]
    past = history[end.notna() & (end <= today)]
    role = t("mg_role", lang)
    members = pd.DataFrame({
        t("mg_person", lang): current["name"], role: [label(ROLE_LABELS, r, lang) for r in current["role_in_group"]],
        t("mg_since", lang): [day_text(v) for v in current["valid_from"]],
        t("mg_until", lang): [_last_day(v) if pd.notna(v) else t("mg_open_end", lang) for v in current["valid_to"]],
    })
    planned_frame = pd.DataFrame({
        t("mg_person", lang): planned["name"], role: [label(ROLE_LABELS, r, lang) for r in planned["role_in_group"]],
        t("mg_from", lang): [day_text(v) for v in planned["valid_from"]],
    })
    past_frame = pd.DataFrame({
        t("mg_person", lang): past["name"], role: [label(ROLE_LABELS, r, lang) for r in past["role_in_group"]],
        t("mg_from", lang): [day_text(v) for v in past["valid_from"]],
        t("mg_last_day", lang): [_last_day(v) for v in past["valid_to"]],
    })
    return members, planned_frame, past_frame


def person_labels(directory: pd.DataFrame, group_names: dict[str, str], lang: str) -> dict[str, str]:
    """Staff id -> '张三 · 刚需组 置业顾问' (or '· 未分组'), for every person of the directory.

    One pass over the directory: a select box formats each of its options (3,000 at a national
    developer), and a lookup per option cost seconds.
    """
    labels = {}
    for staff_id, name, group_id, role in zip(directory["staff_id"], directory["name"], directory["group_id"],
                                              directory["role_in_group"], strict=True):
        if group_id is None or pd.isna(group_id):
            labels[staff_id] = f"{name} · {t('mg_no_group', lang)}"
        else:
            labels[staff_id] = f"{name} · {group_names.get(group_id, group_id)} {label(ROLE_LABELS, role, lang)}"
    return labels


def move_done_text(name: str, group: str | None, role: str, effective: date, lang: str) -> str:
    if group is None:
        return t("mg_left_done", lang, name=name, day=effective.isoformat())
    return t("mg_move_done", lang, name=name, group=group, role=label(ROLE_LABELS, role, lang), day=effective.isoformat())
