"""Display frames, texts and figures of the management pages (小组管理, 目标设置, 激励与培训, 反馈,
分组方案模拟). Streamlit-free: DataFrames and values in, display frames, strings and `go.Figure` out.

Stint end dates are stored exclusive (valid_to = the first day in the new group); people read
them inclusive, so every display shows the last day (valid_to − 1 day).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analytics.awards import SAMPLE_COLUMN
from analytics.membership import Problem
from analytics.regroup import NON_SELLING_ROLES, tenure_years
from domain import GROUP_BASES, PHASES
from ui import formats
from ui.charts import base_layout
from ui.charts_compare import amount_unit, hands_deals_on, metric_label, with_unit
from ui.i18n import BASIS_LABELS, ROLE_LABELS, label, t

TARGET_COLUMNS: tuple[str, ...] = ("won_amount", "won_deals", "first_visits", "visits", "csat")
# CSAT is an average: a group's CSAT target is every member's, never split.
SPLIT_METRICS: tuple[str, ...] = ("won_amount", "won_deals", "first_visits", "visits")
WAN = 10_000


def _day(value) -> str:
    return formats.DASH if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _last_day(valid_to) -> str:
    return formats.DASH if valid_to is None or pd.isna(valid_to) else \
        (pd.Timestamp(valid_to).date() - timedelta(days=1)).isoformat()


def phase_text(phase, lang: str) -> str:
    return formats.DASH if phase is None or pd.isna(phase) else t(f"mg_phase_{phase}", lang)


# ---------------------------------------------------------------- 小组管理

def group_table(overview: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The groups: name, basis, project, phase, leader, members (sellers)."""
    return pd.DataFrame({
        t("group", lang): overview["name"],
        t("basis", lang): [label(BASIS_LABELS, b, lang) for b in overview["basis"]],
        t("project", lang): overview["project"].fillna(formats.DASH),
        t("mg_phase", lang): [phase_text(p, lang) for p in overview["phase"]],
        t("mg_col_leader", lang): overview["leader"].fillna(t("mg_no_leader", lang)),
        t("mg_col_members", lang): [t("mg_members_count", lang, members=m, sellers=s)
                                    for m, s in zip(overview["members"], overview["sellers"], strict=True)],
    })


