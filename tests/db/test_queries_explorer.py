"""db.queries.explorer: kpi_aggregates' measures by what customers want, against plain SQL."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from db.connection import connect
from db.deal_lists import DealSelection
from db.filters import Filters
from db.queries import kpi_aggregates
from db.queries.explorer import (
    CUSTOMER_DIMENSIONS,
    band_sql,
    customer_need_deals,
    explorer_aggregates,
    explorer_dimensions,
    year_earlier,
)
from tests.db.queries_fixtures import MARCH, golden_office

AUTUMN = Filters(date(2026, 8, 28), date(2026, 11, 25))       # 近90天 on the demo's as-of date
ADDITIVE = ["deals", "visits", "first_visits", "first_visits_won", "won_deals", "lost_deals", "won_amount",
            "csat_sum", "csat_sumsq", "csat_n", "nps_promoters", "nps_detractors", "nps_n", "followup_n",
            "followup_on_time"]


@pytest.fixture(scope="module")
def demo(demo_db_path):
    con = connect(demo_db_path, read_only=True)
    yield con
    con.close()


def _needs(con, rows: list[tuple]) -> None:
    """Give the golden office's customers a grade, layout, area (㎡), budget (元) and region."""
    for cid, grade, layout, area, budget, region in rows:
        con.execute("UPDATE customers SET grade = ?, intent_layout = ?, intent_area_sqm = ?, intent_budget = ?, "
                    "region = ? WHERE customer_id = ?", [grade, layout, area, budget, region, cid])


@pytest.fixture
def office():
    con = golden_office()
    _needs(con, [("c1", "A", "两房", 89.9, 1_999_999.0, "城东"), ("c2", "B", "三房", 90.0, 2_000_000.0, "城西"),
                 ("c3", "A", "三房", 144.0, 5_000_000.0, "城东"), ("c4", None, "四房", 120.0, None, None),
                 ("c5", "C", None, None, 3_500_000.0, "外地")])
    yield con
    con.close()


def test_areas_and_budgets_fall_in_the_band_of_their_lower_edge(office):
    rows = office.execute(f"""
        SELECT customer_id, {band_sql('intent_area_sqm', (90.0, 120.0, 144.0))},
               {band_sql('intent_budget / 10000.0', (200.0, 300.0, 400.0, 500.0))}
        FROM customers ORDER BY 1""").fetchall()
    # 89.9 ㎡ < 90; 90 starts [90, 120); 144 starts [144, ∞); 199.9999 万 < 200; 350 万 in [300, 400)
    assert rows == [("c1", 0.0, 0.0), ("c2", 90.0, 200.0), ("c3", 144.0, 500.0), ("c4", 120.0, None),
                    ("c5", None, 300.0)]


def test_the_golden_march_by_grade_counts_each_fact_at_its_customer(office):
    by_grade = explorer_aggregates(office, MARCH, "grade").set_index("grade")
    # won in March: d1 (c1, A), d3 (c3, A), d7 (c4, no grade), d9 (c1, A) → A 3 wins, ¥3,500,000
    assert by_grade.loc["A", "won_deals"] == 3
    assert by_grade.loc["A", "won_amount"] == 3_500_000
    # lost in March: d2 and d6, both c2 (B)
    assert by_grade.loc["B", "lost_deals"] == 2
    # created in March: d1, d9 (c1 A), d2 (c2 B), d4, d7 (c4 —), d5 (c5 C)
    assert by_grade.loc["A", "deals"] == 2 and by_grade.loc["C", "deals"] == 1
    ungraded = by_grade[by_grade.index.isna()].iloc[0]
    assert ungraded["deals"] == 2 and ungraded["won_deals"] == 1


def test_two_dimensions_mix_a_customer_need_with_a_group(office):
    cells = explorer_aggregates(office, MARCH, ("area_band", "group"))
    won = cells[cells["won_deals"] > 0].set_index(["area_band", "group"])["won_deals"]
    # d1 gA c1 (<90), d3 gA c3 (≥144), d7 gB c4 (120-144), d9 closed by gA, c1 (<90)
    assert won.to_dict() == {(0.0, "gA"): 2, (120.0, "gB"): 1, (144.0, "gA"): 1}


def test_every_customer_dimension_adds_up_to_the_kpi_totals(demo):
    total = kpi_aggregates(demo, AUTUMN, "total")[ADDITIVE].iloc[0]
    for dimension in CUSTOMER_DIMENSIONS:
        summed = explorer_aggregates(demo, AUTUMN, dimension)[ADDITIVE].sum()
        assert summed.to_dict() == total.to_dict(), dimension


def test_a_customer_need_by_month_adds_up_to_kpi_aggregates_by_month_under_filters(demo):
    narrowed = Filters(AUTUMN.start, AUTUMN.end, project_ids=("PB",), source_channels=("natural", "agency"))
    by_month = explorer_aggregates(demo, narrowed, ("region", "month"))
    expected = kpi_aggregates(demo, narrowed, "month").set_index("month")[ADDITIVE]
    summed = by_month.groupby("month")[ADDITIVE].sum().reindex(expected.index, fill_value=0)
    pd.testing.assert_frame_equal(summed, expected, check_dtype=False)


