"""What the frame (app.py) hands every page for one run: language, filters, choices."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from db import audit, catalog
from db.accounts import Account
from db.filters import Filters
from db.scope import EVERYTHING, DataScope
from ui.database import load, open_connection
from ui.signin import SESSION_KEY
from ui.state import Choices

_KEY = "_page_context"


@dataclass(frozen=True)
class PageContext:
    lang: str
    filters: Filters
    choices: Choices
    privacy: bool = False
    presentation: bool = False
    account: Account | None = None
    scope: DataScope = EVERYTHING


def load_choices(scope: DataScope = EVERYTHING) -> Choices:
    """Filter options from the database (cached by data version), only those inside `scope`."""
    groups = load(catalog.groups)
    projects = load(catalog.projects)
    return Choices(
        as_of=load(catalog.as_of_date),
        projects={p: name for p, name in zip(projects["project_id"], projects["name"], strict=True)
                  if scope.allows(project_id=p)},
        groups={g: name for g, name in zip(groups["group_id"], groups["name"], strict=True)
                if scope.allows(group_id=g)},
        sources=tuple(load(catalog.distinct_values, "source_channel")),
        customer_types=tuple(load(catalog.distinct_values, "customer_type")),
    )


def set_page_context(context: PageContext) -> None:
    st.session_state[_KEY] = context


def page_context() -> PageContext:
    """The context app.py set for this run (pages run only inside the frame)."""
    if _KEY not in st.session_state or SESSION_KEY not in st.session_state:
        _rerun_through_the_frame()
    return st.session_state[_KEY]


def _rerun_through_the_frame() -> None:
    """Recover from a deep link opened before app.py ever ran in this server process.

    Because a `pages/` folder exists, Streamlit starts in its old multipage mode and runs the
    linked page file on its own, without the frame. `make run` starts the server through
    ui.serve, which switches that mode off first; a plain `streamlit run app.py` does not, and
    then the first deep link lands here: the same flag is set, and the rerun goes through
    app.py, which resolves the same page by its URL path.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def record_action(con, action: str, detail: str = "") -> None:
    """Log `action` in the audit log as the signed-in account (db/audit.py); also from callbacks,
    which run before the frame."""
    session = st.session_state.get(SESSION_KEY)
    audit.record(con, session["username"] if session else "?", action, detail)


def log_export(file_name: str) -> None:
    """on_click of every download button: an export is recorded with its file name."""
    with open_connection() as con:
        record_action(con, "export", file_name)
