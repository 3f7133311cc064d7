"""db/attribution.py without any group or membership: only rows still carrying a group change."""

from __future__ import annotations

from db.attribution import refresh_group_attribution
from db.connection import connect_memory


def _database():
    con = connect_memory()
    con.execute("""INSERT INTO deals (deal_id, source_system, source_record_id, department, group_id, closing_group_id,
                                      outcome, created_at, won_at) VALUES
                   ('t:1', 't', '1', '一组', 'old', 'old', 'won', '2026-01-01', '2026-02-01'),
                   ('t:2', 't', '2', NULL, NULL, NULL, 'open', '2026-01-01', NULL)""")
    return con


def _groups(con) -> list[tuple]:
    return con.execute("SELECT deal_id, group_id, closing_group_id FROM deals ORDER BY deal_id").fetchall()


def test_without_groups_or_memberships_every_group_becomes_empty():
    con = _database()
    refresh_group_attribution(con)
    assert _groups(con) == [("t:1", None, None), ("t:2", None, None)]


def test_a_group_named_by_the_department_still_counts_the_deal():
    con = _database()
    con.execute("INSERT INTO groups (group_id, name, basis) VALUES ('G1', '一组', 'other')")
    refresh_group_attribution(con)
    assert _groups(con) == [("t:1", "G1", "G1"), ("t:2", None, None)]
