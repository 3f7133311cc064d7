"""The metric registry declares every metric of DOMAIN.md's dictionary, completely."""

from __future__ import annotations

import dataclasses
import importlib

import pytest

from analytics.registry import AGGREGATIONS, BASES, KPI_METRIC_IDS, METRICS, UNITS, Metric, metric

DOMAIN_METRIC_IDS = (
    "deals", "visits", "first_visits", "won_deals", "lost_deals", "win_rate", "won_amount",
    "avg_deal_amount", "median_cycle_days", "visit_to_won_rate", "stage_conversion",
    "followup_timeliness", "overdue_followups", "csat", "nps", "target_attainment", "pace_forecast",
    "per_capita_won_amount", "handoff_rate",
)


def test_the_registry_holds_exactly_the_dictionarys_metrics():
    assert set(METRICS) == set(DOMAIN_METRIC_IDS)


@pytest.mark.parametrize("metric_id", DOMAIN_METRIC_IDS)
def test_each_metric_is_described_in_both_languages_with_its_computation(metric_id):
    m = METRICS[metric_id]
    assert m.id == metric_id
    for text in (m.label_zh, m.label_en, m.description_zh, m.description_en, m.sql, m.fmt, m.computed_by):
        assert text.strip()
    assert m.description_en.endswith(".") and m.description_zh.endswith("。")
    assert m.unit in UNITS and m.basis in BASES and m.aggregation in AGGREGATIONS
    assert isinstance(m.higher_is_better, bool)
    format(0.5, m.fmt)  # the hint is a usable format spec
    if m.aggregation in ("ratio", "nps"):
        assert m.numerator and m.denominator
    if m.aggregation in ("sum", "median"):
        assert m.source


def test_metrics_are_frozen_declarations():
    with pytest.raises(dataclasses.FrozenInstanceError):
        METRICS["deals"].label_en = "Leads"  # type: ignore[misc]
    assert isinstance(metric("win_rate"), Metric)


def test_an_unknown_metric_id_names_the_known_ones():
    with pytest.raises(KeyError, match="win_rate"):
        metric("conversion")


def test_kpi_table_metrics_are_those_computed_from_aggregates():
    assert "stage_conversion" not in KPI_METRIC_IDS and "deals" in KPI_METRIC_IDS
    assert all(METRICS[i].computed_by == "analytics.kpis.kpi_table" for i in KPI_METRIC_IDS)


@pytest.mark.parametrize("metric_id", DOMAIN_METRIC_IDS)
def test_each_metric_names_the_function_that_computes_it(metric_id):
    module_name, _, function = METRICS[metric_id].computed_by.rpartition(".")
    assert module_name.startswith("analytics.")
    assert callable(getattr(importlib.import_module(module_name), function))
