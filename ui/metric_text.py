"""How a metric reads beside its number on a chart or in a table: its label, n, interval and
unit ('8.6% (n=2,291) [8%, 10%]', '成交金额（万元）'), in the page's language (Streamlit-free)."""

from __future__ import annotations

from analytics.registry import METRICS
from ui import formats
from ui.i18n import t


def metric_label(metric_id: str, lang: str) -> str:
    metric = METRICS[metric_id]
    return metric.label_en if lang == "en" else metric.label_zh


def n_text(n, lang: str) -> str:
    """'n=2,291' (thousands separated; 'n=0' when missing)."""
    return t("n_label", lang, n=0 if formats.is_missing(n) else int(n))


def rate_with_n(rate, n, low, high, too_few: bool, lang: str) -> str:
    """'8.6% (n=2,291) [8%, 10%]', or '样本不足 (n=3)' below the minimum n."""
    if too_few:
        return f"{t('too_few', lang)} ({n_text(n, lang)})"
    return f"{formats.percent(rate)} ({n_text(n, lang)}) {formats.interval(low, high)}".strip()


def rate_n(rate, n, too_few, lang: str) -> str:
    """'94.0% (n=943)', '样本不足 (n=3)', or '—' with no denominator (rate_with_n without the interval)."""
    if formats.is_missing(n) or int(n) == 0:
        return formats.DASH
    return f"{t('too_few', lang)} ({n_text(n, lang)})" if too_few else f"{formats.percent(rate)} ({n_text(n, lang)})"


def score_with_n(value, n, lang: str) -> str:
    """'4.31 (n=1,120)'; '—' when nobody answered."""
    if formats.is_missing(n) or int(n) == 0:
        return formats.DASH
    return f"{formats.score(value)} ({n_text(n, lang)})"


def amount_unit(lang: str) -> tuple[float, str]:
    """(divisor, unit) for amounts on charts: 万元 in Chinese, millions of yuan in English."""
    return (1e6 if lang == "en" else 1e4), t("cmp_unit_amount", lang)


def with_unit(text: str, unit: str, lang: str) -> str:
    """'成交金额（万元）' in Chinese, 'Won amount (M CNY)' in English."""
    return f"{text} ({unit})" if lang == "en" else f"{text}（{unit}）"


def metric_axis_title(metric_id: str, lang: str) -> str:
    """An axis title with its unit: amounts in 万元 / M CNY, everything else counted."""
    unit = amount_unit(lang)[1] if METRICS[metric_id].unit == "yuan" else t("cmp_unit_count", lang)
    return with_unit(metric_label(metric_id, lang), unit, lang)