def members_frames(history: pd.DataFrame, as_of: date, lang: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(members on as_of, stints starting after as_of, ended stints) of one group's history."""
    start = pd.to_datetime(history["valid_from"])
    end = pd.to_datetime(history["valid_to"])
    today = pd.Timestamp(as_of)
    current = history[(start <= today) & (end.isna() | (end > today))]
    rank = {role: i for i, role in enumerate(("leader", "deputy", "consultant", "analyst"))}
    current = current.assign(_rank=current["role_in_group"].map(rank).fillna(9)).sort_values(
        ["_rank", "valid_from"], kind="stable")
    planned = history[start > today]
    past = history[end.notna() & (end <= today)]
    role = t("mg_role", lang)
    members = pd.DataFrame({
        t("mg_person", lang): current["name"], role: [label(ROLE_LABELS, r, lang) for r in current["role_in_group"]],
        t("mg_since", lang): [_day(v) for v in current["valid_from"]],
        t("mg_until", lang): [_last_day(v) if pd.notna(v) else t("mg_open_end", lang) for v in current["valid_to"]],
    })
    planned_frame = pd.DataFrame({
        t("mg_person", lang): planned["name"], role: [label(ROLE_LABELS, r, lang) for r in planned["role_in_group"]],
        t("mg_from", lang): [_day(v) for v in planned["valid_from"]],
    })
    past_frame = pd.DataFrame({
        t("mg_person", lang): past["name"], role: [label(ROLE_LABELS, r, lang) for r in past["role_in_group"]],
        t("mg_from", lang): [_day(v) for v in past["valid_from"]],
        t("mg_last_day", lang): [_last_day(v) for v in past["valid_to"]],
    })
    return members, planned_frame, past_frame


def person_labels(directory: pd.DataFrame, group_names: dict[str, str], lang: str) -> dict[str, str]:
    """Staff id -> '张三 · 刚需组 置业顾问' (or '· 未分组'), for every person of the directory.

    One pass over the directory: a select box formats each of its options (3,000 at a national
    developer), and a lookup per option cost seconds.
    """
    labels = {}
    for staff_id, name, group_id, role in zip(directory["staff_id"], directory["name"], directory["group_id"],
                                              directory["role_in_group"], strict=True):
        if group_id is None or pd.isna(group_id):
            labels[staff_id] = f"{name} · {t('mg_no_group', lang)}"
        else:
            labels[staff_id] = f"{name} · {group_names.get(group_id, group_id)} {label(ROLE_LABELS, role, lang)}"
    return labels


def person_label(directory: pd.DataFrame, staff_id: str, group_names: dict[str, str], lang: str) -> str:
    """'张三 · 刚需组 置业顾问' (or '· 未分组')."""
    return person_labels(directory[directory["staff_id"] == staff_id], group_names, lang)[staff_id]


def move_done_text(name: str, group: str | None, role: str, effective: date, lang: str) -> str:
    if group is None:
        return t("mg_left_done", lang, name=name, day=effective.isoformat())
    return t("mg_move_done", lang, name=name, group=group, role=label(ROLE_LABELS, role, lang), day=effective.isoformat())


def problem_text(problem: Problem, staff_names: dict[str, str], group_names: dict[str, str], lang: str) -> str:
    """One refused rule in plain words."""
    return t(f"mg_problem_{problem.kind}", lang,
             name=staff_names.get(problem.staff_id, problem.staff_id or ""),
             group=group_names.get(problem.group_id, problem.group_id or ""),
             other=staff_names.get(problem.other_staff_id, problem.other_staff_id or ""),
             other_group=group_names.get(problem.other_group_id, problem.other_group_id or ""),
             day=problem.day.isoformat() if problem.day else "")


def refusal_text(problems: list[Problem], staff_names: dict[str, str], group_names: dict[str, str],
                 lang: str) -> str:
    """'Not saved: … nothing changed' followed by one line per problem."""
    lines = [f"- {problem_text(p, staff_names, group_names, lang)}" for p in problems]
    return t("mg_refused_header", lang, n=len(problems)) + "\n\n" + "\n".join(lines)


# ---------------------------------------------------------------- 目标设置

def month_option(month: date, this_month: date, lang: str) -> str:
    """'2026-12（下月）' for the month after the data's month, '（本月）' for it."""
    offset = (month.year - this_month.year) * 12 + month.month - this_month.month
    suffix = {0: t("mg_month_this", lang), 1: t("mg_month_next", lang)}.get(offset, "")
    return f"{month:%Y-%m}{suffix}"


def target_value_text(value: float, metric_id: str) -> str:
    """A target in the editor's unit: amounts in 万元 (zh) … counts whole."""
    if metric_id == "won_amount":
        return f"{value / WAN:,.1f}"
    return f"{value:.2f}" if metric_id == "csat" else f"{value:,.0f}"


def target_label(metric_id: str, lang: str) -> str:
    """Editor column label with its unit: 成交金额（万元）, 满意度（1-5 分）, counts plain."""
    if metric_id == "won_amount":
        return with_unit(metric_label(metric_id, lang), t("unit_wan_yuan", lang), lang)
    if metric_id == "csat":
        return with_unit(metric_label(metric_id, lang), t("mg_unit_csat", lang), lang)
    return with_unit(metric_label(metric_id, lang), t("cmp_unit_count", lang), lang)


def target_editor_frame(ids: list[str], names: dict[str, str], targets: pd.DataFrame) -> pd.DataFrame:
    """One row per id (name column, then one column per TARGET_COLUMNS metric, NaN = no target).
    Won amount is shown in 万元 (the editor's unit); `target_values` converts back."""
    wide = targets.pivot_table(index="scope_id", columns="metric", values="value", aggfunc="first") \
        if not targets.empty else pd.DataFrame()
    frame = pd.DataFrame({"name": [names.get(i, i) for i in ids]}, index=ids)
    for metric in TARGET_COLUMNS:
        values = wide[metric].reindex(ids) if metric in wide.columns else pd.Series(float("nan"), index=ids)
        frame[metric] = values.astype("float64") / (WAN if metric == "won_amount" else 1)
    return frame


def target_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[str, str, float | None]]:
    """(scope_id, metric, value in 元 or None) for every editor cell that changed."""
    changes = []
    for scope_id in after.index:
        for metric in TARGET_COLUMNS:
            old, new = before.at[scope_id, metric], after.at[scope_id, metric]
            if (pd.isna(old) and pd.isna(new)) or (not pd.isna(old) and not pd.isna(new) and float(old) == float(new)):
                continue
            scale = WAN if metric == "won_amount" else 1
            changes.append((scope_id, metric, None if pd.isna(new) else float(new) * scale))
    return changes


