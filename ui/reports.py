"""The weekly meeting to take away: a self-contained HTML file, a PDF and an XLSX (Streamlit-free).

The page's download buttons and `python cli.py report weekly` both call these functions on the
same WeeklyMeeting (ui.weekly_data), with the same display tables (ui.weekly_tables), so a report
reads exactly like the meeting did. The HTML carries plotly.js inline once (about 4 MB) and needs
no network; the PDF is that HTML printed by headless Debian chromium, which renders the charts'
Chinese text with the installed CJK font. In privacy mode every table is masked as on the page.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import tempfile
from io import BytesIO
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from ui import charts_weekly
from ui import weekly_tables as wt
from ui.chart_text import literal_figure
from ui.charts import FONT_FAMILY
from ui.charts_targets import pace_figure
from ui.exports import neutralised, neutralised_cell
from ui.i18n import listed, t
from ui.weekly_data import WeeklyMeeting

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Figures are drawn at a fixed width that fits an A4 landscape page (1123 px at 96 dpi, less margins).
FIGURE_WIDTH = 1000
PDF_TIMEOUT_SECONDS = 90


def group_names(meeting: WeeklyMeeting) -> dict[str, str]:
    groups = meeting.sections["groups"]
    return dict(zip(groups["group_id"], groups["name"], strict=True))


def scope_text(meeting: WeeklyMeeting, lang: str) -> str:
    """'全部' or the member filters, group ids shown by name."""
    scope = meeting.meta.get("scope", "all")
    if scope == "all":
        return t("all", lang)
    names = group_names(meeting)
    parts = []
    for part in scope.split(";"):
        key, _, values = part.partition("=")
        shown = [names.get(v, v) for v in values.split(",")] if key == "group" else values.split(",")
        parts.append(f"{t('wk_scope_' + key, lang)}{t('label_sep', lang)}{listed(shown, lang)}")
    return t("clause_sep", lang).join(parts)


def header_lines(meeting: WeeklyMeeting, lang: str, privacy: bool) -> list[str]:
    """Title, then what the numbers are: week, as-of moment, freezing time, scope, privacy."""
    meta = meeting.meta
    frozen = meeting.frozen_at.strftime("%Y-%m-%d %H:%M") if meeting.frozen_at is not None else "—"
    lines = [t("wk_report_title", lang, week=meeting.week, start=meta["start"], end=meta["end"]),
             t("wk_report_meta", lang, end=meta["end"], frozen=frozen, data_as_of=meta["data_as_of"],
               scope=scope_text(meeting, lang))]
    if privacy:
        lines.append(t("wk_report_privacy", lang))
    return lines


def weekly_tables(meeting: WeeklyMeeting, actions: pd.DataFrame, notes: pd.DataFrame, lang: str,
                  privacy: bool) -> dict[str, pd.DataFrame]:
    """Every table of the meeting as shown, by title (the XLSX's sheets, the HTML's sections)."""
    names = group_names(meeting)
    tables = {t("wk_sheet_scoreboard", lang): wt.scoreboard_display(meeting.sections["scoreboard"],
                                                                     meeting.sections["pace"], lang),
              t("wk_sheet_pace", lang): wt.pace_detail_display(meeting.sections["pace"], names, lang)}
    tables[t("wk_sheet_digest", lang)] = wt.digest_display(meeting.sections["digest"], meeting.meta, lang)
    for item in meeting.sections["digest"]["item"]:
        tables[t(f"wk_item_{item}", lang)] = wt.list_display(item, meeting.list_of(item), names, lang, privacy)
    tables[t("wk_sheet_movers", lang)] = wt.movers_display(meeting.sections["movers"], lang)
    tables[t("wk_sheet_performers", lang)] = wt.performers_display(meeting.sections["performers"], names, lang)
    tables[t("wk_sheet_actions", lang)] = wt.actions_display(actions, meeting.week, lang)
    tables[t("wk_sheet_notes", lang)] = pd.DataFrame({
        t("wk_col_week", lang): notes["week"], t("wk_col_notes", lang): notes["body"],
        t("wk_col_author", lang): notes["author"].fillna("—")})
    return tables


def weekly_figures(meeting: WeeklyMeeting, lang: str) -> dict[str, go.Figure]:
    """The meeting's charts by section: pace (every target), digest, movers, performers."""
    figures = {}
    if not meeting.sections["pace"].empty:
        figures["pace"] = pace_figure(meeting.sections["pace"], group_names(meeting), lang)
    figures["digest"] = charts_weekly.digest_figure(meeting.sections["digest"], lang)
    figures["movers"] = charts_weekly.movers_figure(meeting.sections["movers"], lang)
    if not meeting.sections["performers"].empty:
        figures["performers"] = charts_weekly.performers_figure(meeting.sections["performers"], lang)
    return figures


