"""目标与进度 Targets & pacing: this month's pace of every target (and why a group is behind),
then the attainment of every month in the window. Pacing counts selling days (all seven by
default: a 案场 is busiest at weekends)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from analytics.kpis import kpi_table
from analytics.pacing import SellingCalendar, attainment_table, month_bounds, monthly_actuals, pace_table
from db import catalog
from db.deal_lists import DealSelection
from db.filters import Filters
from db.queries import kpi_aggregates, monthly_targets
from ui import charts_targets as ct
from ui import formats
from ui import tables_targets as tt
from ui.components import empty_state, page_header, show_chart
from ui.context import page_context
from ui.database import load
from ui.drilldown import show_deals
from ui.i18n import listed, t

ctx = page_context()
lang, filters, as_of = ctx.lang, ctx.filters, ctx.choices.as_of
month_first, month_last = month_bounds(as_of)
mtd = replace(filters, start=month_first, end=as_of)

page_header(t("page_targets", lang), lang)

# --- controls: which targets, and the selling-day calendar (our own key: widget keys vanish) ---
span = replace(filters, start=min(filters.start, month_first), end=max(filters.end, as_of))
metrics = [m for m in ct.TARGET_METRICS if not load(monthly_targets, span, metric=m).empty]
if not metrics:
    empty_state(lang, "tgt_no_targets")
    st.stop()
options = ["all", *metrics] if len(metrics) > 1 else metrics
saved = st.session_state.setdefault("_tgt_state", {"metric": options[0], "weekends_off": False, "holidays": ()})
saved["metric"] = saved["metric"] if saved["metric"] in options else options[0]
st.session_state.update(tgt_metric=saved["metric"], tgt_weekends_off=saved["weekends_off"],
                        tgt_holidays=[d for d in saved["holidays"] if month_first <= d <= month_last])
left, middle, right = st.columns([5, 2.2, 2.8], vertical_alignment="bottom")
choice = left.segmented_control(
    t("tgt_metric", lang), options, key="tgt_metric",
    format_func=lambda m: t("tgt_all_targets", lang) if m == "all" else ct.metric_label(m, lang),
    on_change=lambda: saved.update(metric=st.session_state["tgt_metric"] or saved["metric"])) or saved["metric"]
weekends_off = middle.toggle(t("tgt_weekends_off", lang), key="tgt_weekends_off", help=t("tgt_weekends_help", lang),
                             on_change=lambda: saved.update(weekends_off=st.session_state["tgt_weekends_off"]))
holidays = right.multiselect(
    t("tgt_holidays", lang), [month_first + timedelta(days=i) for i in range(month_last.day)], key="tgt_holidays",
    format_func=lambda d: f"{d:%m-%d} {t(f'tgt_wd_{d.weekday()}', lang)}", help=t("tgt_holidays_help", lang),
    placeholder=t("tgt_holidays_none", lang),
    on_change=lambda: saved.update(holidays=tuple(st.session_state["tgt_holidays"])))
calendar = SellingCalendar(frozenset(range(5 if weekends_off else 7)), frozenset(holidays))
chosen = metrics if choice == "all" else [choice]

groups = load(catalog.groups)
names = dict(zip(groups["group_id"], groups["name"], strict=True))
order = list(groups["group_id"])


def actuals_for(window: Filters, metric_id: str) -> pd.DataFrame:
    """Monthly actuals (group, month, actual) of `metric_id` over `window` (which ends by as_of)."""
    return monthly_actuals(load(kpi_aggregates, window, ("group", "month")), "group", metric_id, as_of=as_of)


def drill(group_id: str, first: date, last: date, key: str) -> None:
    """The group's deals won, lost and created between first and last (inclusive days)."""
    bounds = {"start": datetime.combine(first, time()), "end": datetime.combine(last + timedelta(days=1), time())}
    window = replace(filters, start=first, end=last)
    bases = ("won", "lost", "created")
    for tab, basis in zip(st.tabs([t(f"tgt_drill_{b}", lang) for b in bases]), bases, strict=True):
        with tab:
            what = t("tgt_drill_what", lang, group=names.get(group_id, group_id), month=f"{first:%Y-%m}",
                     outcome=t(f"tgt_drill_{basis}", lang))
            show_deals(window, DealSelection(basis=basis, group_id=group_id, **bounds), what, lang, ctx.privacy,
                       key=f"{key}_{basis}")


def why(group_id: str, rows: pd.DataFrame, kpis: dict, before: Filters) -> None:
    """What is behind a group's pace: its drivers this month against the three months before."""
    status = ct.status_text(rows["status"].iloc[0], lang)
    paces = listed((f"{ct.metric_label(r.metric, lang)} {t('tgt_projected_short', lang)} "
                     f"{formats.percent(r.pace_forecast, 0)}" for r in rows.itertuples()), lang)
    now, then = (kpis[key].reindex([group_id]).iloc[0] for key in ("now", "before"))
    changes = tt.driver_changes(now, then, int(rows["selling_days_elapsed"].iloc[0]),
                                calendar.selling_days(before.start, before.end), rows["metric"].iloc[0])
    st.markdown(f"**{status}** · {paces}  \n{tt.driver_headline(changes, lang)}")
    st.dataframe(tt.driver_display(changes, now, then, lang), hide_index=True, width="stretch")
    st.caption(t("tgt_why_basis", lang, start=before.start.isoformat(), end=before.end.isoformat()))


