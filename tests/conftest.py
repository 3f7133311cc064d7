"""Fixtures shared by every test directory."""

from __future__ import annotations

import time

import pytest

from db.connection import connect
from db.demo import DEFAULT_AS_OF, DEFAULT_SEED, build_demo
from tests.accounts import add_test_accounts


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory, request):
    """Path of a database file holding the default demo (seed, as-of), built once per session.

    It holds one account per role (tests/accounts.py). Open it read-only in tests (`connect(path, read_only=True)`), and close connections when done.
    """
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    started = time.perf_counter()
    with connect(path) as con:
        build_demo(con, DEFAULT_SEED, DEFAULT_AS_OF)
        add_test_accounts(con)
    seconds = time.perf_counter() - started
    # shown even under output capture, so the build time of every run is on record
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\ndemo database built in {seconds:.1f} s: {path}")
    return path
