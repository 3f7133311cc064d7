"""Files that cannot be imported are refused with a clear reason and leave the database as it was."""

from __future__ import annotations

import pytest

from db.imports import ImportRefused
from ingest.pipeline import import_file
from tests.ingest.conftest import table_hashes


@pytest.fixture
def filled(con, fixture):
    """A database that already holds an import, so "unchanged" means something."""
    import_file(con, fixture("zoho_deals_week1.csv"))
    return con


@pytest.mark.parametrize(("name", "kwargs", "message"), [
    ("empty.csv", {}, "the file is empty"),
    ("header_only.csv", {}, "the file has a header but no data rows"),
    ("image.csv", {}, "this is a PNG image, not a CSV or Excel file"),
    ("corrupt.xlsx", {}, "the Excel file is damaged and cannot be opened"),
    ("missing_stage.csv", {}, "纷享销客 商机: a required column is missing: stage (商机阶段) or status (商机状态)"),
    ("unknown_layout.csv", {}, "cannot tell what this file is (columns: Property, Agent, Result, Sold On, Price)"),
    ("bad_rows.csv", {"strict": True}, "strict mode: 3 row(s) cannot be read (first: line 3: 商机金额"),
    ("targets_long.csv", {"strict": True}, "strict mode: 1 row(s) cannot be read (first: line 4: metric \"幸运值\""),
    ("unknown_layout.csv", {"entity": "deals", "mapping": {"stage": "Outcome"}}, "the mapping names column 'Outcome'"),
    ("zoho_deals_week2.csv", {"mapping_profile": "nope"}, "there is no saved mapping named 'nope'"),
])
def test_a_refused_file_changes_nothing(filled, fixture, name, kwargs, message):
    before = table_hashes(filled)
    with pytest.raises(ImportRefused) as refused:
        import_file(filled, fixture(name), **kwargs)
    assert message in refused.value.reason
    assert table_hashes(filled) == before


def test_strict_mode_imports_a_clean_file(con, fixture):
    assert import_file(con, fixture("zoho_deals_week1.csv"), strict=True).inserted == 3


def test_bytes_from_an_upload_import_like_a_file(con, fixture):
    summary = import_file(con, fixture("fxiaoke_deals_gb18030.csv").read_bytes(), "商机.csv")
    assert (summary.file_name, summary.inserted) == ("商机.csv", 7)
