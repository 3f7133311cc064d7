"""分组方案模拟: the draft's editors (groups, people) and their way back to keys, and what the
draft changes against today: headline cards, the comparison table, hand-off points, the moves
(Streamlit-free display frames and strings).

Apart from ui.charts_regroup (the figures); the phase and day texts and the refusal it shares
with the 小组管理 page are in ui.manage_shared.
"""

from __future__ import annotations

import pandas as pd

from domain import GROUP_BASES, PHASES
from ui import formats
from ui.i18n import BASIS_LABELS, ROLE_LABELS, label, t
from ui.manage_shared import day_text, phase_text
from ui.metric_text import amount_unit, with_unit


def draft_option(saved: pd.DataFrame, draft_id: int, lang: str) -> str:
    if not draft_id:
        return t("mg_rg_new_draft", lang)
    row = saved.set_index("draft_id").loc[draft_id]
    applied = "" if pd.isna(row["applied_on"]) else t("mg_rg_applied_on", lang, day=day_text(row["applied_on"]))
    return f"{row['name']}{applied}"


def draft_start(today_groups: pd.DataFrame, people: pd.DataFrame, stored_groups: pd.DataFrame,
                stored_members: pd.DataFrame, is_saved: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where the editors start: a saved draft, or today's grouping. People in a group today whom
    a saved draft does not list (hired since) keep today's place."""
    today_members = people[["staff_id", "group_id", "role_in_group"]]
    if not is_saved:
        return today_groups[["group_id", "name", "basis", "phase", "project_id"]], today_members
    listed = stored_members[stored_members["staff_id"].isin(people["staff_id"])]
    missing = today_members[~today_members["staff_id"].isin(listed["staff_id"])]
    return stored_groups, pd.concat([listed, missing], ignore_index=True)


def draft_groups_editor(draft_groups: pd.DataFrame, projects: dict[str, str], lang: str = "zh") -> pd.DataFrame:
    return pd.DataFrame({
        "group_id": draft_groups["group_id"].astype("str"), "name": draft_groups["name"].astype("str"),
        "basis": [label(BASIS_LABELS, b, lang) for b in draft_groups["basis"]],
        "phase": [None if p is None or pd.isna(p) else phase_text(p, lang) for p in draft_groups["phase"]],
        "project": [projects.get(p) if p is not None and not pd.isna(p) else None for p in draft_groups["project_id"]],
    })


def draft_groups_from_editor(edited: pd.DataFrame, projects: dict[str, str], lang: str) -> pd.DataFrame:
    """The draft's groups from the editor: labels back to keys, blank names dropped, a new row
    given an id (NEW-1, NEW-2, …), the phase cleared for groups not split by stage."""
    basis_keys = {label(BASIS_LABELS, b, lang): b for b in GROUP_BASES}
    phase_keys = {phase_text(p, lang): p for p in PHASES}
    project_keys = {name: pid for pid, name in projects.items()}
    rows, taken = [], set(edited["group_id"].dropna())
    for row in edited.itertuples():
        name = "" if row.name is None or pd.isna(row.name) else str(row.name).strip()
        if not name:
            continue
        group_id = row.group_id
        if group_id is None or pd.isna(group_id) or not str(group_id).strip():
            group_id = next(f"NEW-{k}" for k in range(1, 1000) if f"NEW-{k}" not in taken)
            taken.add(group_id)
        basis = basis_keys.get(row.basis, "other")
        phase = phase_keys.get(row.phase) if basis == "stage" else None
        rows.append((str(group_id), name, basis, phase, project_keys.get(row.project)))
    return pd.DataFrame(rows, columns=["group_id", "name", "basis", "phase", "project_id"])


def draft_people_editor(people: pd.DataFrame, members: pd.DataFrame, draft_groups: pd.DataFrame,
                        group_names: dict[str, str], lang: str) -> pd.DataFrame:
    """One row per person in a group today: today's place, and the draft's group and role."""
    names = dict(zip(draft_groups["group_id"], draft_groups["name"], strict=True))
    planned = members.set_index("staff_id")
    fallback = draft_groups["name"].iloc[0] if len(draft_groups) else None
    def draft_name(staff_id: str, today: str) -> str | None:
        group = planned["group_id"].get(staff_id, today)
        return names.get(group, names.get(today, fallback))
    return pd.DataFrame({
        "staff_id": people["staff_id"], "name": people["name"],
        "today": [f"{group_names.get(g, g)} · {label(ROLE_LABELS, r, lang)}"
                  for g, r in zip(people["group_id"], people["role_in_group"], strict=True)],
        "group": [draft_name(s, g) for s, g in zip(people["staff_id"], people["group_id"], strict=True)],
        "role": [label(ROLE_LABELS, planned["role_in_group"].get(s, r), lang)
                 for s, r in zip(people["staff_id"], people["role_in_group"], strict=True)],
    })


def draft_members_from_editor(edited: pd.DataFrame, draft_groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    ids = dict(zip(draft_groups["name"], draft_groups["group_id"], strict=True))
    roles = {label(ROLE_LABELS, r, lang): r for r in ROLE_LABELS}
    first = draft_groups["group_id"].iloc[0] if len(draft_groups) else None
    return pd.DataFrame({
        "staff_id": edited["staff_id"],
        "group_id": [ids.get(g, first) for g in edited["group"]],
        "role_in_group": [roles.get(r, "consultant") for r in edited["role"]],
    })


def _spread(summary: pd.DataFrame) -> float:
    loads = summary.loc[summary["headcount"] > 0, "open_per_person"]
    return loads.max() / loads.min() if len(loads) and loads.min() > 0 else float("nan")


def regroup_headline(today: pd.DataFrame, draft: pd.DataFrame, moves: pd.DataFrame, points_today: pd.DataFrame,
                     points_draft: pd.DataFrame, lang: str) -> list[tuple[str, str, str]]:
    """(title, value, note) cards: people moved, groups, hand-off points, workload spread."""
    switched = int((moves["group_id_today"] != moves["group_id_draft"]).sum()) if len(moves) else 0
    def per_month(points):
        return formats.count(points["handoffs_per_month"].sum()) if len(points) else "0"
    def ratio(value):
        return formats.DASH if pd.isna(value) else f"{value:.1f}×"
    return [
        (t("mg_rg_card_moves", lang), f"{len(moves)}",
         t("mg_rg_card_moves_note", lang, groups=switched, roles=len(moves) - switched)),
        (t("mg_rg_card_groups", lang), f"{len(today)} → {len(draft)}", ""),
        (t("mg_rg_card_handoffs", lang), f"{len(points_today)} → {len(points_draft)}",
         t("mg_rg_card_handoffs_note", lang, today=per_month(points_today), draft=per_month(points_draft))),
        (t("mg_rg_card_spread", lang), f"{ratio(_spread(today))} → {ratio(_spread(draft))}",
         t("mg_rg_card_spread_note", lang)),
    ]


def _pair(today, draft, fmt) -> str:
    return f"{fmt(today)} → {fmt(draft)}"


def compare_table(compared: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per group: the compared figures today → draft, with n beside rates."""
    divisor, unit = amount_unit(lang)
    def num(value) -> str:
        return formats.DASH if pd.isna(value) else f"{value:,.1f}"
    def conversion(row, side: str) -> str:
        n = row[f"closed_{side}"]
        if pd.isna(n) or n == 0:
            return formats.DASH
        if row[f"conversion_too_few_{side}"]:
            return f"{t('too_few', lang)} (n={int(n)})"
        return f"{formats.percent(row[f'conversion_{side}'])} (n={int(n)})"
    def tenure(row) -> str:
        if pd.isna(row["tenure_median_draft"]):
            return formats.DASH
        return t("mg_rg_tenure_cell", lang, median=f"{row['tenure_median_draft']:.1f}",
                 low=f"{row['tenure_min_draft']:.1f}", high=f"{row['tenure_max_draft']:.1f}",
                 new=formats.count(row["newcomers_draft"]))
    rows = list(compared.iterrows())
    return pd.DataFrame({
        t("group", lang): compared["name"],
        with_unit(t("mg_rg_sellers", lang), t("unit_people", lang), lang):
            [_pair(r["headcount_today"], r["headcount_draft"], formats.count) for _, r in rows],
        t("mg_rg_open_per_person", lang): [_pair(r["open_per_person_today"], r["open_per_person_draft"], num)
                                           for _, r in rows],
        t("mg_rg_conversion_today", lang): [conversion(r, "today") for _, r in rows],
        t("mg_rg_conversion_draft", lang): [conversion(r, "draft") for _, r in rows],
        with_unit(t("mg_rg_won_per_month", lang), unit, lang):
            [_pair(r["won_amount_per_month_today"] / divisor, r["won_amount_per_month_draft"] / divisor, num)
             for _, r in rows],
        t("mg_rg_tenure", lang): [tenure(r) for _, r in rows],
        t("mg_rg_no_record", lang): [formats.count(r["no_record_draft"]) for _, r in rows],
    })


def handoff_text(points: pd.DataFrame, names: dict[str, str], projects: dict[str, str], lang: str) -> str:
    """'**云栖府**：初期接触组 → 跟进组（约 304 次/月）；…' or that nothing is handed on."""
    if points.empty:
        return t("mg_rg_no_handoffs", lang)
    lines = []
    for project, part in points.groupby("project_id", dropna=False, sort=True):
        steps = t("clause_sep", lang).join(t("mg_rg_handoff_step", lang, sender=names.get(r.from_group, r.from_group),
                             receiver=names.get(r.to_group, r.to_group), per_month=formats.count(r.handoffs_per_month))
                         for r in part.itertuples())
        place = projects.get(project, project) if isinstance(project, str) else formats.DASH
        lines.append(f"- **{place}**{t('label_sep', lang)}{steps}")
    return "\n".join(lines)


def moves_table(moves: pd.DataFrame, staff_names: dict[str, str], group_names: dict[str, str],
                draft_groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    draft_names = dict(zip(draft_groups["group_id"], draft_groups["name"], strict=True))
    return pd.DataFrame({
        t("mg_person", lang): [staff_names.get(s, s) for s in moves["staff_id"]],
        t("mg_rg_today", lang): [f"{group_names.get(g, g)} · {label(ROLE_LABELS, r, lang)}"
                                 for g, r in zip(moves["group_id_today"], moves["role_in_group_today"], strict=True)],
        t("mg_rg_draft_side", lang): [f"{draft_names.get(g, g)} · {label(ROLE_LABELS, r, lang)}"
                                      for g, r in zip(moves["group_id_draft"], moves["role_in_group_draft"], strict=True)],
    })

