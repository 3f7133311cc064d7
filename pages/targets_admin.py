"""目标设置 Set targets: a month's targets per group (and per consultant) in an editable table,
saved as upserts into `targets`; a group's target split across its members, equally or by weight."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from analytics.kpis import kpi_table
from analytics.membership import NON_SELLING_ROLES, split_target
from analytics.pacing import month_bounds
from db import groups
from db.queries import kpi_aggregates
from ui import tables_targets_admin as ta
from ui.context import page_context, record_action
from ui.database import load, open_connection
from ui.i18n import ROLE_LABELS, label, t
from ui.periods import previous_month_start

ctx = page_context()
lang, as_of = ctx.lang, ctx.choices.as_of
this_month = as_of.replace(day=1)


def month_offset(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def write(action, success: str) -> None:
    """Run a write; on success rerun with fresh reads and fresh editors, the message kept."""
    try:
        with open_connection() as con:
            action(con)
            record_action(con, "targets", success)
    except groups.GroupRefused as refused:
        st.error(t(f"mg_refused_{refused.kind}", lang, detail=refused.detail), icon=":material/block:")
        return
    st.session_state["mg_flash_targets"] = success
    st.session_state["_mg_tgt_version"] = st.session_state.get("_mg_tgt_version", 0) + 1
    st.rerun()


def number_columns(metrics=ta.TARGET_COLUMNS) -> dict:
    formats = {"won_amount": "localized", "csat": "%.2f"}
    return {m: st.column_config.NumberColumn(ta.target_label(m, lang), min_value=0.0,
                                             max_value=5.0 if m == "csat" else None, format=formats.get(m, "localized"),
                                             step=0.01 if m == "csat" else 0.1 if m == "won_amount" else 1.0)
            for m in metrics}


st.title(t("page_targets_admin", lang))
st.caption(t("mg_targets_intro", lang))
if flash := st.session_state.pop("mg_flash_targets", None):
    st.success(flash, icon=":material/check_circle:")
overview = ctx.scope.visible_groups(load(groups.group_overview, as_of))
if overview.empty:
    st.info(t("mg_no_groups", lang), icon=":material/info:")
    st.stop()
months = [month_offset(this_month, k) for k in range(-3, 4)]
month = st.selectbox(t("mg_tgt_month", lang), months, index=months.index(month_offset(this_month, 1)),
                     key="mg_tgt_month", format_func=lambda m: ta.month_option(m, this_month, lang))
version = st.session_state.get("_mg_tgt_version", 0)
group_ids = list(overview["group_id"])
group_names = dict(zip(overview["group_id"], overview["name"], strict=True))

# --- group targets ---
st.subheader(t("mg_tgt_group_header", lang, month=f"{month:%Y-%m}"))
frame = ta.target_editor_frame(group_ids, group_names, load(groups.targets_for_month, "group", month))
edited = st.data_editor(frame, key=f"mg_tgt_editor_{month:%Y%m}_{version}", hide_index=True, width="stretch",
                        placeholder="",
                        disabled=["name"], column_config={"name": st.column_config.TextColumn(t("group", lang)),
                                                          **number_columns()})
changes = ta.target_changes(frame, edited)
st.caption(t("mg_tgt_pending", lang, n=len(changes)) if changes else t("mg_tgt_blank_help", lang))
if st.button(t("mg_tgt_save", lang), type="primary", disabled=not changes, key="mg_tgt_save"):
    write(lambda con: groups.save_targets(con, "group", month, changes), t("mg_tgt_saved", lang, n=len(changes)))
reference_last = previous_month_start(as_of)
reference_first = month_offset(reference_last, -2)
window = replace(ctx.filters, start=reference_first, end=month_bounds(reference_last)[1], group_ids=(),
                 source_channels=(), customer_types=())
with st.expander(t("mg_tgt_reference", lang, start=f"{reference_first:%Y-%m}", end=f"{reference_last:%Y-%m}"),
                 icon=":material/history:"):
    kpis = kpi_table(load(kpi_aggregates, window, "group"), "group")
    st.dataframe(ta.reference_frame(kpis, group_ids, group_names, "group", 3, lang), hide_index=True, width="stretch")

# --- a group's target split across its members ---
st.subheader(t("mg_split_header", lang))
st.caption(t("mg_split_caption", lang))
group_targets = load(groups.targets_for_month, "group", month)
targeted = group_targets[group_targets["metric"].isin(ta.SPLIT_METRICS)]
with_targets = [g for g in group_ids if g in set(targeted["scope_id"])] or group_ids
left, middle, right = st.columns([3, 3, 2])
group_id = left.selectbox(t("group", lang), group_ids, index=group_ids.index(with_targets[0]), key="mg_split_group",
                          format_func=group_names.get)
choices = [m for m in ta.SPLIT_METRICS if m in set(targeted.loc[targeted["scope_id"] == group_id, "metric"])] \
    or list(ta.SPLIT_METRICS)
metric = middle.selectbox(t("mg_split_metric", lang), choices, key="mg_split_metric",
                          format_func=lambda m: ta.target_label(m, lang))
mode = right.radio(t("mg_split_mode", lang), ("equal", "weight"), key="mg_split_mode", horizontal=True,
                   format_func=lambda m: t(f"mg_split_{m}", lang))
roster = load(groups.staff_directory, month)
members = roster[(roster["group_id"] == group_id) & ~roster["role_in_group"].isin(NON_SELLING_ROLES)]
staff_names = dict(zip(roster["staff_id"], roster["name"], strict=True))
total = group_targets[(group_targets["scope_id"] == group_id) & (group_targets["metric"] == metric)]["value"]
staff_targets = load(groups.targets_for_month, "staff", month)
if members.empty:
    st.info(t("mg_split_no_members", lang, group=group_names[group_id], month=f"{month:%Y-%m}"), icon=":material/info:")
elif total.empty:
    st.info(t("mg_split_no_target", lang, group=group_names[group_id], metric=ta.target_label(metric, lang),
              month=f"{month:%Y-%m}"),
            icon=":material/info:")
else:
    weights = {s: 1.0 for s in members["staff_id"]}
    if mode == "weight":
        table = members[["staff_id", "name", "role_in_group"]].assign(
            role_in_group=[label(ROLE_LABELS, r, lang) for r in members["role_in_group"]], weight=1.0)
        picked = st.data_editor(table, key=f"mg_split_weights_{group_id}_{version}", hide_index=True, width="stretch",
                                disabled=["staff_id", "name", "role_in_group"], column_config={
                                    "staff_id": None, "name": st.column_config.TextColumn(t("mg_person", lang)),
                                    "role_in_group": st.column_config.TextColumn(t("mg_role", lang)),
                                    "weight": st.column_config.NumberColumn(t("mg_weight", lang), min_value=0.0, step=0.1)})
        weights = dict(zip(picked["staff_id"], picked["weight"].fillna(0.0).astype(float), strict=True))
    existing = staff_targets[staff_targets["metric"] == metric].set_index("scope_id")["value"].to_dict()
    try:
        parts = split_target(float(total.iloc[0]), weights, unit=ta.WAN if metric == "won_amount" else 1)
    except ValueError:
        st.warning(t("mg_split_no_weight", lang), icon=":material/warning:")
    else:
        st.markdown(t("mg_split_total", lang, group=group_names[group_id], metric=ta.target_label(metric, lang),
                      total=ta.target_value_text(float(total.iloc[0]), metric), n=len(parts)))
        st.dataframe(ta.split_preview(parts, weights, existing, staff_names, metric, lang), hide_index=True,
                     width="stretch")
        if st.button(t("mg_split_save", lang), key="mg_split_save"):
            write(lambda con: groups.save_targets(con, "staff", month, [(s, metric, v) for s, v in parts.items()]),
                  t("mg_split_saved", lang, n=len(parts), group=group_names[group_id]))

# --- consultants' targets of the group, edited directly ---
with st.expander(t("mg_staff_targets_header", lang, group=group_names[group_id], month=f"{month:%Y-%m}"),
                 icon=":material/person:"):
    ids = list(members["staff_id"])
    if ids:
        mine = staff_targets[staff_targets["scope_id"].isin(ids)]
        staff_frame = ta.target_editor_frame(ids, staff_names, mine)
        staff_edited = st.data_editor(staff_frame, key=f"mg_staff_editor_{group_id}_{month:%Y%m}_{version}",
                                      hide_index=True, width="stretch", disabled=["name"], placeholder="",
                                      column_config={"name": st.column_config.TextColumn(t("mg_person", lang)),
                                                     **number_columns()})
        staff_changes = ta.target_changes(staff_frame, staff_edited)
        if st.button(t("mg_tgt_save", lang), disabled=not staff_changes, key="mg_staff_save"):
            write(lambda con: groups.save_targets(con, "staff", month, staff_changes),
                  t("mg_tgt_saved", lang, n=len(staff_changes)))
    else:
        st.caption(t("mg_split_no_members", lang, group=group_names[group_id], month=f"{month:%Y-%m}"))