def reference_frame(kpis: pd.DataFrame, ids: list[str], names: dict[str, str], by: str, months: int,
                    lang: str) -> pd.DataFrame:
    """Monthly averages of the last `months` full months per id, in the editor's units, to set
    targets against (CSAT is the period's mean, with n)."""
    table = kpis.set_index(by).reindex(ids)
    won = table["won_amount"].fillna(0) / months / WAN
    return pd.DataFrame({
        t("group", lang) if by == "group" else t("mg_person", lang): [names.get(i, i) for i in ids],
        target_label("won_amount", lang): [f"{v:,.1f}" for v in won],
        target_label("won_deals", lang): [f"{v:,.1f}" for v in table["won_deals"].fillna(0) / months],
        target_label("first_visits", lang): [f"{v:,.0f}" for v in table["first_visits"].fillna(0) / months],
        target_label("visits", lang): [f"{v:,.0f}" for v in table["visits"].fillna(0) / months],
        target_label("csat", lang): [formats.DASH if not n else f"{v:.2f} (n={int(n)})"
                                     for v, n in zip(table["csat"], table["csat_n"].fillna(0), strict=True)],
    })


def split_preview(parts: dict[str, float], weights: dict[str, float], existing: dict[str, float], names: dict[str, str],
                  metric_id: str, lang: str) -> pd.DataFrame:
    """Who gets what of a split group target (in the editor's unit), beside any target they had."""
    scale = WAN if metric_id == "won_amount" else 1
    def shown(value):
        return formats.DASH if value is None or pd.isna(value) else f"{value / scale:,.1f}" if scale > 1 else f"{value:,.0f}"
    return pd.DataFrame({
        t("mg_person", lang): [names.get(s, s) for s in parts],
        t("mg_weight", lang): [weights[s] for s in parts],
        with_unit(t("mg_split_new", lang), _unit(metric_id, lang), lang): [shown(v) for v in parts.values()],
        with_unit(t("mg_split_old", lang), _unit(metric_id, lang), lang): [shown(existing.get(s)) for s in parts],
    })


def _unit(metric_id: str, lang: str) -> str:
    return t("unit_wan_yuan", lang) if metric_id == "won_amount" else t("cmp_unit_count", lang)


def amount_scale(lang: str) -> tuple[float, str]:
    return amount_unit(lang)


def tenure_text(hired_on, as_of: date, lang: str) -> str:
    years = tenure_years(pd.Series([hired_on]), as_of).iloc[0]
    return formats.DASH if pd.isna(years) else t("mg_years", lang, years=f"{years:.1f}")


# ---------------------------------------------------------------- 激励

# Material icons, not emoji: the 案场's PCs and the test browser may lack an emoji font.
AWARD_ICONS = {"champion": ":material/emoji_events:", "team": ":material/handshake:"}
# The sample column behind each award metric (analytics.awards.SAMPLE_COLUMN) → its words.
_SAMPLE_WORDS = {"won_deals": "mg_sample_won_deals", "closed": "mg_sample_closed", "csat_n": "mg_sample_csat_n",
                 "attainment_n": "mg_sample_attainment_n", "handed_on": "mg_sample_handed_on"}


def award_icon(kind: str) -> str:
    return AWARD_ICONS.get(kind, ":material/military_tech:")


def recent_months(as_of: date, count: int) -> list[pd.Timestamp]:
    """The `count` months up to as_of's, newest first (as month-start timestamps)."""
    last = pd.Timestamp(as_of).to_period("M")
    return [(last - k).to_timestamp() for k in range(count)]


