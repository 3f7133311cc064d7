"""The frame: page config, language, global filters, and the navigation over `pages/`.

Runs on every rerun before the page. Pages are listed explicitly, so Streamlit's automatic
discovery of `pages/` is off and there is exactly one navigation.
"""

from __future__ import annotations

import streamlit as st

from ui.context import PageContext, load_choices, set_page_context
from ui.i18n import t
from ui.navigation import PAGES, page_exists, page_path
from ui.state import (
    current_lang,
    global_filters,
    language_switch,
    presentation_mode,
    presentation_switch,
    privacy_switch,
    set_presentation,
)
from ui.theme import BASE_CSS, PRESENTATION_CSS


def navigation(lang: str, presenting: bool):
    sections: dict[str, list] = {}
    for index, (path, title_key, icon, url_path, section_key) in enumerate(PAGES):
        if not page_exists(path):   # a page being written is listed once its file lands
            continue
        page = st.Page(page_path(path), title=t(title_key, lang), icon=icon, url_path=url_path,
                       default=index == 0)
        sections.setdefault(t(section_key, lang), []).append(page)
    return st.navigation(sections, position="hidden" if presenting else "sidebar", expanded=True)


def main() -> None:
    st.set_page_config(page_title=t("app_title", current_lang()), page_icon="🏘️", layout="wide")
    st.html(BASE_CSS)
    presenting = presentation_mode()
    page = navigation(current_lang(), presenting)
    with st.sidebar:
        lang = language_switch()
        privacy = privacy_switch(lang)
        presentation_switch(lang)
        choices = load_choices()
        filters = global_filters(choices, lang)
    if presenting:
        st.html(PRESENTATION_CSS)
        if st.button(t("exit_presentation", lang), icon=":material/close_fullscreen:", type="tertiary"):
            set_presentation(False)
            st.rerun()
    if privacy:
        st.badge(t("privacy_badge", lang), icon=":material/visibility_off:", color="orange")
    set_page_context(PageContext(lang=lang, filters=filters, choices=choices, privacy=privacy,
                                 presentation=presenting))
    page.run()


main()
