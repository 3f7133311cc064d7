"""Incentives (激励): 月度销冠 and 团队协作奖 decided by a written rule, never by noise.

A rule names the metric (higher wins), the minimum sample a candidate needs in that metric's own
n, and how a tie is broken. Candidates below the minimum are not ranked; when nobody reaches it
the month has no award (status 'too_few': "本月不评 — 样本不足"). Inputs are the additive
aggregates of db.queries.kpi_aggregates (by month and staff, or month and group), plus hand-offs,
targets and headcounts for team rules; values are formed here sum-then-divide. Nothing is mutated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CHAMPION_METRICS: tuple[str, ...] = ("won_amount", "won_deals", "win_rate", "csat")
TEAM_METRICS: tuple[str, ...] = ("attainment", "handoff_rate", "win_rate", "csat", "per_capita_won_amount")
# The sample behind each metric: the column counted against a rule's minimum n.
SAMPLE_COLUMN: dict[str, str] = {
    "won_amount": "won_deals", "won_deals": "won_deals", "win_rate": "closed", "csat": "csat_n",
    "attainment": "attainment_n", "handoff_rate": "handed_on", "per_capita_won_amount": "won_deals",
}
TIE_BREAKS: tuple[str, ...] = ("n", "shared", "won_amount", "won_deals", "win_rate", "csat")
# Target metric → the sample its attainment rests on.
TARGET_SAMPLE: dict[str, str] = {"won_amount": "won_deals", "won_deals": "won_deals",
                                 "first_visits": "first_visits", "visits": "visits", "csat": "csat_n"}
NON_SELLING_ROLES = ("analyst", "manager")
# The kpi_aggregates columns candidates are measured on (db.incentives.monthly_award_measures reads only these).
CANDIDATE_MEASURES: tuple[str, ...] = ("won_deals", "lost_deals", "won_amount", "csat_sum", "csat_n", "first_visits",
                                       "visits")


@dataclass(frozen=True)
class AwardRule:
    """rule_id, kind ('champion' | 'team'), name, metric, min_n, tie_break ('n', 'shared' or a metric)."""

    rule_id: str
    kind: str
    name: str
    metric: str
    min_n: int
    tie_break: str
    active: bool = True


@dataclass(frozen=True)
class AwardResult:
    """status: 'awarded', 'too_few' (candidates exist, none reaches min_n) or 'no_candidates'.

    winners: candidate ids (several when the tie-break leaves a tie: they share the award);
    value / n: the winners' metric value and sample; decided_by: 'metric', 'tie_break' or
    'shared'; standings: every candidate with value, n, eligible, rank (NaN when not eligible).
    """

    status: str
    winners: tuple[str, ...]
    value: float
    n: int
    decided_by: str | None
    standings: pd.DataFrame


def candidate_measures(aggregates: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per (month, candidate): the additive measures and the values awards rank on.

    `aggregates`: kpi_aggregates by ('month', by) — columns month, `by`, won_deals, lost_deals,
    won_amount, csat_sum, csat_n, first_visits, visits. Rows without a candidate id are dropped.
    Output: month, candidate, the measures, closed (won + lost), win_rate = won / closed,
    csat = csat_sum / csat_n (NaN without a denominator).
    """
    kept = aggregates.dropna(subset=[by])
    frame = kept[["month", by, *CANDIDATE_MEASURES]].rename(columns={by: "candidate"}).reset_index(drop=True)
    closed = frame["won_deals"] + frame["lost_deals"]
    return frame.assign(
        closed=closed,
        win_rate=frame["won_deals"] / closed.where(closed > 0),
        csat=frame["csat_sum"] / frame["csat_n"].where(frame["csat_n"] > 0),
        month=pd.to_datetime(frame["month"]),
    )


