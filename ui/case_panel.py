"""Streamlit pieces of the case review page: finding a deal, its card, timeline, path against
peers, lessons and the case library. Privacy mode masks names, phones, notes and redacts lessons
here, so the page cannot forget it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.cases import (
    OUTCOME_TAGS,
    REASON_TAGS,
    deal_path,
    path_comparison,
    redacted_column,
    suggested_tags,
    timeline_shown,
)
from analytics.privacy import masked_frame
from db import meetings
from db.queries import cases
from db.scope import EVERYTHING, DataScope
from ui import charts_case, formats
from ui.components import show_chart
from ui.database import load, open_connection
from ui.i18n import CHANNEL_LABELS, CUSTOMER_TYPE_LABELS, STAGE_LABELS, label, listed, t

STATE = "_case_state"
TAG_KEYS: tuple[str, ...] = (*OUTCOME_TAGS.values(), *REASON_TAGS)


def state() -> dict:
    """The page's own state: the open deal (seeded from ?deal=) and the last row picks handled."""
    if STATE not in st.session_state:
        st.session_state[STATE] = {"deal": st.query_params.get("deal"), "picks": {}}
    return st.session_state[STATE]


def open_deal(deal_id: str | None) -> None:
    state()["deal"] = deal_id
    if deal_id:
        st.query_params["deal"] = deal_id
    elif "deal" in st.query_params:
        del st.query_params["deal"]


def _picked(event, key: str, deal_ids: list[str]) -> str | None:
    """The deal of a newly selected table row (a selection already acted on returns None)."""
    rows = event.selection.rows if event else []
    pick = deal_ids[rows[0]] if rows and rows[0] < len(deal_ids) else None
    if pick and state()["picks"].get(key) != pick:
        state()["picks"][key] = pick
        return pick
    return None


def tag_label(tag: str, lang: str) -> str:
    return t(f"case_tag_{tag}", lang) if tag in TAG_KEYS else tag


def tags_text(tags, lang: str) -> str:
    """'成功案例、跟进节奏、自定义': known tags in TAG_KEYS order, then the reviewers' own words."""
    known = [tag for tag in TAG_KEYS if tag in tags]
    return listed((tag_label(tag, lang) for tag in [*known, *sorted(set(tags) - set(known))]), lang)


def _masked(frame: pd.DataFrame, privacy: bool) -> pd.DataFrame:
    return masked_frame(frame, id_column="customer_id") if privacy else frame


def _lessons_redacted(frame: pd.DataFrame, privacy: bool) -> pd.DataFrame:
    if not privacy or frame.empty:
        return frame
    named = load(cases.customers_named_in, tuple(str(v) for v in frame["lesson"].dropna()))
    return redacted_column(frame, "lesson", named)


def _deal_rows(deals: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("wk_col_deal_id", lang): deals["deal_id"], t("col_customer", lang): deals["customer_name"],
        t("col_phone", lang): deals["phone"], t("col_consultant", lang): deals["consultant"],
        t("col_outcome", lang): [t(f"outcome_{o}", lang) for o in deals["outcome"]],
        t("col_stage", lang): [label(STAGE_LABELS, s, lang) for s in deals["stage"]],
        t("col_created", lang): deals["created_at"].dt.strftime("%Y-%m-%d"),
        t("col_amount", lang): (deals["amount"] / 1e4).round(1),
    })


def draw_search(lang: str, privacy: bool, as_of: date, scope: DataScope = EVERYTHING) -> None:
    """Criteria, then the matching deals inside the reader's scope; picking a row opens the deal."""
    staff = load(cases.consultants)
    names = dict(zip(staff["staff_id"], staff["name"], strict=True))
    text_col, staff_col, date_col, outcome_col = st.columns([3, 2, 3, 3])
    text = text_col.text_input(t("case_search_text", lang), key="case_search_text",
                               placeholder=t("case_search_placeholder", lang))
    staff_id = staff_col.selectbox(t("col_consultant", lang), [None, *names], key="case_search_staff",
                                   format_func=lambda s: t("all", lang) if s is None else names[s])
    st.session_state.setdefault("case_search_dates", ())        # no range until one is picked
    window = date_col.date_input(t("case_search_dates", lang), max_value=as_of, key="case_search_dates")
    outcome = outcome_col.segmented_control(t("col_outcome", lang), cases.OUTCOMES, key="case_search_outcome",
                                            format_func=lambda o: t(f"outcome_{o}", lang))
    start, end = (window[0], window[1]) if isinstance(window, tuple) and len(window) == 2 else (None, None)
    if not (text.strip() or staff_id or start or outcome):
        st.caption(t("case_search_hint", lang))
        return
    found = scope.visible_deals(load(cases.deal_search, text, staff_id, start, end, outcome))
    if found.empty:
        st.info(t("case_search_none", lang), icon=":material/search_off:")
        return
    st.caption(t("case_search_count", lang, n=len(found)))
    event = st.dataframe(_deal_rows(_masked(found, privacy), lang), hide_index=True, width="stretch",
                         on_select="rerun", selection_mode="single-row", key="case_search_table", height=260)
    if (pick := _picked(event, "search", list(found["deal_id"]))) is not None:
        open_deal(pick)
        st.rerun()


