"""What-if regrouping (分组方案模拟): a draft grouping compared with today's, from people's past.

A group in a draft has no history of its own; what it would be is read from the people in it:
their open deals today (an owner keeps their deals when they move), the deals they closed
themselves in the look-back window (conversion = won / (won + lost), with n and a 95% Wilson
interval; won amount per month), and their tenure from staff.hired_on. A stage-based split adds
hand-off points: each phase a later stage group owns is a place where a customer changes hands,
and the deals that crossed into that phase per month estimate how often it happens.
Nothing here reads a database or mutates its inputs.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from analytics.stats import DEFAULT_MIN_N, wilson_intervals
from domain import PHASES

NON_SELLING_ROLES = ("analyst", "manager")
NEWCOMER_YEARS = 1.0
COMPARED = ("headcount", "open_per_person", "conversion", "won_amount_per_month", "tenure_median")


def draft_people(people: pd.DataFrame, draft: pd.DataFrame) -> pd.DataFrame:
    """`people` with group_id and role_in_group taken from `draft` (staff_id, group_id,
    role_in_group) for everyone the draft lists; others keep today's."""
    planned = draft.set_index("staff_id")
    group = people["staff_id"].map(planned["group_id"]).fillna(people["group_id"])
    role = people["staff_id"].map(planned["role_in_group"]).fillna(people["role_in_group"])
    return people.assign(group_id=group.astype("str"), role_in_group=role.astype("str"))


