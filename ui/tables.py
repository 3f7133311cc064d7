"""Display frames for st.dataframe: localised headers, units, n and intervals beside rates."""

from __future__ import annotations

import pandas as pd

from analytics.registry import METRICS
from ui import formats
from ui.i18n import BASIS_LABELS, label, t


def _metric_label(metric_id: str, lang: str) -> str:
    metric = METRICS[metric_id]
    return metric.label_en if lang == "en" else metric.label_zh


def rate_with_n(rate, n, low, high, too_few: bool, lang: str) -> str:
    """'52.3% (n=44) [37%, 67%]', or '样本不足 (n=3)' below the minimum n."""
    n_text = t("n_label", lang, n=int(n) if not formats.is_missing(n) else 0)
    if too_few:
        return f"{t('too_few', lang)} ({n_text})"
    return f"{formats.percent(rate)} ({n_text}) {formats.interval(low, high)}".strip()


def _group_win_rate(row, lang: str) -> str:
    # A stage-split group that hands its deals on never closes them: a win rate of 0% would
    # blame it for the split; its conversion lives on the funnel page.
    if row.basis == "stage" and row.phase != "closing":
        return t("not_applicable_stage_group", lang)
    return rate_with_n(row.win_rate, row.win_rate_n, row.win_rate_low, row.win_rate_high,
                       bool(row.win_rate_too_few), lang)


def group_kpi_table(by_group: pd.DataFrame, groups: pd.DataFrame, lang: str):
    """The per-group table of the overview: frame and column_config."""
    merged = groups[["group_id", "name", "basis", "phase"]].merge(
        by_group, left_on="group_id", right_on="group", how="left")
    amount_unit = t("unit_wan_yuan", lang) if lang == "zh" else "M CNY"
    amount_scale = 1e4 if lang == "zh" else 1e6
    frame = pd.DataFrame({
        t("group", lang): merged["name"],
        t("basis", lang): [label(BASIS_LABELS, basis, lang) for basis in merged["basis"]],
        _metric_label("deals", lang): merged["deals"].fillna(0).astype(int),
        _metric_label("first_visits", lang): merged["first_visits"].fillna(0).astype(int),
        _metric_label("won_deals", lang): merged["won_deals"].fillna(0).astype(int),
        _metric_label("win_rate", lang): [_group_win_rate(row, lang) for row in merged.itertuples()],
        f"{_metric_label('won_amount', lang)} ({amount_unit})": [
            formats.DASH if formats.is_missing(v) else f"{v / amount_scale:,.1f}"
            for v in merged["won_amount"].fillna(0)],
        f"{_metric_label('csat', lang)} (1-5)": [
            score_with_n(row.csat, row.csat_n, lang) for row in merged.itertuples()],
    })
    return frame, {}


def score_with_n(value, n, lang: str) -> str:
    """'4.31 (n=120)'; '—' when nobody answered."""
    count = 0 if formats.is_missing(n) else int(n)
    if count == 0:
        return formats.DASH
    return f"{formats.score(value)} ({t('n_label', lang, n=count)})"