def draw_card(card: pd.Series, lang: str) -> None:
    """Who, what, when: customer (already masked when private), consultant, outcome, amount, dates."""
    closed = card["closed_at"]
    cycle = (closed - card["created_at"]).days if pd.notna(closed) else None
    cols = st.columns(4)
    cols[0].metric(t("col_outcome", lang), t(f"outcome_{card['outcome']}", lang))
    cols[1].metric(t("case_stage_reached", lang), label(STAGE_LABELS, card["stage"], lang))
    cols[2].metric(t("case_amount", lang), formats.money(card["amount"], lang))
    cols[3].metric(t("case_cycle", lang), formats.days(cycle, lang))
    fields = [
        (t("col_customer", lang), card["customer_name"]), (t("col_phone", lang), card["phone"]),
        (t("col_consultant", lang), card["consultant"]), (t("col_group", lang), card["group_name"]),
        (t("project", lang), card["project_name"]),
        (t("col_source", lang), label(CHANNEL_LABELS, card["source_channel"], lang)),
        (t("col_customer_type", lang), label(CUSTOMER_TYPE_LABELS, card["customer_type"], lang)),
        (t("col_created", lang), f"{card['created_at']:%Y-%m-%d}"),
        (t("col_closed", lang), f"{closed:%Y-%m-%d}" if pd.notna(closed) else formats.DASH),
    ]
    if isinstance(card["lost_reason"], str):
        fields.append((t("col_lost_reason", lang), card["lost_reason"]))
    st.caption(" · ".join(f"{name}：{formats.literal(value) if isinstance(value, str) else formats.DASH}"
                          for name, value in fields))


def timeline_list(events: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("wk_col_when", lang): events["at"].dt.strftime("%Y-%m-%d %H:%M"),
        t("case_col_lane", lang): [t(f"case_lane_{lane}", lang) for lane in events["lane"]],
        t("case_col_event", lang): [charts_case.event_label(k, lang) for k in events["kind"]],
        t("col_consultant", lang): events["staff"].fillna(formats.DASH),
        t("case_col_detail", lang): ["" if not isinstance(d, str) else label(STAGE_LABELS, d, lang)
                                     if lane == "stage" and k != "lost" else d
                                     for d, lane, k in zip(events["detail"], events["lane"], events["kind"], strict=True)],
        t("case_note", lang): events["note"].fillna(""),
    })


def draw_timeline(deal_id: str, customer: str, lang: str, privacy: bool) -> None:
    events = timeline_shown(load(cases.deal_timeline, deal_id), privacy)
    if events.empty:
        st.info(t("case_timeline_empty", lang), icon=":material/info:")
        return
    title = t("case_timeline_title", lang, customer=customer, deal=deal_id)
    show_chart(charts_case.timeline_figure(events, lang, title), width="stretch", key="case_timeline")
    with st.expander(t("case_timeline_list", lang, n=len(events)), icon=":material/list:"):
        st.dataframe(timeline_list(events, lang), hide_index=True, width="stretch", key="case_timeline_table")


def _comparison_rows(comparison: pd.DataFrame, lang: str) -> pd.DataFrame:
    def days(values) -> list[str]:
        return [formats.DASH if formats.is_missing(v) else f"{v:.1f}" for v in values]

    return pd.DataFrame({
        t("col_stage", lang): [label(STAGE_LABELS, s, lang) for s in comparison["stage"]],
        t("case_col_this_days", lang): days(comparison["this_days"]),
        t("case_col_typical_days", lang): days(comparison["typical_days"]),
        t("case_col_typical_n", lang): [formats.count(v) for v in comparison["typical_n"]],
        t("case_col_lost_days", lang): days(comparison["lost_days"]),
        t("case_col_this_in", lang): days(comparison["this_days_in"]),
        t("case_col_typical_in", lang): days(comparison["typical_days_in"]),
    })


