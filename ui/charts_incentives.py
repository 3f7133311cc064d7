"""激励与培训: the month's awards (headline, standings, the rule in plain words, the history month by
month) and the trainings' before/after chart and table (Streamlit-free).

Separate because it changes with the award rules (analytics.awards) and the training read-out
(analytics.training) only. The month picker and the hands-on rule it shares with the 反馈 page
are in ui.manage_shared.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.awards import SAMPLE_COLUMN
from ui import formats
from ui.charts import base_layout
from ui.i18n import listed, t
from ui.metric_text import metric_label, with_unit

# ---------------------------------------------------------------- 激励

# Material icons, not emoji: the 案场's PCs and the test browser may lack an emoji font.
AWARD_ICONS = {"champion": ":material/emoji_events:", "team": ":material/handshake:"}
# The sample column behind each award metric (analytics.awards.SAMPLE_COLUMN) → its words.
_SAMPLE_WORDS = {"won_deals": "mg_sample_won_deals", "closed": "mg_sample_closed", "csat_n": "mg_sample_csat_n",
                 "attainment_n": "mg_sample_attainment_n", "handed_on": "mg_sample_handed_on"}


def award_icon(kind: str) -> str:
    return AWARD_ICONS.get(kind, ":material/military_tech:")


def award_metric_label(metric_id: str, lang: str) -> str:
    if metric_id in ("attainment", "handoff_rate"):
        return t(f"mg_metric_{metric_id}", lang)
    return metric_label(metric_id, lang)


def award_name(rule, lang: str) -> str:
    """The rule's own name, or the award's usual name in `lang` when none was given."""
    return rule.name or t(f"mg_award_name_{rule.kind}", lang)


def tie_label(tie_break: str, lang: str) -> str:
    if tie_break in ("n", "shared"):
        return t(f"mg_tie_{tie_break}", lang)
    metric = award_metric_label(tie_break, lang)
    return t("mg_tie_metric", lang, metric=metric.lower() if lang == "en" and metric != "CSAT" else metric)


def sample_words(metric_id: str, lang: str, *, short: bool = False) -> str:
    key = _SAMPLE_WORDS[SAMPLE_COLUMN[metric_id]]
    return t(f"{key}_short" if short and metric_id == "attainment" else key, lang)


def rule_words(rule, lang: str) -> str:
    """The rule in one plain sentence: what is compared, the minimum sample, the tie-break."""
    return t("mg_rule_words", lang, metric=t(f"mg_metric_desc_{rule.metric}", lang), min_n=rule.min_n,
             sample=sample_words(rule.metric, lang), tie=tie_label(rule.tie_break, lang))


def award_value_text(metric_id: str, value, lang: str) -> str:
    if metric_id in ("won_amount", "per_capita_won_amount"):
        return formats.money(value, lang)
    if metric_id in ("win_rate", "attainment", "handoff_rate", "visit_to_won_rate"):
        return formats.percent(value)
    if metric_id == "csat":
        return formats.score(value)
    return formats.count(value)


def award_headline(result, rule, names: dict[str, str], lang: str) -> str:
    """'**王五** · 1.20 亿元（成交 40 单）' and how a tie was decided; or why there is no award."""
    if result.status == "too_few":
        best = int(result.standings["n"].max()) if len(result.standings) else 0
        return t("mg_award_too_few", lang, min_n=rule.min_n, sample=sample_words(rule.metric, lang), best=best)
    if result.status == "no_candidates":
        return t("mg_award_no_data", lang)
    who = listed((names.get(w, w) for w in result.winners), lang)
    line = t("mg_award_winner", lang, who=who, value=award_value_text(rule.metric, result.value, lang), n=result.n,
             sample=sample_words(rule.metric, lang, short=True))
    if result.decided_by == "tie_break":
        line += "  \n" + t("mg_award_by_tie", lang, tie=tie_label(rule.tie_break, lang))
    elif result.decided_by == "shared":
        line += "  \n" + t("mg_award_shared", lang)
    return line


def standings_frame(standings: pd.DataFrame, names: dict[str, str], rule, lang: str, top: int = 6) -> pd.DataFrame:
    """The best `top` candidates: rank, name, value, n, and why one is not ranked."""
    shown = standings.head(top)
    return pd.DataFrame({
        t("mg_col_rank", lang): [formats.DASH if pd.isna(r) else f"{int(r)}" for r in shown["rank"]],
        t("mg_col_candidate", lang): [names.get(c, c) for c in shown["candidate"]],
        award_metric_label(rule.metric, lang): [award_value_text(rule.metric, v, lang) for v in shown["value"]],
        t("mg_col_sample", lang): [f"{int(n)}" for n in shown["n"]],
        t("mg_col_note", lang): ["" if ok else t("mg_below_min", lang, min_n=rule.min_n) for ok in shown["eligible"]],
    })


def _history_cell(row, metric_id: str, names: dict[str, str], lang: str) -> str:
    if row["status"] == "too_few":
        return t("mg_award_none_short", lang)
    if row["status"] == "no_candidates":
        return formats.DASH
    who = listed((names.get(w, w) for w in row["winners"]), lang)
    return f"{who} · {award_value_text(metric_id, row['value'], lang)} (n={row['n']})"


def award_history_frame(histories: dict, announced: pd.DataFrame, rules: dict, staff_names: dict[str, str],
                        group_names: dict[str, str], lang: str) -> pd.DataFrame:
    """Month by month (newest first): each award's winner under today's rule; '✓' marks a month
    recorded as awarded, and a recorded winner who differs from today's computation is named."""
    recorded = announced.assign(month=pd.to_datetime(announced["month"])) if not announced.empty else announced

    def cell(row, kind: str, names: dict[str, str]) -> str:
        text = _history_cell(row, rules[kind].metric, names, lang)
        if recorded.empty:
            return text
        given = recorded[(recorded["month"] == row["month"]) & (recorded["rule_id"] == rules[kind].rule_id)]
        if given.empty:
            return text
        winners = tuple(given["winner_id"])
        if set(winners) == set(row["winners"]):
            return f"✓ {text}"
        return t("mg_award_recorded_other", lang, who=listed((names.get(w, w) for w in winners), lang), now=text)

    champion, team = histories["champion"], histories["team"]
    return pd.DataFrame({
        t("mg_col_month", lang): [f"{m:%Y-%m}" for m in champion["month"]],
        award_name(rules["champion"], lang): [cell(r, "champion", staff_names) for _, r in champion.iterrows()],
        award_name(rules["team"], lang): [cell(r, "team", group_names) for _, r in team.iterrows()],
    })


