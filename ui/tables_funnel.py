"""Display frames of the funnel page (Streamlit-free): localised headers, n and intervals beside rates."""

from __future__ import annotations

import pandas as pd

from analytics.privacy import masked_frame
from domain import STAGES
from ui import formats
from ui.i18n import STAGE_LABELS, label, t
from ui.kpi_cards import CardText
from ui.tables import rate_with_n

STALLED_SHOWN = 50


def card_texts(funnel: pd.DataFrame, stalled_n: int, basis: str, lang: str) -> list[CardText]:
    """Four cards: deals that entered the funnel, reached subscription (with the cumulative rate),
    the step losing the largest share up to the sale, and the stalled deals.

    The worst step is looked for before subscription only (认购即成交): later steps are paperwork
    and, in a young cohort, not yet mature. No deltas: a funnel of another window is another cohort.
    """
    by_stage = funnel.set_index("stage")
    entered, won = by_stage.at[STAGES[0], "reached"], by_stage.at["subscription", "reached"]
    selling = funnel[funnel["position"] < STAGES.index("subscription")]
    worst = selling.loc[selling["drop_off_rate"].idxmax()] if selling["drop_off_rate"].notna().any() else None
    worst_caption = "" if worst is None else t(
        "fun_card_worst_caption", lang, stage=label(STAGE_LABELS, worst["stage"], lang),
        next=label(STAGE_LABELS, STAGES[int(worst["position"]) + 1], lang), n=formats.count(worst["drop_off"]))
    return [
        CardText("entered", t("fun_card_entered", lang), formats.count(entered), None, t("fun_card_entered_help", lang),
                 t("fun_card_entered_caption", lang, basis=t(f"fun_basis_{basis}", lang))),
        CardText("won", t("fun_card_won", lang), formats.count(won), None, t("fun_card_won_help", lang),
                 t("fun_card_won_caption", lang, n=formats.count(entered),
                   rate=formats.percent(by_stage.at["subscription", "cumulative_conversion"]))),
        CardText("worst_drop", t("fun_card_worst", lang),
                 formats.DASH if worst is None else formats.percent(worst["drop_off_rate"]), None,
                 t("fun_card_worst_help", lang), worst_caption),
        CardText("stalled", t("fun_card_stalled", lang), formats.count(stalled_n), None,
                 t("fun_card_stalled_help", lang), t("fun_card_stalled_caption", lang)),
    ]


def funnel_table(funnel: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per stage: reached, step conversion with n and interval, cumulative, drop-off.

    The last stage has no next stage: its step and drop-off read "—". An inferred-share column
    is added only when some deal was inferred.
    """
    rows = funnel.sort_values("position")
    last = rows["position"] == rows["position"].max()
    frame = pd.DataFrame({
        t("fun_col_stage", lang): [label(STAGE_LABELS, s, lang) for s in rows["stage"]],
        t("fun_col_reached", lang): [formats.count(n) for n in rows["reached"]],
        t("fun_col_step", lang): [
            formats.DASH if end else rate_with_n(r.step_conversion, r.step_conversion_n, r.step_conversion_low,
                                                 r.step_conversion_high, bool(r.step_conversion_too_few), lang)
            for r, end in zip(rows.itertuples(), last, strict=True)],
        t("fun_col_cumulative", lang): [formats.percent(v) for v in rows["cumulative_conversion"]],
        t("fun_col_drop", lang): [formats.DASH if formats.is_missing(n) else
                                  f"{formats.count(n)} ({formats.percent(r)})"
                                  for n, r in zip(rows["drop_off"], rows["drop_off_rate"], strict=True)],
    })
    if rows["inferred"].any():
        frame[t("fun_col_inferred", lang)] = [formats.percent(v) for v in rows["inferred_share"]]
    return frame


def stalled_table(stalled: pd.DataFrame, group_names: dict[str, str], lang: str, privacy: bool,
                  limit: int = STALLED_SHOWN) -> pd.DataFrame:
    """The first `limit` stalled deals: customer (pseudonym in privacy mode), consultant, group,
    stage, since when, days in stage, the stage's P75 and the overrun factor."""
    rows = stalled.head(limit)
    if privacy:
        rows = masked_frame(rows, id_column="customer_id")
    return pd.DataFrame({
        t("col_customer", lang): rows["customer"].fillna(formats.DASH),
        t("col_consultant", lang): rows["owner"].fillna(formats.DASH),
        t("col_group", lang): [group_names.get(g, g) if isinstance(g, str) else formats.DASH
                               for g in rows["group_id"]],
        t("col_stage", lang): [label(STAGE_LABELS, s, lang) for s in rows["stage"]],
        t("fun_col_since", lang): pd.to_datetime(rows["stage_since"]).dt.strftime("%Y-%m-%d"),
        t("fun_col_days", lang): rows["days"].astype("int64"),
        t("fun_col_p75", lang): rows["p75_days"].round(1),
        t("fun_col_over", lang): [f"{v:.1f}×" if not formats.is_missing(v) else formats.DASH
                                  for v in rows["over_p75"]],
    })


def _hours(value, lang: str) -> str:
    return formats.DASH if formats.is_missing(value) else t("fun_hours", lang, hours=f"{value:,.1f}")


def handoff_display(handoffs: pd.DataFrame, group_names: dict[str, str], lang: str) -> pd.DataFrame:
    """handoff_table's frame for people: from → to, hand-offs, time to first touch, rates with n."""
    return pd.DataFrame({
        t("fun_col_from", lang): [group_names.get(g, g) for g in handoffs["from_group"]],
        t("fun_col_to", lang): [group_names.get(g, g) + ("" if forward else t("fun_backward", lang))
                                for g, forward in zip(handoffs["to_group"], handoffs["forward"], strict=True)],
        t("fun_col_handed", lang): [formats.count(n) for n in handoffs["handed_on"]],
        t("fun_col_first_touch", lang): [_hours(v, lang) for v in handoffs["first_touch_hours_median"]],
        t("fun_col_touched", lang): [
            rate_with_n(r.first_touch_share, r.handoff_rate_n, r.first_touch_low, r.first_touch_high,
                        bool(r.handoff_rate_too_few), lang) for r in handoffs.itertuples()],
        t("fun_col_handoff_rate", lang): [
            rate_with_n(r.handoff_rate, r.handoff_rate_n, r.handoff_rate_low, r.handoff_rate_high,
                        bool(r.handoff_rate_too_few), lang) for r in handoffs.itertuples()],
    })
