"""The deals behind a funnel bar (Streamlit-aware): deals that *reached* the clicked stage.

`ui.drilldown.show_deals` lists deals by their current stage; a bar counts every deal that got
at least that far, so it needs db.queries.funnel_deals. The display (and privacy masking) is
ui.drilldown's, so both lists look the same.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from db.filters import Filters
from db.queries.funnel_deals import deals_reaching_stage
from ui import formats
from ui.database import load
from ui.drilldown import LIMIT, deal_display_frame
from ui.i18n import STAGE_LABELS, label, t
from ui.navigation import case_link_column


def selected_point(event) -> dict | None:
    """The first clicked point of a plotly selection event, or None (dict access: AppTest)."""
    if not event:
        return None
    points = event["selection"]["points"]
    return points[0] if points else None


def clicked_id(event) -> str | None:
    """The customdata (an id: stage key, group id) of the first clicked point, or None."""
    point = selected_point(event)
    if not point or point.get("customdata") is None:
        return None
    return point["customdata"][0] if isinstance(point["customdata"], list) else point["customdata"]


def clicked_stage(event, picked, funnel: pd.DataFrame) -> str | None:
    """The stage of a clicked bar (its customdata) or of a selected funnel-table row; the bar wins.

    `picked`: the st.dataframe selection of a table whose rows are the funnel's stages in order.
    """
    if clicked_id(event):
        return clicked_id(event)
    rows = picked.selection.rows if picked else []
    return list(funnel.sort_values("position")["stage"])[rows[0]] if rows else None


def show_reached_deals(filters: Filters, stage: str, *, basis: str, group_id: str | None,
                       group_name: str, total: int, lang: str, privacy: bool, key: str) -> None:
    """Heading and table of the deals that reached `stage` (the latest LIMIT arrivals)."""
    deals = load(deals_reaching_stage, filters, stage, basis=basis, group_id=group_id, limit=LIMIT)
    more = t("fun_drill_more", lang, limit=LIMIT) if total > len(deals) else ""
    st.markdown("**" + t("fun_drill_title", lang, stage=label(STAGE_LABELS, stage, lang),
                         basis=t(f"fun_basis_{basis}", lang),
                         group=f" · {group_name}" if group_name else "",
                         total=formats.count(total), more=more) + "**")
    if deals.empty:
        st.caption(t("no_deals_behind", lang))
        return
    frame = deal_display_frame(deals, lang, privacy)
    frame.insert(5, t("fun_col_reached_at", lang), deals["reached_at"].dt.strftime("%Y-%m-%d"))
    link = t("col_case", lang)
    st.dataframe(frame, hide_index=True, width="stretch", key=key, height=min(38 + 35 * len(deals), 420),
                 column_config={link: case_link_column(link, t("open_case_help", lang))})