def draw_comparison(deal_id: str, card: pd.Series, lang: str, privacy: bool) -> None:
    """This deal's days per stage against the typical won path of its profile and a similar lost deal."""
    this = deal_path(load(cases.stage_entries, deal_id), card["created_at"], card["lost_at"])
    typical = load(cases.typical_won_path, deal_id)
    similar = load(cases.similar_lost_deal, deal_id)
    lost_card = _masked(load(cases.deal_card, similar["deal_id"].iloc[0]), privacy).iloc[0] if len(similar) else None
    lost = deal_path(load(cases.stage_entries, lost_card["deal_id"]), lost_card["created_at"], lost_card["lost_at"]) \
        if lost_card is not None else None
    comparison = path_comparison(this, typical, lost)
    if comparison.empty:
        st.info(t("case_path_empty", lang), icon=":material/info:")
        return
    show_chart(charts_case.path_figure(comparison, lang), width="stretch", key="case_path_chart")
    st.dataframe(_comparison_rows(comparison, lang), hide_index=True, width="stretch", key="case_path_table")
    if typical.empty:
        st.caption(t("case_no_peers", lang))
    else:
        st.caption(t("case_peers_caption", lang, n=int(typical["peers"].iloc[0]),
                     profile=t(f"case_profile_{typical['profile'].iloc[0]}", lang)))
    if lost_card is not None:
        reason = lost_card["lost_reason"]
        st.caption(t("case_lost_caption", lang, customer=formats.literal(lost_card["customer_name"]),
                     deal=formats.literal(lost_card["deal_id"]),
                     reason=formats.literal(reason) if isinstance(reason, str) else formats.DASH,
                     profile=t(f"case_profile_{similar['profile'].iloc[0]}", lang)))
        if st.button(t("case_open_lost", lang), icon=":material/open_in_new:", key="case_open_lost"):
            open_deal(lost_card["deal_id"])
            st.rerun()


def _reviews_rows(reviews: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("case_col_reviewed_at", lang): reviews["reviewed_at"].dt.strftime("%Y-%m-%d %H:%M"),
        t("case_col_tags", lang): [tags_text(tags, lang) for tags in reviews["tags"]],
        t("case_col_lesson", lang): reviews["lesson"].fillna(""),
        t("case_col_reviewer", lang): reviews["reviewer"].fillna(formats.DASH),
    })


def draw_lessons(deal_id: str, card: pd.Series, lang: str, privacy: bool) -> None:
    """The lessons recorded on this deal (redacted when private) and the form to add one."""
    reviews = _lessons_redacted(load(meetings.case_reviews_of, deal_id), privacy)
    if reviews.empty:
        st.caption(t("case_no_reviews", lang))
    else:
        st.dataframe(_reviews_rows(reviews, lang), hide_index=True, width="stretch", key="case_reviews_table")
    with st.form(f"case_review_form_{deal_id}", clear_on_submit=True, border=True):
        st.markdown(f"**{t('case_add_review', lang)}**")
        tags = st.multiselect(t("case_col_tags", lang), list(TAG_KEYS), default=suggested_tags(card["outcome"],
                              card["lost_reason"]), format_func=lambda tag: tag_label(tag, lang), accept_new_options=True,
                              key=f"case_tags_{deal_id}", help=t("case_tags_help", lang))
        lesson = st.text_area(t("case_col_lesson", lang), key=f"case_lesson_{deal_id}", height=110,
                              placeholder=t("case_lesson_placeholder", lang))
        reviewer = st.text_input(t("case_col_reviewer", lang), key=f"case_reviewer_{deal_id}")
        if st.form_submit_button(t("wk_save", lang), icon=":material/save:", key="case_review_submit"):
            if not tags and not lesson.strip():
                st.warning(t("case_review_missing", lang))
                return
            with open_connection() as con:
                meetings.add_case_review(con, deal_id, tags, lesson, reviewer)
            st.rerun()


def draw_library(lang: str, privacy: bool, scope: DataScope = EVERYTHING) -> None:
    """Reviewed deals inside the reader's scope, searchable by text and tag; a pick opens the deal."""
    text_col, tag_col = st.columns([3, 2])
    text = text_col.text_input(t("case_library_search", lang), key="case_library_text",
                               placeholder=t("case_library_placeholder", lang))
    tag = tag_col.selectbox(t("case_col_tags", lang), [None, *TAG_KEYS], key="case_library_tag",
                            format_func=lambda x: t("all", lang) if x is None else tag_label(x, lang))
    library = scope.visible_deals(load(cases.reviewed_cases, text, tag))
    if library.empty:
        st.info(t("case_library_empty", lang), icon=":material/info:")
        return
    shown = _lessons_redacted(_masked(library, privacy), privacy)
    rows = pd.DataFrame({
        t("wk_col_deal_id", lang): shown["deal_id"], t("col_customer", lang): shown["customer_name"],
        t("col_consultant", lang): shown["consultant"],
        t("col_outcome", lang): [t(f"outcome_{o}", lang) if isinstance(o, str) else formats.DASH for o in shown["outcome"]],
        t("case_col_tags", lang): [tags_text(tags, lang) for tags in shown["tags"]],
        t("case_col_lesson", lang): shown["lesson"].fillna(""),
        t("case_col_reviewer", lang): shown["reviewer"].fillna(formats.DASH),
        t("case_col_reviewed_at", lang): shown["reviewed_at"].dt.strftime("%Y-%m-%d"),
        t("case_col_reviews", lang): shown["reviews"],
    })
    event = st.dataframe(rows, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
                         key="case_library_table")
    if (pick := _picked(event, "library", list(library["deal_id"]))) is not None:
        open_deal(pick)
        st.rerun()
