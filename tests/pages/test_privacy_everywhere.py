"""Privacy mode on every page: no customer name, phone, note or comment in anything drawn.

Each page runs in AppTest with `privacy=1`; everything it drew (texts, tables, chart specs with
their hover text) is searched for every customer name and phone and every note and comment in
the database (tests/ui/test_reports.leaks explains how names are told from interface words).
The control run without privacy proves the search finds them when they are shown.
"""

from __future__ import annotations

import shutil

import pytest

from tests.pages.apptest import run_app
from tests.pages.test_weekly import page_text
from tests.ui.test_reports import leaks, personal_data
from ui.navigation import PAGES

ALL_PAGES = [path for path, *_ in PAGES]


@pytest.fixture(scope="module")
def office(demo_db_path, tmp_path_factory):
    """A private copy: some pages write on opening (the weekly meeting freezes its week)."""
    path = tmp_path_factory.mktemp("privacy") / "demo.duckdb"
    shutil.copy(demo_db_path, path)
    return path


@pytest.fixture(scope="module")
def secrets(office):
    return personal_data(office)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_personal_data_shows_on_any_page_in_privacy_mode(monkeypatch, office, secrets, page):
    app = run_app(monkeypatch, office, {"privacy": "1", "preset": "last_month"}, page=page)
    assert not app.exception, app.exception
    assert leaks(page_text(app), secrets) == {}


def test_the_search_does_find_customer_names_when_privacy_is_off(monkeypatch, office, secrets):
    # The overview's stalled-deal list shows real customer names outside privacy mode.
    app = run_app(monkeypatch, office, {"preset": "last_month"}, page="pages/overview.py")
    assert leaks(page_text(app), secrets).get("names")