def champion_candidates(aggregates: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """candidate_measures by staff, kept to people who sell: analysts and site managers (by
    staff role or role in group, from db.queries.people.staff_roster) are never candidates."""
    selling = roster[~roster["role"].isin(NON_SELLING_ROLES) & ~roster["role_in_group"].isin(NON_SELLING_ROLES)]
    measures = candidate_measures(aggregates, "staff")
    # An index lookup, not Series.isin: on Arrow strings that took ~11 ms for 30k rows, this ~3 ms.
    kept = pd.Index(selling["staff_id"].unique()).get_indexer(measures["candidate"]) >= 0
    return measures[kept].reset_index(drop=True)


def with_team_measures(candidates: pd.DataFrame, *, handoffs: pd.DataFrame, targets: pd.DataFrame,
                       headcount: pd.DataFrame) -> pd.DataFrame:
    """Group candidates plus handoff_rate, attainment and per_capita_won_amount.

    handoffs: month, group, handed_on, moved_on (as the sending group); a group that hands
    nothing on has handoff_rate NaN and handed_on 0. targets: month, group, metric, target;
    attainment = mean over the group's targeted metrics of actual / target, attainment_n = the
    smallest sample among them (every part must rest on enough facts); no target → NaN, 0.
    headcount: month, group, headcount (selling members); per_capita = won_amount / headcount.
    """
    keys = ["month", "candidate"]
    sent = handoffs.rename(columns={"group": "candidate"}).assign(month=lambda f: pd.to_datetime(f["month"]))
    merged = candidates.merge(sent[[*keys, "handed_on", "moved_on"]], on=keys, how="left")
    merged = merged.assign(handed_on=merged["handed_on"].fillna(0).astype("int64"),
                           moved_on=merged["moved_on"].fillna(0).astype("int64"))
    merged = merged.assign(handoff_rate=merged["moved_on"] / merged["handed_on"].where(merged["handed_on"] > 0))
    merged = merged.merge(_attainment(merged, targets), on=keys, how="left")
    merged = merged.assign(attainment_n=merged["attainment_n"].fillna(0).astype("int64"))
    people = headcount.rename(columns={"group": "candidate"}).assign(month=lambda f: pd.to_datetime(f["month"]))
    merged = merged.merge(people[[*keys, "headcount"]], on=keys, how="left")
    return merged.assign(per_capita_won_amount=merged["won_amount"] / merged["headcount"].where(merged["headcount"] > 0))


def _attainment(candidates: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Per (month, candidate) with a target: mean actual / target and the smallest sample."""
    keys, metrics = ["month", "candidate"], list(TARGET_SAMPLE)
    keyed = targets.rename(columns={"group": "candidate"})
    keyed = keyed.assign(month=pd.to_datetime(keyed["month"]))
    keyed = keyed[keyed["metric"].isin(metrics) & (keyed["target"] > 0)]
    # Each target row picks its metric's actual and sample from its candidate's row (one row per
    # month and candidate): one merge and a lookup, not two melted frames merged (16 ms -> 5 ms).
    columns = {**{f"actual {m}": candidates[m] for m in metrics},
               **{f"sample {m}": candidates[TARGET_SAMPLE[m]] for m in metrics}}
    parts = keyed.merge(candidates[keys].assign(**columns), on=keys, how="left")
    rows, which = np.arange(len(parts)), pd.Index(metrics).get_indexer(parts["metric"])
    actual = parts[[f"actual {m}" for m in metrics]].to_numpy(dtype="float64")[rows, which]
    sample = parts[[f"sample {m}" for m in metrics]].to_numpy(dtype="float64")[rows, which]
    parts = parts[[*keys, "metric", "target"]].assign(
        ratio=np.nan_to_num(actual, nan=0.0) / parts["target"].to_numpy(dtype="float64"),
        sample=np.nan_to_num(sample, nan=0.0))
    grouped = parts.groupby(keys)
    return pd.DataFrame({"attainment": grouped["ratio"].mean(), "attainment_n": grouped["sample"].min()}).reset_index()


def _standings(candidates: pd.DataFrame, rule: AwardRule) -> pd.DataFrame:
    value = candidates[rule.metric].astype("float64")
    n = candidates[SAMPLE_COLUMN[rule.metric]].fillna(0).astype("int64")
    eligible = (n >= rule.min_n) & value.notna()
    table = pd.DataFrame({"candidate": candidates["candidate"], "value": value, "n": n, "eligible": eligible})
    rank = table["value"].where(eligible).rank(method="min", ascending=False)
    table = table.assign(rank=rank)
    return table.sort_values(["rank", "n"], ascending=[True, False], na_position="last",
                             kind="stable").reset_index(drop=True)


def _tied(values: pd.Series, best: float) -> pd.Series:
    return pd.Series(np.isclose(values.astype("float64"), best, rtol=1e-9, atol=1e-9), index=values.index)


def _break_tie(tied: pd.DataFrame, candidates: pd.DataFrame, rule: AwardRule) -> tuple[list[str], str]:
    """The winners among tied candidates and what decided it ('tie_break' or 'shared')."""
    if rule.tie_break == "shared":
        return list(tied["candidate"]), "shared"
    if rule.tie_break == "n":
        second = tied.set_index("candidate")["n"].astype("float64")
    else:
        second = candidates.set_index("candidate")[rule.tie_break].reindex(tied["candidate"]).astype("float64")
    if second.isna().all():
        return list(tied["candidate"]), "shared"
    leaders = second[_tied(second, second.max())]
    return list(leaders.index), "tie_break" if len(leaders) == 1 else "shared"


def award_result(candidates: pd.DataFrame, rule: AwardRule) -> AwardResult:
    """The award of one month under `rule`; `candidates`: one row per candidate of that month.

    Highest value among candidates with n ≥ min_n wins. Equal values (to 1e-9) go to the
    tie-break: 'n' (larger sample), a metric (higher value), or 'shared'; whoever is still
    equal shares the award. No eligible candidate → 'too_few' (or 'no_candidates' when there is
    nobody with any data), winners empty, value NaN.
    """
    standings = _standings(candidates, rule)
    eligible = standings[standings["eligible"]]
    if eligible.empty:
        status = "too_few" if (standings["n"] > 0).any() else "no_candidates"
        return AwardResult(status, (), np.nan, 0, None, standings)
    best = float(eligible["value"].max())
    tied = eligible[_tied(eligible["value"], best)]
    winners, decided_by = [tied["candidate"].iloc[0]], "metric"
    if len(tied) > 1:
        winners, decided_by = _break_tie(tied, candidates, rule)
    n = int(tied.set_index("candidate").loc[winners[0], "n"])
    return AwardResult("awarded", tuple(winners), best, n, decided_by, standings)


def award_history(candidates: pd.DataFrame, rule: AwardRule, months: list[pd.Timestamp]) -> pd.DataFrame:
    """One row per month (newest first): month, status, winners (tuple), value, n, decided_by.

    `candidates`: candidate_measures rows of many months; a month without rows is 'no_candidates'.
    """
    rows = []
    for month in sorted(months, reverse=True):
        result = award_result(candidates[candidates["month"] == pd.Timestamp(month)], rule)
        rows.append({"month": pd.Timestamp(month), "status": result.status, "winners": result.winners,
                     "value": result.value, "n": result.n, "decided_by": result.decided_by})
    return pd.DataFrame(rows, columns=["month", "status", "winners", "value", "n", "decided_by"])
