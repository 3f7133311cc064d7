"""Streamlit components shared by pages: cards, freshness line, empty states."""

from __future__ import annotations

import streamlit as st

from ui import formats
from ui.i18n import t
from ui.kpi_cards import CardText


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
        last = f"{info['last_import_file']} ({when})"
    else:
        last = t("no_import_yet", lang)
    st.caption(t("freshness", lang, as_of=info["as_of"].isoformat(), last_import=last,
                 source=info["source"]))


def empty_state(lang: str, key: str = "empty_window") -> None:
    st.info(t(key, lang), icon=":material/info:")


def is_empty(value) -> bool:
    return value is None or formats.is_missing(value) or value == 0
