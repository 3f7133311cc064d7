"""Page-wide CSS (Streamlit-free text; app.py injects it with st.html)."""

from __future__ import annotations

BASE_CSS = """
<style>
/* Six KPI cards fit one row at 1440 px without cutting "2,027 个" or "6.57 亿元". */
[data-testid="stMetricValue"] { font-size: 1.75rem; }
[data-testid="stMetricLabel"] p { font-size: 0.95rem; }
</style>
"""
