"""Tiny hand-made databases for the query tests: INSERT helpers and the golden March 2025 office.

Timestamps are 'YYYY-MM-DD HH:MM' strings; every helper has defaults so that a test only states
what it is about.
"""

from __future__ import annotations

from datetime import date

import duckdb

from db.connection import connect_memory
from db.filters import Filters

MARCH = Filters(date(2025, 3, 1), date(2025, 3, 31))


def add_group(con, group_id, name=None, *, basis="project", phase=None, project_id=None, sort_order=0):
    con.execute("INSERT INTO groups VALUES (?, ?, ?, ?, ?, ?)",
                [group_id, name or group_id, basis, project_id, phase, sort_order])


def add_staff(con, staff_id, name=None, *, role="consultant"):
    con.execute("INSERT INTO staff (staff_id, name, role) VALUES (?, ?, ?)", [staff_id, name or staff_id, role])


def add_membership(con, staff_id, group_id, valid_from, valid_to=None, *, role="consultant"):
    con.execute("INSERT INTO memberships VALUES (?, ?, ?, ?, ?)", [staff_id, group_id, role, valid_from, valid_to])


def add_customer(con, customer_id, *, source_channel=None, customer_type=None, name=None):
    con.execute("INSERT INTO customers (customer_id, source_system, source_record_id, name, source_channel, "
                "customer_type) VALUES (?, 'test', ?, ?, ?, ?)",
                [customer_id, customer_id, name or f"name-{customer_id}", source_channel, customer_type])


