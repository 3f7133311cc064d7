"""The weekly meeting's numbers, shaped from small frames: ISO weeks, the group scoreboard against
targets, biggest movers, top performers, the actions a meeting carries, and frozen payloads.

Pure pandas: frames in, new frames out (inputs unchanged). The "what changed" digest lives in
analytics/digest.py.
"""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.kpis import kpi_table
from analytics.pacing import AT_RISK, OFF_TRACK, ON_TRACK
from analytics.stats import DEFAULT_MIN_N, rank_by_lower_bound

# Worst first: a group's overall status is the worst of its metrics' statuses.
STATUS_SEVERITY = {OFF_TRACK: 0, AT_RISK: 1, ON_TRACK: 2}
TOP_PERFORMERS = 5


# --- ISO weeks ----------------------------------------------------------------------------------

def week_key(day: date) -> str:
    """'2026-W47': the ISO year and week of `day` (weeks start on Monday)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(key: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week key; ValueError for anything but 'YYYY-Www'."""
    try:
        year, week = key.split("-W")
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError as error:
        raise ValueError(f"not an ISO week like 2026-W47: {key!r}") from error
    return monday, monday + timedelta(days=6)


def previous_week_key(key: str) -> str:
    return week_key(week_bounds(key)[0] - timedelta(days=7))


def recent_week_keys(last: str, count: int) -> list[str]:
    """`count` week keys ending with `last`, newest first."""
    monday = week_bounds(last)[0]
    return [week_key(monday - timedelta(weeks=index)) for index in range(count)]


# --- scoreboard ---------------------------------------------------------------------------------

def _worst_status(statuses: list) -> str | None:
    known = [s for s in statuses if s in STATUS_SEVERITY]
    return min(known, key=STATUS_SEVERITY.get) if known else None