# --- HTML ---------------------------------------------------------------------------------------

_CSS = f"""
@page {{ size: A4 landscape; margin: 12mm; }}
body {{ font-family: {FONT_FAMILY}; color: #222; margin: 24px auto; max-width: 1060px; font-size: 13px; }}
h1 {{ font-size: 22px; margin: 0 0 6px; }} h2 {{ font-size: 17px; margin: 22px 0 6px; border-bottom: 2px solid #333; }}
h3 {{ font-size: 14px; margin: 14px 0 4px; }} .meta {{ color: #555; margin: 2px 0; }}
.privacy {{ display: inline-block; background: #FFF3E0; border: 1px solid #E69F00; padding: 2px 8px; }}
table {{ border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 12px; }}
th, td {{ border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }}
th {{ background: #f2f2f2; }} tr {{ page-break-inside: avoid; }} .figure {{ page-break-inside: avoid; }}
.note {{ color: #666; font-size: 11px; }} pre {{ white-space: pre-wrap; font-family: inherit; }}
@media print {{ .modebar-container {{ display: none !important; }} }}
"""


def _table_html(frame: pd.DataFrame, limit: int | None = None, lang: str = "zh") -> str:
    shown = frame if limit is None else frame.head(limit)
    body = shown.to_html(index=False, escape=True, na_rep="—", border=0)
    if limit is not None and len(frame) > limit:
        body += f'<p class="note">{html.escape(t("wk_report_truncated", lang, shown=limit, total=len(frame)))}</p>'
    if frame.empty:
        body = f'<p class="note">{html.escape(t("wk_report_empty", lang))}</p>'
    return body


def _figure_html(figure: go.Figure, first: bool) -> str:
    figure = literal_figure(figure).update_layout(width=FIGURE_WIDTH)   # names as text, not tags
    return '<div class="figure">' + figure.to_html(full_html=False, include_plotlyjs=first,
                                                    config={"displaylogo": False}) + "</div>"


def weekly_html(meeting: WeeklyMeeting, actions: pd.DataFrame, notes: pd.DataFrame, lang: str,
                privacy: bool) -> str:
    """The meeting as one self-contained HTML document (plotly.js inlined in the first chart)."""
    tables = weekly_tables(meeting, actions, notes, lang, privacy)
    figures = weekly_figures(meeting, lang)
    title, *meta = header_lines(meeting, lang, privacy)
    first = [True]

    def figure(name: str) -> str:
        if name not in figures:
            return ""
        text = _figure_html(figures[name], first[0])
        first[0] = False
        return text

    esc = html.escape
    parts = [f"<h1>{esc(title)}</h1>", f'<p class="meta">{esc(meta[0])}</p>']
    if privacy:
        parts.append(f'<p class="privacy">{esc(meta[1])}</p>')
    parts.append(f"<h2>{esc(t('wk_section_scoreboard', lang))}</h2>")
    parts.append(f"<p>{esc(wt.summary_line(meeting.sections['scoreboard'], lang))}</p>")
    parts.append(_table_html(tables[t("wk_sheet_scoreboard", lang)]) + figure("pace")
                 + _table_html(tables[t("wk_sheet_pace", lang)]))
    parts.append(f"<h2>{esc(t('wk_section_digest', lang))}</h2>")
    parts.append(_table_html(tables[t("wk_sheet_digest", lang)]) + figure("digest"))
    for item in meeting.sections["digest"]["item"]:
        name = t(f"wk_item_{item}", lang)
        parts.append(f"<h3>{esc(name)}</h3>" + _table_html(tables[name], wt.REPORT_LIST_ROWS, lang))
    parts.append(f"<h2>{esc(t('wk_section_highlights', lang))}</h2>")
    parts.append(f"<p><b>{esc(wt.highlights_line(meeting.sections['movers'], meeting.sections['performers'], lang))}"
                 "</b></p>")
    parts.append(figure("movers") + _table_html(tables[t("wk_sheet_movers", lang)]))
    parts.append(figure("performers") + _table_html(tables[t("wk_sheet_performers", lang)]))
    parts.append(f'<p class="note">{esc(t("wk_performers_caption", lang))}</p>')
    parts.append(f"<h2>{esc(t('wk_section_actions', lang))}</h2>" + _table_html(tables[t("wk_sheet_actions", lang)], lang=lang))
    parts.append(f"<h2>{esc(t('wk_section_notes', lang))}</h2>")
    parts.extend(f"<h3>{esc(row.week)}</h3><pre>{esc(str(row.body))}</pre>" for row in notes.itertuples())
    if notes.empty:
        parts.append(f'<p class="note">{esc(t("wk_report_empty", lang))}</p>')
    lang_attr = "en" if lang == "en" else "zh-CN"
    return (f'<!doctype html><html lang="{lang_attr}"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f"<style>{_CSS}</style></head><body>{''.join(parts)}</body></html>")


# --- PDF ----------------------------------------------------------------------------------------

def html_to_pdf(document: str) -> bytes:
    """Print an HTML document to PDF with headless chromium (the charts' JS runs first).

    Raises RuntimeError naming the cause when chromium is missing or fails.
    """
    if not Path(CHROMIUM).exists():
        raise RuntimeError("chromium is not installed: apt-get install -y chromium fonts-wqy-microhei")
    with tempfile.TemporaryDirectory(prefix="weekly-report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(document, encoding="utf-8")
        command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                   "--no-pdf-header-footer", "--virtual-time-budget=10000", f"--user-data-dir={folder}/profile",
                   f"--print-to-pdf={target}", source.as_uri()]
        done = subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_SECONDS, check=False)
        if not target.exists() or target.stat().st_size == 0:
            raise RuntimeError(f"chromium could not print the report: {done.stderr.decode(errors='replace')[-500:]}")
        return target.read_bytes()


