"""The demo's customers: when they arrive, through which channel, who they are and what they want.

One customer brings one deal. Arrival volume follows the calendar (weekends, 开盘, 春节, growth);
the attributes are drawn so that channel, grade and customer type can later steer conversion.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from db.demo_calendar import DAY, Calendar, call_time_of_day, visit_time_of_day
from db.demo_people import chinese_names

TARGET_DEALS = 25_000
PROJECT_SHARE = {"PA": 0.55, "PB": 0.45}
WALK_IN_SHARE = 0.67
# Channels of walk-ins (enter at first visit) and of leads (enter at lead, may visit later).
WALK_IN_CHANNELS = (["natural", "agency", "referral"], [0.45, 0.37, 0.18])
LEAD_CHANNELS = (["phone", "online"], [0.45, 0.55])
GRADE_BY_CHANNEL = {
    "referral": [0.35, 0.45, 0.20], "natural": [0.22, 0.48, 0.30], "agency": [0.15, 0.50, 0.35],
    "phone": [0.15, 0.45, 0.40], "online": [0.10, 0.40, 0.50],
}
TYPES = ["first_home", "upgrade", "investment"]
TYPE_MIX = {"PA": [0.45, 0.40, 0.15], "PB": [0.85, 0.11, 0.04]}
REGIONS = ["城东", "城西", "城南", "城北", "外地"]
REGION_MIX = {"PA": [0.35, 0.15, 0.25, 0.12, 0.13], "PB": [0.20, 0.30, 0.20, 0.20, 0.10]}
# (mean, sd, low, high) of the wanted floor area in m² per customer type.
AREA = {"first_home": (88, 10, 70, 110), "upgrade": (138, 20, 110, 180), "investment": (80, 9, 70, 100)}
UNIT_PRICE = {"PA": 28_500.0, "PB": 23_500.0}   # 元/m²
PHONE_PREFIXES = np.array([130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156, 157,
                           158, 159, 170, 173, 176, 177, 180, 181, 182, 183, 185, 186, 187, 188, 189])


def arrivals(rng: np.random.Generator, cal: Calendar) -> pd.DataFrame:
    """project, walk_in, created (seconds) of every new deal, in time order."""
    parts = []
    for project, share in PROJECT_SHARE.items():
        for walk_in, kind_share in ((True, WALK_IN_SHARE), (False, 1 - WALK_IN_SHARE)):
            traffic = cal.traffic(project, walk_in=walk_in)
            expected = traffic * (TARGET_DEALS * share * kind_share / traffic.sum())
            day = np.repeat(np.arange(cal.n_days), rng.poisson(expected))
            tod = visit_time_of_day(rng, day.size) if walk_in else call_time_of_day(rng, day.size)
            created = day * DAY + tod
            parts.append(pd.DataFrame({"project": project, "walk_in": walk_in, "created": created}))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[frame["created"] <= cal.cutoff]
    return frame.sort_values(["created", "project"], kind="stable").reset_index(drop=True)


def _choice_by(rng: np.random.Generator, keys: np.ndarray, table: dict, labels: list) -> np.ndarray:
    out = np.empty(keys.size, dtype=object)
    for key, probs in table.items():
        mask = keys == key
        out[mask] = np.array(labels, dtype=object)[rng.choice(len(labels), size=int(mask.sum()), p=probs)]
    return out


def unique_phones(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct plausible mainland mobile numbers (11 digits, 13x/15x/17x/18x)."""
    drawn = PHONE_PREFIXES[rng.integers(0, PHONE_PREFIXES.size, 2 * n)] * 10**8 + rng.integers(0, 10**8, 2 * n)
    _, first = np.unique(drawn, return_index=True)
    keep = np.sort(first)[:n]
    return drawn[keep].astype(str).astype(object)


def customer_attributes(rng: np.random.Generator, arrivals: pd.DataFrame) -> pd.DataFrame:
    """Channel, grade, type, intent and region for each arrival (same row order)."""
    n = len(arrivals)
    project = arrivals["project"].to_numpy()
    walk_in = arrivals["walk_in"].to_numpy()
    channel = np.where(
        walk_in,
        np.array(WALK_IN_CHANNELS[0], dtype=object)[rng.choice(3, size=n, p=WALK_IN_CHANNELS[1])],
        np.array(LEAD_CHANNELS[0], dtype=object)[rng.choice(2, size=n, p=LEAD_CHANNELS[1])])
    grade = _choice_by(rng, channel, GRADE_BY_CHANNEL, ["A", "B", "C"])
    ctype = _choice_by(rng, project, TYPE_MIX, TYPES)
    region = _choice_by(rng, project, REGION_MIX, REGIONS)
    params = np.array([AREA[t] for t in ctype], dtype=float)
    area = np.clip(rng.normal(params[:, 0], params[:, 1]), params[:, 2], params[:, 3]).round()
    layout = np.select([area < 90, area < 125, area < 155], ["两房", "三房", "四房"], "复式").astype(object)
    price = np.where(project == "PA", UNIT_PRICE["PA"], UNIT_PRICE["PB"])
    budget = np.clip(area * price * np.exp(rng.normal(0.0, 0.15, n)), 1.5e6, 6.0e6).round(-5)
    deal_area = area * rng.uniform(0.92, 1.08, n)
    amount = (deal_area * (price + rng.normal(0.0, 1_500.0, n))).round(-2)
    return pd.DataFrame({
        "name": chinese_names(rng, n), "phone": unique_phones(rng, n), "source_channel": channel,
        "customer_type": ctype, "grade": grade, "intent_layout": layout, "intent_area_sqm": area,
        "intent_budget": budget, "region": region, "amount": amount,
    })
