"""案例复盘 Case review: find a deal (or arrive with ?deal=D000123), follow its timeline, compare
its path with won deals like it and a similar lost deal, record the lesson; the case library."""

from __future__ import annotations

import streamlit as st

from analytics.privacy import masked_frame
from db import catalog
from db.queries import cases
from ui import case_panel, formats
from ui.components import empty_state
from ui.context import page_context
from ui.database import load
from ui.i18n import t

ctx = page_context()
lang, privacy = ctx.lang, ctx.privacy

st.title(t("page_case_review", lang))
if load(catalog.freshness)["deals"] == 0:
    empty_state(lang, "no_database")
    st.stop()

deal_id = case_panel.state()["deal"]
with st.expander(t("case_find", lang), expanded=deal_id is None, icon=":material/search:"):
    case_panel.draw_search(lang, privacy, ctx.choices.as_of, ctx.scope)
deal_id = case_panel.state()["deal"]

card = load(cases.deal_card, deal_id) if deal_id else None
if deal_id and card.empty:
    st.warning(t("case_unknown_deal", lang, deal=formats.literal(deal_id)), icon=":material/warning:")
    case_panel.open_deal(None)
    deal_id = None
elif deal_id and ctx.scope.visible_deals(card).empty:      # a link to a deal the reader may not see
    st.warning(t("ac_out_of_scope", lang), icon=":material/block:")
    case_panel.open_deal(None)
    deal_id = None

if deal_id:
    shown = (masked_frame(card, id_column="customer_id") if privacy else card).iloc[0]
    head, close = st.columns([5, 1], vertical_alignment="bottom")
    head.subheader(t("case_header", lang, customer=formats.literal(shown["customer_name"]),
                     deal=formats.literal(deal_id)))
    if close.button(t("case_close", lang), icon=":material/close:", key="case_close"):
        case_panel.open_deal(None)
        st.rerun()
    case_panel.draw_card(shown, lang)
    timeline_tab, path_tab, lesson_tab = st.tabs([t("case_tab_timeline", lang), t("case_tab_path", lang),
                                                  t("case_tab_lessons", lang)])
    with timeline_tab:
        case_panel.draw_timeline(deal_id, shown["customer_name"], lang, privacy)
    with path_tab:
        case_panel.draw_comparison(deal_id, card.iloc[0], lang, privacy)
    with lesson_tab:
        case_panel.draw_lessons(deal_id, card.iloc[0], lang, privacy)
else:
    st.info(t("case_pick_hint", lang), icon=":material/info:")

st.subheader(t("case_library", lang))
case_panel.draw_library(lang, privacy, ctx.scope)
