"""Streamlit components shared by pages: cards, freshness line, empty states."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from db import catalog
from ui import formats
from ui.chart_text import literal_figure
from ui.context import page_context
from ui.database import load
from ui.i18n import t
from ui.kpi_cards import CardText
from ui.theme import PRESENTATION_FONT_SCALE


def draw_cards(cards: list[CardText], higher_is_better: dict[str, bool]) -> None:
    columns = st.columns(len(cards))
    for column, card in zip(columns, cards, strict=True):
        with column, st.container(border=True):
            st.metric(card.label, card.value, delta=card.delta, help=card.help,
                      delta_color="normal" if higher_is_better.get(card.metric_id, True) else "inverse")
            st.caption(card.caption or "\u00a0")


def freshness_line(info: dict, lang: str) -> None:
    if info["last_import_file"]:
        when = info["last_import_at"].strftime("%Y-%m-%d %H:%M")
        last = f"{formats.literal(info['last_import_file'])} ({when})"
    else:
        last = t("no_import_yet", lang)
    st.caption(t("freshness", lang, as_of=info["as_of"].isoformat(), last_import=last,
                 source=formats.literal(info["source"])))


def page_header(title: str, lang: str) -> None:
    """The page title and the data-freshness line; on an empty database, what to do, and stop."""
    st.title(title)
    freshness = load(catalog.freshness)
    if freshness["deals"] == 0:
        empty_state(lang, "no_database")
        st.stop()
    freshness_line(freshness, lang)


def empty_state(lang: str, key: str = "empty_window") -> None:
    st.info(t(key, lang), icon=":material/info:")


def is_empty(value) -> bool:
    return value is None or formats.is_missing(value) or value == 0


def presentation_figure(fig: go.Figure, scale: float = PRESENTATION_FONT_SCALE) -> go.Figure:
    """A copy of `fig` with every font (layout, title, axes, legend, annotations) scaled up."""
    big = go.Figure(fig)
    base = big.layout.font.size or 13
    big.update_layout(font={"size": base * scale},
                      title_font={"size": (big.layout.title.font.size or base * 1.2) * scale},
                      legend_font={"size": base * scale}, height=(big.layout.height or 450) * 1.25)
    big.update_xaxes(tickfont={"size": base * scale}, title_font={"size": base * scale})
    big.update_yaxes(tickfont={"size": base * scale}, title_font={"size": base * scale})
    for annotation in big.layout.annotations or ():
        annotation.font.size = (annotation.font.size or base) * scale
    return big


def show_chart(fig: go.Figure, *, key: str, **kwargs):
    """st.plotly_chart with the dashboard's defaults; larger text in presentation mode.

    Returns the selection event when `on_select` is given (see TECH-NOTES: read it as a dict).
    """
    fig = literal_figure(fig)      # imported names are drawn as text, never as plotly's HTML tags
    if page_context().presentation:
        fig = presentation_figure(fig)
        kwargs["theme"] = None   # Streamlit's theme would reset the enlarged fonts
    kwargs.setdefault("width", "stretch")
    return st.plotly_chart(fig, key=key, **kwargs)


def localized_counts(frame) -> dict:
    """column_config showing a display frame's integer columns with thousands separators (2,365)."""
    return {column: st.column_config.NumberColumn(format="localized")
            for column in frame.columns if pd.api.types.is_integer_dtype(frame[column])}
