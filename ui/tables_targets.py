"""目标与进度: the pace table and the "why off pace" drivers, as display frames (Streamlit-free).

A shortfall is read upstream to downstream: fewer first visits (traffic), fewer new deals, a
lower win rate (conversion), a smaller average deal (ticket size). Counts are compared per
selling day, so a month to date compares fairly with whole months before it.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from ui import formats
from ui.charts_targets import daily_text, metric_label, status_text, value_text
from ui.i18n import t

# Drivers of each target metric: (kpi_table column, kind); kind 'per_day' | 'rate' | 'money'.
_WON_DRIVERS = (("first_visits", "per_day"), ("deals", "per_day"), ("win_rate", "rate"),
                ("won_deals", "per_day"), ("avg_deal_amount", "money"))
_VOLUME_DRIVERS = (("first_visits", "per_day"), ("visits", "per_day"), ("deals", "per_day"),
                   ("followup_timeliness", "rate"))
DRIVERS = {"won_amount": _WON_DRIVERS, "won_deals": _WON_DRIVERS[:4], "first_visits": _VOLUME_DRIVERS,
           "visits": _VOLUME_DRIVERS, "deals": _VOLUME_DRIVERS}
# The drivers whose fall explains a shortfall: traffic, conversion, ticket size.
HEADLINE_DRIVERS = ("first_visits", "visits", "win_rate", "avg_deal_amount", "followup_timeliness")
MATERIAL_DROP = -0.05
# "Why" tabs drawn at most: 400 groups put 230 tabs (each a table) on the page, seconds to draw.
WHY_SHOWN = 10


def prior_months(as_of: date, months: int = 3) -> tuple[date, date]:
    """First and last day of the `months` whole months before as_of's month."""
    first = pd.Timestamp(as_of.replace(day=1))
    return (first - pd.DateOffset(months=months)).date(), (first - pd.Timedelta(days=1)).date()


def pace_display(pace: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """The month-to-date pace table as shown: one row per target, every number formatted."""
    def each(column: str, render) -> list[str]:
        return [render(row.metric, getattr(row, column)) for row in pace.itertuples()]

    return pd.DataFrame({
        t("tgt_col_status", lang): [status_text(s, lang) for s in pace["status"]],
        t("group", lang): [names.get(g, g) for g in pace["group"]],
        t("tgt_metric", lang): [metric_label(m, lang) for m in pace["metric"]],
        t("tgt_target", lang): each("target", lambda m, v: value_text(m, v, lang)),
        t("tgt_actual_mtd", lang): each("actual", lambda m, v: value_text(m, v, lang)),
        t("tgt_col_attainment", lang): [formats.percent(v) for v in pace["attainment"]],
        t("tgt_col_days", lang): [f"{e} / {n}" for e, n in zip(pace["selling_days_elapsed"],
                                                               pace["selling_days_total"], strict=True)],
        t("tgt_projected", lang): each("projected", lambda m, v: value_text(m, v, lang)),
        t("tgt_col_pace", lang): [formats.percent(v) for v in pace["pace_forecast"]],
        t("tgt_col_daily_now", lang): [daily_text(row.metric, row.actual / row.selling_days_elapsed
                                                  if row.selling_days_elapsed else np.nan, lang)
                                       for row in pace.itertuples()],
        t("tgt_required_daily", lang): each("required_daily", lambda m, v: daily_text(m, v, lang)),
    })


def _driver_value(kpis: pd.Series, column: str, kind: str, days: int) -> float:
    value = kpis.get(column, np.nan)
    if kind == "rate" and bool(kpis.get(f"{column}_too_few", False)):
        return np.nan
    if kind == "per_day":
        return value / days if days else np.nan
    return value


def driver_changes(now: pd.Series, before: pd.Series, days_now: int, days_before: int,
                   metric_id: str) -> pd.DataFrame:
    """Per driver of `metric_id`: value this month to date, in the months before, relative change.

    `now`/`before` are kpi_table rows of the group; counts are divided by the selling days of
    each span. change = now / before − 1 (NaN when either is missing or before is 0). Rates
    below their minimum n count as missing. Counts that are zero in both spans are left out.
    """
    rows = []
    for column, kind in DRIVERS[metric_id]:
        value_now = _driver_value(now, column, kind, days_now)
        value_before = _driver_value(before, column, kind, days_before)
        if all(formats.is_missing(v) or v == 0 for v in (value_now, value_before)) and kind != "rate":
            continue   # not this group's work (a closing group has no first visits of its own)
        usable = not formats.is_missing(value_before) and value_before != 0 and not formats.is_missing(value_now)
        rows.append({"driver": column, "kind": kind, "now": value_now, "before": value_before,
                     "change": value_now / value_before - 1 if usable else np.nan})
    return pd.DataFrame(rows)


def _driver_text(kpis: pd.Series, column: str, kind: str, value: float, lang: str) -> str:
    if kind == "rate":
        n = kpis.get(f"{column}_n", 0)
        n_text = t("n_label", lang, n=0 if formats.is_missing(n) else int(n))
        too_few = formats.is_missing(value) and not formats.is_missing(n) and n > 0
        return f"{t('too_few', lang) if too_few else formats.percent(value)} ({n_text})"
    if kind == "money":
        return formats.money(value, lang)
    return formats.DASH if formats.is_missing(value) else f"{value:,.1f}"


def driver_display(changes: pd.DataFrame, now: pd.Series, before: pd.Series, lang: str) -> pd.DataFrame:
    """The 'why' table as shown: driver, this month to date, months before, change."""
    def change_text(row) -> str:
        if row.kind == "rate":
            return formats.signed_points(row.now, row.before) or formats.DASH
        return formats.DASH if formats.is_missing(row.change) else f"{row.change * 100:+.0f}%"

    rows = list(changes.itertuples())
    return pd.DataFrame({
        t("tgt_col_driver", lang): [t(f"tgt_driver_{row.driver}", lang) for row in rows],
        t("tgt_col_mtd", lang): [_driver_text(now, r.driver, r.kind, r.now, lang) for r in rows],
        t("tgt_col_before", lang): [_driver_text(before, r.driver, r.kind, r.before, lang) for r in rows],
        t("tgt_col_change", lang): [change_text(row) for row in rows],
    })


def driver_headline(changes: pd.DataFrame, lang: str) -> str:
    """One sentence naming the driver that fell most (relative), or saying none fell by 5%+."""
    candidates = changes[changes["driver"].isin(HEADLINE_DRIVERS) & changes["change"].notna()]
    worst = candidates.sort_values("change").head(1)
    if worst.empty or worst["change"].iloc[0] > MATERIAL_DROP:
        return t("tgt_why_none", lang)
    row = worst.iloc[0]
    return t("tgt_why_driver", lang, driver=t(f"tgt_driver_{row['driver']}", lang),
             change=f"{abs(row['change']) * 100:.0f}%")
