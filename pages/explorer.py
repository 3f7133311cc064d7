"""趋势探索 Explorer: any metric by any dimension and period, as a chart, a pivot table and
downloads of that same table; optionally against the same period a year earlier."""

from __future__ import annotations

import streamlit as st

from analytics.kpis import kpi_table
from analytics.registry import KPI_METRIC_IDS
from analytics.stats import DEFAULT_MIN_N
from db import catalog
from db.deal_lists import DealSelection
from db.queries import dimension_labels
from db.queries.explorer import customer_need_deals, explorer_aggregates, year_earlier
from ui import charts_explorer as ce
from ui import tables_explorer as te
from ui.charts import group_colors
from ui.components import empty_state, page_header, show_chart
from ui.context import log_export, page_context
from ui.database import load
from ui.drilldown import LIMIT, deal_display_frame, show_deals
from ui.exports import to_csv_bytes, to_xlsx_bytes
from ui.i18n import listed, t

ctx = page_context()
lang, filters = ctx.lang, ctx.filters

page_header(t("page_explorer", lang), lang)
st.caption(t("exp_intro", lang))

# The view lives under our own key (widget keys vanish on other pages), re-seeds the widgets and
# is mirrored into the URL (x_metric, x_rows, …) so a pasted link reproduces it. The default
# answers the analyst's question: which channel converts best in which group.
if "_exp_state" not in st.session_state:
    st.session_state["_exp_state"] = te.view_from_params(dict(st.query_params))
saved = st.session_state["_exp_state"]
column_options = ["month", "week", "none", *[d for d in te.ROW_DIMENSIONS if d != saved["rows"]]]
saved["cols"] = saved["cols"] if saved["cols"] in column_options else "month"
chart_options = list(te.CHART_TYPES if saved["cols"] in te.TIME_COLUMNS else ("heatmap", "bar"))
saved["chart"] = saved["chart"] if saved["chart"] in chart_options else chart_options[0]
st.session_state.update({f"exp_w_{key}": value for key, value in saved.items()})


def keep(key: str):
    return lambda: saved.update({key: st.session_state[f"exp_w_{key}"]})


controls = st.columns([1.8, 1.8, 2, 2.6, 1.8], vertical_alignment="bottom")
metric_id = controls[0].selectbox(t("exp_metric", lang), KPI_METRIC_IDS, key="exp_w_metric", on_change=keep("metric"),
                                  format_func=lambda m: te.metric_label(m, lang))
rows = controls[1].selectbox(t("exp_rows", lang), te.ROW_DIMENSIONS, key="exp_w_rows", on_change=keep("rows"),
                             format_func=lambda d: t(f"exp_dim_{d}", lang))
cols_choice = controls[2].selectbox(
    t("exp_columns", lang), column_options, key="exp_w_cols", on_change=keep("cols"),
    format_func=lambda c: t(f"exp_col_{c}", lang) if c in ("month", "week", "none")
    else t("exp_col_dim", lang, dim=t(f"exp_dim_{c}", lang)))
chart = controls[3].segmented_control(t("exp_chart", lang), chart_options, key="exp_w_chart", on_change=keep("chart"),
                                      format_func=lambda c: t(f"exp_chart_{c}", lang)) or saved["chart"]
yoy = controls[4].toggle(t("exp_yoy", lang), key="exp_w_yoy", on_change=keep("yoy"), help=t("exp_yoy_help", lang))

st.query_params.update({k: v for k, v in te.view_params(saved).items() if st.query_params.get(k) != v})
cols = None if cols_choice == "none" else cols_choice
by = (rows,) if cols is None else (rows, cols)
earlier_filters = year_earlier(filters, cols if cols in te.TIME_COLUMNS else None)
kpis = kpi_table(load(explorer_aggregates, filters, by), by)
earlier = kpi_table(load(explorer_aggregates, earlier_filters, by), by) if yoy else None
groups = load(catalog.groups)
names = {**load(dimension_labels, rows), **(load(dimension_labels, cols) if cols else {})}
# A stage-split group that hands its deals on never wins them: its win rate is not a rate of its work.
handing_on = frozenset(groups.loc[(groups["basis"] == "stage") & (groups["phase"] != "closing"), "group_id"]) \
    if metric_id == "win_rate" else frozenset()