def scoreboard(week_aggregates: pd.DataFrame, pace: pd.DataFrame, groups: pd.DataFrame,
               *, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """One row per group (in the groups' order): the week's facts and its worst pace status.

    `week_aggregates`: kpi_aggregates by 'group' for the week; `pace`: pace_table rows of the
    week-end month with a `metric` column (as_of = the Sunday); `groups`: catalog.groups.
    Columns: group, name, basis, phase, first_visits, deals, won_deals, won_amount, win_rate
    (+ _n, _low, _high, _too_few), targets (how many targets the group has this month) and
    status, the worst of its targets' statuses (NaN without a target).
    """
    kpis = kpi_table(week_aggregates, "group", min_n=min_n) if not week_aggregates.empty else pd.DataFrame(
        columns=["group"])
    wanted = ["first_visits", "deals", "won_deals", "won_amount", "win_rate", "win_rate_n", "win_rate_low",
              "win_rate_high", "win_rate_too_few"]
    board = groups[["group_id", "name", "basis", "phase"]].rename(columns={"group_id": "group"})
    board = board.merge(kpis.reindex(columns=["group", *wanted]), on="group", how="left")
    for column in ("first_visits", "deals", "won_deals", "won_amount", "win_rate_n"):
        board[column] = board[column].fillna(0)
    board["win_rate_too_few"] = board["win_rate_too_few"].astype("boolean").fillna(True).astype(bool)
    by_group = pace.groupby("group")["status"]
    board["targets"] = board["group"].map(pace.groupby("group").size()).fillna(0).astype("int64")
    board["status"] = board["group"].map(by_group.agg(lambda statuses: _worst_status(list(statuses))))
    return board.reset_index(drop=True)


# --- highlights ---------------------------------------------------------------------------------

def _win_rates(aggregates: pd.DataFrame, min_n: int) -> pd.DataFrame:
    columns = ["group", "won_deals", "lost_deals", "win_rate", "win_rate_n", "win_rate_low", "win_rate_high",
               "win_rate_too_few"]
    if aggregates.empty:
        return pd.DataFrame(columns=columns)
    return kpi_table(aggregates, "group", min_n=min_n)[columns]


def biggest_movers(week_aggregates: pd.DataFrame, previous_aggregates: pd.DataFrame, groups: pd.DataFrame,
                   *, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Per group: won deals and win rate this week and last, and the changes; largest move first.

    won_change = won_deals − won_deals_prev; rate_change = win_rate − win_rate_prev in fractions,
    NaN when either week has fewer than `min_n` closes (a swing of 1 of 3 is no signal) or the
    group never closes deals (stage-split groups outside the closing phase hand their deals on).
    Sorted by |won_change|, then |rate_change|; `moved` ranks them (1 = biggest mover).
    """
    now = _win_rates(week_aggregates, min_n)
    before = _win_rates(previous_aggregates, min_n).add_suffix("_prev").rename(columns={"group_prev": "group"})
    board = groups[["group_id", "name", "basis", "phase"]].rename(columns={"group_id": "group"})
    moves = board.merge(now, on="group", how="left").merge(before, on="group", how="left")
    for column in ("won_deals", "won_deals_prev", "lost_deals", "lost_deals_prev", "win_rate_n", "win_rate_n_prev"):
        moves[column] = moves[column].fillna(0).astype("int64")
    hands_on = (moves["basis"] == "stage") & (moves["phase"] != "closing")
    comparable = ~hands_on & ~moves["win_rate_too_few"].fillna(True).astype(bool) \
        & ~moves["win_rate_too_few_prev"].fillna(True).astype(bool)
    moves["won_change"] = moves["won_deals"] - moves["won_deals_prev"]
    moves["rate_change"] = (moves["win_rate"] - moves["win_rate_prev"]).where(comparable)
    moves["hands_on"] = hands_on
    order = moves.assign(_won=moves["won_change"].abs(), _rate=moves["rate_change"].abs().fillna(-1))
    order = order.sort_values(["_won", "_rate"], ascending=False, kind="stable").drop(columns=["_won", "_rate"])
    return order.assign(moved=np.arange(1, len(order) + 1)).reset_index(drop=True)


def top_performers(staff_aggregates: pd.DataFrame, staff: pd.DataFrame, *, top: int = TOP_PERFORMERS,
                   min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Consultants with at least `min_n` closes, ranked by the Wilson lower bound of their win rate.

    `staff_aggregates`: kpi_aggregates by 'staff' for the week; `staff`: staff_id, name, group_id.
    Columns: rank, staff, name, group_id, won_deals, lost_deals, win_rate, win_rate_n,
    win_rate_low, win_rate_high, won_amount. Ranking by the lower bound rewards a rate that is
    both high and well supported (4 of 6 above 1 of 1).
    """
    columns = ["rank", "staff", "name", "group_id", "won_deals", "lost_deals", "win_rate", "win_rate_n",
               "win_rate_low", "win_rate_high", "won_amount"]
    if staff_aggregates.empty:
        return pd.DataFrame(columns=columns)
    kpis = kpi_table(staff_aggregates.dropna(subset=["staff"]), "staff", min_n=min_n)
    enough = kpis[kpis["win_rate_n"] >= min_n]
    if enough.empty:
        return pd.DataFrame(columns=columns)
    ranked = rank_by_lower_bound(enough, "win_rate").head(top)
    named = ranked.merge(staff.rename(columns={"staff_id": "staff"})[["staff", "name", "group_id"]],
                         on="staff", how="left")
    return named[columns]


# --- action items -------------------------------------------------------------------------------

def actions_at_meeting(actions: pd.DataFrame, week: str) -> pd.DataFrame:
    """The action items the meeting of `week` shows, with their status as it stood then.

    Shown: every item raised in this or an earlier meeting that was still open at this meeting
    (closed later or never) or was closed in it. An item closed in a later meeting reads 'open'
    here; `carried` marks items from an earlier meeting. Open items first, then by week raised.
    """
    raised = actions[actions["week_raised"] <= week]
    closed_week = raised["closed_week"].astype("object")
    visible = raised[closed_week.isna() | (closed_week >= week)]
    closed_then = visible["closed_week"].astype("object").eq(week)
    shown = visible.assign(status_then=np.where(closed_then, visible["status"], "open"),
                           carried=visible["week_raised"] < week)
    rank = shown["status_then"].map({"open": 0, "done": 1, "dropped": 2})
    return shown.assign(_rank=rank).sort_values(["_rank", "week_raised", "action_id"]).drop(
        columns="_rank").reset_index(drop=True)


# --- frozen payloads ----------------------------------------------------------------------------

# zstd: names, stages and ids repeat; a frozen week at 1M deals is 4 MB instead of 11.5 MB of
# JSON rows, read back in ~45 ms instead of ~0.25 s.
_IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="zstd")


def frame_payload(frame: pd.DataFrame) -> str:
    """A frame as JSON text that `payload_frame` reads back with its columns' types.

    The rows travel as an Arrow IPC stream (zstd, base64) inside the JSON: a frozen week's lists
    hold ~90k rows at 1M deals, and building frames from JSON rows cost ~0.25 s on every opening
    of the weekly page. A frame Arrow cannot hold (a column of mixed types) is stored as JSON rows.
    """
    try:
        table = pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return _rows_payload(frame)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=_IPC_OPTIONS) as writer:
        writer.write_table(table)
    return json.dumps({"arrow": base64.b64encode(sink.getvalue().to_pybytes()).decode("ascii")})


def _rows_payload(frame: pd.DataFrame) -> str:
    """The frame as JSON rows (columns, data, the datetime columns to restore)."""
    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    body = json.loads(frame.to_json(orient="split", index=False, date_format="iso", force_ascii=False))
    return json.dumps({"columns": body["columns"], "data": body["data"], "dates": dates}, ensure_ascii=False)


def payload_frame(payload: str) -> pd.DataFrame:
    """The frame stored by `frame_payload` (also the JSON rows that earlier versions froze)."""
    body = json.loads(payload)
    if "arrow" in body:
        return pa.ipc.open_stream(base64.b64decode(body["arrow"])).read_all().to_pandas()
    frame = pd.DataFrame(body["data"], columns=body["columns"])
    for column in body.get("dates", []):
        frame[column] = pd.to_datetime(frame[column])
    return frame
