"""db/imports.py: upserts with before-images, undo, stage mapping, rejects, batches, settings."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from db.connection import connect_memory
from db.imports import (
    ImportRefused,
    batch_rejects,
    import_batches,
    map_stage,
    new_batch,
    resolve_staff,
    set_as_of_if_later,
    setting,
    undo_batch,
    upsert_rows,
)
from ingest.pipeline import import_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
BOOKKEEPING = ("import_batches", "import_changes", "import_rejects")


@pytest.fixture
def con():
    connection = connect_memory()
    yield connection
    connection.close()


def rows(con, sql: str, params=None) -> list[tuple]:
    return con.cursor().execute(sql, params or []).fetchall()


def data_hashes(con) -> dict[str, tuple]:
    """(count, order-free hash) of every table but the import bookkeeping."""
    cur = con.cursor()
    tables = [t for (t,) in cur.execute("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall()]
    return {t: tuple(cur.execute(f"SELECT count(*), coalesce(sum(hash(x)::HUGEINT), 0) FROM {t} x").fetchall()[0])
            for t in tables if t not in BOOKKEEPING}


def test_upsert_counts_new_changed_and_unchanged_rows_and_keeps_before_images(con):
    batch = new_batch(con, file_name="t.csv", sha256="x", source_system="generic", entity="targets")
    con.execute("CREATE TEMP TABLE inc AS SELECT * FROM (VALUES ('group', 'g1', DATE '2025-03-01', 'visits', 60.0)) "
                "t(scope, scope_id, month, metric, value)")
    columns = ["scope", "scope_id", "month", "metric", "value"]
    assert vars(upsert_rows(con, batch, "targets", "inc", columns)) == {"inserted": 1, "updated": 0, "unchanged": 0}
    second = new_batch(con, file_name="t2.csv", sha256="y", source_system="generic", entity="targets")
    con.execute("INSERT INTO inc VALUES ('group', 'g2', DATE '2025-03-01', 'visits', 45.0)")
    con.execute("UPDATE inc SET value = 70.0 WHERE scope_id = 'g1'")
    assert vars(upsert_rows(con, second, "targets", "inc", columns)) == {"inserted": 1, "updated": 1, "unchanged": 0}
    images = rows(con, "SELECT record_id, before_json FROM import_changes WHERE batch_id = ? ORDER BY 1", [second])
    assert images[0][0] == "group|g1|2025-03-01|visits" and '"value":60.0' in images[0][1]
    assert images[1] == ("group|g2|2025-03-01|visits", None)


def test_undo_restores_updated_records_and_removes_inserted_ones_and_events(con):
    before = data_hashes(con)
    week1 = import_file(con, FIXTURES / "zoho_deals_week1.csv")
    after_week1 = data_hashes(con)
    week2 = import_file(con, FIXTURES / "zoho_deals_week2.csv")
    assert rows(con, "SELECT count(*) FROM stage_events") == [(1,)]
    counts = undo_batch(con, week2.batch_id)
    # restored: deals A (stage) and B (amount), and settings.as_of; removed: deal D
    assert counts == {"restored": 3, "removed": 1, "stage_events_removed": 1}
    assert data_hashes(con) == after_week1
    assert rows(con, "SELECT status FROM import_batches WHERE batch_id = ?", [week2.batch_id]) == [("undone",)]
    undo_batch(con, week1.batch_id)
    assert data_hashes(con) == before


def test_undo_is_refused_while_a_later_batch_changed_the_same_records(con):
    week1 = import_file(con, FIXTURES / "zoho_deals_week1.csv")
    week2 = import_file(con, FIXTURES / "zoho_deals_week2.csv")
    unchanged = data_hashes(con)
    with pytest.raises(ImportRefused, match=f"batch {week2.batch_id} changed the same records after batch "
                                            f"{week1.batch_id}: undo batch {week2.batch_id} first"):
        undo_batch(con, week1.batch_id)
    assert data_hashes(con) == unchanged


def test_undo_of_an_unknown_or_undone_batch_is_refused(con):
    with pytest.raises(ImportRefused, match="there is no import batch 99"):
        undo_batch(con, 99)
    batch = import_file(con, FIXTURES / "zoho_deals_week1.csv").batch_id
    undo_batch(con, batch)
    with pytest.raises(ImportRefused, match="already undone"):
        undo_batch(con, batch)


def test_undo_keeps_people_that_a_later_batch_still_uses(con):
    roster = import_file(con, FIXTURES / "roster.csv")
    import_file(con, FIXTURES / "fxiaoke_deals.xlsx")        # deals owned by the roster's people
    undo_batch(con, roster.batch_id)
    assert rows(con, "SELECT count(*) FROM memberships") == [(0,)]
    assert rows(con, "SELECT count(*) FROM staff WHERE name IN ('王芳', '陈静', '杨帆')") == [(3,)]


def test_mapping_an_unmapped_stage_re_derives_its_deals(con):
    import_file(con, FIXTURES / "fxiaoke_deals.xlsx")
    assert rows(con, "SELECT stage, outcome FROM deals WHERE source_stage = '意向金待付'") == [(None, "open")]
    assert map_stage(con, "fxiaoke", "意向金待付", "subscription") == 1
    # subscription is the won stage (认购即成交): won_at falls back to the created date (no stage date kept)
    assert rows(con, "SELECT stage, outcome, won_at FROM deals WHERE source_stage = '意向金待付'") == [
        ("subscription", "won", datetime(2025, 3, 7))]
    assert rows(con, "SELECT stage FROM stage_map WHERE source_stage = '意向金待付'") == [("subscription",)]
    again = import_file(con, FIXTURES / "fxiaoke_deals.xlsx")    # the saved mapping now applies at import
    assert again.unmapped_stages == {} and again.updated == 0


def test_a_project_scoped_account_cannot_map_a_stage_and_nothing_changes(con):
    """The stage map is shared by every project: a manager of one project is refused, so the
    deal of 意向金待付 stays unmapped and no mapping is stored; without a scope the same call maps."""
    import_file(con, FIXTURES / "fxiaoke_deals.xlsx")
    with pytest.raises(ImportRefused, match="shared by every project") as refused:
        map_stage(con, "fxiaoke", "意向金待付", "subscription", projects=("PB",))
    assert refused.value.code == "stage_map_scoped"
    assert rows(con, "SELECT count(*) FROM stage_map") == [(0,)]
    assert rows(con, "SELECT stage, outcome FROM deals WHERE source_stage = '意向金待付'") == [(None, "open")]
    assert map_stage(con, "fxiaoke", "意向金待付", "subscription", projects=None) == 1


def test_mapping_a_stage_to_lost_closes_open_deals_but_keeps_won_ones(con):
    import_file(con, FIXTURES / "unknown_layout.csv", entity="deals",
                mapping={"name": "Property", "owner_name": "Agent", "stage": "Result", "created_at": "Sold On"})
    map_stage(con, "generic", "PI", "lost")
    assert rows(con, "SELECT outcome, lost_at FROM deals WHERE source_stage = 'PI'") == [("lost", datetime(2017, 5, 27))]
    with pytest.raises(ValueError, match="unknown stage 'sold'"):
        map_stage(con, "generic", "S", "sold")


def test_batch_rejects_and_the_batch_list(con):
    summary = import_file(con, FIXTURES / "bad_rows.csv")
    frame = batch_rejects(con, summary.batch_id)
    assert list(frame.columns) == ["line_no", "reason", "raw"] and frame["line_no"].tolist() == [3, 4, 5]
    batches = import_batches(con)
    assert batches.loc[0, ["file_name", "entity", "rows_read", "rows_inserted", "rows_rejected", "status"]].tolist() == [
        "bad_rows.csv", "deals", 5, 2, 3, "done"]


def test_people_with_names_differing_only_in_case_are_one_person(con):
    batch = new_batch(con, file_name="x", sha256="x", source_system="generic", entity="deals")
    con.execute("CREATE TEMP TABLE ppl AS SELECT * FROM (VALUES (NULL, 'VICProp'), (NULL, 'VICPROP')) t(ref_id, ref_name)")
    assert resolve_staff(con, batch, "generic", "ppl") == 1
    assert {s for (s,) in con.execute("SELECT DISTINCT staff_id FROM ppl").fetchall()} == {"generic:VICPROP"}


def test_as_of_only_moves_forward(con):
    batch = new_batch(con, file_name="x", sha256="x", source_system="generic", entity="deals")
    assert set_as_of_if_later(con, batch, date(2025, 3, 31)) == date(2025, 3, 31)
    assert set_as_of_if_later(con, batch, date(2025, 1, 1)) == date(2025, 3, 31)
    assert setting(con, "as_of") == "2025-03-31"