def with_closing_record(people: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """`people` plus `closes_own`: False for members of a stage group that hands its deals on
    (its phase is not 'closing'): their closes say nothing about how they would close, because
    closing was another group's job. Read it from today's groups, before drafting."""
    hands_on = groups.set_index("group_id").apply(
        lambda g: g["basis"] == "stage" and g["phase"] != "closing", axis=1)
    closes_own = ~people["group_id"].map(hands_on).fillna(False).astype(bool)
    return people.assign(closes_own=closes_own)


def tenure_years(hired_on: pd.Series, as_of: date) -> pd.Series:
    """Years from hired_on to as_of (NaN when unknown)."""
    return (pd.Timestamp(as_of) - pd.to_datetime(hired_on)).dt.days / 365.25


def grouping_summary(people: pd.DataFrame, groups: pd.DataFrame, *, as_of: date, months: int,
                     min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """One row per group of `groups` (in its order), from the sellers assigned to it.

    `people`: staff_id, group_id, role_in_group, hired_on, open_deals, won_deals, lost_deals,
    won_amount (closed by them in the last `months` months), closes_own (with_closing_record;
    all True when absent). Sellers exclude analysts and managers (they carry no deals).
    Columns: group_id, name, basis, phase, project_id, members (everyone), headcount (sellers),
    open_deals, open_per_person, won_deals, closed, conversion (+ _low, _high, _too_few when
    closed < min_n), won_amount_per_month, per_capita_won_amount_per_month (over the sellers
    with a closing record), no_record (sellers without one: their past closes are left out),
    tenure_median/_min/_max (years, sellers), newcomers (sellers under a year). An empty group
    has zeros and NaN rates.
    """
    sellers = people[~people["role_in_group"].isin(NON_SELLING_ROLES)]
    own = sellers["closes_own"] if "closes_own" in sellers.columns else pd.Series(True, index=sellers.index)
    sellers = sellers.assign(tenure=tenure_years(sellers["hired_on"], as_of), closes_own=own.astype(bool),
                             **{c: sellers[c].where(own, 0) for c in ("won_deals", "lost_deals", "won_amount")})
    by = sellers.groupby("group_id")
    stats = pd.DataFrame({
        "headcount": by.size(), "open_deals": by["open_deals"].sum(), "won_deals": by["won_deals"].sum(),
        "lost_deals": by["lost_deals"].sum(), "won_amount": by["won_amount"].sum(),
        "with_record": by["closes_own"].sum(),
        "tenure_median": by["tenure"].median(), "tenure_min": by["tenure"].min(), "tenure_max": by["tenure"].max(),
        "newcomers": by["tenure"].apply(lambda t: int((t < NEWCOMER_YEARS).sum())),
    })
    members = people.groupby("group_id").size().rename("members")
    base = groups[["group_id", "name", "basis", "phase", "project_id"]].set_index("group_id")
    table = base.join(members).join(stats).reset_index()
    counts = ["members", "headcount", "open_deals", "won_deals", "lost_deals", "newcomers", "with_record"]
    table = table.assign(**{c: table[c].fillna(0).astype("int64") for c in counts},
                         won_amount=table["won_amount"].fillna(0.0))
    closed = table["won_deals"] + table["lost_deals"]
    bounds = wilson_intervals(table["won_deals"], closed)
    heads = table["headcount"].where(table["headcount"] > 0)
    closers = table["with_record"].where(table["with_record"] > 0)
    return table.assign(
        open_per_person=table["open_deals"] / heads, closed=closed,
        conversion=table["won_deals"] / closed.where(closed > 0),
        conversion_low=bounds["low"], conversion_high=bounds["high"], conversion_too_few=closed < min_n,
        won_amount_per_month=(table["won_amount"] / months).where(table["with_record"] > 0),
        per_capita_won_amount_per_month=table["won_amount"] / months / closers,
        no_record=table["headcount"] - table["with_record"],
    ).drop(columns=["with_record"])


def compare_groupings(today: pd.DataFrame, draft: pd.DataFrame) -> pd.DataFrame:
    """Today's and the draft's summaries side by side: one row per group either side has
    (draft order first), every summary column as `<col>_today` and `<col>_draft`, and
    `<col>_change` (draft − today) for the COMPARED columns. A group only one side has shows
    NaN on the other; name, basis and phase are the draft's where it has the group."""
    labels = ["name", "basis", "phase", "project_id"]
    measures = [c for c in draft.columns if c not in ("group_id", *labels)]
    merged = draft[["group_id", *labels, *measures]].merge(
        today[["group_id", *labels, *measures]], on="group_id", how="outer", suffixes=("_draft", "_today"), sort=False)
    merged = merged.assign(**{c: merged[f"{c}_draft"].fillna(merged[f"{c}_today"]) for c in labels})
    merged = merged.drop(columns=[f"{c}_{side}" for c in labels for side in ("draft", "today")])
    order: dict[str, int] = {}
    for group_id in [*draft["group_id"], *today["group_id"]]:
        order.setdefault(group_id, len(order))
    merged = merged.assign(_order=merged["group_id"].map(order)).sort_values("_order", kind="stable")
    merged = merged.drop(columns="_order").reset_index(drop=True)
    return merged.assign(**{f"{c}_change": merged[f"{c}_draft"] - merged[f"{c}_today"] for c in COMPARED})


def handoff_points(groups: pd.DataFrame, crossings: pd.DataFrame) -> pd.DataFrame:
    """Per project with stage groups: where deals change hands and about how often.

    `groups`: group_id, name, basis, phase, project_id. A stage group owns its phase (and the
    phases after it that no group owns); a deal is handed on when it enters a phase owned by a
    later stage group. `crossings`: project_id, phase, deals_per_month (deals that reached the
    phase's first stage, per month). Columns: project_id, from_group, to_group, to_phase,
    handoffs_per_month. Projects without stage groups have no rows (nothing is handed on).
    """
    order = {phase: i for i, phase in enumerate(PHASES)}
    staged = groups[(groups["basis"] == "stage") & groups["phase"].isin(PHASES)]
    # Summed once per (project, phase): a filter of every crossing per hand-off cost seconds at 80 案场.
    per_phase = crossings.groupby(["project_id", "phase"])["deals_per_month"].sum().to_dict()
    # Each project's phase owners in phase order, in one sorted frame (a groupby per project with
    # row tuples cost a second at 80 案场); consecutive owners of a project hand deals on.
    ordered = staged.assign(_rank=staged["phase"].map(order)).sort_values(
        ["project_id", "_rank", "group_id"], na_position="last", kind="stable")
    owners = ordered.drop_duplicates(["project_id", "phase"])
    rows = []
    previous = None
    for project, group_id, phase in zip(owners["project_id"], owners["group_id"], owners["phase"], strict=True):
        if previous is not None and (previous[0] == project or (pd.isna(previous[0]) and pd.isna(project))):
            rows.append({"project_id": project, "from_group": previous[1], "to_group": group_id, "to_phase": phase,
                         "handoffs_per_month": float(per_phase.get((project, phase), np.nan))})
        previous = (project, group_id)
    return pd.DataFrame(rows, columns=["project_id", "from_group", "to_group", "to_phase", "handoffs_per_month"])


def draft_moves(today: pd.DataFrame, draft: pd.DataFrame) -> pd.DataFrame:
    """The people whose group or role the draft changes: staff_id, group_id/role_in_group
    today (`_today`) and in the draft (`_draft`)."""
    merged = today[["staff_id", "group_id", "role_in_group"]].merge(
        draft[["staff_id", "group_id", "role_in_group"]], on="staff_id", suffixes=("_today", "_draft"))
    changed = (merged["group_id_today"] != merged["group_id_draft"]) | \
              (merged["role_in_group_today"] != merged["role_in_group_draft"])
    return merged[changed].reset_index(drop=True)
