"""Which pages each account role may open (Streamlit-free; app.py builds the navigation from it).

The data a page shows is narrowed separately, by the account's data scope (db/scope.py).
"""

from __future__ import annotations

# url paths of ui.navigation.PAGES (plus the admin's accounts page).
_EVERYONE = frozenset({"overview", "funnel", "people", "satisfaction", "targets", "case-review",
                       "dictionary", "feedback"})
_ANALYSIS = frozenset({"compare", "explorer", "weekly"})
_MANAGEMENT = frozenset({"groups", "set-targets", "incentives", "regroup"})

PAGE_ACCESS: dict[str, frozenset[str]] = {
    "admin": _EVERYONE | _ANALYSIS | _MANAGEMENT | {"import", "accounts"},
    "manager": _EVERYONE | _ANALYSIS | _MANAGEMENT | {"import"},
    "analyst": _EVERYONE | _ANALYSIS | {"import"},
    "leader": _EVERYONE | _ANALYSIS,
    "consultant": _EVERYONE,
}
# Who may switch privacy mode on for every viewer (a screen share at the weekly meeting).
PRIVACY_FOR_ALL_ROLES = frozenset({"admin", "manager"})


def may_open(role: str, url_path: str) -> bool:
    return url_path in PAGE_ACCESS.get(role, frozenset())
