"""The drill-down: the deals behind a clicked number, as a table (Streamlit-aware).

Every page calls `show_deals` with a DealSelection; privacy mode masks names, phones and notes
here, in one place, so no page can forget it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.privacy import masked_frame
from db.deal_lists import DealSelection, deal_list
from db.filters import Filters
from ui.database import load
from ui.i18n import CHANNEL_LABELS, CUSTOMER_TYPE_LABELS, STAGE_LABELS, label, t
from ui.navigation import case_link, case_link_column

LIMIT = 500


def deal_display_frame(deals: pd.DataFrame, lang: str, privacy: bool) -> pd.DataFrame:
    """Localised, masked-if-needed display columns of a deal list."""
    if privacy:
        deals = masked_frame(deals, id_column="customer_id")
    return pd.DataFrame({
        t("col_case", lang): [case_link(deal_id, lang, privacy) for deal_id in deals["deal_id"]],
        t("col_customer", lang): deals["customer_name"],
        t("col_phone", lang): deals["phone"],
        t("col_consultant", lang): deals["consultant"],
        t("col_group", lang): deals["group_name"],
        t("col_stage", lang): [label(STAGE_LABELS, s, lang) if s else src
                               for s, src in zip(deals["stage"], deals["source_stage"], strict=True)],
        t("col_outcome", lang): [t(f"outcome_{o}", lang) for o in deals["outcome"]],
        t("col_created", lang): deals["created_at"].dt.strftime("%Y-%m-%d"),
        t("col_closed", lang): deals["closed_at"].dt.strftime("%Y-%m-%d").fillna("—"),
        t("col_amount", lang): (deals["amount"] / 1e4).round(1),
        t("col_lost_reason", lang): deals["lost_reason"].fillna(""),
        t("col_source", lang): [label(CHANNEL_LABELS, c, lang) for c in deals["source_channel"]],
        t("col_customer_type", lang): [label(CUSTOMER_TYPE_LABELS, c, lang)
                                       for c in deals["customer_type"]],
    })


def show_deals(filters: Filters, selection: DealSelection, what: str, lang: str,
               privacy: bool, key: str) -> None:
    """Heading and table of the deals behind `what` (a short description of the click)."""
    deals = load(deal_list, filters, selection, LIMIT + 1)
    more = t("deals_more", lang, limit=LIMIT) if len(deals) > LIMIT else ""
    deals = deals.head(LIMIT)
    st.markdown(f"**{t('deals_behind', lang, what=what, n=len(deals), more=more)}**")
    if deals.empty:
        st.caption(t("no_deals_behind", lang))
        return
    link = t("col_case", lang)
    st.dataframe(deal_display_frame(deals, lang, privacy), hide_index=True, width="stretch",
                 key=key, height=min(38 + 35 * len(deals), 420),
                 column_config={link: case_link_column(link, t("open_case_help", lang))})
