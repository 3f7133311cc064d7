"""deals has no unique index (db/schema.sql): the import's join keeps one row per deal_id."""

from __future__ import annotations

from ingest.pipeline import import_file
from tests.ingest.conftest import rows


def _one_row_per_deal(con) -> bool:
    return rows(con, "SELECT count(*) = count(DISTINCT deal_id) AND count(*) = count(DISTINCT "
                     "(source_system, source_record_id)) FROM deals")[0][0]


def test_overlapping_and_repeated_imports_keep_one_row_per_deal(con, fixture):
    first = import_file(con, fixture("zoho_deals_week1.csv"))
    second = import_file(con, fixture("zoho_deals_week2.csv"))
    again = import_file(con, fixture("zoho_deals_week2.csv"))
    assert second.updated > 0 and not again.changed
    assert _one_row_per_deal(con)
    assert rows(con, "SELECT count(*) FROM deals") == [(first.inserted + second.inserted,)]


def test_a_file_repeating_a_record_id_writes_that_deal_once(con, tmp_path):
    export = tmp_path / "deals.csv"
    export.write_text("Record Id,Deal Name,Stage,Amount,Created Time\n"
                      "zcrm_1,甲,Qualification,100,2025-03-01\n"
                      "zcrm_1,甲,Negotiation/Review,200,2025-03-01\n", encoding="utf-8")
    summary = import_file(con, export, source="zoho", entity="deals")
    assert (summary.inserted, summary.duplicates) == (1, 1)
    assert _one_row_per_deal(con) and rows(con, "SELECT amount FROM deals") == [(200.0,)]
