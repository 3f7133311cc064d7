"""Mix-adjusted win rates: is a group better, or does it just get easier customers?

A 渠道/中介组 closing investors and a 刚需组 closing first-home buyers face different odds. The
expected win rate of a group is what the company would achieve with that group's customer mix:
Σ over cells (source_channel × customer_type) of the group's share of closed deals in the cell
× the company's win rate in the cell. Actual − expected is the part the mix does not explain.
"""

from __future__ import annotations

import pandas as pd

from analytics.stats import DEFAULT_MIN_N, wilson_intervals

CELL = ["source_channel", "customer_type"]


def mix_adjusted_win_rates(cells: pd.DataFrame, by: str = "group", *,
                           min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Per group: closed, won, win_rate (actual, with Wilson bounds), expected_win_rate, mix_effect.

    `cells`: `by`, source_channel, customer_type, won, closed (closed_deals_by_cell). The
    company rate of a cell pools every group's deals in it. mix_effect = win_rate −
    expected_win_rate (> 0: better than its mix predicts). Groups with no closed deals get NaN.
    win_rate_too_few flags closed < min_n. The input is not changed.
    """
    company = cells.groupby(CELL, dropna=False)[["won", "closed"]].sum()
    company_rate = (company["won"] / company["closed"].where(company["closed"] > 0)).rename("cell_rate")
    with_rate = cells.merge(company_rate.reset_index(), on=CELL, how="left")
    weighted = with_rate.assign(expected_won=with_rate["closed"] * with_rate["cell_rate"])
    groups = weighted.groupby(by, dropna=False)[["won", "closed", "expected_won"]].sum().reset_index()
    closed = groups["closed"].where(groups["closed"] > 0)
    bounds = wilson_intervals(groups["won"], groups["closed"])
    result = groups.assign(
        win_rate=groups["won"] / closed,
        win_rate_low=bounds["low"], win_rate_high=bounds["high"],
        win_rate_too_few=groups["closed"] < min_n,
        expected_win_rate=groups["expected_won"] / closed,
    )
    result = result.assign(mix_effect=result["win_rate"] - result["expected_win_rate"])
    return result.drop(columns="expected_won")[
        [by, "closed", "won", "win_rate", "win_rate_low", "win_rate_high", "win_rate_too_few",
         "expected_win_rate", "mix_effect"]]
