"""Number formats for the locale: 万元 for money in Chinese, thousands separators, %, and "—";
and imported text made inert where it is shown (Markdown, plotly labels).

An empty value (NaN, None) is always "—", never 0: a rate with no denominator has no value.
"""

from __future__ import annotations

import math
import re

DASH = "—"
# Characters with a meaning anywhere in Streamlit's Markdown: emphasis, code, link brackets,
# GFM tables and strikes, $math$, entities, and < which opens an HTML tag. CommonMark lets a
# backslash escape any ASCII punctuation. ( ) and { } need no escape once [ ] are escaped.
_MARKDOWN_SPECIALS = frozenset("\\`*[]|<>~$&")
_WORD_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")  # zoho_deals stays as it is
_SHORTCODE_COLON = re.compile(r":(?=[A-Za-z/])")        # :material/x:, :red[…], :smile: (not 15:54)
# Marks that only act at the start of a line: headings, lists, setext rules.
_LINE_START_MARK = re.compile(r"^(\s*)(#{1,6}(?=\s|$)|[-+](?=\s|$)|[-=]+(?=\s*$)|\d+(?=[.)](?:\s|$)))",
                              re.MULTILINE)
_PLOTLY_TAGS = str.maketrans({"<": "&lt;", ">": "&gt;", "&": "&amp;"})


def literal(text) -> str:
    """`text` as Markdown that shows exactly as typed: no formatting, no link, no HTML.

    For names, notes and file names from an import on their way into st.markdown, st.caption,
    alerts, titles, widget labels or help, all of which read Markdown: `**bold**` stays with its
    stars and `<img src=x onerror=…>` is text, never a tag. Only what could act is escaped, so
    `zoho_deals_week1.csv` or `Deals: headers (3)` reach the page unchanged.
    """
    escaped = "".join("\\" + char if char in _MARKDOWN_SPECIALS else char for char in str(text))
    escaped = _WORD_EDGE_UNDERSCORE.sub(r"\\_", escaped)
    escaped = _SHORTCODE_COLON.sub(r"\\:", escaped)
    return _LINE_START_MARK.sub(_escaped_mark, escaped)


def _escaped_mark(found: re.Match) -> str:
    indent, mark = found.group(1), found.group(2)
    # "1." / "2)" starts a list: the digits stay, the dot or parenthesis after them is escaped
    return indent + ("\\" + mark if not mark[0].isdigit() else mark + "\\")


def plotly_text(text) -> str:
    """`text` for a plotly label, hover or annotation: plotly draws <b>, <br>, <a href> … as
    markup, so a name from an import has its `<`, `>` and `&` as entities (shown as typed)."""
    return str(text).translate(_PLOTLY_TAGS)


def is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def count(value) -> str:
    """1234 → '1,234'."""
    return DASH if is_missing(value) else f"{int(round(value)):,}"


def percent(value, digits: int = 1) -> str:
    """0.1234 → '12.3%'."""
    return DASH if is_missing(value) else f"{value * 100:.{digits}f}%"


def money(value, lang: str = "zh") -> str:
    """Amounts in 元: '234.5 万元', from 1,000 万 on whole 万 ('7,057 万元': four digits, as in
    '6.57 亿元', and it fits a KPI card), from 1 亿 on '6.57 亿元'; '¥12.35M' in English."""
    if is_missing(value):
        return DASH
    if lang == "en":
        return f"¥{value / 1e6:,.2f}M"
    if abs(value) >= 1e8:
        return f"{value / 1e8:,.2f} 亿元"
    return f"{value / 1e4:,.0f} 万元" if abs(value) >= 1e7 else f"{value / 1e4:,.1f} 万元"


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
