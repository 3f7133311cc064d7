"""The pages of the dashboard and links between them (Streamlit-aware)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

REPO = Path(__file__).resolve().parent.parent
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



def page_path(path: str) -> str:
    """The absolute file of a page (st.Page and st.page_link must name it the same way)."""
    return str(REPO / path)


def page_exists(path: str) -> bool:
    return (REPO / path).exists()


def link(path: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the dashboard; nothing when that page is not installed."""
    if page_exists(path):
        st.page_link(page_path(path), label=label, icon=icon)
