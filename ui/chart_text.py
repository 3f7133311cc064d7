"""Imported names drawn by plotly as text, never as markup (Streamlit-free).

plotly renders a few HTML tags in every label it draws (<b>, <i>, <br>, <sup>, <span style>,
<a href>): a group imported as `<b>boss</b>` would show bold, `<a href=…>` a link. The figure
builders compose hover and bar texts with their own tags and escape the names they put there
(formats.plotly_text); `literal_figure` covers what is pure data: axis categories and tick labels,
trace and legend names, pie labels, and the customdata columns a hover template shows.

customdata columns no template shows are left alone: selections hand them back as ids.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go

from ui.formats import plotly_text

_DATA_FIELDS = ("x", "y", "labels", "parents")
_AXIS_FIELDS = ("tickvals", "ticktext", "categoryarray")
_SHOWN_COLUMN = re.compile(r"customdata\[(\d+)\]")


def literal_figure(fig: go.Figure) -> go.Figure:
    """A copy of `fig` whose data text is escaped for plotly; `fig` itself is unchanged.

    Only strings with <, > or & change, so a figure without such names is drawn as before.
    """
    safe = go.Figure(fig)
    for trace in safe.data:
        for field in _DATA_FIELDS:
            values = getattr(trace, field, None) if field in trace else None
            if values is not None and not isinstance(values, str):
                setattr(trace, field, _escaped_list(values))
        if "name" in trace and isinstance(trace.name, str):
            trace.name = plotly_text(trace.name)
        _escape_shown_customdata(trace)
    for axis in [*safe.select_xaxes(), *safe.select_yaxes()]:
        for field in _AXIS_FIELDS:
            values = getattr(axis, field)
            if values is not None:
                setattr(axis, field, _escaped_list(values))
    return safe


def _escaped_list(values) -> list | tuple:
    """The values with strings escaped; anything else (numbers, dates, None) as it was."""
    if not any(isinstance(v, str) and _needs_escape(v) for v in values):
        return values
    return [plotly_text(v) if isinstance(v, str) else v for v in values]


def _needs_escape(text: str) -> bool:
    return "<" in text or ">" in text or "&" in text


def _escape_shown_customdata(trace) -> None:
    templates = " ".join(str(getattr(trace, f, None) or "") for f in ("hovertemplate", "texttemplate")
                         if f in trace)
    columns = {int(k) for k in _SHOWN_COLUMN.findall(templates)}
    rows = getattr(trace, "customdata", None) if "customdata" in trace else None
    if not columns or rows is None or len(rows) == 0:
        return
    escaped = [[plotly_text(cell) if k in columns and isinstance(cell, str) else cell
                for k, cell in enumerate(row)] if _is_row(row) else row for row in rows]
    trace.customdata = escaped


def _is_row(row) -> bool:
    return hasattr(row, "__len__") and not isinstance(row, str)