def test_won_deals_by_grade_equal_plain_sql(demo):
    plain = dict(demo.execute("""
        SELECT c.grade, count(*) FROM deals d JOIN customers c USING (customer_id)
        WHERE d.outcome = 'won' AND d.won_at >= DATE '2026-08-28' AND d.won_at < DATE '2026-11-26'
        GROUP BY 1""").fetchall())
    by_grade = explorer_aggregates(demo, AUTUMN, "grade").set_index("grade")["won_deals"]
    assert by_grade.to_dict() == plain


def test_first_visits_by_region_equal_plain_sql(demo):
    plain = dict(demo.execute("""
        SELECT c.region, count(*) FROM activities a LEFT JOIN deals d ON d.deal_id = a.deal_id
        JOIN customers c ON c.customer_id = coalesce(a.customer_id, d.customer_id)
        WHERE a.kind = 'first_visit' AND a.occurred_at >= DATE '2026-08-28' AND a.occurred_at < DATE '2026-11-26'
        GROUP BY 1""").fetchall())
    by_region = explorer_aggregates(demo, AUTUMN, "region").set_index("region")["first_visits"]
    assert by_region.to_dict() == plain


def test_deals_created_by_area_band_equal_plain_sql(demo):
    plain = dict(demo.execute("""
        SELECT CASE WHEN c.intent_area_sqm < 90 THEN 0 WHEN c.intent_area_sqm < 120 THEN 90
                    WHEN c.intent_area_sqm < 144 THEN 120 ELSE 144 END, count(*)
        FROM deals d JOIN customers c USING (customer_id)
        WHERE d.created_at >= DATE '2026-08-28' AND d.created_at < DATE '2026-11-26' GROUP BY 1""").fetchall())
    by_band = explorer_aggregates(demo, AUTUMN, "area_band").set_index("area_band")["deals"]
    assert by_band.to_dict() == {float(k): v for k, v in plain.items()}


def test_won_amount_by_budget_band_and_group_equal_plain_sql(demo):
    plain = {(float(b), g): a for b, g, a in demo.execute("""
        SELECT CASE WHEN c.intent_budget < 2000000 THEN 0 WHEN c.intent_budget < 3000000 THEN 200
                    WHEN c.intent_budget < 4000000 THEN 300 WHEN c.intent_budget < 5000000 THEN 400 ELSE 500 END,
               d.closing_group_id, sum(d.amount)
        FROM deals d JOIN customers c USING (customer_id)
        WHERE d.outcome = 'won' AND d.won_at >= DATE '2026-08-28' AND d.won_at < DATE '2026-11-26'
        GROUP BY ALL""").fetchall()}
    cells = explorer_aggregates(demo, AUTUMN, ("budget_band", "group"))
    shown = cells[cells["won_deals"] > 0].set_index(["budget_band", "group"])["won_amount"]
    assert shown.to_dict() == pytest.approx(plain)


def test_without_a_customer_need_it_is_kpi_aggregates(demo):
    pd.testing.assert_frame_equal(explorer_aggregates(demo, AUTUMN, ("source", "group")),
                                  kpi_aggregates(demo, AUTUMN, ("source", "group")))


def test_an_unknown_dimension_is_refused():
    with pytest.raises(ValueError, match="budget"):
        explorer_dimensions(("budget",))


def test_the_deals_behind_a_customer_need_equal_plain_sql(demo):
    selection = DealSelection(basis="lost", group_id="B-FIRST", start=datetime(2026, 10, 1), end=datetime(2026, 11, 1))
    deals = customer_need_deals(demo, AUTUMN, selection, (("grade", "A"), ("budget_band", 200.0)), limit=10_000)
    plain = demo.execute("""
        SELECT d.deal_id FROM deals d JOIN customers c USING (customer_id)
        WHERE d.outcome = 'lost' AND d.closing_group_id = 'B-FIRST' AND c.grade = 'A'
          AND c.intent_budget >= 2000000 AND c.intent_budget < 3000000
          AND d.lost_at >= DATE '2026-10-01' AND d.lost_at < DATE '2026-11-01'
        ORDER BY d.lost_at DESC, d.deal_id""").fetchall()
    assert deals["deal_id"].tolist() == [row[0] for row in plain] and len(plain) > 0
    assert set(deals["outcome"]) == {"lost"}


def test_a_year_earlier_keeps_weekdays_for_weeks_and_dates_for_months():
    window = Filters(date(2026, 8, 28), date(2026, 11, 25), group_ids=("B-FIRST",))
    weekly = year_earlier(window, "week")
    assert (weekly.start, weekly.end) == (date(2025, 8, 29), date(2025, 11, 26))   # 364 days: Friday stays Friday
    assert weekly.start.weekday() == window.start.weekday() and weekly.group_ids == ("B-FIRST",)
    monthly = year_earlier(window, "month")
    assert (monthly.start, monthly.end) == (date(2025, 8, 28), date(2025, 11, 25))
    leap = year_earlier(Filters(date(2024, 2, 1), date(2024, 2, 29)), None)
    assert (leap.start, leap.end) == (date(2023, 2, 1), date(2023, 2, 28))
