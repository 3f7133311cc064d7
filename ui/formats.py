"""Number formats for the locale: 万元 for money in Chinese, thousands separators, %, and "—".

An empty value (NaN, None) is always "—", never 0: a rate with no denominator has no value.
"""

from __future__ import annotations

import math

DASH = "—"


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value) -> str:
    """1234 → '1,234'."""
    return DASH if is_missing(value) else f"{int(round(value)):,}"


def percent(value, digits: int = 1) -> str:
    """0.1234 → '12.3%'."""
    return DASH if is_missing(value) else f"{value * 100:.{digits}f}%"


def money(value, lang: str = "zh") -> str:
    """Amounts in 元: '1,234.5 万元' (from 1 亿 on: '6.57 亿元') in Chinese, '¥12.35M' in English."""
    if is_missing(value):
        return DASH
    if lang == "en":
        return f"¥{value / 1e6:,.2f}M"
    if abs(value) >= 1e8:
        return f"{value / 1e8:,.2f} 亿元"
    return f"{value / 1e4:,.1f} 万元"


def score(value, digits: int = 2) -> str:
    return DASH if is_missing(value) else f"{value:.{digits}f}"


def days(value, lang: str = "zh") -> str:
    if is_missing(value):
        return DASH
    return f"{value:.0f} 天" if lang == "zh" else f"{value:.0f} days"


def signed_percent_change(current, previous) -> str | None:
    """Relative change as '+12.0%' (None when there is nothing to compare with)."""
    if is_missing(current) or is_missing(previous) or previous == 0:
        return None
    return f"{(current - previous) / abs(previous) * 100:+.1f}%"


def signed_points(current, previous) -> str | None:
    """Change of a rate in percentage points: '+3.2 pp'."""
    if is_missing(current) or is_missing(previous):
        return None
    return f"{(current - previous) * 100:+.1f} pp"


def interval(low, high) -> str:
    """A 95% interval of a rate: '[41.2%, 58.8%]'."""
    if is_missing(low) or is_missing(high):
        return ""
    return f"[{low * 100:.0f}%, {high * 100:.0f}%]"
