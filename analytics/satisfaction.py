"""Customer satisfaction: CSAT and NPS by group, staff or period, distributions, and their link
with conversion.

Sums come from kpi_aggregates (csat_sum, csat_sumsq, csat_n, nps_promoters, nps_detractors,
nps_n); score counts from survey_score_counts. CSAT is a mean on 1-5; NPS is in points −100…100.
"""

from __future__ import annotations

import pandas as pd

from analytics.kpis import metric_columns
from analytics.registry import METRICS
from analytics.stats import DEFAULT_MIN_N

SCALES = {"csat": range(1, 6), "nps": range(0, 11)}


def _dims(by: str | list[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def satisfaction_table(aggregates: pd.DataFrame, by: str | list[str], *,
                       min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Per `by` value: csat and nps with n, interval and too-few flag, plus promoter/detractor shares.

    Columns: `by`, csat, csat_n, csat_low, csat_high, csat_too_few, nps, nps_n, nps_low,
    nps_high, nps_too_few, promoters_share, detractors_share (fractions of NPS answers; NaN
    without answers). For a trend pass aggregates by 'week' or 'month'. Input unchanged.
    """
    columns: dict[str, pd.Series] = {d: aggregates[d] for d in _dims(by)}
    for metric_id in ("csat", "nps"):
        columns.update(metric_columns(METRICS[metric_id], aggregates, min_n))
    answers = aggregates["nps_n"].astype("float64")
    answers = answers.where(answers > 0)
    columns["promoters_share"] = aggregates["nps_promoters"] / answers
    columns["detractors_share"] = aggregates["nps_detractors"] / answers
    return pd.DataFrame(columns, index=aggregates.index).reset_index(drop=True)


def satisfaction_trend(aggregates: pd.DataFrame, period: str, *, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """`satisfaction_table` over periods ('week' or 'month'), oldest first."""
    if period not in ("week", "month"):
        raise ValueError(f"period must be 'week' or 'month', not {period!r}")
    return satisfaction_table(aggregates, period, min_n=min_n).sort_values(period).reset_index(drop=True)


def score_distribution(counts: pd.DataFrame, scale: str, by: str | None = None) -> pd.DataFrame:
    """Answers per score on one scale, every score present (0 answers included), with share.

    `counts`: scale, score, n (+ `by`), as survey_score_counts returns. Output: [`by`,] score,
    n, share (n / answers of that `by` value; NaN when it has none). For NPS a `category`
    column says detractor (0-6), passive (7-8) or promoter (9-10).
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {tuple(SCALES)}, not {scale!r}")
    mine = counts[counts["scale"] == scale]
    keys = [by] if by else []
    scores = pd.DataFrame({"score": list(SCALES[scale])})
    grid = mine[keys].drop_duplicates().merge(scores, how="cross") if keys else scores
    merged = grid.merge(mine[[*keys, "score", "n"]], on=[*keys, "score"], how="left")
    merged = merged.assign(n=merged["n"].fillna(0).astype("int64"))
    totals = merged.groupby(keys)["n"].transform("sum") if keys else pd.Series(merged["n"].sum(), index=merged.index)
    merged = merged.assign(share=merged["n"] / totals.where(totals > 0))
    if scale == "nps":
        category = pd.cut(merged["score"], bins=[-1, 6, 8, 10], labels=["detractor", "passive", "promoter"])
        merged = merged.assign(category=category.astype("str"))
    return merged


def satisfaction_vs_conversion(kpis: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """CSAT and NPS beside the win rate per `by` value (a kpi_table frame in, a narrower one out).

    Columns: `by`, csat, csat_n, csat_too_few, nps, nps_n, win_rate, win_rate_n,
    win_rate_too_few. Both sides keep their own n: a group with many surveys and few closes
    says little about the link. Sorted by csat, highest first.
    """
    wanted = [by, "csat", "csat_n", "csat_too_few", "nps", "nps_n",
              "win_rate", "win_rate_n", "win_rate_too_few"]
    return kpis[wanted].sort_values("csat", ascending=False, na_position="last").reset_index(drop=True)
