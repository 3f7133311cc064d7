"""KPI cards: a value with its unit and n, and the change against the previous window.

Streamlit-free formatting (`card_texts`) is separate from drawing (`draw_cards`) so that reports
and tests read the same strings the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ui import formats
from ui.i18n import t

# Cards on the overview, in order, with the unit each is shown in.
OVERVIEW_CARDS: tuple[str, ...] = ("deals", "first_visits", "won_deals", "won_amount", "win_rate",
                                   "csat")
RATE_METRICS = {"win_rate", "csat", "nps", "followup_timeliness"}


@dataclass(frozen=True)
class CardText:
    metric_id: str
    label: str
    value: str
    delta: str | None
    help: str
    caption: str


def _value_text(metric_id: str, value, lang: str) -> str:
    if metric_id == "won_amount":
        return formats.money(value, lang)
    if metric_id == "win_rate":
        return formats.percent(value)
    if metric_id == "csat":
        return formats.DASH if formats.is_missing(value) else f"{value:.2f} / 5"
    unit = t("unit_deals", lang) if metric_id in {"deals", "won_deals", "lost_deals"} else ""
    suffix = "" if lang == "en" or not unit else f" {unit}"
    return formats.count(value) + suffix


def _delta_text(metric_id: str, current, previous) -> str | None:
    if metric_id == "win_rate":
        return formats.signed_points(current, previous)
    if metric_id == "csat":
        if formats.is_missing(current) or formats.is_missing(previous):
            return None
        return f"{current - previous:+.2f}"
    return formats.signed_percent_change(current, previous)


def card_texts(current: pd.Series, previous: pd.Series, metrics: dict, lang: str,
               min_n: int = 5) -> list[CardText]:
    """Texts of the overview cards from one-row KPI tables of this and the previous window."""
    cards = []
    for metric_id in OVERVIEW_CARDS:
        metric = metrics[metric_id]
        value = current.get(metric_id)
        caption = ""
        n_column = f"{metric_id}_n"
        if n_column in current.index:
            n = int(current[n_column]) if not formats.is_missing(current[n_column]) else 0
            caption = t("n_label", lang, n=n)
            if n < min_n:
                value = float("nan")
                caption += " · " + t("too_few", lang)
            elif metric_id == "win_rate":
                caption += " · 95% " + formats.interval(current.get("win_rate_low"),
                                                        current.get("win_rate_high"))
        label = metric.label_en if lang == "en" else metric.label_zh
        help_text = metric.description_en if lang == "en" else metric.description_zh
        cards.append(CardText(metric_id, label, _value_text(metric_id, value, lang),
                              _delta_text(metric_id, value, previous.get(metric_id)), help_text,
                              caption))
    return cards
