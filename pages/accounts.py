"""账户与审计 Accounts & audit (administrators only): who may sign in with which role and scope,
and the audit log of sign-ins, imports, undos, exports and changes."""

from __future__ import annotations

import streamlit as st

from db import accounts, audit, groups
from ui.access_views import account_frame, audit_frame
from ui.context import page_context
from ui.database import load, open_connection
from ui.i18n import t

ctx = page_context()
lang, me = ctx.lang, ctx.account
NEW = "__new__"

st.title(t("page_accounts", lang))
if me is None or me.role != "admin":           # the menu hides it; a typed URL must not open it
    st.error(t("ac_out_of_scope", lang), icon=":material/block:")
    st.stop()
if flash := st.session_state.pop("ac_flash", None):
    st.success(flash, icon=":material/check_circle:")

table = load(accounts.account_table)
directory = load(groups.staff_directory, ctx.choices.as_of)
staff_names = dict(zip(directory["staff_id"], directory["name"], strict=True))
projects = ctx.choices.projects            # an admin's choices: every project


def write(action, success: str, detail: str) -> None:
    """Run an account change and log it; a refusal shows its reason and changes nothing."""
    try:
        with open_connection() as con:
            action(con)
            audit.record(con, me.username, "account", detail)
    except accounts.AccountRefused as refused:
        st.error(t(f"ac_refused_{refused.kind}", lang, detail=refused.detail), icon=":material/block:")
    else:
        st.session_state["ac_flash"] = success
        st.rerun()


def role_fields(prefix: str, row=None) -> dict:
    """Role, staff record, projects and the personal-data grant (a new account or a change)."""
    left, right = st.columns(2)
    role = left.selectbox(t("ac_role", lang), accounts.ACCOUNT_ROLES, key=f"{prefix}_role",
                          index=accounts.ACCOUNT_ROLES.index(row["role"]) if row is not None else 1,
                          format_func=lambda r: t(f"ac_role_{r}", lang))
    staff_options = [None, *staff_names]
    staff = right.selectbox(t("ac_staff", lang), staff_options, key=f"{prefix}_staff",
                            index=staff_options.index(row["staff_id"]) if row is not None
                            and row["staff_id"] in staff_names else 0,
                            format_func=lambda s: t("mg_none", lang) if s is None else f"{staff_names[s]} ({s})")
    chosen = st.multiselect(t("ac_projects", lang), list(projects), format_func=projects.get, key=f"{prefix}_projects",
                            default=[p for p in (row["project_ids"] if row is not None else []) if p in projects])
    personal = st.checkbox(t("ac_personal", lang), key=f"{prefix}_personal",
                           value=bool(row["personal_data"]) if row is not None else False)
    return {"role": role, "staff_id": staff, "project_ids": tuple(chosen), "personal_data": personal}


st.subheader(t("ac_accounts_header", lang))
st.dataframe(account_frame(table, staff_names, projects, lang), hide_index=True, width="stretch")

with st.expander(t("ac_add_header", lang), icon=":material/person_add:"), st.form("ac_new", clear_on_submit=True):
    left, right = st.columns(2)
    username = left.text_input(t("ac_username", lang))
    display = right.text_input(t("ac_display_name", lang))
    password = st.text_input(t("ac_password", lang), type="password")
    fields = role_fields("ac_new")
    if st.form_submit_button(t("ac_add_button", lang), type="primary"):
        write(lambda con: accounts.create_account(con, username, display, password, **fields),
              t("ac_created", lang, username=username.strip()),
              f"created {username.strip()} as {fields['role']}")

if not table.empty:
    with st.expander(t("ac_edit_header", lang), icon=":material/edit:"):
        picked = st.selectbox(t("ac_pick", lang), list(table["username"]), key="ac_pick")
        row = table.set_index("username").loc[picked]
        with st.form("ac_edit"):
            fields = role_fields(f"ac_edit_{picked}", row)
            disabled = st.checkbox(t("ac_disable", lang), value=bool(row["disabled"]), key=f"ac_dis_{picked}")
            new_password = st.text_input(t("ac_new_password", lang), type="password", key=f"ac_pw_{picked}")
            if st.form_submit_button(t("ac_save", lang), type="primary"):
                def change(con, picked=picked, fields=fields, disabled=disabled, new_password=new_password):
                    if new_password:       # first: a too-short password refuses the whole change
                        accounts.set_password(con, picked, new_password)
                    accounts.update_account(con, picked, disabled=disabled, **fields)
                write(change, t("ac_saved", lang, username=picked),
                      f"{picked}: role {fields['role']}, staff {fields['staff_id']}, projects "
                      f"{','.join(fields['project_ids']) or '-'}, personal data {fields['personal_data']}, "
                      f"disabled {disabled}{', password reset' if new_password else ''}")

st.subheader(t("ac_audit_header", lang))
action = st.selectbox(t("ac_audit_action", lang), [None, *audit.ACTIONS], key="ac_audit_action",
                      format_func=lambda a: t("ac_audit_all", lang) if a is None else t(f"ac_action_{a}", lang))
entries = load(audit.audit_entries, action)
if entries.empty:
    st.info(t("ac_audit_empty", lang), icon=":material/info:")
else:
    st.dataframe(audit_frame(entries, lang), hide_index=True, width="stretch")
