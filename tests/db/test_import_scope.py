"""Whose data an import or an undo may write (db/import_scope.py): a manager of 滨江悦 (PB) on a
copy of the demo (projects PA 云栖府 and PB 滨江悦)."""

from __future__ import annotations

import shutil

import pytest

from db.connection import connect
from db.imports import ImportRefused, undo_batch
from ingest.pipeline import import_file
from tests.ingest.conftest import FIXTURES, table_hashes

PB_ONLY = ("PB",)
HEADER = "Deal Id,Deal,Stage,Created,Project\n"
MAPPING = {"record_id": "Deal Id", "name": "Deal", "stage": "Stage", "created_at": "Created", "project": "Project"}


@pytest.fixture
def con(demo_db_path, tmp_path):
    path = tmp_path / "scoped.duckdb"
    shutil.copy(demo_db_path, path)
    connection = connect(path)
    yield connection
    connection.close()


def deals_file(*rows: str) -> bytes:
    return (HEADER + "".join(f"{row}\n" for row in rows)).encode()


def refused(con, data: bytes, projects=PB_ONLY, **options) -> ImportRefused:
    before = table_hashes(con)
    with pytest.raises(ImportRefused) as caught:
        import_file(con, data, "deals.csv", entity="deals", mapping=MAPPING, projects=projects, **options)
    after = table_hashes(con)
    # The refused batch leaves only its audit trace: every data table as it was.
    assert {t: h for t, h in after.items() if t != "audit_log"} == {t: h for t, h in before.items() if t != "audit_log"}
    return caught.value


def test_a_manager_imports_deals_of_their_own_project(con):
    summary = import_file(con, deals_file("X1,新商机一,首访,2026-11-20,滨江悦", "X2,新商机二,复访,2026-11-21,PB"),
                          "deals.csv", entity="deals", mapping=MAPPING, projects=PB_ONLY)
    assert summary.inserted == 2
    assert con.execute("SELECT project_id FROM deals WHERE source_record_id IN ('X1', 'X2')").fetchall() == [
        ("PB",), ("PB",)]


def test_a_file_with_another_projects_deals_is_refused_and_changes_nothing(con):
    error = refused(con, deals_file("X1,新商机一,首访,2026-11-20,滨江悦", "X2,新商机二,首访,2026-11-20,云栖府",
                                    "X3,新商机三,首访,2026-11-20,云栖府"))
    assert error.code == "outside_scope"
    assert error.params == {"projects": "云栖府 (2)"}           # 2 records of PA, named
    # An administrator or analyst (no project limit) imports the same file.
    assert import_file(con, deals_file("X2,新商机二,首访,2026-11-20,云栖府"), "deals.csv", entity="deals",
                       mapping=MAPPING).inserted == 1


def test_an_update_that_would_move_another_projects_deal_is_refused(con):
    # X5 was imported for 云栖府 (PA) by an administrator; a PB manager's next export claims it
    # for 滨江悦: judged by its project before the write too, so it cannot be carried out of PA.
    import_file(con, deals_file("X5,老商机,首访,2026-11-20,云栖府"), "pa.csv", entity="deals", mapping=MAPPING)
    error = refused(con, deals_file("X5,老商机,复访,2026-11-22,滨江悦"))
    assert (error.code, error.params) == ("outside_scope", {"projects": "云栖府 (1)"})
    assert con.execute("SELECT project_id FROM deals WHERE source_record_id = 'X5'").fetchone() == ("PA",)


def test_a_roster_or_targets_file_is_for_an_administrator_or_analyst(con):
    with pytest.raises(ImportRefused) as caught:
        import_file(con, FIXTURES / "roster.csv", projects=PB_ONLY)
    assert caught.value.code == "organisation_file"


def test_a_manager_undoes_their_own_batch_but_not_one_that_wrote_another_project(con):
    own = import_file(con, deals_file("X1,新商机一,首访,2026-11-20,滨江悦"), "own.csv", entity="deals",
                      mapping=MAPPING, projects=PB_ONLY)
    other = import_file(con, deals_file("X9,别的项目,首访,2026-11-20,云栖府"), "other.csv", entity="deals",
                        mapping=MAPPING)
    with pytest.raises(ImportRefused) as caught:
        undo_batch(con, other.batch_id, projects=PB_ONLY)
    assert (caught.value.code, caught.value.params) == ("undo_outside_scope", {"projects": "云栖府 (1)"})
    assert undo_batch(con, own.batch_id, projects=PB_ONLY)["removed"] == 1
    assert con.execute("SELECT count(*) FROM deals WHERE source_record_id = 'X1'").fetchone() == (0,)
    assert undo_batch(con, other.batch_id)["removed"] == 1        # an administrator may
