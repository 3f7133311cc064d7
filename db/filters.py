"""The global filters every query accepts, and the SQL they become (always parameterised)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Filters:
    """A date window [start, end] (inclusive days) and optional member lists; empty = all."""

    start: date
    end: date
    project_ids: tuple[str, ...] = field(default_factory=tuple)
    group_ids: tuple[str, ...] = field(default_factory=tuple)
    source_channels: tuple[str, ...] = field(default_factory=tuple)
    customer_types: tuple[str, ...] = field(default_factory=tuple)
    # Lists of deals (drill-downs, case review, alerts) show only deals owned by these staff: a
    # consultant's data scope (db/scope.py). Aggregates ignore it: a consultant sees group totals.
    owner_ids: tuple[str, ...] = field(default_factory=tuple)

    @property
    def end_exclusive(self) -> date:
        return self.end + timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The window of equal length just before this one, same member filters."""
        length = timedelta(days=self.days)
        return Filters(self.start - length, self.start - timedelta(days=1), self.project_ids,
                       self.group_ids, self.source_channels, self.customer_types, self.owner_ids)


def member_clause(filters: Filters, *, project: str | None, group: str | None,
                  customer: str | None, owner: str | None = None) -> tuple[str, list]:
    """' AND …' SQL restricting rows to the filter members, with its parameters.

    Each argument names the column expression to test (None: the table has no such column).
    Customer filters need the customers table joined under the alias given in `customer`;
    `owner` is given by the queries that list individual deals (see Filters.owner_ids).
    """
    parts: list[str] = []
    params: list = []
    for column, values in (
        (project, filters.project_ids),
        (group, filters.group_ids),
        (f"{customer}.source_channel" if customer else None, filters.source_channels),
        (f"{customer}.customer_type" if customer else None, filters.customer_types),
        (owner, filters.owner_ids),
    ):
        if column and values:
            parts.append(f" AND {column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    return "".join(parts), params