shown = te.shown_frame(kpis, metric_id, rows, cols, names, lang, earlier=earlier, not_applicable=handing_on)
if shown.empty or not ((shown["value"].fillna(0) != 0).any() or (shown["n"].fillna(0) > 0).any()):
    only_stage_groups = "group" in by and filters.group_ids and set(filters.group_ids) <= handing_on
    empty_state(lang, "exp_empty_stage_groups" if only_stage_groups else "exp_empty")
    st.stop()

figure = ce.explorer_figure(shown, chart, metric_id, rows, cols, group_colors(list(groups["group_id"])), lang)
event = show_chart(figure, on_select="rerun", selection_mode=("points",),
                   key=f"exp_chart_{metric_id}_{rows}_{cols_choice}_{chart}_{yoy}")
notes = [t("exp_click_hint", lang)]
if te.metric_scale(metric_id, lang).is_rate:
    notes += [t("exp_too_few_note", lang, n=DEFAULT_MIN_N), t("interval_help", lang)]
    notes += [t("exp_best_mark", lang)] if chart == "heatmap" else []
if handing_on and "group" in by:
    left_out = [names.get(g, g) for g in groups["group_id"] if g in handing_on]
    notes.append(t("exp_stage_groups_left_out", lang, groups=listed(left_out, lang)))
if cols in te.TIME_COLUMNS:
    notes.append(t("exp_partial_note", lang, start=filters.start.isoformat(), end=filters.end.isoformat()))
if yoy:
    notes.append(t("exp_yoy_window", lang, start=earlier_filters.start.isoformat(), end=earlier_filters.end.isoformat()))
st.caption(" · ".join(notes))

points = event["selection"]["points"] if event else []
if points and points[0].get("customdata"):
    row_pos, col_pos, series = points[0]["customdata"][:3]
    cell = shown[(shown["row_pos"] == row_pos) & (shown["col_pos"] == col_pos) & (shown["series"] == series)].iloc[0]
    request = te.drill_request(cell, rows, cols, metric_id, filters if series == "current" else earlier_filters)
    what = " · ".join(dict.fromkeys((cell["row_label"], cell["col_label"],
                                     *([t(f"exp_series_{series}", lang)] if yoy else []))))
    if request is None:
        st.caption(t("exp_drill_unavailable", lang))
    elif not request[2]:
        show_deals(request[0], DealSelection(**request[1]), what, lang, ctx.privacy, key="exp_deals")
    else:
        deals = load(customer_need_deals, request[0], DealSelection(**request[1]), request[2], LIMIT + 1)
        more = t("deals_more", lang, limit=LIMIT) if len(deals) > LIMIT else ""
        st.markdown(f"**{t('deals_behind', lang, what=what, n=min(len(deals), LIMIT), more=more)}**")
        st.dataframe(deal_display_frame(deals.head(LIMIT), lang, ctx.privacy), hide_index=True, width="stretch",
                     key="exp_need_deals", height=min(38 + 35 * min(len(deals), LIMIT), 420))
    st.caption(t("exp_drill_basis", lang, basis=t(f"exp_basis_{request[1]['basis'] if request else 'created'}", lang)))

st.subheader(t("exp_pivot", lang))
pivot = te.pivot_table(shown, metric_id, rows, lang)
st.dataframe(pivot, hide_index=True, width="stretch", key="exp_pivot_table",
             column_config={c: st.column_config.NumberColumn(format="localized")
                            for c in pivot.columns if c not in pivot.columns[:2] and pivot[c].dtype.kind in "if"})
stem = f"explorer_{metric_id}_{rows}_{cols_choice}_{filters.start:%Y%m%d}-{filters.end:%Y%m%d}"
left, right, _ = st.columns([1, 1, 4])
left.download_button(t("exp_download_csv", lang), to_csv_bytes(pivot), file_name=f"{stem}.csv", mime="text/csv",
                     key="exp_csv", icon=":material/download:", on_click=log_export, args=(f"{stem}.csv",))
right.download_button(t("exp_download_xlsx", lang), to_xlsx_bytes(pivot), file_name=f"{stem}.xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="exp_xlsx",
                      icon=":material/download:", on_click=log_export, args=(f"{stem}.xlsx",))
