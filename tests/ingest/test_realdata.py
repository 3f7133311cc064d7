"""Imports of the public exports in ../shared/realdata, checked against the counts of their SOURCE.md.

Skipped (with the reason) when the folder is not next to the repository.
"""

from __future__ import annotations

import time
from datetime import datetime

import duckdb
import pytest

from db.imports import map_stage
from ingest.pipeline import import_file
from tests.ingest.conftest import rows

pytestmark = pytest.mark.realdata


def test_maven_pipeline_with_its_team_roster(con, realdata):
    folder = realdata / "maven_crm_sales_opportunities"
    roster = import_file(con, folder / "sales_teams.csv")
    assert (roster.entity, roster.inserted) == ("roster", 35)
    started = time.monotonic()
    deals = import_file(con, folder / "sales_pipeline.csv")
    assert time.monotonic() - started < 10
    assert (deals.source_system, deals.entity, deals.inserted, deals.rejected) == ("generic", "deals", 8800, 0)
    assert dict(rows(con, "SELECT outcome, count(*) FROM deals GROUP BY 1")) == {"won": 4238, "lost": 2473, "open": 2089}
    assert rows(con, "SELECT sum(amount) FROM deals WHERE outcome = 'won'") == [(10_005_534.0,)]
    assert deals.unmapped_stages == {"Engaging": 1589}
    # SOURCE.md: opportunities per manager (the manager is the group)
    per_group = dict(rows(con, "SELECT g.name, count(*) FROM deals d JOIN groups g USING (group_id) GROUP BY 1"))
    assert per_group == {"Melvin Marxen": 1929, "Dustin Brinkmann": 1583, "Summer Sewald": 1701,
                         "Rocco Neubert": 1327, "Celia Rouche": 1296, "Cara Losch": 964}


def test_maven_win_rate_per_group_matches_a_hand_written_sql_check(con, realdata):
    folder = realdata / "maven_crm_sales_opportunities"
    import_file(con, folder / "sales_teams.csv")
    import_file(con, folder / "sales_pipeline.csv")
    imported = dict(rows(con, """SELECT g.name, round(count(*) FILTER (WHERE outcome = 'won')
                                          / count(*) FILTER (WHERE outcome <> 'open'), 6)
                                 FROM deals d JOIN groups g USING (group_id) GROUP BY 1"""))
    raw = duckdb.connect()
    expected = dict(raw.execute(f"""
        SELECT t.manager, round(count(*) FILTER (WHERE p.deal_stage = 'Won')
                                / count(*) FILTER (WHERE p.deal_stage IN ('Won', 'Lost')), 6)
        FROM read_csv('{folder / "sales_pipeline.csv"}') p JOIN read_csv('{folder / "sales_teams.csv"}') t
          USING (sales_agent) GROUP BY 1""").fetchall())
    assert imported == expected


def test_zoho_potentials_calls_and_leads(con, realdata):
    folder = realdata / "zoho_crm_analytics_sample"
    deals = import_file(con, folder / "Potentials.csv")
    assert (deals.source_system, deals.inserted) == ("zoho", 3632)
    assert dict(rows(con, "SELECT source_stage, count(*) FROM deals WHERE outcome <> 'open' GROUP BY 1")) == {
        "Closed Won": 1425, "Closed Lost": 485}
    assert deals.unmapped_stages == {"Initial Offer": 283, "Prospect": 245}
    calls = import_file(con, folder / "Calls.csv")
    assert (calls.entity, calls.inserted) == ("activities", 4100)
    assert dict(rows(con, "SELECT kind, count(*) FROM activities GROUP BY 1")) == {"call": 3560, "phone": 540}
    leads = import_file(con, folder / "Leads.csv")
    assert (leads.entity, leads.inserted) == ("leads", 3900)
    # Every Potential carries its lead's LEADID: all 3,632 deals find their customer.
    assert rows(con, "SELECT count(*) FROM deals d JOIN customers c USING (customer_id)") == [(3632,)]
    # The 11 reps: names from Potentials and ids from Calls are the same people.
    assert rows(con, "SELECT count(*) FROM staff") == [(11,)]


