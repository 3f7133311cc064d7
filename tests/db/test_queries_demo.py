"""On the demo database: kpi_table by group equals plain SQL; the `kpis` command prints it."""

from __future__ import annotations

import io
import json
import math
import re
from contextlib import redirect_stdout
from datetime import date

import pytest

import cli
from analytics.kpis import kpi_table, rolled_up
from analytics.registry import KPI_METRIC_IDS, METRICS
from db.connection import connect
from db.filters import Filters
from db.queries import data_window, dimension_labels, kpi_aggregates
from domain import STAGES
from tests.db.queries_fixtures import golden_office

HALF_YEAR = Filters(date(2026, 1, 1), date(2026, 6, 30))

# Per group, each fact by its own date basis and its own group column (DOMAIN.md), written
# without any of db/queries' machinery.
PLAIN_BY_GROUP = """
WITH created AS (
    SELECT group_id AS g, count(*) AS deals FROM deals
    WHERE CAST(created_at AS DATE) BETWEEN $start AND $end GROUP BY 1
), won AS (
    SELECT closing_group_id AS g, count(*) AS won_deals, sum(amount) AS won_amount,
           median(date_diff('day', CAST(created_at AS DATE), CAST(won_at AS DATE))) AS median_cycle_days
    FROM deals WHERE outcome = 'won' AND CAST(won_at AS DATE) BETWEEN $start AND $end GROUP BY 1
), lost AS (
    SELECT closing_group_id AS g, count(*) AS lost_deals FROM deals
    WHERE outcome = 'lost' AND CAST(lost_at AS DATE) BETWEEN $start AND $end GROUP BY 1
), visits AS (
    SELECT group_id AS g, count(*) AS visits, count(*) FILTER (WHERE kind = 'first_visit') AS first_visits
    FROM activities WHERE kind IN ('first_visit', 'revisit')
      AND CAST(occurred_at AS DATE) BETWEEN $start AND $end GROUP BY 1
), answers AS (
    SELECT group_id AS g, avg(csat) AS csat,
           100.0 * (count(*) FILTER (WHERE nps >= 9) - count(*) FILTER (WHERE nps <= 6)) / nullif(count(nps), 0) AS nps
    FROM surveys WHERE CAST(answered_at AS DATE) BETWEEN $start AND $end GROUP BY 1
)
SELECT gr.group_id AS "group", coalesce(c.deals, 0) AS deals, coalesce(w.won_deals, 0) AS won_deals,
       coalesce(l.lost_deals, 0) AS lost_deals,
       coalesce(w.won_deals, 0) / nullif(coalesce(w.won_deals, 0) + coalesce(l.lost_deals, 0), 0) AS win_rate,
       coalesce(w.won_amount, 0) AS won_amount, w.median_cycle_days,
       coalesce(v.visits, 0) AS visits, coalesce(v.first_visits, 0) AS first_visits, a.csat, a.nps
FROM groups gr LEFT JOIN created c ON c.g = gr.group_id LEFT JOIN won w ON w.g = gr.group_id
LEFT JOIN lost l ON l.g = gr.group_id LEFT JOIN visits v ON v.g = gr.group_id
LEFT JOIN answers a ON a.g = gr.group_id
ORDER BY gr.group_id
"""


@pytest.fixture(scope="module")
def demo(demo_db_path):
    con = connect(demo_db_path, read_only=True)
    yield con
    con.close()


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return b is not None and float(a) == pytest.approx(float(b))


def test_kpi_table_by_group_equals_plain_sql_on_the_demo(demo):
    table = kpi_table(kpi_aggregates(demo, HALF_YEAR, "group"), "group").set_index("group")
    cursor = demo.cursor()
    result = cursor.execute(PLAIN_BY_GROUP, {"start": HALF_YEAR.start, "end": HALF_YEAR.end})
    columns = [d[0] for d in result.description]
    plain = [dict(zip(columns, values, strict=True)) for values in result.fetchall()]
    assert len(plain) >= 2 and sum(r["deals"] for r in plain) > 0
    for expected in plain:
        got = table.loc[expected["group"]]
        for metric_id, value in expected.items():
            if metric_id != "group":
                assert same(got[metric_id], value), (expected["group"], metric_id, got[metric_id], value)


def test_company_totals_on_the_demo_equal_the_registry_sql(demo):
    total = kpi_table(kpi_aggregates(demo, HALF_YEAR, "total"), "total").iloc[0]
    values = {"start": HALF_YEAR.start, "end": HALF_YEAR.end, "days": 90, "stages": list(STAGES)}
    for metric_id in KPI_METRIC_IDS:
        sql = METRICS[metric_id].sql
        params = {name: values[name] for name in set(re.findall(r"\$(\w+)", sql))}
        (expected,) = demo.cursor().execute(sql, params).fetchone()
        assert same(total[metric_id], expected), metric_id


def run_cli(*args: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert cli.main(["kpis", *args]) == 0
    return out.getvalue()


def test_the_kpis_command_prints_one_row_per_group_with_names(demo_db_path):
    records = json.loads(run_cli("--db", str(demo_db_path), "--format", "json",
                                 "--from", "2026-01-01", "--to", "2026-06-30"))
    with connect(demo_db_path, read_only=True) as con:
        names = dimension_labels(con, "group")
        expected = kpi_table(kpi_aggregates(con, HALF_YEAR, "group"), "group")
    assert [r["group"] for r in records] == [names.get(g, g) for g in expected["group"]]
    for metric_id in ("deals", "won_deals", "lost_deals", "win_rate", "won_amount", "avg_deal_amount",
                      "median_cycle_days", "first_visits", "csat", "nps"):
        assert [r[metric_id] for r in records] == pytest.approx(
            [None if math.isnan(v) else v for v in expected[metric_id].astype(float)], nan_ok=True), metric_id


def test_the_kpis_command_defaults_to_all_data(tmp_path):
    path = tmp_path / "office.duckdb"
    memory = golden_office()
    memory.execute(f"ATTACH '{path}' AS office")  # a test path, not user input
    memory.execute("COPY FROM DATABASE memory TO office")
    memory.close()
    text = run_cli("--db", str(path), "--by", "month", "--format", "csv")
    lines = text.strip().splitlines()
    assert lines[0].startswith("month,deals,visits,first_visits,won_deals,lost_deals,win_rate,won_amount")
    # all data: 2025-01-10 … 2025-04-02 → January to April
    assert [line.split(",")[0] for line in lines[1:]] == ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01"]
    table = run_cli("--db", str(path), "--from", "2025-03-01", "--to", "2025-03-31")
    assert "A组" in table and "C组" in table and "—" in table  # C组 is empty: its rates are "—"
    with connect(path, read_only=True) as con:
        assert data_window(con) == (date(2025, 1, 10), date(2025, 4, 2))


def test_the_kpis_command_explains_a_missing_database(tmp_path, capsys):
    assert cli.main(["kpis", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no database" in capsys.readouterr().err


@pytest.mark.parametrize("by", ["group", "staff", "project", "source", "customer_type", "week", "month"])
def test_every_dimension_adds_up_to_the_total_on_the_demo(demo, by):
    parts = rolled_up(kpi_aggregates(demo, HALF_YEAR, by), None).iloc[0]
    total = kpi_aggregates(demo, HALF_YEAR, "total").iloc[0]
    for column in ("deals", "visits", "first_visits", "first_visits_won", "won_deals", "lost_deals",
                   "won_amount", "csat_sum", "csat_n", "nps_n", "followup_n", "followup_on_time"):
        assert parts[column] == pytest.approx(total[column]), (by, column)