def add_deal(con, deal_id, created_at, *, owner="s1", creator=None, customer_id=None, stage=None,
             outcome="open", amount=None, won_at=None, lost_at=None, project_id="p1",
             group_id=None, closing_group_id=None, stage_entered_at=None, next_follow_at=None):
    con.execute("""
        INSERT INTO deals (deal_id, source_system, source_record_id, customer_id, owner_staff_id,
            creator_staff_id, group_id, closing_group_id, project_id, stage, outcome, amount,
            created_at, stage_entered_at, won_at, lost_at, next_follow_at)
        VALUES (?, 'test', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [deal_id, deal_id, customer_id, owner, creator, group_id, closing_group_id, project_id,
                 stage, outcome, amount, created_at, stage_entered_at, won_at, lost_at, next_follow_at])


def add_event(con, deal_id, entered_at, to_stage, from_stage=None):
    con.execute("INSERT INTO stage_events (deal_id, entered_at, from_stage, to_stage) VALUES (?, ?, ?, ?)",
                [deal_id, entered_at, from_stage, to_stage])


def add_activity(con, activity_id, occurred_at, kind, *, deal_id=None, customer_id=None, staff_id="s1",
                 group_id=None):
    con.execute("""
        INSERT INTO activities (activity_id, source_system, source_record_id, deal_id, customer_id,
            staff_id, group_id, kind, occurred_at) VALUES (?, 'test', ?, ?, ?, ?, ?, ?, ?)""",
                [activity_id, activity_id, deal_id, customer_id, staff_id, group_id, kind, occurred_at])


def add_survey(con, survey_id, answered_at, *, csat=None, nps=None, staff_id="s1", group_id=None,
               customer_id=None, deal_id=None, comment=None):
    con.execute("""
        INSERT INTO surveys (survey_id, source_system, source_record_id, customer_id, deal_id, staff_id,
            group_id, answered_at, csat, nps, comment) VALUES (?, 'test', ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                [survey_id, survey_id, customer_id, deal_id, staff_id, group_id, answered_at, csat, nps, comment])


def add_ownership(con, deal_id, changed_at, from_staff, to_staff):
    con.execute("INSERT INTO ownership_events (deal_id, changed_at, from_staff_id, to_staff_id) VALUES (?, ?, ?, ?)",
                [deal_id, changed_at, from_staff, to_staff])


def add_target(con, scope_id, month, value, *, metric="won_amount", scope="group"):
    con.execute("INSERT INTO targets VALUES (?, ?, ?, ?, ?)", [scope, scope_id, month, metric, value])


def golden_office() -> duckdb.DuckDBPyConnection:
    """The March 2025 office every KPI golden test reads (window MARCH = 03-01 … 03-31).

    Groups gA (A组, s1), gB (B组, s2), gC (C组, nobody). Group columns are set by hand.
      d1 gA  created 03-02 10:00, won 03-10 ¥1,000,000 (cycle 8 d), customer c1 natural/first_home
      d2 gA  created 03-05 10:00, lost 03-20, c2 agency/upgrade
      d3 gA  created 02-20 (before), won 03-15 ¥2,000,000 (cycle 8 + 15 = 23 d), c3 natural/upgrade
      d4 gB  created 03-10 10:00, open, c4 agency/first_home (followed up via its customer)
      d5 gB  created 03-31 23:00, won 04-02 (after the window), c5 referral/investment
      d6 gB  created 01-10, lost 03-01 00:00 (first instant of the window), c2
      d7 gB  created 03-03, won 03-31 23:59 without amount (cycle 28 d), c4
      d8 gB  created 04-01 00:00 (just after the window), c1
      d9     created 03-01 by s2 in gB, handed to s1, won 03-25 by gA ¥500,000 (cycle 24 d), c1
    Activities: a1 first_visit d1 03-02 10:00 gA; a2 phone d1 03-02 15:00 (5 h: on time); a3
    first_visit d2 03-05 10:00 gA; a4 wechat d2 03-07 (2 days: late); a5 revisit d1 03-12 gA;
    a6 first_visit customer c4 (no deal) 03-10 09:00 gB; a7 call customer c4 03-10 20:00 (d4 on
    time through its customer); a8 first_visit d3 02-28 (before); a9 first_visit d5 03-31 23:30 gB.
    Surveys: gA 03-11 csat 5 nps 10; gA 03-12 csat 4 nps 8; gA 03-13 csat 2 nps 3 "太吵";
    gB 03-14 csat 3 (no nps); gB 02-01 csat 1 (before).
    """
    con = connect_memory()
    for gid, name, order in (("gA", "A组", 1), ("gB", "B组", 2), ("gC", "C组", 3)):
        add_group(con, gid, name, sort_order=order)
    for sid, name, gid in (("s1", "王一", "gA"), ("s2", "李二", "gB")):
        add_staff(con, sid, name)
        add_membership(con, sid, gid, "2024-01-01")
    con.execute("INSERT INTO projects (project_id, name) VALUES ('p1', '一期'), ('p2', '二期')")
    for cid, channel, ctype in (("c1", "natural", "first_home"), ("c2", "agency", "upgrade"),
                                ("c3", "natural", "upgrade"), ("c4", "agency", "first_home"),
                                ("c5", "referral", "investment")):
        add_customer(con, cid, source_channel=channel, customer_type=ctype)
    add_deal(con, "d1", "2025-03-02 10:00", customer_id="c1", stage="subscription", outcome="won",
             amount=1_000_000, won_at="2025-03-10 16:00", group_id="gA", closing_group_id="gA")
    add_deal(con, "d2", "2025-03-05 10:00", customer_id="c2", stage="first_visit", outcome="lost",
             lost_at="2025-03-20 12:00", group_id="gA", closing_group_id="gA")
    add_deal(con, "d3", "2025-02-20 10:00", customer_id="c3", stage="contract", outcome="won",
             amount=2_000_000, won_at="2025-03-15 11:00", group_id="gA", closing_group_id="gA")
    add_deal(con, "d4", "2025-03-10 10:00", owner="s2", customer_id="c4", stage="revisit",
             group_id="gB", project_id="p2")
    add_deal(con, "d5", "2025-03-31 23:00", owner="s2", customer_id="c5", stage="subscription",
             outcome="won", amount=800_000, won_at="2025-04-02 10:00", group_id="gB", closing_group_id="gB")
    add_deal(con, "d6", "2025-01-10 10:00", owner="s2", customer_id="c2", stage="lead", outcome="lost",
             lost_at="2025-03-01 00:00", group_id="gB", closing_group_id="gB")
    add_deal(con, "d7", "2025-03-03 10:00", owner="s2", customer_id="c4", stage="subscription",
             outcome="won", won_at="2025-03-31 23:59", group_id="gB", closing_group_id="gB")
    add_deal(con, "d8", "2025-04-01 00:00", owner="s2", customer_id="c1", stage="lead",
             group_id="gB")
    add_deal(con, "d9", "2025-03-01 09:00", owner="s1", creator="s2", customer_id="c1",
             stage="subscription", outcome="won", amount=500_000, won_at="2025-03-25 15:00",
             group_id="gB", closing_group_id="gA")
    for args, kw in (
        (("a1", "2025-03-02 10:00", "first_visit"), {"deal_id": "d1", "group_id": "gA"}),
        (("a2", "2025-03-02 15:00", "phone"), {"deal_id": "d1", "group_id": "gA"}),
        (("a3", "2025-03-05 10:00", "first_visit"), {"deal_id": "d2", "group_id": "gA"}),
        (("a4", "2025-03-07 10:00", "wechat"), {"deal_id": "d2", "group_id": "gA"}),
        (("a5", "2025-03-12 10:00", "revisit"), {"deal_id": "d1", "group_id": "gA"}),
        (("a6", "2025-03-10 09:00", "first_visit"), {"customer_id": "c4", "staff_id": "s2", "group_id": "gB"}),
        (("a7", "2025-03-10 20:00", "call"), {"customer_id": "c4", "staff_id": "s2", "group_id": "gB"}),
        (("a8", "2025-02-28 10:00", "first_visit"), {"deal_id": "d3", "group_id": "gA"}),
        (("a9", "2025-03-31 23:30", "first_visit"), {"deal_id": "d5", "staff_id": "s2", "group_id": "gB"}),
    ):
        add_activity(con, *args, **kw)
    add_survey(con, "v1", "2025-03-11 10:00", csat=5, nps=10, group_id="gA", customer_id="c1")
    add_survey(con, "v2", "2025-03-12 10:00", csat=4, nps=8, group_id="gA", customer_id="c2")
    add_survey(con, "v3", "2025-03-13 10:00", csat=2, nps=3, group_id="gA", customer_id="c3", comment="太吵")
    add_survey(con, "v4", "2025-03-14 10:00", csat=3, staff_id="s2", group_id="gB", customer_id="c4")
    add_survey(con, "v5", "2025-02-01 10:00", csat=1, staff_id="s2", group_id="gB", customer_id="c4")
    return con