def award_month_option(month: pd.Timestamp, as_of: date, lang: str) -> str:
    if month.to_period("M") == pd.Timestamp(as_of).to_period("M"):
        return f"{month:%Y-%m}" + t("mg_month_running", lang, day=f"{as_of:%m-%d}")
    return f"{month:%Y-%m}"


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
    who = "、".join(names.get(w, w) for w in result.winners)
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
    who = "、".join(names.get(w, w) for w in row["winners"])
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
        return t("mg_award_recorded_other", lang, who="、".join(names.get(w, w) for w in winners), now=text)

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


def hands_on_staff(roster: pd.DataFrame) -> set[str]:
    """Staff of a stage group that hands its deals on: their win rate measures the split, not them."""
    return {s for s, b, p in zip(roster["staff_id"], roster["basis"], roster["phase"], strict=True)
            if hands_deals_on(b, p)}


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


# ---------------------------------------------------------------- 反馈

REVIEW_METRICS: tuple[str, ...] = ("deals", "first_visits", "won_deals", "won_amount", "win_rate",
                                   "followup_timeliness", "csat")
_RATES = ("win_rate", "followup_timeliness")


def status_labels(lang: str) -> dict[str, str]:
    return {s: t(f"mg_status_{s}", lang) for s in ("new", "discussed", "done")}


def suggestions_frame(box: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The suggestion box for the editor: status and response editable, the rest shown."""
    labels = status_labels(lang)
    return pd.DataFrame({
        "suggestion_id": box["suggestion_id"].astype("int64"),
        "created": [f"{pd.Timestamp(v):%Y-%m-%d}" for v in box["created_at"]],
        "author": box["author"].fillna(t("mg_anonymous", lang)),
        "group": box["group_name"].fillna(formats.DASH),
        "body": box["body"], "status": [labels[s] for s in box["status"]],
        "response": box["response"].fillna(""),
    })


def suggestion_changes(before: pd.DataFrame, after: pd.DataFrame) -> list[tuple[int, str, str | None]]:
    """(suggestion_id, status key, response) of the rows whose status or response was edited."""
    keys = {label_: key for key, label_ in status_labels("zh").items()} | \
        {label_: key for key, label_ in status_labels("en").items()}
    changes = []
    for old, new in zip(before.itertuples(), after.itertuples(), strict=True):
        response = "" if pd.isna(new.response) else str(new.response)
        if (old.status, old.response) != (new.status, response):
            changes.append((int(new.suggestion_id), keys[new.status], response or None))
    return changes


def recent_mondays(as_of: date, count: int) -> list[date]:
    """The Mondays of the `count` weeks up to as_of's, newest first."""
    monday = as_of - timedelta(days=as_of.weekday())
    return [monday - timedelta(days=7 * k) for k in range(count)]


def week_option(monday: date, as_of: date, lang: str) -> str:
    end = monday + timedelta(days=6)
    text = t("mg_week_range", lang, start=f"{monday:%m-%d}", end=f"{end:%m-%d}")
    return text + (t("mg_week_this", lang) if monday <= as_of <= end else "")


def week_numbers_text(numbers: pd.DataFrame, group_id: str, window, lang: str) -> str:
    """'本周（11-23 至 11-25）：首访 120 · 商机 95 · 成交 6 · 成交金额 1,234.0 万元'."""
    if group_id not in numbers.index:
        return t("mg_week_no_numbers", lang)
    row = numbers.loc[group_id]
    return t("mg_week_numbers", lang, start=f"{window.start:%m-%d}", end=f"{window.end:%m-%d}",
             first_visits=formats.count(row["first_visits"]), deals=formats.count(row["deals"]),
             won=formats.count(row["won_deals"]), amount=formats.money(row["won_amount"], lang))


def summary_for(history: pd.DataFrame, monday: date) -> dict | None:
    """The saved summary of the week starting `monday` (summary, next_plan, author), or None."""
    rows = history[pd.to_datetime(history["week_start"]) == pd.Timestamp(monday)]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return {key: (None if pd.isna(row[key]) else row[key]) for key in ("summary", "next_plan", "author")}


def summaries_frame(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("mg_weekly_week", lang): [f"{pd.Timestamp(w):%Y-%m-%d}" for w in history["week_start"]],
        t("mg_weekly_summary", lang): history["summary"].fillna(""),
        t("mg_weekly_plan", lang): history["next_plan"].fillna(""),
        t("mg_weekly_author", lang): history["author"].fillna(""),
    })