def test_winkel_salesforce_opportunities_and_history(con, realdata):
    folder = realdata / "salesforce_winkel_latam"
    deals = import_file(con, folder / "Opportunity_redacted.csv")
    assert (deals.encoding, deals.inserted, deals.rejected) == ("cp1252", 512, 0)
    assert any("removed 48 NUL bytes" in n for n in deals.notes)
    assert dict(rows(con, "SELECT outcome, count(*) FROM deals GROUP BY 1")) == {"won": 163, "lost": 203, "open": 146}
    # First import into an empty database: the most common currency (MXN 220) becomes the currency.
    assert (deals.currency, deals.other_currencies) == ("MXN", {"COP": 107, "USD": 105, "PEN": 80})
    assert deals.unmapped_stages == {"Negociación": 61, "Presentación Propuesta": 38, "Firmas": 23,
                                     "Interes": 15, "Diseño Propuesta": 9}
    history = import_file(con, folder / "OpportunityHistory.csv")
    assert (history.entity, history.rows_read) == ("stage_history", 2809)
    # 2,809 rows, of which 1,478 repeat the previous stage: 1,331 transitions (512 first rows + 819 changes)
    assert history.stage_events + history.pending_stage_events == 1331
    for words, stage in (("Interes", "lead"), ("Diseño Propuesta", "first_visit"),
                         ("Presentación Propuesta", "revisit"), ("Negociación", "pledge"), ("Firmas", "pledge")):
        map_stage(con, "salesforce", words, stage)
    assert rows(con, "SELECT count(*) FROM pending_stage_events") == [(0,)]
    # Hand-written check: distinct (deal, time, mapped stage) among the transitions of the raw file.
    expected = duckdb.connect().execute(f"""
        WITH h AS (SELECT OpportunityId, CreatedDate, StageName,
                          lag(StageName) OVER (PARTITION BY OpportunityId ORDER BY CreatedDate, Id) AS prev
                   FROM read_csv('{folder / "OpportunityHistory.csv"}', encoding = 'latin-1', all_varchar = true))
        SELECT count(DISTINCT (OpportunityId, CreatedDate, CASE StageName WHEN 'Interes' THEN 'lead'
               WHEN 'Diseño Propuesta' THEN 'first_visit' WHEN 'Presentación Propuesta' THEN 'revisit'
               WHEN 'Closed Won' THEN 'contract' WHEN 'Closed Lost' THEN 'lost' ELSE 'pledge' END))
        FROM h WHERE prev IS DISTINCT FROM StageName""").fetchall()[0][0]
    assert rows(con, "SELECT count(*) FROM stage_events") == [(expected,)]
    assert dict(rows(con, "SELECT outcome, count(*) FROM deals GROUP BY 1")) == {"won": 163, "lost": 203, "open": 146}
    # A lost deal keeps the furthest stage its history reached.
    assert rows(con, "SELECT count(*) FROM deals WHERE outcome = 'lost' AND stage IS NULL")[0][0] < 203


def test_olist_leads_and_closed_deals(con, realdata):
    folder = realdata / "olist_marketing_funnel"
    leads = import_file(con, folder / "olist_marketing_qualified_leads_dataset.csv")
    assert (leads.entity, leads.inserted) == ("leads", 8000)
    deals = import_file(con, folder / "olist_closed_deals_dataset.csv")
    assert (deals.entity, deals.inserted) == ("deals", 842)
    assert rows(con, "SELECT outcome, count(*) FROM deals GROUP BY 1") == [("won", 842)]
    assert rows(con, "SELECT count(*) FROM deals d JOIN customers c USING (customer_id)") == [(842,)]
    assert rows(con, "SELECT count(DISTINCT owner_staff_id) FROM deals") == [(22,)]     # 22 SRs


def test_melbourne_sales_with_a_column_mapping_and_method_codes_mapped(con, realdata):
    """Method S/SP/SA (sold) → contract (won); PI/VB (passed in, vendor bid) → lost: our mapping."""
    mapping = {"name": "Address", "owner_name": "SellerG", "department": "Regionname", "stage": "Method",
               "amount": "Price", "created_at": "Date"}
    summary = import_file(con, realdata / "melbourne_housing_snapshot" / "melb_data.csv", entity="deals",
                          mapping=mapping, mapping_profile="melbourne")
    assert (summary.inserted, summary.rejected) == (13580, 0)
    assert summary.unmapped_stages == {"S": 9022, "SP": 1703, "PI": 1564, "VB": 1199, "SA": 92}
    for code in ("S", "SP", "SA"):
        map_stage(con, "generic", code, "contract")
    for code in ("PI", "VB"):
        map_stage(con, "generic", code, "lost")
    assert dict(rows(con, "SELECT outcome, count(*) FROM deals GROUP BY 1")) == {"won": 10817, "lost": 2763}
    # Day-first d/mm/yyyy: SOURCE.md gives 2016-01-28 .. 2017-09-23.
    assert rows(con, "SELECT min(created_at), max(created_at) FROM deals")[0] == (
        datetime(2016, 1, 28), datetime(2017, 9, 23))
    assert rows(con, "SELECT count(DISTINCT group_id) FROM deals") == [(8,)]      # 8 regions
    again = import_file(con, realdata / "melbourne_housing_snapshot" / "melb_data.csv")
    assert "saved mapping 'melbourne'" in again.detected and again.unchanged == 13580


def test_salesforce_devorg_sample_maps_api_names(con, realdata):
    folder = realdata / "salesforce_devorg_sample"
    deals = import_file(con, folder / "opportunity.csv")
    assert (deals.source_system, deals.inserted) == ("salesforce", 31)
    assert dict(rows(con, "SELECT outcome, count(*) FROM deals GROUP BY 1")) == {"won": 18, "open": 13}
    history = import_file(con, folder / "OpportunityHistory.csv")
    assert history.stage_events == 31          # two rows per opportunity, the second repeats the stage
    assert import_file(con, folder / "lead.csv").inserted == 22
