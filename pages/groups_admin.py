"""小组管理 Groups: the groups (split basis, project, leader), their members over time, and
moves with an effective date — refused with the reason when a rule breaks, nothing changed."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from analytics.membership import ROLES_IN_GROUP, Stint
from db import groups
from domain import GROUP_BASES, PHASES
from ui import manage_shared as ms
from ui import tables_groups_admin as ga
from ui.context import page_context, record_action
from ui.database import load, open_connection
from ui.i18n import BASIS_LABELS, ROLE_LABELS, label, t

ctx = page_context()
lang, as_of = ctx.lang, ctx.choices.as_of
NEW = "__new__"

st.title(t("page_groups_admin", lang))
st.caption(t("mg_groups_intro", lang, as_of=as_of.isoformat()))
if flash := st.session_state.pop("mg_flash_groups", None):
    st.success(flash, icon=":material/check_circle:")

overview = ctx.scope.visible_groups(load(groups.group_overview, as_of))   # a manager: their projects
directory = load(groups.staff_directory, as_of)
staff_names = dict(zip(directory["staff_id"], directory["name"], strict=True))
group_names = dict(zip(overview["group_id"], overview["name"], strict=True))
projects = ctx.choices.projects


def write(action, success: str) -> None:
    """Run a write; on success keep the message for the next run and rerun (fresh reads)."""
    try:
        with open_connection() as con:
            action(con)
            record_action(con, "groups", success)
    except groups.MembershipRefused as refused:
        st.error(ms.refusal_text(refused.problems, staff_names, group_names, lang), icon=":material/block:")
    except groups.GroupRefused as refused:
        st.error(t(f"mg_refused_{refused.kind}", lang, detail=refused.detail), icon=":material/block:")
    else:
        st.session_state["mg_flash_groups"] = success
        st.rerun()


# --- the groups ---
st.subheader(t("mg_structure_header", lang))
if overview.empty:
    st.info(t("mg_no_groups", lang), icon=":material/info:")
else:
    st.dataframe(ga.group_table(overview, lang), hide_index=True, width="stretch")
with st.expander(t("mg_group_edit", lang), icon=":material/edit:"):
    picked = st.selectbox(t("mg_group_pick", lang), [NEW, *overview["group_id"]], key="mg_group_pick",
                          format_func=lambda g: t("mg_group_new", lang) if g == NEW else group_names[g])
    row = overview.set_index("group_id").loc[picked] if picked != NEW else None
    with st.form("mg_group_form"):
        left, right = st.columns(2)
        group_id = left.text_input(t("mg_group_id", lang), value="" if row is None else picked,
                                   disabled=row is not None, key=f"mg_group_id_{picked}")
        name = right.text_input(t("mg_group_name", lang), value="" if row is None else row["name"],
                                key=f"mg_group_name_{picked}")
        basis = left.selectbox(t("basis", lang), GROUP_BASES, key=f"mg_group_basis_{picked}",
                               index=0 if row is None else GROUP_BASES.index(row["basis"]),
                               format_func=lambda b: label(BASIS_LABELS, b, lang))
        project = right.selectbox(t("project", lang), [None, *projects], key=f"mg_group_project_{picked}",
                                  index=0 if row is None or row["project_id"] not in projects
                                  else [None, *projects].index(row["project_id"]),
                                  format_func=lambda p: t("mg_none", lang) if p is None else projects[p])
        phase = left.selectbox(t("mg_phase", lang), [None, *PHASES], key=f"mg_group_phase_{picked}",
                               index=0 if row is None or row["phase"] not in PHASES else 1 + PHASES.index(row["phase"]),
                               format_func=lambda p: t("mg_none", lang) if p is None else t(f"mg_phase_{p}", lang),
                               help=t("mg_phase_help", lang))
        if st.form_submit_button(t("mg_group_save", lang), type="primary"):
            write(lambda con: groups.save_group(con, group_id if row is None else picked, name, basis, project, phase),
                  t("mg_group_saved", lang, name=name))

# --- members and history ---
st.subheader(t("mg_members_header", lang))
if overview.empty:
    st.stop()
shown = st.segmented_control(t("group", lang), list(overview["group_id"]), key="mg_members_group",
                             default=overview["group_id"].iloc[0], format_func=group_names.get) \
    or overview["group_id"].iloc[0]
history = load(groups.membership_history, shown)
members, planned, past = ga.members_frames(history, as_of, lang)
st.dataframe(members, hide_index=True, width="stretch")
if not planned.empty:
    st.caption(t("mg_planned_caption", lang))
    st.dataframe(planned, hide_index=True, width="stretch")
with st.expander(t("mg_history_header", lang, n=len(past)), icon=":material/history:"):
    if past.empty:
        st.caption(t("mg_history_none", lang))
    else:
        st.dataframe(past, hide_index=True, width="stretch")

# --- a move, an appointment, a departure ---
st.subheader(t("mg_move_header", lang))
st.caption(t("mg_move_caption", lang))
order = {g: i for i, g in enumerate(overview["group_id"])}
active = directory[directory["active"]].assign(_order=lambda f: f["group_id"].map(order).fillna(len(order)))
active = active.sort_values(["_order", "staff_id"], kind="stable")   # people in groups first, by group
person_labels = ga.person_labels(directory, group_names, lang)
with st.form("mg_move_form"):
    left, middle, right, last = st.columns([3, 3, 2, 2])
    person = left.selectbox(t("mg_person", lang), list(active["staff_id"]), key="mg_move_person",
                            format_func=person_labels.get)
    target = middle.selectbox(t("mg_to_group", lang), [*overview["group_id"], None], key="mg_move_group",
                              format_func=lambda g: t("mg_leave_group", lang) if g is None else group_names[g])
    role = right.selectbox(t("mg_role", lang), ROLES_IN_GROUP, index=ROLES_IN_GROUP.index("consultant"),
                           key="mg_move_role", format_func=lambda r: label(ROLE_LABELS, r, lang))
    effective = last.date_input(t("mg_effective", lang), value=as_of, key="mg_move_date")
    if st.form_submit_button(t("mg_move_submit", lang), type="primary"):
        write(lambda con: groups.move_member(con, person, target, role, effective),
              ga.move_done_text(staff_names.get(person, person), group_names.get(target), role, effective, lang))

with st.expander(t("mg_past_header", lang), icon=":material/edit_calendar:"):
    st.caption(t("mg_past_caption", lang))
    with st.form("mg_past_form"):
        left, middle, right = st.columns(3)
        person = left.selectbox(t("mg_person", lang), list(directory["staff_id"]), key="mg_past_person",
                                format_func=person_labels.get)
        target = middle.selectbox(t("group", lang), list(overview["group_id"]), key="mg_past_group",
                                  format_func=group_names.get)
        role = right.selectbox(t("mg_role", lang), ROLES_IN_GROUP, index=ROLES_IN_GROUP.index("consultant"),
                               key="mg_past_role", format_func=lambda r: label(ROLE_LABELS, r, lang))
        start = left.date_input(t("mg_from", lang), value=date(as_of.year - 1, 1, 1), key="mg_past_from")
        last_day = middle.date_input(t("mg_last_day", lang), value=date(as_of.year - 1, 12, 31), key="mg_past_to")
        if st.form_submit_button(t("mg_past_submit", lang)):
            stint = Stint(person, target, role, start, last_day + timedelta(days=1))   # stored end is exclusive
            write(lambda con: groups.add_past_stint(con, stint),
                  t("mg_past_done", lang, name=staff_names.get(person, person), group=group_names[target]))
