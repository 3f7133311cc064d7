"""反馈 Feedback: the suggestion box (anonymous or named, new → discussed → done), each group's weekly
summary (本周总结 / 下周计划) beside its week in numbers, and a monthly review card per consultant
that pre-fills the KPIs and keeps the manager's comment."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pandas as pd
import streamlit as st

from analytics.kpis import kpi_table
from analytics.membership import NON_SELLING_ROLES
from analytics.pacing import month_bounds
from db import feedback
from db.queries import kpi_aggregates
from db.queries.people import staff_roster
from ui import manage_shared as ms
from ui import tables_feedback as tf
from ui.components import empty_state
from ui.context import page_context
from ui.database import load, open_connection
from ui.i18n import listed, t

ctx = page_context()
lang, as_of = ctx.lang, ctx.choices.as_of
everything = replace(ctx.filters, group_ids=(), project_ids=(), source_channels=(), customer_types=())

st.title(t("page_feedback", lang))
st.caption(t("mg_feedback_intro", lang))
if flash := st.session_state.pop("mg_flash_feedback", None):
    st.success(flash, icon=":material/check_circle:")


def write(action, success: str) -> None:
    try:
        with open_connection() as con:
            action(con)
    except ValueError as refused:
        st.error(t("mg_feedback_refused", lang, detail=str(refused)), icon=":material/block:")
        return
    st.session_state["mg_flash_feedback"] = success
    st.session_state["_mg_fb_version"] = st.session_state.get("_mg_fb_version", 0) + 1
    st.rerun()


roster = load(staff_roster, as_of)
staff_names = dict(zip(roster["staff_id"], roster["name"], strict=True))
group_names = dict(ctx.choices.groups)
version = st.session_state.get("_mg_fb_version", 0)
box_tab, weekly_tab, review_tab = st.tabs([t("mg_box_tab", lang), t("mg_weekly_tab", lang), t("mg_review_tab", lang)])

# --- suggestion box ---
with box_tab:
    with st.form("mg_box_form", clear_on_submit=True):
        body = st.text_area(t("mg_box_body", lang), key="mg_box_body", placeholder=t("mg_box_hint", lang))
        left, right = st.columns(2)
        author = left.selectbox(t("mg_box_author", lang), [None, *roster["staff_id"]], key="mg_box_author",
                                format_func=lambda s: t("mg_anonymous", lang) if s is None else staff_names[s],
                                help=t("mg_box_author_help", lang))
        group = right.selectbox(t("mg_box_group", lang), [None, *group_names], key="mg_box_group",
                                format_func=lambda g: t("mg_none", lang) if g is None else group_names[g])
        if st.form_submit_button(t("mg_box_submit", lang), type="primary"):
            write(lambda con: feedback.add_suggestion(con, body, author, group), t("mg_box_thanks", lang))
    box = load(feedback.suggestions)
    if box.empty:
        st.info(t("mg_box_empty", lang), icon=":material/info:")
    else:
        counts = box["status"].value_counts()
        for column, status in zip(st.columns(3), feedback.SUGGESTION_STATUSES, strict=True):
            column.metric(t(f"mg_status_{status}", lang), f"{int(counts.get(status, 0))}")
        shown = tf.suggestions_frame(box, lang)
        edited = st.data_editor(shown, key=f"mg_box_editor_{version}", hide_index=True, width="stretch",
                                disabled=["suggestion_id", "created", "author", "group", "body"],
                                column_config={
                                    "suggestion_id": None,
                                    "created": st.column_config.TextColumn(t("mg_box_created", lang), width="small"),
                                    "author": st.column_config.TextColumn(t("mg_box_author", lang), width="small"),
                                    "group": st.column_config.TextColumn(t("mg_box_group", lang), width="small"),
                                    "body": st.column_config.TextColumn(t("mg_box_body", lang), width="large"),
                                    "status": st.column_config.SelectboxColumn(
                                        t("mg_box_status", lang), options=list(tf.status_labels(lang).values()),
                                        required=True),
                                    "response": st.column_config.TextColumn(t("mg_box_response", lang))})
        changes = tf.suggestion_changes(shown, edited)
        if st.button(t("mg_box_save", lang, n=len(changes)), disabled=not changes, key="mg_box_save"):
            write(lambda con: feedback.update_suggestions(con, changes), t("mg_box_saved", lang, n=len(changes)))

if not group_names:
    for tab in (weekly_tab, review_tab):
        with tab:
            empty_state(lang, "no_database")
    st.stop()

# --- weekly summaries ---
with weekly_tab:
    left, right = st.columns(2)
    group_id = left.selectbox(t("group", lang), list(group_names), key="mg_weekly_group", format_func=group_names.get)
    weeks = tf.recent_mondays(as_of, 8)
    week = right.selectbox(t("mg_weekly_week", lang), weeks, key="mg_weekly_week",
                           format_func=lambda w: tf.week_option(w, as_of, lang))
    history = load(feedback.weekly_summaries, group_id)
    week_window = replace(everything, start=week, end=min(week + timedelta(days=6), as_of))
    numbers = kpi_table(load(kpi_aggregates, week_window, "group"), "group").set_index("group")
    st.markdown(tf.week_numbers_text(numbers, group_id, week_window, lang))
    saved = tf.summary_for(history, week)
    earlier = tf.summary_for(history, week - timedelta(days=7))
    if earlier is not None and earlier["next_plan"]:
        st.caption(t("mg_weekly_last_plan", lang) + earlier["next_plan"])
    with st.form(f"mg_weekly_form_{group_id}_{week:%Y%m%d}_{version}"):
        summary = st.text_area(t("mg_weekly_summary", lang), value=saved["summary"] if saved is not None else "",
                               key=f"mg_weekly_summary_{group_id}_{week:%Y%m%d}", height=120)
        plan = st.text_area(t("mg_weekly_plan", lang), value=saved["next_plan"] if saved is not None else "",
                            key=f"mg_weekly_plan_{group_id}_{week:%Y%m%d}", height=100)
        author = st.text_input(t("mg_weekly_author", lang), value=(saved["author"] or "") if saved is not None else "",
                               key=f"mg_weekly_author_{group_id}_{week:%Y%m%d}")
        if st.form_submit_button(t("mg_weekly_save", lang), type="primary"):
            write(lambda con: feedback.save_weekly_summary(con, group_id, week, summary, plan, author),
                  t("mg_weekly_saved", lang, group=group_names[group_id], week=f"{week:%m-%d}"))
    if history.empty:
        st.caption(t("mg_weekly_none", lang))
    else:
        st.dataframe(tf.summaries_frame(history, lang), hide_index=True, width="stretch")

# --- monthly review cards ---
with review_tab:
    months = ms.recent_months(as_of, 6)
    sellers = roster[~roster["role"].isin(NON_SELLING_ROLES) & ~roster["role_in_group"].isin(NON_SELLING_ROLES)
                     & roster["group_id"].notna()]
    left, right = st.columns(2)
    month = left.selectbox(t("mg_review_month", lang), months, index=1 if len(months) > 1 else 0,
                           key="mg_review_month", format_func=lambda m: ms.award_month_option(m, as_of, lang))
    person = right.selectbox(t("mg_person", lang), list(sellers["staff_id"]), key="mg_review_person",
                             format_func=tf.roster_labels(sellers, lang).get)
    first, last = month_bounds(month.date())
    month_window = replace(everything, start=first, end=min(last, as_of))
    by_staff = kpi_table(load(kpi_aggregates, month_window, "staff"), "staff").set_index("staff")
    done = load(feedback.review_cards, first)
    st.caption(t("mg_review_progress", lang, done=len(set(done["staff_id"]) & set(sellers["staff_id"])),
                 total=len(sellers), month=f"{first:%Y-%m}"))
    kpis = tf.review_kpis(by_staff, person)
    cards = tf.review_cards(kpis, lang, hands_on=person in ms.hands_on_staff(sellers))
    for row in (cards[:4], cards[4:]):
        for column, card in zip(st.columns(4), row, strict=False):
            with column, st.container(border=True):
                st.metric(card[0], card[1])
                st.caption(card[2] or "\u00a0")
    card = load(feedback.review_card, person, first)
    with st.form(f"mg_review_form_{person}_{first:%Y%m}_{version}"):
        rating = st.radio(t("mg_review_rating", lang), feedback.RATINGS, horizontal=True, key=f"mg_review_rating_{person}",
                          index=feedback.RATINGS.index(card["rating"]) if card and card["rating"] else 1,
                          format_func=lambda r: t(f"mg_rating_{r}", lang))
        comment = st.text_area(t("mg_review_comment", lang), value=(card or {}).get("manager_comment") or "",
                               key=f"mg_review_comment_{person}", placeholder=t("mg_review_comment_hint", lang))
        focus = st.text_input(t("mg_review_focus", lang), value=(card or {}).get("next_focus") or "",
                              key=f"mg_review_focus_{person}")
        reviewer = st.text_input(t("mg_review_reviewer", lang), value=(card or {}).get("reviewer") or "",
                                 key=f"mg_review_reviewer_{person}")
        if st.form_submit_button(t("mg_review_save", lang), type="primary"):
            write(lambda con: feedback.save_review_card(con, person, first, kpis, rating, comment, focus, reviewer),
                  t("mg_review_saved", lang, name=staff_names[person], month=f"{first:%Y-%m}"))
    if card:
        st.caption(t("mg_review_saved_at", lang, when=pd.Timestamp(card["updated_at"]).strftime("%Y-%m-%d %H:%M"),
                     reviewer=card["reviewer"] or t("mg_none", lang)))
        changed = tf.changed_kpis(card["kpis"], kpis)
        if changed:
            st.warning(t("mg_review_kpis_changed", lang, metrics=listed((tf.review_metric_label(m, lang)
                                                                                for m in changed), lang)), icon=":material/update:")
