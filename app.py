"""The frame: page config, sign-in gate, language, global filters, and the navigation over `pages/`.

Runs on every rerun before the page. Pages are listed explicitly, so Streamlit's automatic
discovery of `pages/` is off and there is exactly one navigation. Nothing of the data is drawn
before sign-in; a signed-in account sees the pages its role may open (ui/access.py), and its
data scope (db/scope.py) narrows the filters every page queries with.
"""

from __future__ import annotations

import streamlit as st

from db import audit, catalog
from db.accounts import Account
from db.scope import DataScope, privacy_for_all, scope_for_username, set_privacy_for_all
from ui import signin
from ui.access import PRIVACY_FOR_ALL_ROLES, may_open
from ui.context import PageContext, load_choices, set_page_context
from ui.database import load, open_connection
from ui.i18n import t
from ui.navigation import DEFAULT_URL_PATH, PAGES, page_exists, page_path
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


def navigation(lang: str, presenting: bool, role: str | None):
    """The menu of the pages `role` may open (None: before sign-in, every page, hidden, so a
    deep link keeps its page through the sign-in)."""
    sections: dict[str, list] = {}
    for path, title_key, icon, url_path, section_key in PAGES:
        if not page_exists(path):   # a page being written is listed once its file lands
            continue
        if role is not None and not may_open(role, url_path):
            continue
        page = st.Page(page_path(path), title=t(title_key, lang), icon=icon, url_path=url_path,
                       default=url_path == DEFAULT_URL_PATH)
        sections.setdefault(t(section_key, lang), []).append(page)
    hidden = presenting or role is None
    return st.navigation(sections, position="hidden" if hidden else "sidebar", expanded=True)


def store_privacy_for_all(username: str) -> None:
    """on_change of the manager's switch: every viewer's next run is in privacy mode (or not)."""
    wanted = bool(st.session_state["w_privacy_all"])
    with open_connection() as con:
        set_privacy_for_all(con, wanted)
        audit.record(con, username, "privacy", "on" if wanted else "off")


def privacy_controls(account: Account, scope: DataScope, lang: str) -> bool:
    """The privacy toggle, locked on when the role or a manager's switch demands it."""
    for_all = load(privacy_for_all)
    if account.role in PRIVACY_FOR_ALL_ROLES:
        st.session_state["w_privacy_all"] = for_all
        st.toggle(t("ac_privacy_all", lang), key="w_privacy_all", help=t("ac_privacy_all_help", lang),
                  on_change=store_privacy_for_all, args=(account.username,))
    forced_by = (t("ac_privacy_by_role", lang) if not scope.personal_data
                 else t("ac_privacy_by_manager", lang) if for_all else None)
    return privacy_switch(lang, forced_by)


def main() -> None:
    st.set_page_config(page_title=t("app_title", current_lang()), page_icon="🏘️", layout="wide")
    st.html(BASE_CSS)
    presenting = presentation_mode()
    account = signin.current_account()
    signin.write_cookie()
    page = navigation(current_lang(), presenting, account.role if account else None)
    if account is None:
        signin.gate(current_lang())
        return
    scope = load(scope_for_username, account.username, load(catalog.as_of_date))
    with st.sidebar:
        signin.account_box(account, current_lang())
        lang = language_switch()
        privacy = privacy_controls(account, scope, lang)
        presentation_switch(lang)
        choices = load_choices(scope)
        filters = scope.restrict(global_filters(choices, lang))
    if presenting:
        st.html(PRESENTATION_CSS)
        if st.button(t("exit_presentation", lang), icon=":material/close_fullscreen:", type="tertiary"):
            set_presentation(False)
            st.rerun()
    if privacy:
        st.badge(t("privacy_badge", lang), icon=":material/visibility_off:", color="orange")
    set_page_context(PageContext(lang=lang, filters=filters, choices=choices, privacy=privacy,
                                 presentation=presenting, account=account, scope=scope))
    page.run()


main()
