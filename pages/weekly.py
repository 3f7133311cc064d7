"""周会 Weekly meeting: one ISO week frozen as of its Sunday — the group scoreboard against
targets, what changed since the week before, highlights, action items and minutes."""

from __future__ import annotations

import streamlit as st

from analytics.weekly import recent_week_keys, week_bounds, week_key
from db import catalog, meetings
from ui import charts_weekly, reports, weekly_data
from ui import weekly_tables as wt
from ui.charts_targets import pace_figure
from ui.components import empty_state, show_chart
from ui.context import log_export, page_context
from ui.database import load, open_connection
from ui.i18n import t
from ui.meeting_panel import draw_actions, draw_digest_lists, draw_digest_tiles, draw_notes
from ui.periods import last_full_week

WEEKS_OFFERED = 26

ctx = page_context()
lang, as_of = ctx.lang, ctx.choices.as_of

st.title(t("page_weekly", lang))
if load(catalog.freshness)["deals"] == 0:
    empty_state(lang, "no_database")
    st.stop()

# --- the week: ?week=2026-W47, else the last full week before the data's as-of date ---
default_week = week_key(last_full_week(as_of)[0])
weeks = recent_week_keys(default_week, WEEKS_OFFERED)
saved = st.session_state.setdefault("_wk_state", {"week": st.query_params.get("week", default_week)})
if saved["week"] not in weeks:
    saved["week"] = default_week
frozen = set(load(meetings.frozen_weeks)["week"])
st.session_state["wk_week"] = saved["week"]
pick, refreeze_column = st.columns([3, 2], vertical_alignment="bottom")
week = pick.selectbox(
    t("wk_week", lang), weeks, key="wk_week",
    format_func=lambda w: t("wk_week_option", lang, week=w, start=week_bounds(w)[0].strftime("%m-%d"),
                            end=week_bounds(w)[1].strftime("%m-%d"), frozen=" 🔒" if w in frozen else ""),
    on_change=lambda: saved.update(week=st.session_state["wk_week"]))
st.query_params["week"] = week
refreeze = refreeze_column.button(t("wk_refreeze", lang), icon=":material/ac_unit:", help=t("wk_refreeze_help", lang))

# --- the frozen numbers: stored the first time the week is opened (or re-frozen on purpose) ---
scope = weekly_data.scope_key(ctx.filters)
meeting = load(weekly_data.stored_meeting, week, scope)
if meeting is None or refreeze:
    with st.spinner(t("wk_freezing", lang)), open_connection() as con:
        meeting = weekly_data.freeze(con, week, ctx.filters, refreeze=refreeze)
    st.toast(t("wk_frozen_now", lang, week=week), icon=":material/ac_unit:")
actions, notes = load(weekly_data.meeting_extras, week, ctx.privacy)
title, meta_line, *_ = reports.header_lines(meeting, lang, ctx.privacy)
st.caption(f":material/ac_unit: {meta_line} · {t('wk_window_note', lang)}")

downloads = st.columns(3)
for column, fmt, mime in zip(downloads, ("pdf", "html", "xlsx"), (
        "application/pdf", "text/html", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        strict=True):
    column.download_button(
        t(f"wk_download_{fmt}", lang), data=lambda fmt=fmt: reports.weekly_report(fmt, meeting, actions, notes, lang,
                                                                                ctx.privacy),
        file_name=f"weekly-{week}{'-privacy' if ctx.privacy else ''}.{fmt}", mime=mime, on_click=log_export,
        args=(f"weekly-{week}{'-privacy' if ctx.privacy else ''}.{fmt}",),
        icon=":material/download:", key=f"wk_download_{fmt}", width="stretch")

names = reports.group_names(meeting)
board_tab, digest_tab, highlight_tab, action_tab = st.tabs([
    t("wk_section_scoreboard", lang), t("wk_section_digest", lang), t("wk_section_highlights", lang),
    t("wk_section_actions", lang)])

with board_tab:
    board, pace = meeting.sections["scoreboard"], meeting.sections["pace"]
    st.markdown(f"**{wt.summary_line(board, lang)}**")
    st.dataframe(wt.scoreboard_display(board, pace, lang), hide_index=True, width="stretch")
    st.caption(t("wk_scoreboard_caption", lang, end=meeting.meta["end"]) + " · " + t("interval_help", lang))
    if pace.empty:
        st.info(t("wk_no_targets", lang), icon=":material/info:")
    else:
        show_chart(pace_figure(pace, names, lang), width="stretch", key="wk_pace_chart")
        st.dataframe(wt.pace_detail_display(pace, names, lang), hide_index=True, width="stretch")

with digest_tab:
    draw_digest_tiles(meeting, lang)
    show_chart(charts_weekly.digest_figure(meeting.sections["digest"], lang), width="stretch",
                    key="wk_digest_chart")
    draw_digest_lists(meeting, names, lang, ctx.privacy)

with highlight_tab:
    movers, performers = meeting.sections["movers"], meeting.sections["performers"]
    st.markdown(f"**{wt.highlights_line(movers, performers, lang)}**")
    movers_column, performers_column = st.columns(2)
    with movers_column:
        show_chart(charts_weekly.movers_figure(movers, lang), key="wk_movers_chart")
    with performers_column:
        if performers.empty:
            st.info(t("wk_performers_none", lang), icon=":material/info:")
        else:
            show_chart(charts_weekly.performers_figure(performers, lang), key="wk_performers_chart")
    st.dataframe(wt.movers_display(movers, lang), hide_index=True, width="stretch")
    if not performers.empty:
        st.dataframe(wt.performers_display(performers, names, lang), hide_index=True, width="stretch")
    st.caption(t("wk_performers_caption", lang))

with action_tab:
    draw_actions(week, actions, lang)
    draw_notes(week, notes, lang, ctx.privacy)
