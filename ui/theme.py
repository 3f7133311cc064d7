"""Page-wide CSS (Streamlit-free text; app.py injects it with st.html)."""

from __future__ import annotations

BASE_CSS = """
<style>
/* Six KPI cards fit one row at 1440 px without cutting "2,027 个", "6.57 亿元" or "7,056 万元" (at 1.75rem the last one was cut). */
[data-testid="stMetricValue"] { font-size: 1.6rem; }
[data-testid="stMetricLabel"] p { font-size: 0.95rem; }
/* The sign-in cookie's script (ui/signin.write_cookie) draws nothing: no empty row above the title. */
[data-testid="stElementContainer"]:has(script[data-sign-in-cookie]) { display: none; }
</style>
"""

# 演示模式: no sidebar or header, everything larger (Streamlit sizes are rem, so the root font
# size scales the whole page; chart text is set on the figures, see ui.components.show_chart).
PRESENTATION_CSS = """
<style>
html { font-size: 21px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 100%; }
[data-testid="stMetricValue"] { font-size: 1.45rem; }
</style>
"""
# Chart text in presentation mode, relative to the figures' own sizes.
PRESENTATION_FONT_SCALE = 1.6
