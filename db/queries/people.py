"""Who is who on a given day: each staff member with the group and role they held then."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from db.queries._common import frame


def staff_roster(con: duckdb.DuckDBPyConnection, on: date) -> pd.DataFrame:
    """One row per staff member: staff_id, name, role, active, and their group on `on`.

    Group columns (group_id, role_in_group, group_name, basis, phase, sort_order) come from the
    membership stint that started last on or before `on`: the group they were in that day, or,
    for someone who has left, the last group they were in. Staff without any such stint (a site
    manager above the groups, a roster never imported, a hire after `on`) keep NULL group
    columns; role_in_group then falls back to staff.role. Ordered by group sort_order, then id.
    """
    return frame(con, """
        SELECT s.staff_id, s.name, s.role, s.active, m.group_id,
               coalesce(m.role_in_group, s.role) AS role_in_group,
               g.name AS group_name, g.basis, g.phase, g.sort_order
        FROM staff s
        LEFT JOIN memberships m ON m.staff_id = s.staff_id AND m.valid_from <= ?
        LEFT JOIN groups g ON g.group_id = m.group_id
        QUALIFY row_number() OVER (PARTITION BY s.staff_id ORDER BY m.valid_from DESC NULLS LAST) = 1
        ORDER BY g.sort_order NULLS LAST, s.staff_id
    """, [on])
