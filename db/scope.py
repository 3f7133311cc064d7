"""Data scope: which projects, groups and deals an account may see, applied to the filters.

Every query takes `Filters`, and the frame narrows the user's filters to the account's scope
before any page runs, so the restriction reaches the SQL (before aggregation), every drill-down,
download and report made from those filters. Roles (issue 8):

- admin 管理员, analyst 数据分析员: every project and group (an analyst sees customers' personal
  data only when granted: otherwise privacy mode is forced on);
- manager 案场经理: the groups of their projects;
- leader 组长: their group (the one they belong to on the as-of date) and their members' details;
- consultant 置业顾问: their group's aggregates; lists of deals only their own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import duckdb
import pandas as pd

from db.accounts import Account
from db.accounts import account as find_account
from db.filters import Filters

# A member list no row matches: the scope of an account tied to no group or project.
NOTHING: tuple[str, ...] = ("\x00none",)


@dataclass(frozen=True)
class DataScope:
    """None = unrestricted; a tuple = only those (NOTHING when the account has none)."""

    project_ids: tuple[str, ...] | None = None
    group_ids: tuple[str, ...] | None = None
    own_staff_id: str | None = None          # deal lists show only this consultant's deals
    personal_data: bool = True               # False: privacy mode is forced on

    def restrict(self, filters: Filters) -> Filters:
        """The filters narrowed to this scope (choices outside it are dropped, empty = the scope)."""
        return replace(filters, project_ids=_narrow(filters.project_ids, self.project_ids),
                       group_ids=_narrow(filters.group_ids, self.group_ids),
                       owner_ids=(self.own_staff_id,) if self.own_staff_id else filters.owner_ids)

    def allows(self, project_id: str | None = None, group_id: str | None = None) -> bool:
        """Whether a project or group is inside the scope."""
        if project_id is not None and self.project_ids is not None and project_id not in self.project_ids:
            return False
        return group_id is None or self.group_ids is None or group_id in self.group_ids


    def visible_deals(self, deals: pd.DataFrame) -> pd.DataFrame:
        """The rows of a deal list (project_id, group_id, owner_staff_id columns) inside the scope.

        A deal is inside when its project is, its group (the creator's) is, and for a consultant
        when they own it.
        """
        keep = pd.Series(True, index=deals.index)
        if self.project_ids is not None:
            keep &= deals["project_id"].isin(self.project_ids)
        if self.group_ids is not None:
            keep &= deals["group_id"].isin(self.group_ids)
        if self.own_staff_id is not None:
            keep &= deals["owner_staff_id"] == self.own_staff_id
        return deals[keep]


    def visible_groups(self, groups: pd.DataFrame) -> pd.DataFrame:
        """The rows of a table of groups (a group_id column) inside the scope."""
        return groups if self.group_ids is None else groups[groups["group_id"].isin(self.group_ids)]


EVERYTHING = DataScope()


def _narrow(chosen: tuple[str, ...], allowed: tuple[str, ...] | None) -> tuple[str, ...]:
    if allowed is None:
        return chosen
    kept = tuple(value for value in chosen if value in allowed)
    return kept or allowed


def scope_of(con: duckdb.DuckDBPyConnection, account: Account, on: date) -> DataScope:
    """The scope of an account on a date (a leader's or consultant's group can change)."""
    if account.role == "admin":
        return EVERYTHING
    if account.role == "analyst":
        return DataScope(personal_data=account.personal_data)
    if account.role == "manager":
        projects = account.project_ids or NOTHING
        return DataScope(project_ids=projects, group_ids=_groups_of_projects(con, projects))
    group = _group_on(con, account.staff_id, on)
    groups = (group,) if group else NOTHING
    projects = _project_of_group(con, group) if group else NOTHING
    if account.role == "leader":
        return DataScope(project_ids=projects, group_ids=groups)
    return DataScope(project_ids=projects, group_ids=groups, own_staff_id=account.staff_id or NOTHING[0])


def _project_of_group(con, group_id: str) -> tuple[str, ...] | None:
    """The group's project; None (every project) for a group that spans projects."""
    rows = con.cursor().execute("SELECT project_id FROM groups WHERE group_id = ?", [group_id]).fetchall()
    return (rows[0][0],) if rows and rows[0][0] else None


def _groups_of_projects(con, projects: tuple[str, ...]) -> tuple[str, ...]:
    rows = con.cursor().execute("SELECT group_id FROM groups WHERE list_contains(?, project_id) ORDER BY 1",
                                [list(projects)]).fetchall()
    return tuple(row[0] for row in rows) or NOTHING


def _group_on(con, staff_id: str | None, on: date) -> str | None:
    """The group a person belongs to on `on` (their latest stint starting by then)."""
    if not staff_id:
        return None
    rows = con.cursor().execute(
        "SELECT group_id FROM memberships WHERE staff_id = ? AND valid_from <= ? "
        "AND (valid_to IS NULL OR ? < valid_to) ORDER BY valid_from DESC LIMIT 1",
        [staff_id, on, on]).fetchall()
    return rows[0][0] if rows else None


class UnknownAccount(LookupError):
    """No enabled account has that username."""


def scope_of_account_named(con: duckdb.DuckDBPyConnection, username: str, on: date) -> DataScope:
    """scope_of for the command line's --as USERNAME; raises UnknownAccount."""
    found = find_account(con, username)
    if found is None:
        raise UnknownAccount(f"no enabled account named {username!r}")
    return scope_of(con, found, on)


def scope_for_username(con: duckdb.DuckDBPyConnection, username: str, on: date) -> DataScope:
    """scope_of for a signed-in username (cacheable: plain arguments); NOTHING-scoped if unknown."""
    try:
        return scope_of_account_named(con, username, on)
    except UnknownAccount:       # disabled since the page was opened: the frame signs it out next
        return DataScope(project_ids=NOTHING, group_ids=NOTHING, own_staff_id=NOTHING[0], personal_data=False)


PRIVACY_FOR_ALL = "privacy_for_all"


def privacy_for_all(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether a manager switched privacy mode on for every viewer (a screen-shared meeting)."""
    rows = con.cursor().execute("SELECT value FROM settings WHERE key = ?", [PRIVACY_FOR_ALL]).fetchall()
    return bool(rows) and rows[0][0] == "1"


def set_privacy_for_all(con: duckdb.DuckDBPyConnection, on: bool) -> None:
    con.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [PRIVACY_FOR_ALL, "1" if on else "0"])