def clicked(event, memory: str) -> list | None:
    """customdata of a newly clicked point; None when the selection has not changed."""
    points = event["selection"]["points"] if event else []
    data = points[0].get("customdata") if points else None
    if data and data != st.session_state.get(memory):
        st.session_state[memory] = data
        return data
    return None


# --- this month's pace ---
st.subheader(t("tgt_pace_header", lang, month=f"{as_of:%Y-%m}", as_of=as_of.isoformat()))
paced = [pace_table(load(monthly_targets, mtd, metric=m), actuals_for(mtd, m), as_of=as_of,
                    calendar=calendar).assign(metric=m) for m in chosen]
pace = ct.in_display_order(pd.concat(paced, ignore_index=True), order)
if pace.empty:
    st.info(t("tgt_no_targets_month", lang, month=f"{as_of:%Y-%m}"))
else:
    calendar_text = t("tgt_calendar_weekdays" if weekends_off else "tgt_calendar_all", lang)
    if holidays:
        calendar_text += " · " + t("tgt_calendar_holidays", lang, n=len(holidays))
    st.caption(t("tgt_days_caption", lang, elapsed=int(pace["selling_days_elapsed"].iloc[0]),
                 total=int(pace["selling_days_total"].iloc[0]), calendar=calendar_text))
    if filters.source_channels or filters.customer_types:
        st.warning(t("tgt_customer_filter_note", lang), icon=":material/warning:")
    flagged = pace[pace["status"].isin((ct.OFF_TRACK, ct.AT_RISK))].sort_values("pace_forecast", kind="stable")
    off = list(dict.fromkeys(flagged.loc[flagged["status"] == ct.OFF_TRACK, "group"]))
    st.markdown(t("tgt_summary", lang, off=len(off), names=listed((names[g] for g in off), lang) or "—",
                  risk=flagged["status"].eq(ct.AT_RISK).sum(), ok=pace["status"].eq(ct.ON_TRACK).sum(),
                  total=len(pace)))
    chart_column, why_column = st.columns([11, 9])
    with chart_column:
        event = show_chart(ct.pace_figure(pace, names, lang), on_select="rerun", key="tgt_pace_chart",
                           selection_mode=("points",))
        if (data := clicked(event, "_tgt_pace_click")) is not None:
            st.session_state["tgt_focus"] = data[0]
    with why_column:
        st.markdown(f"**{t('tgt_why_header', lang)}**")
        if flagged.empty:
            st.success(t("tgt_all_on_track", lang), icon=":material/check_circle:")
        else:
            before_first, before_last = tt.prior_months(as_of)
            before = replace(filters, start=before_first, end=before_last)
            kpis = {key: kpi_table(load(kpi_aggregates, window, "group"), "group").set_index("group")
                    for key, window in (("now", mtd), ("before", before))}
            flagged_groups = list(dict.fromkeys(flagged["group"]))   # furthest behind first
            if len(flagged_groups) > tt.WHY_SHOWN:
                st.caption(t("tgt_why_first", lang, shown=tt.WHY_SHOWN, total=len(flagged_groups)))
                flagged_groups = flagged_groups[:tt.WHY_SHOWN]
            tabs = st.tabs([f"{ct.STATUS_SYMBOL[flagged.loc[flagged['group'] == g, 'status'].iloc[0]]} {names[g]}"
                            for g in flagged_groups])
            for tab, group_id in zip(tabs, flagged_groups, strict=True):
                with tab:
                    why(group_id, ct.in_display_order(flagged[flagged["group"] == group_id], order), kpis, before)
    st.dataframe(tt.pace_display(pace, names, lang), hide_index=True, width="stretch")
    focusable = [None, *dict.fromkeys(pace["group"])]
    if st.session_state.get("tgt_focus") not in focusable:   # e.g. after switching to another metric
        st.session_state["tgt_focus"] = None
    focus = st.selectbox(t("tgt_focus", lang), focusable, key="tgt_focus",
                         format_func=lambda g: t("tgt_focus_none", lang) if g is None else names.get(g, g))
    if focus:
        drill(focus, month_first, as_of, "tgt_pace_deals")

# --- attainment of the months in the window ---
st.subheader(t("tgt_heat_header", lang))
history = replace(filters, start=month_bounds(filters.start)[0], end=min(month_bounds(filters.end)[1], as_of))
attained = [attainment_table(load(monthly_targets, filters, metric=m), actuals_for(history, m)).assign(metric=m)
            for m in chosen]
attainment = pd.concat(attained, ignore_index=True)
if attainment.empty:
    st.info(t("tgt_no_targets_window", lang))
else:
    event = show_chart(ct.attainment_figure(attainment, pace, order, names, as_of, lang), on_select="rerun",
                       key="tgt_heat_chart", selection_mode=("points",))
    st.caption(t("tgt_heat_caption", lang))
    points = event["selection"]["points"] if event else []
    if points and points[0].get("customdata"):
        group_id, month = points[0]["customdata"][:2]
        first, last = month_bounds(date.fromisoformat(month))
        drill(group_id, first, min(last, as_of), "tgt_heat_deals")
