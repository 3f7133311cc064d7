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
    ("pages/weekly.py", "page_weekly", ":material/groups:", "weekly", "section_meeting"),
    ("pages/case_review.py", "page_case_review", ":material/history_edu:", "case-review", "section_meeting"),
    ("pages/import_data.py", "page_import", ":material/upload_file:", "import", "section_data"),
    ("pages/dictionary.py", "page_dictionary", ":material/menu_book:", "dictionary", "section_data"),
    ("pages/groups_admin.py", "page_groups_admin", ":material/group_work:", "groups", "section_manage"),
    ("pages/targets_admin.py", "page_targets_admin", ":material/edit_note:", "set-targets", "section_manage"),
    ("pages/incentives.py", "page_incentives", ":material/military_tech:", "incentives", "section_manage"),
    ("pages/feedback.py", "page_feedback", ":material/forum:", "feedback", "section_manage"),
    ("pages/regroup.py", "page_regroup", ":material/account_tree:", "regroup", "section_manage"),
    ("pages/accounts.py", "page_accounts", ":material/manage_accounts:", "accounts", "section_manage"),
)
# The first page is the default: Streamlit serves it at the root and never under its url path.
DEFAULT_URL_PATH = PAGES[0][3]


def served_path(url_path: str) -> str:
    """The path a page is served at: its url path, or "" for the default page."""
    return "" if url_path == DEFAULT_URL_PATH else url_path


def page_path(path: str) -> str:
    """The absolute file of a page (st.Page and st.page_link must name it the same way)."""
    return str(REPO / path)


def page_exists(path: str) -> bool:
    return (REPO / path).exists()


def link(path: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the dashboard; nothing when that page is not installed."""
    if page_exists(path):
        st.page_link(page_path(path), label=label, icon=icon)


def case_link(deal_id: str, lang: str, privacy: bool) -> str:
    """Relative link to the case review of a deal, keeping language and privacy mode."""
    params = f"deal={deal_id}" + ("&privacy=1" if privacy else "") + ("&lang=en" if lang == "en" else "")
    return f"case-review?{params}"


def case_link_column(label: str, help_text: str):
    """The column_config that shows a case_link as the deal id, opening its case review."""
    return st.column_config.LinkColumn(label, display_text=r"deal=([^&]+)", help=help_text)