def roster_labels(roster: pd.DataFrame, lang: str) -> dict[str, str]:
    """Staff id -> '张三 · 刚需组 置业顾问' for every row of a roster (one pass: a select box formats
    each of its 2,800 options, and a lookup per option cost seconds)."""
    return {staff_id: f"{name} · {group} {label(ROLE_LABELS, role, lang)}"
            for staff_id, name, group, role in zip(roster["staff_id"], roster["name"], roster["group_name"],
                                                   roster["role_in_group"], strict=True)}


def roster_label(roster: pd.DataFrame, staff_id: str, lang: str) -> str:
    return roster_labels(roster[roster["staff_id"] == staff_id], lang)[staff_id]


def _plain(value):
    """A JSON-able number: numpy → Python, NaN → None."""
    if value is None or pd.isna(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def review_kpis(by_staff: pd.DataFrame, staff_id: str) -> dict:
    """The month's KPIs of one consultant (kpi_table by staff) as a JSON-able dict: each
    REVIEW_METRICS value, and `<id>_n` for rates and CSAT. Without facts: zeros and None."""
    row = by_staff.loc[staff_id] if staff_id in by_staff.index else None
    kpis = {}
    for metric in REVIEW_METRICS:
        kpis[metric] = _plain(row[metric]) if row is not None else (0 if metric not in (*_RATES, "csat") else None)
        if metric in (*_RATES, "csat"):
            kpis[f"{metric}_n"] = _plain(row[f"{metric}_n"]) if row is not None else 0
    return kpis


def review_metric_label(metric_id: str, lang: str) -> str:
    return metric_label(metric_id, lang)


def review_cards(kpis: dict, lang: str, *, hands_on: bool = False) -> list[tuple[str, str, str]]:
    """(label, value, caption) per KPI card: n under rates; '样本不足' below 5; a win rate is
    not applicable to someone whose stage group hands its deals on."""
    cards = []
    for metric in REVIEW_METRICS:
        value, n = kpis.get(metric), kpis.get(f"{metric}_n")
        if metric == "win_rate" and hands_on:
            cards.append((metric_label(metric, lang), t("mg_not_applicable", lang), t("mg_hands_on_note", lang)))
            continue
        if metric == "won_amount":
            text = formats.money(value or 0, lang)
        elif metric in _RATES:
            text = t("too_few", lang) if (n or 0) < 5 else formats.percent(value)
        elif metric == "csat":
            text = formats.score(value) if n else formats.DASH
        else:
            text = formats.count(value or 0)
        cards.append((metric_label(metric, lang), text, "" if n is None else f"n={int(n)}"))
    return cards


def changed_kpis(saved: dict, live: dict) -> list[str]:
    """Metric ids whose saved value differs from today's (a later import changed the month)."""
    def differs(a, b) -> bool:
        if a is None or b is None:
            return (a is None) != (b is None)
        return abs(float(a) - float(b)) > 1e-9
    return [m for m in REVIEW_METRICS if differs(saved.get(m), live.get(m))]


# ---------------------------------------------------------------- 分组方案模拟

TODAY_COLOR, DRAFT_COLOR = "#9E9E9E", "#0072B2"


def draft_option(saved: pd.DataFrame, draft_id: int, lang: str) -> str:
    if not draft_id:
        return t("mg_rg_new_draft", lang)
    row = saved.set_index("draft_id").loc[draft_id]
    applied = "" if pd.isna(row["applied_on"]) else t("mg_rg_applied_on", lang, day=_day(row["applied_on"]))
    return f"{row['name']}{applied}"


def draft_start(today_groups: pd.DataFrame, people: pd.DataFrame, stored_groups: pd.DataFrame,
                stored_members: pd.DataFrame, is_saved: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Where the editors start: a saved draft, or today's grouping. People in a group today whom
    a saved draft does not list (hired since) keep today's place."""
    today_members = people[["staff_id", "group_id", "role_in_group"]]
    if not is_saved:
        return today_groups[["group_id", "name", "basis", "phase", "project_id"]], today_members
    listed = stored_members[stored_members["staff_id"].isin(people["staff_id"])]
    missing = today_members[~today_members["staff_id"].isin(listed["staff_id"])]
    return stored_groups, pd.concat([listed, missing], ignore_index=True)


def draft_groups_editor(draft_groups: pd.DataFrame, projects: dict[str, str], lang: str = "zh") -> pd.DataFrame:
    return pd.DataFrame({
        "group_id": draft_groups["group_id"].astype("str"), "name": draft_groups["name"].astype("str"),
        "basis": [label(BASIS_LABELS, b, lang) for b in draft_groups["basis"]],
        "phase": [None if p is None or pd.isna(p) else phase_text(p, lang) for p in draft_groups["phase"]],
        "project": [projects.get(p) if p is not None and not pd.isna(p) else None for p in draft_groups["project_id"]],
    })


def draft_groups_from_editor(edited: pd.DataFrame, projects: dict[str, str], lang: str) -> pd.DataFrame:
    """The draft's groups from the editor: labels back to keys, blank names dropped, a new row
    given an id (NEW-1, NEW-2, …), the phase cleared for groups not split by stage."""
    basis_keys = {label(BASIS_LABELS, b, lang): b for b in GROUP_BASES}
    phase_keys = {phase_text(p, lang): p for p in PHASES}
    project_keys = {name: pid for pid, name in projects.items()}
    rows, taken = [], set(edited["group_id"].dropna())
    for row in edited.itertuples():
        name = "" if row.name is None or pd.isna(row.name) else str(row.name).strip()
        if not name:
            continue
        group_id = row.group_id
        if group_id is None or pd.isna(group_id) or not str(group_id).strip():
            group_id = next(f"NEW-{k}" for k in range(1, 1000) if f"NEW-{k}" not in taken)
            taken.add(group_id)
        basis = basis_keys.get(row.basis, "other")
        phase = phase_keys.get(row.phase) if basis == "stage" else None
        rows.append((str(group_id), name, basis, phase, project_keys.get(row.project)))
    return pd.DataFrame(rows, columns=["group_id", "name", "basis", "phase", "project_id"])


def draft_people_editor(people: pd.DataFrame, members: pd.DataFrame, draft_groups: pd.DataFrame,
                        group_names: dict[str, str], lang: str) -> pd.DataFrame:
    """One row per person in a group today: today's place, and the draft's group and role."""
    names = dict(zip(draft_groups["group_id"], draft_groups["name"], strict=True))
    planned = members.set_index("staff_id")
    fallback = draft_groups["name"].iloc[0] if len(draft_groups) else None
    def draft_name(staff_id: str, today: str) -> str | None:
        group = planned["group_id"].get(staff_id, today)
        return names.get(group, names.get(today, fallback))
    return pd.DataFrame({
        "staff_id": people["staff_id"], "name": people["name"],
        "today": [f"{group_names.get(g, g)} · {label(ROLE_LABELS, r, lang)}"
                  for g, r in zip(people["group_id"], people["role_in_group"], strict=True)],
        "group": [draft_name(s, g) for s, g in zip(people["staff_id"], people["group_id"], strict=True)],
        "role": [label(ROLE_LABELS, planned["role_in_group"].get(s, r), lang)
                 for s, r in zip(people["staff_id"], people["role_in_group"], strict=True)],
    })


def draft_members_from_editor(edited: pd.DataFrame, draft_groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    ids = dict(zip(draft_groups["name"], draft_groups["group_id"], strict=True))
    roles = {label(ROLE_LABELS, r, lang): r for r in ROLE_LABELS}
    first = draft_groups["group_id"].iloc[0] if len(draft_groups) else None
    return pd.DataFrame({
        "staff_id": edited["staff_id"],
        "group_id": [ids.get(g, first) for g in edited["group"]],
        "role_in_group": [roles.get(r, "consultant") for r in edited["role"]],
    })


def _spread(summary: pd.DataFrame) -> float:
    loads = summary.loc[summary["headcount"] > 0, "open_per_person"]
    return loads.max() / loads.min() if len(loads) and loads.min() > 0 else float("nan")


def regroup_headline(today: pd.DataFrame, draft: pd.DataFrame, moves: pd.DataFrame, points_today: pd.DataFrame,
                     points_draft: pd.DataFrame, lang: str) -> list[tuple[str, str, str]]:
    """(title, value, note) cards: people moved, groups, hand-off points, workload spread."""
    switched = int((moves["group_id_today"] != moves["group_id_draft"]).sum()) if len(moves) else 0
    def per_month(points):
        return formats.count(points["handoffs_per_month"].sum()) if len(points) else "0"
    def ratio(value):
        return formats.DASH if pd.isna(value) else f"{value:.1f}×"
    return [
        (t("mg_rg_card_moves", lang), f"{len(moves)}",
         t("mg_rg_card_moves_note", lang, groups=switched, roles=len(moves) - switched)),
        (t("mg_rg_card_groups", lang), f"{len(today)} → {len(draft)}", ""),
        (t("mg_rg_card_handoffs", lang), f"{len(points_today)} → {len(points_draft)}",
         t("mg_rg_card_handoffs_note", lang, today=per_month(points_today), draft=per_month(points_draft))),
        (t("mg_rg_card_spread", lang), f"{ratio(_spread(today))} → {ratio(_spread(draft))}",
         t("mg_rg_card_spread_note", lang)),
    ]


def regroup_figure(compared: pd.DataFrame, lang: str) -> go.Figure:
    """Today (grey) against the draft (blue) per group: sellers, open deals per seller,
    conversion with its 95% interval, won amount per month."""
    divisor, unit = amount_unit(lang)
    panels = (("headcount", with_unit(t("mg_rg_sellers", lang), t("unit_people", lang), lang), 1),
              ("open_per_person", with_unit(t("mg_rg_open_per_person", lang), t("cmp_unit_count", lang), lang), 1),
              ("conversion", with_unit(t("mg_rg_conversion", lang), "%", lang), 100),
              ("won_amount_per_month", with_unit(t("mg_rg_won_per_month", lang), unit, lang), 1 / divisor))
    fig = make_subplots(rows=2, cols=2, subplot_titles=[p[1] for p in panels], vertical_spacing=0.16,
                        horizontal_spacing=0.08)
    names = compared["name"].astype("str")
    for index, (column, _, scale) in enumerate(panels):
        row, col = divmod(index, 2)
        for side, color, side_name in (("today", TODAY_COLOR, t("mg_rg_today", lang)),
                                       ("draft", DRAFT_COLOR, t("mg_rg_draft_side", lang))):
            values = compared[f"{column}_{side}"] * scale
            error = None
            if column == "conversion":
                error = {"type": "data", "symmetric": False, "color": "#444", "thickness": 1,
                         "array": (compared[f"conversion_high_{side}"] * 100 - values).fillna(0),
                         "arrayminus": (values - compared[f"conversion_low_{side}"] * 100).fillna(0)}
            fig.add_trace(go.Bar(x=names, y=values, name=side_name, marker_color=color, error_y=error,
                                 legendgroup=side, showlegend=index == 0,
                                 hovertemplate=f"{side_name}: %{{y:,.1f}}<extra>%{{x}}</extra>"), row=row + 1, col=col + 1)
    base_layout(fig, t("mg_rg_figure_title", lang))
    fig.update_layout(barmode="group", height=620, hovermode="closest", margin={"l": 10, "r": 10, "t": 90, "b": 10})
    fig.update_yaxes(gridcolor="#e5e5e5", rangemode="tozero")
    return fig


def _pair(today, draft, fmt) -> str:
    return f"{fmt(today)} → {fmt(draft)}"


def compare_table(compared: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per group: the compared figures today → draft, with n beside rates."""
    divisor, unit = amount_unit(lang)
    def num(value) -> str:
        return formats.DASH if pd.isna(value) else f"{value:,.1f}"
    def conversion(row, side: str) -> str:
        n = row[f"closed_{side}"]
        if pd.isna(n) or n == 0:
            return formats.DASH
        if row[f"conversion_too_few_{side}"]:
            return f"{t('too_few', lang)} (n={int(n)})"
        return f"{formats.percent(row[f'conversion_{side}'])} (n={int(n)})"
    def tenure(row) -> str:
        if pd.isna(row["tenure_median_draft"]):
            return formats.DASH
        return t("mg_rg_tenure_cell", lang, median=f"{row['tenure_median_draft']:.1f}",
                 low=f"{row['tenure_min_draft']:.1f}", high=f"{row['tenure_max_draft']:.1f}",
                 new=formats.count(row["newcomers_draft"]))
    rows = list(compared.iterrows())
    return pd.DataFrame({
        t("group", lang): compared["name"],
        with_unit(t("mg_rg_sellers", lang), t("unit_people", lang), lang):
            [_pair(r["headcount_today"], r["headcount_draft"], formats.count) for _, r in rows],
        t("mg_rg_open_per_person", lang): [_pair(r["open_per_person_today"], r["open_per_person_draft"], num)
                                           for _, r in rows],
        t("mg_rg_conversion_today", lang): [conversion(r, "today") for _, r in rows],
        t("mg_rg_conversion_draft", lang): [conversion(r, "draft") for _, r in rows],
        with_unit(t("mg_rg_won_per_month", lang), unit, lang):
            [_pair(r["won_amount_per_month_today"] / divisor, r["won_amount_per_month_draft"] / divisor, num)
             for _, r in rows],
        t("mg_rg_tenure", lang): [tenure(r) for _, r in rows],
        t("mg_rg_no_record", lang): [formats.count(r["no_record_draft"]) for _, r in rows],
    })


def handoff_text(points: pd.DataFrame, names: dict[str, str], projects: dict[str, str], lang: str) -> str:
    """'**云栖府**：初期接触组 → 跟进组（约 304 次/月）；…' or that nothing is handed on."""
    if points.empty:
        return t("mg_rg_no_handoffs", lang)
    lines = []
    for project, part in points.groupby("project_id", dropna=False, sort=True):
        steps = "；".join(t("mg_rg_handoff_step", lang, sender=names.get(r.from_group, r.from_group),
                             receiver=names.get(r.to_group, r.to_group), per_month=formats.count(r.handoffs_per_month))
                         for r in part.itertuples())
        lines.append(f"- **{projects.get(project, project) if isinstance(project, str) else formats.DASH}**：{steps}")
    return "\n".join(lines)


def tenure_figure(people: pd.DataFrame, draft_groups: pd.DataFrame, as_of: date, lang: str) -> go.Figure:
    """Each seller's tenure in the draft's groups (one dot per person, a bar at the median)."""
    sellers = people[~people["role_in_group"].isin(NON_SELLING_ROLES)]
    sellers = sellers.assign(tenure=tenure_years(sellers["hired_on"], as_of))
    names = dict(zip(draft_groups["group_id"], draft_groups["name"], strict=True))
    # One pass over the sellers and the traces added at once, from plain lists: a trace per group
    # added one by one re-validated the figure each time (seconds at 400 groups).
    by_group = {group_id: part for group_id, part in sellers.groupby("group_id", sort=False)}
    fig = go.Figure(data=[
        go.Box(x=list(mine["tenure"]), name=names[group_id], boxpoints="all", jitter=0.4, pointpos=0,
               marker={"color": DRAFT_COLOR, "size": 8}, line={"color": DRAFT_COLOR},
               fillcolor="rgba(0,114,178,0.08)", customdata=list(mine["name"]),
               hovertemplate="%{customdata}: %{x:.1f}<extra></extra>", showlegend=False)
        for group_id in draft_groups["group_id"] if (mine := by_group.get(group_id)) is not None])
    base_layout(fig, t("mg_rg_tenure_title", lang), x_title=with_unit(t("mg_rg_tenure_axis", lang),
                                                                       t("mg_year_unit", lang), lang))
    fig.update_layout(height=120 + 50 * len(fig.data), hovermode="closest")
    fig.update_yaxes(autorange="reversed", rangemode="normal")
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5", rangemode="tozero")
    return fig


def moves_table(moves: pd.DataFrame, staff_names: dict[str, str], group_names: dict[str, str],
                draft_groups: pd.DataFrame, lang: str) -> pd.DataFrame:
    draft_names = dict(zip(draft_groups["group_id"], draft_groups["name"], strict=True))
    return pd.DataFrame({
        t("mg_person", lang): [staff_names.get(s, s) for s in moves["staff_id"]],
        t("mg_rg_today", lang): [f"{group_names.get(g, g)} · {label(ROLE_LABELS, r, lang)}"
                                 for g, r in zip(moves["group_id_today"], moves["role_in_group_today"], strict=True)],
        t("mg_rg_draft_side", lang): [f"{draft_names.get(g, g)} · {label(ROLE_LABELS, r, lang)}"
                                      for g, r in zip(moves["group_id_draft"], moves["role_in_group_draft"], strict=True)],
    })