# ---------------------------------------------------------------- 培训

BEFORE_COLOR, AFTER_COLOR, TEAM_COLOR = "#9E9E9E", "#0072B2", "#E69F00"


def _trainee_label(row) -> str:
    return f"{row['name']} · {row['topic']} · {pd.Timestamp(row['trained_on']):%m-%d}"


def trainings_shown(result: pd.DataFrame, conversion: str, hands_on: set[str]) -> pd.DataFrame:
    """The trainings a conversion can judge: a win rate says nothing about people who hand on."""
    if conversion != "win_rate" or result.empty:
        return result
    return result[~result["staff_id"].isin(hands_on)]


def training_figure(result: pd.DataFrame, conversion: str, days: int, lang: str):
    """Per training: the conversion before (grey) and after (blue) with 95% Wilson intervals, and
    the rest of the team's rate over the same windows (orange diamonds) as the seasonality check."""
    fig = go.Figure()
    labels = [_trainee_label(r) for _, r in result.iterrows()]
    for side, color, name in (("before", BEFORE_COLOR, t("mg_before", lang, days=days)),
                              ("after", AFTER_COLOR, t("mg_after", lang, days=days))):
        rate = result[f"rate_{side}"] * 100
        fig.add_trace(go.Scatter(
            x=rate, y=labels, mode="markers", name=name, marker={"color": color, "size": 11},
            error_x={"type": "data", "symmetric": False, "color": color, "thickness": 1.5,
                     "array": (result[f"rate_{side}_high"] * 100 - rate).fillna(0),
                     "arrayminus": (rate - result[f"rate_{side}_low"] * 100).fillna(0)},
            customdata=result[f"rate_{side}_n"],
            hovertemplate=f"{name}: %{{x:.1f}}% (n=%{{customdata}})<extra></extra>"))
    for side, symbol in (("before", "diamond-open"), ("after", "diamond")):
        fig.add_trace(go.Scatter(
            x=result[f"team_rate_{side}"] * 100, y=labels, mode="markers", marker={"color": TEAM_COLOR, "size": 9,
                                                                                  "symbol": symbol},
            name=t(f"mg_team_{side}", lang), hovertemplate="%{x:.1f}%<extra></extra>"))
    title = t("mg_training_chart_title", lang, metric=award_metric_label(conversion, lang), days=days)
    base_layout(fig, title, x_title=with_unit(award_metric_label(conversion, lang), "%", lang))
    fig.update_layout(hovermode="closest", height=140 + 46 * len(labels), margin={"l": 10, "r": 10, "t": 90, "b": 10})
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5", rangemode="tozero")
    return fig