def weekly_pdf(meeting: WeeklyMeeting, actions: pd.DataFrame, notes: pd.DataFrame, lang: str,
               privacy: bool) -> bytes:
    return html_to_pdf(weekly_html(meeting, actions, notes, lang, privacy))


# --- XLSX ---------------------------------------------------------------------------------------

def _sheet_name(title: str, used: set[str]) -> str:
    """An Excel-safe, unique sheet name of at most 31 characters."""
    name = "".join("_" if ch in '[]:*?/\\' else ch for ch in title)[:31]
    base, index = name, 2
    while name in used:
        name = f"{base[:28]}~{index}"
        index += 1
    used.add(name)
    return name


def weekly_xlsx(meeting: WeeklyMeeting, actions: pd.DataFrame, notes: pd.DataFrame, lang: str,
                privacy: bool) -> bytes:
    """Every table on its own sheet, after an 'about' sheet with the report's header lines.

    Text cells that a spreadsheet would run as formulas get a leading apostrophe (ui.exports).
    """
    buffer, used = BytesIO(), set()
    options = {"strings_to_formulas": False, "strings_to_urls": False}
    with pd.ExcelWriter(buffer, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        about = pd.DataFrame({t("wk_sheet_about", lang): [neutralised_cell(line)
                                                          for line in header_lines(meeting, lang, privacy)]})
        about.to_excel(writer, sheet_name=_sheet_name(t("wk_sheet_about", lang), used), index=False)
        for title, frame in weekly_tables(meeting, actions, notes, lang, privacy).items():
            name = _sheet_name(title, used)
            neutralised(frame).to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            for index, column in enumerate(frame.columns):
                width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)])
                sheet.set_column(index, index, min(max(width * 1.6, 8), 50))
    return buffer.getvalue()


def weekly_report(fmt: str, meeting: WeeklyMeeting, actions: pd.DataFrame, notes: pd.DataFrame, lang: str,
                  privacy: bool) -> bytes:
    """The report in `fmt` ('html', 'pdf' or 'xlsx') as bytes."""
    if fmt == "html":
        return weekly_html(meeting, actions, notes, lang, privacy).encode("utf-8")
    if fmt == "pdf":
        return weekly_pdf(meeting, actions, notes, lang, privacy)
    if fmt == "xlsx":
        return weekly_xlsx(meeting, actions, notes, lang, privacy)
    raise ValueError(f"unknown report format {fmt!r}: html, pdf or xlsx")
