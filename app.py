"""The frame: page config, language, global filters, and the navigation over `pages/`.

Runs on every rerun before the page. Pages are listed explicitly, so Streamlit's automatic
discovery of `pages/` is off and there is exactly one navigation.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.context import PageContext, load_choices, set_page_context
from ui.i18n import t
from ui.state import current_lang, global_filters, language_switch, privacy_switch
from ui.theme import BASE_CSS

REPO = Path(__file__).resolve().parent
# (file, i18n key of the title, icon, url path, section), in menu order.
PAGES: tuple[tuple[str, str, str, str, str], ...] = (
    ("pages/overview.py", "page_overview", ":material/dashboard:", "overview", "section_main"),
    ("pages/compare.py", "page_compare", ":material/compare_arrows:", "compare", "section_main"),
    ("pages/funnel.py", "page_funnel", ":material/filter_alt:", "funnel", "section_main"),
    ("pages/people.py", "page_people", ":material/badge:", "people", "section_main"),
    ("pages/satisfaction.py", "page_satisfaction", ":material/sentiment_satisfied:", "satisfaction",
     "section_main"),
    ("pages/targets.py", "page_targets", ":material/flag:", "targets", "section_main"),
    ("pages/explorer.py", "page_explorer", ":material/query_stats:", "explorer", "section_analysis"),
    ("pages/import_data.py", "page_import", ":material/upload_file:", "import", "section_data"),
    ("pages/dictionary.py", "page_dictionary", ":material/menu_book:", "dictionary", "section_data"),
)


def navigation(lang: str):
    sections: dict[str, list] = {}
    for index, (path, title_key, icon, url_path, section_key) in enumerate(PAGES):
        if not (REPO / path).exists():   # a page being written is listed once its file lands
            continue
        page = st.Page(str(REPO / path), title=t(title_key, lang), icon=icon, url_path=url_path,
                       default=index == 0)
        sections.setdefault(t(section_key, lang), []).append(page)
    return st.navigation(sections)


def main() -> None:
    st.set_page_config(page_title=t("app_title", current_lang()), page_icon="🏘️", layout="wide")
    st.html(BASE_CSS)
    page = navigation(current_lang())
    with st.sidebar:
        lang = language_switch()
        privacy = privacy_switch(lang)
        choices = load_choices()
        filters = global_filters(choices, lang)
    if privacy:
        st.badge(t("privacy_badge", lang), icon=":material/visibility_off:", color="orange")
    set_page_context(PageContext(lang=lang, filters=filters, choices=choices, privacy=privacy))
    page.run()


main()