def _rate_cell(row, side: str, lang: str) -> str:
    """'18.1% (n=226)': the interval is on the chart above the table."""
    n = int(row[f"rate_{side}_n"])
    return formats.DASH if n == 0 else f"{formats.percent(row[f'rate_{side}'])} (n={n})"


def _verdict(row, days: int, lang: str) -> str:
    if row["too_few"]:
        return t("mg_verdict_too_few", lang)
    text = t("mg_verdict_clear", lang) if row["clear"] else t("mg_verdict_overlap", lang)
    if not row["complete"]:
        text += t("mg_verdict_running", lang, done=int(row["after_days"]), days=days)
    return text


def training_table(result: pd.DataFrame, days: int, lang: str) -> pd.DataFrame:
    """Per training: before, after (rate, n, interval), change against the team's, CSAT, verdict."""
    def points(value) -> str:
        return formats.DASH if pd.isna(value) else f"{value * 100:+.1f} pp"
    def csat(row) -> str:
        before = formats.DASH if not row["csat_before_n"] else f"{row['csat_before']:.2f} (n={int(row['csat_before_n'])})"
        after = formats.DASH if not row["csat_after_n"] else f"{row['csat_after']:.2f} (n={int(row['csat_after_n'])})"
        return f"{before} → {after}"
    return pd.DataFrame({
        t("mg_training_col", lang): [_trainee_label(r) for _, r in result.iterrows()],
        t("mg_before", lang, days=days): [_rate_cell(r, "before", lang) for _, r in result.iterrows()],
        t("mg_after", lang, days=days): [_rate_cell(r, "after", lang) for _, r in result.iterrows()],
        t("mg_col_change", lang): [points(v) for v in result["change"]],
        t("mg_col_team_change", lang): [points(v) for v in result["team_change"]],
        t("mg_col_csat_change", lang): [csat(r) for _, r in result.iterrows()],
        t("mg_col_verdict", lang): [_verdict(r, days, lang) for _, r in result.iterrows()],
    })


def training_records_frame(records: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("mg_person", lang): records["name"], t("mg_training_what", lang): records["topic"],
        t("mg_training_when", lang): [f"{pd.Timestamp(d):%Y-%m-%d}" for d in records["trained_on"]],
        t("mg_training_hours", lang): records["hours"], t("mg_training_trainer", lang): records["trainer"].fillna(""),
        t("mg_training_note", lang): records["note"].fillna(""),
    })


def training_option(records: pd.DataFrame, training_id) -> str:
    row = records.set_index("training_id").loc[training_id]
    return f"{row['name']} · {row['topic']} · {pd.Timestamp(row['trained_on']):%Y-%m-%d}"
