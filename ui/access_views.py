"""Tables of the accounts page: accounts (never their hashes) and the audit log (Streamlit-free)."""

from __future__ import annotations

import pandas as pd

from ui.formats import DASH
from ui.i18n import listed, t


def account_frame(table: pd.DataFrame, staff_names: dict[str, str], projects: dict[str, str],
                  lang: str) -> pd.DataFrame:
    """One row per account with labelled columns in `lang`."""
    def named(ids) -> str:
        return listed((projects.get(p, p) for p in (ids if ids is not None else [])), lang)

    return pd.DataFrame({
        t("ac_col_username", lang): table["username"],
        t("ac_col_name", lang): table["display_name"],
        t("ac_col_role", lang): [t(f"ac_role_{r}", lang) for r in table["role"]],
        t("ac_col_staff", lang): [DASH if pd.isna(s) else staff_names.get(s, s) for s in table["staff_id"]],
        t("ac_col_projects", lang): [named(p) for p in table["project_ids"]],
        t("ac_col_personal", lang): table["personal_data"].astype(bool),
        t("ac_col_disabled", lang): table["disabled"].astype(bool),
        t("ac_col_failures", lang): table["failed_attempts"],
        t("ac_col_locked", lang): [DASH if pd.isna(v) else f"{v:%Y-%m-%d %H:%M}" for v in table["locked_until"]],
    })


def audit_frame(entries: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The audit entries with the action in words."""
    return pd.DataFrame({
        t("ac_col_time", lang): entries["logged_at"],
        t("ac_col_actor", lang): entries["actor"],
        t("ac_col_action", lang): [t(f"ac_action_{a}", lang) for a in entries["action"]],
        t("ac_col_detail", lang): entries["detail"],
    })
