"""Hand-offs between stage-based groups: how many deals each group passes on, how fast the
receiving group picks them up, and how many it moves on (交接转化率, handoff_rate)."""

from __future__ import annotations

import pandas as pd

from analytics.stats import DEFAULT_MIN_N, wilson_intervals
from domain import PHASES


def handoff_table(aggregates: pd.DataFrame, *, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Per (from_group, to_group) in phase order: the hand-off counts plus handoff_rate.

    `aggregates`: handoff_aggregates' frame (from_group, to_group, from_phase, to_phase,
    handed_on, moved_on, first_touched, first_touch_hours_median). Added: handoff_rate =
    moved_on / handed_on (NaN for none) with handoff_rate_n, 95% Wilson handoff_rate_low/_high,
    handoff_rate_too_few (n < min_n), and first_touch_share = first_touched / handed_on (how
    many hand-offs the receiving group touched at all) with its Wilson first_touch_low/_high (same
    n). `forward` is True when the receiving
    group owns a later phase than the sender (the designed direction). Input unchanged.
    """
    n = aggregates["handed_on"].astype("float64")
    bounds = wilson_intervals(aggregates["moved_on"], aggregates["handed_on"])
    touched = wilson_intervals(aggregates["first_touched"], aggregates["handed_on"])
    phase_rank = {p: i for i, p in enumerate(PHASES)}
    from_rank = aggregates["from_phase"].map(phase_rank)
    to_rank = aggregates["to_phase"].map(phase_rank)
    result = aggregates.assign(
        handoff_rate=aggregates["moved_on"] / n.where(n > 0),
        handoff_rate_n=aggregates["handed_on"].astype("int64"),
        handoff_rate_low=bounds["low"], handoff_rate_high=bounds["high"],
        handoff_rate_too_few=aggregates["handed_on"] < min_n,
        first_touch_share=aggregates["first_touched"] / n.where(n > 0),
        first_touch_low=touched["low"], first_touch_high=touched["high"],
        forward=(to_rank > from_rank).fillna(False).astype(bool),
        _from_rank=from_rank, _to_rank=to_rank,
    )
    ordered = result.sort_values(["_from_rank", "_to_rank", "from_group", "to_group"], kind="stable")
    return ordered.drop(columns=["_from_rank", "_to_rank"]).reset_index(drop=True)
