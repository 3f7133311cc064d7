"""Membership history rules (组员关系): moves with an effective date, and what makes a history invalid.

A stint is one person in one group with one role over [valid_from, valid_to) — valid_to exclusive,
None while it lasts. A move closes the stint open on its effective date and opens a new one there,
so facts dated before the move keep counting for the old group (db/attribution.py reads the
stints). Rules every history must keep (DOMAIN.md, issue 7):

- no one is in two groups at once, and a person's stints never overlap (two_groups / overlap);
- a group has at most one leader (组长) on any day (two_leaders);
- a stint lasts at least a day (empty_stint).

Everything here is plain Python over small lists: a 案场 has dozens of people, not millions.
Nothing is mutated; functions return new lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

# Roles a person can hold inside a group; the site manager (案场经理) is above the groups.
ROLES_IN_GROUP: tuple[str, ...] = ("leader", "deputy", "analyst", "consultant")
NON_SELLING_ROLES: tuple[str, ...] = ("analyst", "manager")


@dataclass(frozen=True)
class Stint:
    staff_id: str
    group_id: str
    role_in_group: str
    valid_from: date
    valid_to: date | None = None

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day < self.valid_to)

    def overlaps(self, other: Stint) -> bool:
        return (self.valid_to is None or other.valid_from < self.valid_to) and \
               (other.valid_to is None or self.valid_from < other.valid_to)


@dataclass(frozen=True)
class Move:
    """From `effective` on, `staff_id` is in `group_id` as `role_in_group` (group None: leaves)."""

    staff_id: str
    group_id: str | None
    role_in_group: str
    effective: date


@dataclass(frozen=True)
class Problem:
    """Why a change is refused. kind: two_groups, overlap, two_leaders, empty_stint, no_change,
    unknown_staff, unknown_group, unknown_role, before_hire, after_leaving, not_in_group.

    `other_staff_id`/`other_group_id` name who or what it clashes with, `day` where it starts.
    """

    kind: str
    staff_id: str | None = None
    group_id: str | None = None
    day: date | None = None
    other_staff_id: str | None = None
    other_group_id: str | None = None


@dataclass(frozen=True)
class Person:
    """What the rules need to know about a staff member."""

    staff_id: str
    hired_on: date | None = None
    left_on: date | None = None


def _next_start(stints: list[Stint], staff_id: str, after: date) -> date | None:
    later = [s.valid_from for s in stints if s.staff_id == staff_id and s.valid_from > after]
    return min(later) if later else None


def apply_move(stints: Iterable[Stint], move: Move) -> tuple[list[Stint], list[Problem]]:
    """The stints after `move`, and the problems found applying it (empty when it applies).

    The stint open on the effective day ends there and a new stint starts there, lasting as long
    as the old one would have (up to the person's next stint, if one was already planned). A
    stint that starts on the effective day itself is corrected in place (same-day fix). Leaving
    (group None) ends the open stint. Moving to the group and role already held is `no_change`.
    """
    current = list(stints)
    open_now = next((s for s in current if s.staff_id == move.staff_id and s.covers(move.effective)), None)
    if open_now is not None and (open_now.group_id, open_now.role_in_group) == (move.group_id, move.role_in_group):
        return current, [Problem("no_change", move.staff_id, move.group_id, move.effective)]
    if move.group_id is None:
        if open_now is None:
            return current, [Problem("not_in_group", move.staff_id, None, move.effective)]
        kept = [s for s in current if s != open_now]
        if open_now.valid_from < move.effective:
            kept.append(replace(open_now, valid_to=move.effective))
        return kept, []
    others = [s for s in current if s != open_now]
    if open_now is None:
        end = _next_start(current, move.staff_id, move.effective)
    else:
        end = open_now.valid_to
        if open_now.valid_from < move.effective:
            others.append(replace(open_now, valid_to=move.effective))
    others.append(Stint(move.staff_id, move.group_id, move.role_in_group, move.effective, end))
    return others, []


def _person_problems(stints: list[Stint], staff_id: str) -> list[Problem]:
    mine = sorted((s for s in stints if s.staff_id == staff_id), key=lambda s: s.valid_from)
    problems = [Problem("empty_stint", staff_id, s.group_id, s.valid_from)
                for s in mine if s.valid_to is not None and s.valid_to <= s.valid_from]
    for index, first in enumerate(mine):
        for second in mine[index + 1:]:
            if first.overlaps(second):
                kind = "overlap" if first.group_id == second.group_id else "two_groups"
                problems.append(Problem(kind, staff_id, second.group_id, second.valid_from,
                                        other_group_id=first.group_id))
    return problems


def _leader_problems(stints: list[Stint], staff_ids: set[str]) -> list[Problem]:
    leaders = [s for s in stints if s.role_in_group == "leader"]
    problems = []
    for mine in (s for s in leaders if s.staff_id in staff_ids):
        for other in leaders:
            if other.staff_id != mine.staff_id and other.group_id == mine.group_id and mine.overlaps(other):
                problems.append(Problem("two_leaders", mine.staff_id, mine.group_id,
                                        max(mine.valid_from, other.valid_from), other_staff_id=other.staff_id))
    return problems


def history_problems(stints: Iterable[Stint], staff_ids: Iterable[str]) -> list[Problem]:
    """Rule breaks that involve any of `staff_ids` (problems among other people, e.g. from an
    old import, are not theirs to fix and are not reported)."""
    listed, people = list(stints), set(staff_ids)
    problems = [p for staff_id in sorted(people) for p in _person_problems(listed, staff_id)]
    return problems + _leader_problems(listed, people)


def _move_problems(move: Move, people: dict[str, Person], group_ids: set[str]) -> list[Problem]:
    person = people.get(move.staff_id)
    if person is None:
        return [Problem("unknown_staff", move.staff_id)]
    problems = []
    if move.group_id is not None and move.group_id not in group_ids:
        problems.append(Problem("unknown_group", move.staff_id, move.group_id))
    if move.group_id is not None and move.role_in_group not in ROLES_IN_GROUP:
        problems.append(Problem("unknown_role", move.staff_id, move.group_id))
    if move.group_id is not None and person.hired_on and move.effective < person.hired_on:
        problems.append(Problem("before_hire", move.staff_id, move.group_id, person.hired_on))
    if move.group_id is not None and person.left_on and move.effective >= person.left_on:
        problems.append(Problem("after_leaving", move.staff_id, move.group_id, person.left_on))
    return problems


def apply_moves(stints: Iterable[Stint], moves: Iterable[Move], people: dict[str, Person],
                group_ids: Iterable[str]) -> tuple[list[Stint], list[Problem]]:
    """All `moves` applied in order, then the whole result checked; (new stints, problems).

    Checks run after every move is applied, so a swap (the old leader steps down and the new one
    steps up on the same day) passes as one change. Any problem means the change must not be
    written: the caller keeps the old stints.
    """
    current, problems, known = list(stints), [], set(group_ids)
    for move in moves:
        found = _move_problems(move, people, known)
        if not found:
            current, found = apply_move(current, move)
        problems.extend(found)
    touched = {move.staff_id for move in moves}
    return current, problems + history_problems(current, touched)


def add_stint(stints: Iterable[Stint], stint: Stint, people: dict[str, Person],
              group_ids: Iterable[str]) -> tuple[list[Stint], list[Problem]]:
    """The stints plus a stint entered with both dates (补录: a past assignment), and problems.

    Unlike a move it closes nothing: it must fit beside the person's other stints, so an
    overlap is refused rather than silently cut.
    """
    move = Move(stint.staff_id, stint.group_id, stint.role_in_group, stint.valid_from)
    problems = _move_problems(move, people, set(group_ids))
    if problems:
        return list(stints), problems
    after = [*stints, stint]
    return after, history_problems(after, [stint.staff_id])


def changed_staff(before: Iterable[Stint], after: Iterable[Stint]) -> set[str]:
    """Staff whose stints differ between two histories (what a writer has to rewrite)."""
    old, new = set(before), set(after)
    return {s.staff_id for s in old ^ new}


def split_target(total: float, weights: dict[str, float], *, unit: float = 1.0) -> dict[str, float]:
    """`total` split in proportion to `weights` (equal weights: an equal split), in steps of `unit`.

    Parts are whole multiples of `unit` (1 for counts, e.g. 10,000 元 for amounts) chosen by the
    largest-remainder method, so they add up to the total; what a unit cannot express (a total
    that is not a multiple of it) goes to the largest part. Members with weight 0 get 0. Raises
    ValueError when no weight is positive or a weight is negative.
    """
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    weight_sum = sum(weights.values())
    if weight_sum <= 0:
        raise ValueError("at least one weight must be positive")
    units = int(total // unit)
    exact = {key: units * w / weight_sum for key, w in weights.items()}
    parts = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] - parts[key]), -weights[key], key))
    for key in by_remainder[:units - sum(parts.values())]:
        parts[key] += 1
    result = {key: count * unit for key, count in parts.items()}
    leftover = total - units * unit
    if leftover:
        largest = max(result, key=lambda key: (result[key], weights[key]))
        result[largest] += leftover
    return result
