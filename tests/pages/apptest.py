"""Running app.py in AppTest against a given database, with URL parameters."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from db.connection import connect
from tests.accounts import add_test_accounts
from ui.signin import SESSION_KEY, signed_in_session

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")


def run_app(monkeypatch, db_path, params: dict[str, str] | None = None,
            page: str | None = None, user: str | None = "admin") -> AppTest:
    """Run the frame (and `page`, a path under pages/) once; the test asserts on the result.

    The session is signed in as `user` (an account of tests/accounts.py, created in the database
    when missing); None runs the app signed out, as a new browser tab would.
    """
    monkeypatch.setenv("ANCHANG_DB", str(db_path))
    app = AppTest.from_file(APP, default_timeout=90)
    if user is not None:
        with connect(db_path) as con:
            add_test_accounts(con, only=(user,))
        app.session_state[SESSION_KEY] = signed_in_session(user)
    for key, value in (params or {}).items():
        app.query_params[key] = value
    app.run()
    if page:
        app.switch_page(str(REPO / page))
        app.run()
    return app


def plotly_figures(app: AppTest) -> list[dict]:
    """The plotly figures on the page, as their JSON specs (AppTest shows them as unknown)."""
    figures = []
    for element in app.main.get("plotly_chart"):
        figures.append(json.loads(element.proto.spec))
    return figures


def metric_values(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}
