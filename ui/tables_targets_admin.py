"""目标设置: the target editor (its frame, column units and changed cells), the reference monthly
averages to set targets against, and the preview of a split group target (Streamlit-free).

Won amount is edited in 万元 and stored in 元 (WAN). Separate from ui.charts_targets and
ui.tables_targets, which show progress against the targets set here.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ui import formats
from ui.i18n import t
from ui.metric_text import metric_label, with_unit

TARGET_COLUMNS: tuple[str, ...] = ("won_amount", "won_deals", "first_visits", "visits", "csat")
# CSAT is an average: a group's CSAT target is every member's, never split.
SPLIT_METRICS: tuple[str, ...] = ("won_amount", "won_deals", "first_visits", "visits")
WAN = 10_000


def month_option(month: date, this_month: date, lang: str) -> str:
    """'2026-12（下月）' for the month after the data's month, '（本月）' for it."""
    offset = (month.year - this_month.year) * 12 + month.month - this_month.month
    suffix = {0: t("mg_month_this", lang), 1: t("mg_month_next", lang)}.get(offset, "")
    return f"{month:%Y-%m}{suffix}"


def target_value_text(value: float, metric_id: str) -> str:
    """A target in the editor's unit: amounts in 万元 (zh) … counts whole."""
    if metric_id == "won_amount":
        return f"{value / WAN:,.1f}"
    return f"{value:.2f}" if metric_id == "csat" else f"{value:,.0f}"


def target_label(metric_id: str, lang: str) -> str:
    """Editor column label with its unit: 成交金额（万元）, 满意度（1-5 分）, counts plain."""
    if metric_id == "won_amount":
        return with_unit(metric_label(metric_id, lang), t("unit_wan_yuan", lang), lang)
    if metric_id == "csat":
        return with_unit(metric_label(metric_id, lang), t("mg_unit_csat", lang), lang)
    return with_unit(metric_label(metric_id, lang), t("cmp_unit_count", lang), lang)


def target_editor_frame(ids: list[str], names: dict[str, str], targets: pd.DataFrame) -> pd.DataFrame:
    """One row per id (name column, then one column per TARGET_COLUMNS metric, NaN = no target).
    Won amount is shown in 万元 (the editor's unit); `target_values` converts back."""
    wide = targets.pivot_table(index="scope_id", columns="metric", values="value", aggfunc="first") \
        if not targets.empty else pd.DataFrame()
    frame = pd.DataFrame({"name": [names.get(i, i) for i in ids]}, index=ids)
    for metric in TARGET_COLUMNS:
        values = wide[metric].reindex(ids) if metric in wide.columns else pd.Series(float("nan"), index=ids)
        frame[metric] = values.astype("float64") / (WAN if metric == "won_amount" else 1)
    return frame


def target_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[str, str, float | None]]:
    """(scope_id, metric, value in 元 or None) for every editor cell that changed."""
    changes = []
    for scope_id in after.index:
        for metric in TARGET_COLUMNS:
            old, new = before.at[scope_id, metric], after.at[scope_id, metric]
            if (pd.isna(old) and pd.isna(new)) or (not pd.isna(old) and not pd.isna(new) and float(old) == float(new)):
                continue
            scale = WAN if metric == "won_amount" else 1
            changes.append((scope_id, metric, None if pd.isna(new) else float(new) * scale))
    return changes


def reference_frame(kpis: pd.DataFrame, ids: list[str], names: dict[str, str], by: str, months: int,
                    lang: str) -> pd.DataFrame:
    """Monthly averages of the last `months` full months per id, in the editor's units, to set
    targets against (CSAT is the period's mean, with n)."""
    table = kpis.set_index(by).reindex(ids)
    won = table["won_amount"].fillna(0) / months / WAN
    return pd.DataFrame({
        t("group", lang) if by == "group" else t("mg_person", lang): [names.get(i, i) for i in ids],
        target_label("won_amount", lang): [f"{v:,.1f}" for v in won],
        target_label("won_deals", lang): [f"{v:,.1f}" for v in table["won_deals"].fillna(0) / months],
        target_label("first_visits", lang): [f"{v:,.0f}" for v in table["first_visits"].fillna(0) / months],
        target_label("visits", lang): [f"{v:,.0f}" for v in table["visits"].fillna(0) / months],
        target_label("csat", lang): [formats.DASH if not n else f"{v:.2f} (n={int(n)})"
                                     for v, n in zip(table["csat"], table["csat_n"].fillna(0), strict=True)],
    })


def split_preview(parts: dict[str, float], weights: dict[str, float], existing: dict[str, float], names: dict[str, str],
                  metric_id: str, lang: str) -> pd.DataFrame:
    """Who gets what of a split group target (in the editor's unit), beside any target they had."""
    scale = WAN if metric_id == "won_amount" else 1
    def shown(value):
        return formats.DASH if value is None or pd.isna(value) else f"{value / scale:,.1f}" if scale > 1 else f"{value:,.0f}"
    return pd.DataFrame({
        t("mg_person", lang): [names.get(s, s) for s in parts],
        t("mg_weight", lang): [weights[s] for s in parts],
        with_unit(t("mg_split_new", lang), _unit(metric_id, lang), lang): [shown(v) for v in parts.values()],
        with_unit(t("mg_split_old", lang), _unit(metric_id, lang), lang): [shown(existing.get(s)) for s in parts],
    })


def _unit(metric_id: str, lang: str) -> str:
    return t("unit_wan_yuan", lang) if metric_id == "won_amount" else t("cmp_unit_count", lang)

