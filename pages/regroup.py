"""分组方案模拟 What-if regrouping: draft a new grouping (move people, switch a group's split basis,
add a group), compare it with today's on its people's past, save it, and apply it on a date."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from analytics.membership import ROLES_IN_GROUP
from analytics.regroup import (
    compare_groupings,
    draft_moves,
    draft_people,
    grouping_summary,
    handoff_points,
    with_closing_record,
)
from db import groups, regroup
from domain import GROUP_BASES, PHASES
from ui import charts_regroup as cr
from ui import manage_shared as ms
from ui import tables_regroup as tr
from ui.components import show_chart
from ui.context import page_context, record_action
from ui.database import load, open_connection
from ui.i18n import BASIS_LABELS, ROLE_LABELS, label, t

ctx = page_context()
lang, as_of = ctx.lang, ctx.choices.as_of
NEW = 0

st.title(t("page_regroup", lang))
st.caption(t("mg_regroup_intro", lang))
if flash := st.session_state.pop("mg_flash_regroup", None):
    st.success(flash, icon=":material/check_circle:")


def write(action, success, *, select=None) -> None:
    """Run a write; on success rerun with fresh editors (and the draft `select(result)` picked)."""
    try:
        with open_connection() as con:
            result = action(con)
            record_action(con, "regroup", success(result) if callable(success) else success)
    except groups.MembershipRefused as refused:
        st.error(ms.refusal_text(refused.problems, staff_names, group_names, lang), icon=":material/block:")
        return
    except groups.GroupRefused as refused:
        st.error(t(f"mg_refused_{refused.kind}", lang, detail=refused.detail), icon=":material/block:")
        return
    st.session_state["mg_flash_regroup"] = success(result) if callable(success) else success
    st.session_state["_mg_rg_version"] = st.session_state.get("_mg_rg_version", 0) + 1
    if select is not None:   # the selectbox exists already: pick the draft on the next run
        st.session_state["_mg_rg_select"] = select(result)
    st.rerun()


today_groups = ctx.scope.visible_groups(load(groups.group_overview, as_of))
if today_groups.empty:
    st.info(t("mg_no_groups", lang), icon=":material/info:")
    st.stop()
group_names = dict(zip(today_groups["group_id"], today_groups["name"], strict=True))
left, right = st.columns([3, 2])
saved = load(regroup.drafts)
if "_mg_rg_select" in st.session_state:
    st.session_state["mg_rg_draft"] = st.session_state.pop("_mg_rg_select")
draft_id = left.selectbox(t("mg_rg_draft", lang), [NEW, *saved["draft_id"]], key="mg_rg_draft",
                          format_func=lambda d: tr.draft_option(saved, d, lang))
months = right.segmented_control(t("mg_rg_months", lang), (3, 6, 12), default=6, key="mg_rg_months",
                                 format_func=lambda m: t("mg_months", lang, months=m)) or 6
people = with_closing_record(load(regroup.regroup_people, as_of, months), today_groups)
staff_names = dict(zip(people["staff_id"], people["name"], strict=True))
version = st.session_state.get("_mg_rg_version", 0)
start_groups, start_members = tr.draft_start(today_groups, people, load(regroup.draft_groups, draft_id),
                                             load(regroup.draft_members, draft_id), draft_id != NEW)

# --- the draft: its groups, then who is where ---
st.subheader(t("mg_rg_groups_header", lang))
st.caption(t("mg_rg_groups_caption", lang))
projects = ctx.choices.projects
edited_groups = st.data_editor(
    tr.draft_groups_editor(start_groups, projects, lang), key=f"mg_rg_groups_{draft_id}_{version}", num_rows="dynamic",
    hide_index=True, width="stretch", placeholder="", column_config={
        "group_id": None,
        "name": st.column_config.TextColumn(t("mg_group_name", lang), required=True),
        "basis": st.column_config.SelectboxColumn(t("basis", lang), required=True,
                                                  options=[label(BASIS_LABELS, b, lang) for b in GROUP_BASES]),
        "phase": st.column_config.SelectboxColumn(t("mg_phase", lang), options=[ms.phase_text(p, lang) for p in PHASES],
                                                  help=t("mg_phase_help", lang)),
        "project": st.column_config.SelectboxColumn(t("project", lang), options=list(projects.values()))})
draft_groups = tr.draft_groups_from_editor(edited_groups, projects, lang)
st.subheader(t("mg_rg_people_header", lang))
edited_people = st.data_editor(
    tr.draft_people_editor(people, start_members, draft_groups, group_names, lang),
    key=f"mg_rg_people_{draft_id}_{version}", hide_index=True, width="stretch",
    disabled=["staff_id", "name", "today"], column_config={
        "staff_id": None, "name": st.column_config.TextColumn(t("mg_person", lang)),
        "today": st.column_config.TextColumn(t("mg_rg_today", lang)),
        "group": st.column_config.SelectboxColumn(t("mg_rg_draft_group", lang), options=list(draft_groups["name"]),
                                                  required=True),
        "role": st.column_config.SelectboxColumn(t("mg_rg_draft_role", lang), required=True,
                                                 options=[label(ROLE_LABELS, r, lang) for r in ROLES_IN_GROUP])})
draft_members = tr.draft_members_from_editor(edited_people, draft_groups, lang)

# --- today against the draft ---
st.subheader(t("mg_rg_compare_header", lang, months=months))
today = grouping_summary(people, today_groups, as_of=as_of, months=months)
draft = grouping_summary(draft_people(people, draft_members), draft_groups, as_of=as_of, months=months)
compared = compare_groupings(today, draft)
crossings = load(regroup.phase_crossings, as_of, months)
points_today, points_draft = handoff_points(today_groups, crossings), handoff_points(draft_groups, crossings)
moves = draft_moves(people, draft_members)
for column, (title, value, note) in zip(st.columns(4), tr.regroup_headline(
        today, draft, moves, points_today, points_draft, lang), strict=True):
    with column, st.container(border=True):
        st.metric(title, value)
        st.caption(note or "\u00a0")
show_chart(cr.regroup_figure(compared, lang), width="stretch", key="mg_rg_chart")
st.dataframe(tr.compare_table(compared, lang), hide_index=True, width="stretch")
st.caption(t("mg_rg_compare_caption", lang, months=months))
left, right = st.columns(2)
with left:
    st.markdown(f"**{t('mg_rg_handoffs_today', lang)}**  \n"
                + tr.handoff_text(points_today, group_names, projects, lang))
with right:
    st.markdown(f"**{t('mg_rg_handoffs_draft', lang)}**  \n"
                + tr.handoff_text(points_draft, dict(zip(draft_groups["group_id"], draft_groups["name"], strict=True)),
                                  projects, lang))
show_chart(cr.tenure_figure(draft_people(people, draft_members), draft_groups, as_of, lang), width="stretch",
                key="mg_rg_tenure")
if not moves.empty:
    with st.expander(t("mg_rg_moves", lang, n=len(moves)), icon=":material/swap_horiz:"):
        st.dataframe(tr.moves_table(moves, staff_names, group_names, draft_groups, lang), hide_index=True,
                     width="stretch")

# --- save, apply ---
st.subheader(t("mg_rg_save_header", lang))
with st.form(f"mg_rg_save_form_{draft_id}_{version}"):
    left, right = st.columns([2, 3])
    current = saved.set_index("draft_id").loc[draft_id] if draft_id != NEW else None
    name = left.text_input(t("mg_rg_name", lang), value="" if current is None else current["name"], key="mg_rg_name")
    note = right.text_input(t("mg_rg_note", lang), value="" if current is None or current["note"] is None
                            else current["note"], key="mg_rg_note")
    as_new = st.checkbox(t("mg_rg_save_as_new", lang), value=draft_id == NEW, disabled=draft_id == NEW,
                         key="mg_rg_as_new")
    if st.form_submit_button(t("mg_rg_save", lang), type="primary"):
        target = None if as_new else draft_id
        write(lambda con: regroup.save_draft(con, name, note or None, draft_groups, draft_members, target),
              t("mg_rg_saved", lang, name=name.strip()), select=lambda new_id: new_id)
if draft_id == NEW:
    st.caption(t("mg_rg_apply_needs_save", lang))
else:
    with st.form(f"mg_rg_apply_form_{draft_id}_{version}"):
        st.markdown(t("mg_rg_apply_text", lang, n=len(moves)))
        left, right = st.columns([1, 2])
        effective = left.date_input(t("mg_effective", lang), value=as_of + timedelta(days=1), key="mg_rg_effective")
        sure = right.checkbox(t("mg_rg_apply_sure", lang), key="mg_rg_apply_sure")
        if st.form_submit_button(t("mg_rg_apply", lang)):
            if not sure:
                st.warning(t("mg_rg_apply_confirm", lang), icon=":material/warning:")
            else:
                write(lambda con: regroup.apply_draft(con, draft_id, effective),
                      lambda moved: t("mg_rg_applied", lang, n=moved, day=effective.isoformat()))
    if st.button(t("mg_rg_delete", lang), key="mg_rg_delete"):
        write(lambda con: regroup.delete_draft(con, draft_id), t("mg_rg_deleted", lang), select=lambda _: NEW)
