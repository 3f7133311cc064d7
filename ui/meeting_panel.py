"""Streamlit pieces of the weekly meeting page: digest tiles and lists, action items, minutes.

Writes go through `ui.database.open_connection()` and db.meetings; `st.rerun()` afterwards shows
them at once (cached reads are keyed by the file's version, which the write changed).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from analytics.weekly import week_bounds
from db import meetings
from ui import formats
from ui import weekly_tables as wt
from ui.database import open_connection
from ui.i18n import t
from ui.navigation import case_link, case_link_column
from ui.weekly_data import WeeklyMeeting

# Digest items where a rise is bad news (the tile's delta turns red when it goes up).
WORSE_WHEN_UP = {"stalled", "overdue_followups", "overdue_signings", "overdue_payments"}
LIST_ROWS = 500


def draw_digest_tiles(meeting: WeeklyMeeting, lang: str) -> None:
    """One metric per digest item: this week's count and the change against the week before."""
    counts = meeting.sections["digest"]
    columns = st.columns(4) + st.columns(4)
    for column, row in zip(columns, counts.itertuples(), strict=False):
        delta = None if formats.is_missing(row.change) else f"{int(row.change):+,}"
        color = "inverse" if row.item in WORSE_WHEN_UP else "off" if row.item == "ownership_changes" else "normal"
        with column, st.container(border=True):
            st.metric(t(f"wk_item_{row.item}", lang), formats.count(row.count), delta=delta, delta_color=color,
                      help=t(f"wk_basis_{row.item}", lang, signing=meeting.meta.get("signing_days"),
                             payment=meeting.meta.get("payment_days")))
    st.caption(t("wk_digest_caption", lang, previous=meeting.meta["previous_week"],
                 total=formats.count(meeting.meta.get("stalled_total"))))


def draw_digest_lists(meeting: WeeklyMeeting, names: dict[str, str], lang: str, privacy: bool) -> None:
    """An expander per digest item with its list (customers masked in privacy mode)."""
    id_column, link_column = t("wk_col_deal_id", lang), t("wk_col_deal", lang)
    for row in meeting.sections["digest"].itertuples():
        frame = meeting.list_of(row.item)
        with st.expander(t("wk_list_title", lang, item=t(f"wk_item_{row.item}", lang), n=formats.count(row.count)),
                         icon=":material/list:"):
            if frame.empty:
                st.caption(t("wk_list_empty", lang))
                continue
            shown = wt.list_display(row.item, frame.head(LIST_ROWS), names, lang, privacy)
            shown = shown.rename(columns={id_column: link_column})
            shown[link_column] = [case_link(d, lang, privacy) for d in shown[link_column]]
            st.dataframe(shown, hide_index=True, width="stretch", key=f"wk_list_{row.item}",
                         column_config={link_column: case_link_column(link_column, t("wk_open_case_help", lang))})
            if len(frame) > LIST_ROWS:
                st.caption(t("wk_report_truncated", lang, shown=LIST_ROWS, total=len(frame)))


def _add_action_form(week: str, lang: str) -> None:
    with st.form("wk_add_action", clear_on_submit=True, border=True):
        st.markdown(f"**{t('wk_add_action', lang)}**")
        what = st.text_input(t("wk_col_what", lang), key="wk_new_what", placeholder=t("wk_what_placeholder", lang))
        owner = st.text_input(t("wk_col_owner", lang), key="wk_new_owner")
        due = st.date_input(t("wk_col_due", lang), value=week_bounds(week)[1] + timedelta(days=7), key="wk_new_due")
        if st.form_submit_button(t("wk_save", lang), icon=":material/add_task:", key="wk_add_action_submit"):
            if not what.strip():
                st.warning(t("wk_what_missing", lang))
                return
            with open_connection() as con:
                meetings.add_action(con, week, what, owner, due)
            st.rerun()


def _status_form(week: str, actions: pd.DataFrame, lang: str) -> None:
    with st.form("wk_update_action", border=True):
        st.markdown(f"**{t('wk_update_action', lang)}**")
        labels = {row.action_id: f"#{row.action_id} {row.what}" for row in actions.itertuples()}
        choice = st.selectbox(t("wk_pick_action", lang), list(labels), format_func=labels.get, key="wk_pick_action")
        status = st.radio(t("wk_new_status", lang), meetings.ACTION_STATUSES, horizontal=True, key="wk_new_status",
                          format_func=lambda s: t(f"wk_action_{s}", lang), index=1)
        if st.form_submit_button(t("wk_save", lang), icon=":material/task_alt:", key="wk_status_submit"):
            with open_connection() as con:
                meetings.set_action_status(con, int(choice), status, week)
            st.rerun()


def draw_actions(week: str, actions: pd.DataFrame, lang: str) -> None:
    """This meeting's action items (carried ones included) and the forms to add and close them."""
    st.subheader(t("wk_actions_title", lang))
    if actions.empty:
        st.caption(t("wk_actions_none", lang))
    else:
        st.dataframe(wt.actions_display(actions, week, lang), hide_index=True, width="stretch", key="wk_actions")
    left, right = st.columns(2)
    with left:
        _add_action_form(week, lang)
    with right:
        if not actions.empty:
            _status_form(week, actions, lang)


def draw_notes(week: str, notes: pd.DataFrame, lang: str, privacy: bool) -> None:
    """The minutes of this meeting (editable) and, below, the last meeting's."""
    st.subheader(t("wk_notes_title", lang))
    if privacy:
        st.info(t("wk_notes_hidden", lang), icon=":material/visibility_off:")
        return
    this = notes[notes["week"] == week]
    with st.form("wk_notes_form", border=True):
        body = st.text_area(t("wk_col_notes", lang), value=this["body"].iloc[0] if len(this) else "", height=160,
                            key="wk_notes_body", placeholder=t("wk_notes_placeholder", lang))
        author = st.text_input(t("wk_col_author", lang), value=this["author"].iloc[0] if len(this) and
                               isinstance(this["author"].iloc[0], str) else "", key="wk_notes_author")
        if st.form_submit_button(t("wk_save", lang), icon=":material/save:", key="wk_notes_submit"):
            with open_connection() as con:
                meetings.save_notes(con, week, body, author)
            st.rerun()
    earlier = notes[notes["week"] < week].head(1)
    for row in earlier.itertuples():
        with st.expander(t("wk_notes_last", lang, week=row.week), icon=":material/history:"):
            st.text(row.body)
