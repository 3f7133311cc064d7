"""The weekly meeting's tables as shown: localised headers, formatted numbers, privacy masking.

Streamlit-free: the page, the HTML/PDF report and the XLSX all draw these same frames, so the
numbers agree everywhere. In privacy mode customer names become pseudonyms (keyed on
customer_id) and free text is redacted; staff names stay (they run the meeting).
"""

from __future__ import annotations

import pandas as pd

from analytics.privacy import masked_frame
from analytics.registry import METRICS
from ui import formats
from ui.charts_targets import STATUS_SYMBOL, status_text, value_text
from ui.i18n import CHANNEL_LABELS, STAGE_LABELS, label, t
from ui.tables import rate_with_n

# Rows of a digest list in the HTML/PDF report (the XLSX holds them all).
REPORT_LIST_ROWS = 25


def metric_label(metric_id: str, lang: str) -> str:
    metric = METRICS[metric_id]
    return metric.label_en if lang == "en" else metric.label_zh


def _stamp(values: pd.Series, fmt: str = "%Y-%m-%d %H:%M") -> list[str]:
    return [formats.DASH if pd.isna(v) else pd.Timestamp(v).strftime(fmt) for v in values]


def _win_rate_text(row, lang: str) -> str:
    # A stage-split group that hands its deals on never closes them: a 0% would blame it for the split.
    if row.basis == "stage" and row.phase != "closing":
        return t("wk_not_closing", lang)
    return rate_with_n(row.win_rate, row.win_rate_n, row.win_rate_low, row.win_rate_high,
                       bool(row.win_rate_too_few), lang)


def _paces_text(rows: pd.DataFrame, lang: str) -> str:
    """'■ 成交金额 89% · ▲ 成交数 98%': each target's status symbol, metric and projected pace."""
    if rows.empty:
        return t("wk_no_target", lang)
    return " · ".join(f"{STATUS_SYMBOL.get(r.status, '○')} {metric_label(r.metric, lang)} {formats.percent(r.pace_forecast, 0)}"
                      for r in rows.itertuples())


