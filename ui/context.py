"""What the frame (app.py) hands every page for one run: language, filters, choices."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from db import catalog
from db.filters import Filters
from ui.database import load
from ui.state import Choices

_KEY = "_page_context"


@dataclass(frozen=True)
class PageContext:
    lang: str
    filters: Filters
    choices: Choices
    privacy: bool = False
    presentation: bool = False


def load_choices() -> Choices:
    """Filter options from the database (cached by data version)."""
    groups = load(catalog.groups)
    projects = load(catalog.projects)
    return Choices(
        as_of=load(catalog.as_of_date),
        projects=dict(zip(projects["project_id"], projects["name"], strict=True)),
        groups=dict(zip(groups["group_id"], groups["name"], strict=True)),
        sources=tuple(load(catalog.distinct_values, "source_channel")),
        customer_types=tuple(load(catalog.distinct_values, "customer_type")),
    )


def set_page_context(context: PageContext) -> None:
    st.session_state[_KEY] = context


def page_context() -> PageContext:
    """The context app.py set for this run (pages run only inside the frame)."""
    return st.session_state[_KEY]
