"""激励与培训 Incentives & training: this month's 月度销冠 and 团队协作奖 with the rule in plain words
beside them, the winners of past months, the rule editor; training records and a before/after view
of each trained consultant with its caveats."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pandas as pd
import streamlit as st

from analytics.awards import (
    CHAMPION_METRICS,
    TEAM_METRICS,
    TIE_BREAKS,
    award_history,
    award_result,
    candidate_measures,
    champion_candidates,
    with_team_measures,
)
from analytics.training import before_after
from db import catalog, incentives
from db.filters import Filters
from db.queries import kpi_aggregates
from db.queries.people import staff_roster
from ui import charts_incentives as ci
from ui import manage_shared as ms
from ui.components import empty_state, show_chart
from ui.context import page_context, record_action
from ui.database import load, open_connection
from ui.i18n import t

ctx = page_context()
lang, as_of = ctx.lang, ctx.choices.as_of
HISTORY_MONTHS = 12

st.title(t("page_incentives", lang))
st.caption(t("mg_incentives_intro", lang) + " " + t("mg_not_filtered", lang))
if flash := st.session_state.pop("mg_flash_incentives", None):
    st.success(flash, icon=":material/check_circle:")


if load(catalog.freshness)["deals"] == 0:
    empty_state(lang, "no_database")
    st.stop()


def write(action, success: str) -> None:
    try:
        with open_connection() as con:
            action(con)
            record_action(con, "incentives", success)
    except ValueError as refused:
        st.error(t("mg_refused_rule", lang, detail=str(refused)), icon=":material/block:")
        return
    st.session_state["mg_flash_incentives"] = success
    st.rerun()


months = ms.recent_months(as_of, HISTORY_MONTHS)
window = Filters(months[-1].date(), as_of)
roster = load(staff_roster, as_of)
staff_names = dict(zip(roster["staff_id"], roster["name"], strict=True))
group_names = dict(ctx.choices.groups)
by_staff, by_group = load(incentives.monthly_award_measures, window)   # one pass over the facts
champions = champion_candidates(by_staff, roster)
team = with_team_measures(
    candidate_measures(by_group, "group"),
    handoffs=load(incentives.monthly_handoffs, tuple(m.date() for m in months)),
    targets=load(incentives.monthly_group_targets, window.start, window.end),
    headcount=load(incentives.monthly_headcount, window.start, window.end))
rules = {rule.kind: rule for rule in load(incentives.award_rules)}
inputs = {"champion": (champions, staff_names), "team": (team, group_names)}

# --- this month's awards, each with its rule in plain words ---
month = st.selectbox(t("mg_award_month", lang), months, index=1 if len(months) > 1 else 0, key="mg_award_month",
                     format_func=lambda m: ms.award_month_option(m, as_of, lang))
if month.to_period("M") == pd.Timestamp(as_of).to_period("M"):
    st.caption(t("mg_award_partial", lang, as_of=as_of.isoformat()))
for column, kind in zip(st.columns(2), ("champion", "team"), strict=True):
    rule, (candidates, names) = rules[kind], inputs[kind]
    result = award_result(candidates[candidates["month"] == month], rule)
    with column, st.container(border=True):
        st.markdown(f"#### {ci.award_icon(kind)} {ci.award_name(rule, lang)} · {month:%Y-%m}")
        st.markdown(ci.award_headline(result, rule, names, lang))
        st.caption(t("mg_rule_label", lang) + ci.rule_words(rule, lang))
        st.dataframe(ci.standings_frame(result.standings, names, rule, lang), hide_index=True, width="stretch")
        if result.status == "awarded" and st.button(t("mg_award_record", lang), key=f"mg_award_record_{kind}",
                                                    help=t("mg_award_record_help", lang)):
            winners = [(w, result.value, result.n) for w in result.winners]
            write(lambda con, r=rule, w=winners: incentives.announce_award(con, r.rule_id, month.date(), w,
                                                                           ci.rule_words(r, lang)),
                  t("mg_award_recorded", lang, month=f"{month:%Y-%m}", name=ci.award_name(rule, lang)))

# --- past winners ---
st.subheader(t("mg_history_awards", lang))
histories = {kind: award_history(inputs[kind][0], rules[kind], months) for kind in ("champion", "team")}
announced = load(incentives.announced_awards)
st.dataframe(ci.award_history_frame(histories, announced, rules, staff_names, group_names, lang), hide_index=True,
             width="stretch")
st.caption(t("mg_history_caption", lang))

with st.expander(t("mg_rules_header", lang), icon=":material/tune:"):
    st.caption(t("mg_rules_caption", lang))
    for column, kind in zip(st.columns(2), ("champion", "team"), strict=True):
        rule = rules[kind]
        metrics = CHAMPION_METRICS if kind == "champion" else TEAM_METRICS
        with column.form(f"mg_rule_form_{kind}"):
            name = st.text_input(t("mg_rule_name", lang), value=ci.award_name(rule, lang), key=f"mg_rule_name_{kind}")
            metric = st.selectbox(t("mg_rule_metric", lang), metrics, index=metrics.index(rule.metric),
                                  key=f"mg_rule_metric_{kind}", format_func=lambda m: ci.award_metric_label(m, lang))
            min_n = st.number_input(t("mg_rule_min_n", lang), min_value=1, value=int(rule.min_n), step=1,
                                    key=f"mg_rule_min_n_{kind}", help=t("mg_rule_min_n_help", lang))
            tie = st.selectbox(t("mg_rule_tie", lang), TIE_BREAKS, index=TIE_BREAKS.index(rule.tie_break),
                               key=f"mg_rule_tie_{kind}", format_func=lambda k: ci.tie_label(k, lang))
            if st.form_submit_button(t("mg_rule_save", lang)):
                edited = replace(rule, name=name.strip(), metric=metric, min_n=int(min_n), tie_break=tie)
                write(lambda con, r=edited: incentives.save_award_rule(con, r),
                      t("mg_rule_saved", lang, name=ci.award_name(edited, lang)))

# --- training ---
st.header(t("mg_training_header", lang), divider="gray")
records = load(incentives.training_records)
with st.expander(t("mg_training_add", lang), icon=":material/add:", expanded=records.empty), \
        st.form("mg_training_form", clear_on_submit=True):
    left, right = st.columns([3, 2])
    people = left.multiselect(t("mg_training_who", lang), list(roster["staff_id"]), key="mg_training_who",
                              format_func=lambda s: staff_names.get(s, s))
    topic = right.text_input(t("mg_training_what", lang), key="mg_training_topic",
                             placeholder=t("mg_training_what_hint", lang))
    day = left.date_input(t("mg_training_when", lang), value=as_of - timedelta(days=60), key="mg_training_day")
    hours = right.number_input(t("mg_training_hours", lang), min_value=0.0, value=2.0, step=0.5,
                               key="mg_training_hours")
    trainer = left.text_input(t("mg_training_trainer", lang), key="mg_training_trainer")
    note = right.text_input(t("mg_training_note", lang), key="mg_training_note")
    if st.form_submit_button(t("mg_training_save", lang), type="primary"):
        if not people or not topic.strip():
            st.error(t("mg_training_missing", lang), icon=":material/block:")
        else:
            write(lambda con: incentives.add_training(con, people, topic, day, hours, trainer, note),
                  t("mg_training_saved", lang, n=len(people), topic=topic.strip()))
if records.empty:
    st.info(t("mg_training_empty", lang), icon=":material/info:")
    st.stop()

left, right = st.columns([3, 2])
conversion = left.segmented_control(t("mg_training_conversion", lang), ("win_rate", "visit_to_won_rate"),
                                    default="win_rate", key="mg_training_conversion",
                                    format_func=lambda c: ci.award_metric_label(c, lang)) or "win_rate"
days = right.segmented_control(t("mg_training_window", lang), (30, 60, 90), default=60, key="mg_training_days",
                               format_func=lambda d: t("mg_days", lang, days=d)) or 60
first_day = min(pd.to_datetime(records["trained_on"])).date() - timedelta(days=days)
daily = load(kpi_aggregates, Filters(first_day, as_of), ("staff", "day"))
result = before_after(daily, records[["training_id", "staff_id", "name", "topic", "trained_on"]],
                      as_of=as_of, conversion=conversion, window_days=days)
shown = ci.trainings_shown(result, conversion, ms.hands_on_staff(roster))
if len(shown) < len(result):
    st.caption(t("mg_training_hands_on", lang, n=len(result) - len(shown)))
if shown.empty:
    st.info(t("mg_training_none_shown", lang), icon=":material/info:")
else:
    show_chart(ci.training_figure(shown, conversion, days, lang), width="stretch", key="mg_training_chart")
    st.dataframe(ci.training_table(shown, days, lang), hide_index=True, width="stretch")
st.info(t("mg_training_caveats", lang, days=days), icon=":material/lightbulb:")
with st.expander(t("mg_training_records", lang, n=len(records)), icon=":material/list:"):
    st.dataframe(ci.training_records_frame(records, lang), hide_index=True, width="stretch")
    remove = st.selectbox(t("mg_training_delete", lang), [None, *records["training_id"]], key="mg_training_delete",
                          format_func=lambda i: t("mg_none", lang) if i is None else ci.training_option(records, i))
    if remove is not None and st.button(t("mg_training_delete_button", lang), key="mg_training_delete_button"):
        write(lambda con: incentives.delete_training(con, int(remove)), t("mg_training_deleted", lang))
