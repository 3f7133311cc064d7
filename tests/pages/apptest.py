"""Running app.py in AppTest against a given database, with URL parameters."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")


def run_app(monkeypatch, db_path, params: dict[str, str] | None = None,
            page: str | None = None) -> AppTest:
    """Run the frame (and `page`, a path under pages/) once; the test asserts on the result."""
    monkeypatch.setenv("ANCHANG_DB", str(db_path))
    app = AppTest.from_file(APP, default_timeout=90)
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
