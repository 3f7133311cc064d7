"""指标口径 in AppTest: every registry metric appears with its SQL; search narrows the list."""

from __future__ import annotations

from analytics.registry import METRICS
from tests.pages.apptest import run_app


def test_the_dictionary_lists_every_metric_with_its_sql(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, page="pages/dictionary.py")
    assert not app.exception, app.exception
    headings = " ".join(markdown.value for markdown in app.markdown)
    for metric in METRICS.values():
        assert f"`{metric.id}`" in headings
    assert len(app.code) == len(METRICS)


def test_searching_the_dictionary_keeps_only_matching_metrics(monkeypatch, demo_db_path):
    app = run_app(monkeypatch, demo_db_path, {"lang": "en"}, page="pages/dictionary.py")
    app.text_input(key="dictionary_search").input("win rate").run()
    assert not app.exception
    shown = [markdown.value for markdown in app.markdown if markdown.value.startswith("### ")]
    assert shown and all("win" in text.lower() or "赢" in text for text in shown)