def scoreboard_display(board: pd.DataFrame, pace: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per group: overall status, the week's facts, then every target's month pace."""
    return pd.DataFrame({
        t("wk_col_status", lang): [status_text(s, lang) for s in board["status"]],
        t("group", lang): board["name"],
        t("wk_col_week_first_visits", lang): board["first_visits"].astype(int),
        t("wk_col_week_deals", lang): board["deals"].astype(int),
        t("wk_col_week_won", lang): board["won_deals"].astype(int),
        t("wk_col_week_amount", lang): [formats.money(v, lang) for v in board["won_amount"]],
        t("wk_col_week_win_rate", lang): [_win_rate_text(row, lang) for row in board.itertuples()],
        t("wk_col_paces", lang): [_paces_text(pace[pace["group"] == g], lang) for g in board["group"]],
    })


def pace_detail_display(pace: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Every target's month-to-date pace: group, metric, target, actual, projection, status."""
    return pd.DataFrame({
        t("wk_col_status", lang): [status_text(s, lang) for s in pace["status"]],
        t("group", lang): [names.get(g, g) for g in pace["group"]],
        t("wk_col_metric", lang): [metric_label(m, lang) for m in pace["metric"]],
        t("wk_col_target", lang): [value_text(m, v, lang) for m, v in zip(pace["metric"], pace["target"], strict=True)],
        t("wk_col_actual_mtd", lang): [value_text(m, v, lang) for m, v in zip(pace["metric"], pace["actual"], strict=True)],
        t("wk_col_projected", lang): [value_text(m, v, lang) for m, v in zip(pace["metric"], pace["projected"],
                                                                              strict=True)],
        t("wk_col_pace_plain", lang): [formats.percent(v, 0) for v in pace["pace_forecast"]],
        t("wk_col_days", lang): [f"{e} / {n}" for e, n in zip(pace["selling_days_elapsed"],
                                                             pace["selling_days_total"], strict=True)],
    })


def _change_text(change) -> str:
    return formats.DASH if formats.is_missing(change) else f"{int(change):+,}"


def digest_display(counts: pd.DataFrame, meta: dict, lang: str) -> pd.DataFrame:
    """Item, this week, the week before, change, and how the item is counted."""
    return pd.DataFrame({
        t("wk_col_item", lang): [t(f"wk_item_{item}", lang) for item in counts["item"]],
        t("wk_col_this_week", lang): counts["count"].astype(int),
        t("wk_col_last_week", lang): [formats.count(v) for v in counts["previous"]],
        t("wk_col_change", lang): [_change_text(v) for v in counts["change"]],
        t("wk_col_basis", lang): [t(f"wk_basis_{item}", lang, signing=meta.get("signing_days", 30),
                                    payment=meta.get("payment_days", 60)) for item in counts["item"]],
    })


def _group_name(names: dict[str, str], lang: str):
    return lambda g: names.get(g, t("unknown_group", lang)) if isinstance(g, str) else t("unknown_group", lang)


def _stage(value, lang: str) -> str:
    return label(STAGE_LABELS, value, lang) if isinstance(value, str) else formats.DASH


def list_display(item: str, frame: pd.DataFrame, names: dict[str, str], lang: str, privacy: bool) -> pd.DataFrame:
    """A digest item's list as shown; customer names masked in privacy mode. Keeps deal_id."""
    rows = masked_frame(frame, id_column="customer_id") if privacy else frame
    group = _group_name(names, lang)
    customer = {t("col_customer", lang): rows["customer"].fillna(formats.DASH)}
    if item == "first_visits":
        body = {t("wk_col_when", lang): _stamp(rows["occurred_at"]), **customer,
                t("col_source", lang): [label(CHANNEL_LABELS, c, lang) for c in rows["source_channel"]],
                t("col_consultant", lang): rows["staff"], t("col_group", lang): rows["group_id"].map(group)}
    elif item == "stage_moves":
        body = {t("wk_col_when", lang): _stamp(rows["entered_at"]), **customer,
                t("wk_col_from_stage", lang): [_stage(s, lang) for s in rows["from_stage"]],
                t("wk_col_to_stage", lang): [_stage(s, lang) for s in rows["to_stage"]],
                t("col_consultant", lang): rows["staff"], t("col_group", lang): rows["group_id"].map(group)}
    elif item == "ownership_changes":
        body = {t("wk_col_when", lang): _stamp(rows["changed_at"]), **customer,
                t("wk_col_from_owner", lang): [f"{s} · {group(g)}" for s, g in zip(rows["from_staff"].fillna(formats.DASH),
                                                                                   rows["from_group_id"], strict=True)],
                t("wk_col_to_owner", lang): [f"{s} · {group(g)}" for s, g in zip(rows["to_staff"].fillna(formats.DASH),
                                                                                 rows["to_group_id"], strict=True)],
                t("col_stage", lang): [_stage(s, lang) for s in rows["stage"]]}
    else:
        body = {**customer, **_state_columns(item, rows, lang),
                t("col_consultant", lang): rows["owner"], t("col_group", lang): rows["owner_group_id"].map(group)}
    return pd.DataFrame({t("wk_col_deal_id", lang): rows["deal_id"], **body}).reset_index(drop=True)


def _state_columns(item: str, rows: pd.DataFrame, lang: str) -> dict:
    if item == "stalled":
        return {t("col_stage", lang): [_stage(s, lang) for s in rows["stage"]],
                t("col_days_in_stage", lang): rows["days"].astype(int),
                t("col_p75_days", lang): rows["p75_days"].round(1)}
    if item == "overdue_followups":
        return {t("col_stage", lang): [_stage(s, lang) for s in rows["stage"]],
                t("col_next_follow", lang): _stamp(rows["next_follow_at"], "%Y-%m-%d"),
                t("col_days_overdue", lang): rows["days_overdue"].astype(int)}
    entered = "wk_col_subscribed" if item == "overdue_signings" else "wk_col_signed"
    return {t(entered, lang): _stamp(rows["entered_at"], "%Y-%m-%d"),
            t("wk_col_days_since", lang): rows["days_since"].astype(int),
            t("col_amount", lang): (rows["amount"] / 1e4).round(1)}


def movers_display(movers: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Won deals and win rate per group, this week against last, biggest move first."""
    def rate(row, suffix: str) -> str:
        if row.hands_on:
            return t("wk_not_closing", lang)
        return rate_with_n(getattr(row, f"win_rate{suffix}"), getattr(row, f"win_rate_n{suffix}"),
                           getattr(row, f"win_rate_low{suffix}"), getattr(row, f"win_rate_high{suffix}"),
                           bool(getattr(row, f"win_rate_too_few{suffix}")), lang)

    return pd.DataFrame({
        t("group", lang): movers["name"],
        t("wk_col_won_now", lang): movers["won_deals"].astype(int),
        t("wk_col_won_before", lang): movers["won_deals_prev"].astype(int),
        t("wk_col_won_change", lang): [_change_text(v) for v in movers["won_change"]],
        t("wk_col_rate_now", lang): [rate(row, "") for row in movers.itertuples()],
        t("wk_col_rate_before", lang): [rate(row, "_prev") for row in movers.itertuples()],
        t("wk_col_rate_change", lang): [formats.DASH if formats.is_missing(v) else f"{v * 100:+.1f} pp"
                                        for v in movers["rate_change"]],
    })


def performers_display(performers: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """Top consultants: rank, name, group, win rate with n and 95% interval, won deals, amount."""
    group = _group_name(names, lang)
    return pd.DataFrame({
        t("wk_col_rank", lang): performers["rank"].astype(int),
        t("col_consultant", lang): performers["name"],
        t("col_group", lang): performers["group_id"].map(group),
        t("wk_col_win_rate_ci", lang): [rate_with_n(r.win_rate, r.win_rate_n, r.win_rate_low, r.win_rate_high,
                                                    False, lang) for r in performers.itertuples()],
        t("wk_col_won", lang): performers["won_deals"].astype(int),
        t("wk_col_amount", lang): [formats.money(v, lang) for v in performers["won_amount"]],
    })


def actions_display(actions: pd.DataFrame, week: str, lang: str) -> pd.DataFrame:
    """The meeting's action items: status then, what, owner, due date, raised in (carried marked)."""
    return pd.DataFrame({
        t("wk_col_status", lang): [t(f"wk_action_{s}", lang) for s in actions["status_then"]],
        t("wk_col_what", lang): actions["what"],
        t("wk_col_owner", lang): actions["owner"].fillna(formats.DASH),
        t("wk_col_due", lang): [formats.DASH if pd.isna(d) else pd.Timestamp(d).strftime("%Y-%m-%d")
                                for d in actions["due_date"]],
        t("wk_col_raised", lang): [f"{w} {t('wk_carried_mark', lang)}" if w < week else w
                                   for w in actions["week_raised"]],
    })


def summary_line(board: pd.DataFrame, lang: str) -> str:
    """'■ 落后 2 · ▲ 有风险 1 · ● 正常 1' over the groups' overall statuses."""
    counts = board["status"].value_counts()
    return " · ".join(f"{STATUS_SYMBOL[s]} {t('tgt_status_' + s, lang)} {int(counts.get(s, 0))}"
                      for s in ("off_track", "at_risk", "on_track"))


def highlights_line(movers: pd.DataFrame, performers: pd.DataFrame, lang: str) -> str:
    """One sentence for the meeting: the biggest mover and the top performer."""
    parts = []
    if not movers.empty:
        top = movers.iloc[0]
        rate = "" if formats.is_missing(top["rate_change"]) else t(
            "wk_mover_rate", lang, before=formats.percent(top["win_rate_prev"]), now=formats.percent(top["win_rate"]))
        parts.append(t("wk_mover_line", lang, group=top["name"], before=int(top["won_deals_prev"]),
                       now=int(top["won_deals"]), rate=rate))
    if not performers.empty:
        best = performers.iloc[0]
        parts.append(t("wk_performer_line", lang, name=best["name"], rate=formats.percent(best["win_rate"]),
                       n=int(best["win_rate_n"]), low=formats.percent(best["win_rate_low"], 0)))
    return t("clause_sep", lang).join(parts)
