"""Display frames of the satisfaction page (Streamlit-free): values with n and intervals, comments
masked in privacy mode, and the groups a win rate fits."""

from __future__ import annotations

import pandas as pd

from analytics.privacy import masked_frame
from ui import formats
from ui.charts_satisfaction import nps_text, score_interval, score_text
from ui.i18n import t
from ui.kpi_cards import CardText


def _delta(current, previous, digits: int) -> str | None:
    if formats.is_missing(current) or formats.is_missing(previous):
        return None
    return f"{current - previous:+.{digits}f}"


def card_texts(current: pd.Series, previous: pd.Series, lang: str, descriptions: dict[str, str]) -> list[CardText]:
    """The five cards: CSAT, NPS, answers, promoter and detractor shares, each against the previous
    window (satisfaction_table rows of 'total'). `descriptions` holds the metric help texts."""
    def interval_caption(metric: str, nps: bool) -> str:
        return t("sat_card_interval", lang, interval=score_interval(current[f"{metric}_low"],
                                                                     current[f"{metric}_high"], nps) or formats.DASH,
                 n=formats.count(current[f"{metric}_n"]))
    csat = formats.DASH if formats.is_missing(current["csat"]) else t("sat_card_csat_value", lang,
                                                                        value=score_text(current["csat"]))
    share_caption = t("sat_card_share_caption", lang, n=formats.count(current["nps_n"]))
    return [
        CardText("csat", t("sat_card_csat", lang), csat, _delta(current["csat"], previous["csat"], 2),
                 descriptions["csat"], interval_caption("csat", False)),
        CardText("nps", t("sat_card_nps", lang), nps_text(current["nps"]), _delta(current["nps"], previous["nps"], 0),
                 descriptions["nps"], interval_caption("nps", True)),
        CardText("answers", t("sat_card_answers", lang), formats.count(current["csat_n"]),
                 formats.signed_percent_change(current["csat_n"], previous["csat_n"]), t("sat_card_answers_help", lang),
                 t("sat_card_answers_caption", lang, n=formats.count(current["nps_n"]))),
        CardText("promoters", t("sat_card_promoters", lang), formats.percent(current["promoters_share"]),
                 formats.signed_points(current["promoters_share"], previous["promoters_share"]),
                 t("sat_card_shares_help", lang), share_caption),
        CardText("detractors", t("sat_card_detractors", lang), formats.percent(current["detractors_share"]),
                 formats.signed_points(current["detractors_share"], previous["detractors_share"]),
                 t("sat_card_shares_help", lang), share_caption),
    ]


def score_with_n(value, n, low, high, too_few: bool, lang: str, *, nps: bool = False) -> str:
    """'4.31 (n=120) [4.20, 4.42]', NPS '+18 (n=120) [+6, +30]', '样本不足 (n=3)', '—' without answers."""
    count = 0 if formats.is_missing(n) else int(n)
    if count == 0:
        return formats.DASH
    n_text = t("n_label", lang, n=count)
    if too_few:
        return f"{t('too_few', lang)} ({n_text})"
    value_text = nps_text(value) if nps else score_text(value)
    return f"{value_text} ({n_text}) {score_interval(low, high, nps)}".strip()


def _scores(rows: pd.DataFrame, lang: str) -> dict[str, list[str]]:
    return {
        t("sat_col_csat", lang): [score_with_n(r.csat, r.csat_n, r.csat_low, r.csat_high, bool(r.csat_too_few), lang)
                                  for r in rows.itertuples()],
        t("sat_col_nps", lang): [score_with_n(r.nps, r.nps_n, r.nps_low, r.nps_high, bool(r.nps_too_few), lang,
                                              nps=True) for r in rows.itertuples()],
        t("sat_col_promoters", lang): [formats.percent(v) for v in rows["promoters_share"]],
        t("sat_col_detractors", lang): [formats.percent(v) for v in rows["detractors_share"]],
    }


def group_table(table: pd.DataFrame, group_order: list[str], names: dict[str, str], lang: str) -> pd.DataFrame:
    """One row per group in the groups' fixed order: CSAT and NPS with n and interval, shares."""
    rank = {group_id: index for index, group_id in enumerate(group_order)}
    rows = table.assign(_rank=table["group"].map(rank)).sort_values("_rank").reset_index(drop=True)
    return pd.DataFrame({t("sat_col_group", lang): [names.get(g, g) for g in rows["group"]], **_scores(rows, lang)})


def ordered_group_ids(table: pd.DataFrame, group_order: list[str]) -> list[str]:
    """The group ids of `table` in the order group_table shows them (to map a clicked row back)."""
    return [g for g in group_order if g in set(table["group"])] + \
        [g for g in table["group"] if g not in set(group_order)]


def consultant_table(ranked: pd.DataFrame, staff_names: dict[str, str], names: dict[str, str],
                     lang: str) -> pd.DataFrame:
    """Consultants with answers, in the given order (rank_by_lower_bound on csat): rank, name, group."""
    rows = ranked[(ranked["csat_n"] + ranked["nps_n"]) > 0]
    return pd.DataFrame({
        t("sat_col_rank", lang): pd.array(rows["rank"], dtype="Int64"),
        t("sat_col_consultant", lang): [staff_names.get(s, s) for s in rows["staff"]],
        t("sat_col_group", lang): [names.get(g, g) if isinstance(g, str) else formats.DASH for g in rows["group"]],
        **_scores(rows, lang),
    })


def comments_table(comments: pd.DataFrame, names: dict[str, str], lang: str, privacy: bool) -> pd.DataFrame:
    """The lowest-scoring comments; in privacy mode customers are pseudonyms and every comment reads
    as hidden (analytics.privacy.masked_frame: nothing of the text reaches the page)."""
    rows = masked_frame(comments, id_column="customer_id") if privacy else comments
    frame = pd.DataFrame({
        t("sat_col_date", lang): pd.to_datetime(rows["answered_at"]).dt.strftime("%Y-%m-%d"),
        t("sat_col_customer", lang): rows["customer"].fillna(formats.DASH),
        t("sat_col_consultant", lang): rows["staff"].fillna(formats.DASH),
        t("sat_col_group", lang): [names.get(g, g) if isinstance(g, str) else formats.DASH for g in rows["group_id"]],
        t("sat_col_csat", lang): [formats.DASH if formats.is_missing(v) else f"{v:.0f}" for v in rows["csat"]],
        t("sat_col_nps", lang): [formats.DASH if formats.is_missing(v) else f"{v:.0f}" for v in rows["nps"]],
        t("sat_col_comment", lang): rows["comment"],
    })
    return frame


def win_rate_fits(vs_conversion: pd.DataFrame, groups: pd.DataFrame, min_n: int) -> tuple[pd.DataFrame, list, list]:
    """Split satisfaction_vs_conversion's rows into those to plot and the two kinds left out.

    Left out: stage-split groups that do not own the closing phase (they hand deals on; a win
    rate of 0% would blame them for the split), and groups with too few answers or closed deals.
    Returns (rows to plot, ids left out as non-closers, ids left out as too few).
    """
    catalog = groups.set_index("group_id")
    non_closers = [g for g in vs_conversion["group"] if g in catalog.index
                   and catalog.at[g, "basis"] == "stage" and catalog.at[g, "phase"] != "closing"]
    rest = vs_conversion[~vs_conversion["group"].isin(non_closers)]
    enough = (rest["csat_n"] >= min_n) & (rest["win_rate_n"] >= min_n)
    return rest[enough].reset_index(drop=True), non_closers, list(rest.loc[~enough, "group"])
