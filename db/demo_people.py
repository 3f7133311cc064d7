"""The demo's organisation: developer, projects, five groups, 36 people and their history.

Project A (云栖府) splits its consultants by funnel stage, project B (滨江悦) by customer type. Three
consultants move between groups during the period and one leaves; B-FIRST gains a new hire.
`Roster` answers "who in group g could take a customer on day d" for the whole period at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from db.demo_calendar import Calendar

DEVELOPER = "华景置业"
PROJECTS = pd.DataFrame({
    "project_id": ["PA", "PB"], "name": ["云栖府", "滨江悦"], "phase": ["一期", None],
    "developer": [DEVELOPER, DEVELOPER],
})
# group_id, name, basis, project_id, phase, sort_order
GROUP_ROWS = [
    ("A-INIT", "初期接触组", "stage", "PA", "initial_contact", 1),
    ("A-FOLLOW", "跟进组", "stage", "PA", "follow_up", 2),
    ("A-CLOSE", "成交组", "stage", "PA", "closing", 3),
    ("B-FIRST", "刚需组", "customer_type", "PB", None, 4),
    ("B-UPGRADE", "改善组", "customer_type", "PB", None, 5),
]
GROUP_IDS = [row[0] for row in GROUP_ROWS]

# Who is who: (role, first group, role_in_group). The order fixes the staff ids S001 … S036.
LINEUP = (
    [("manager", None, None), ("analyst", "A-INIT", "analyst"), ("analyst", "B-FIRST", "analyst")]
    + [("leader", "A-INIT", "leader"), ("deputy", "A-INIT", "deputy")] + [("consultant", "A-INIT", "consultant")] * 6
    + [("leader", "A-FOLLOW", "leader"), ("deputy", "A-FOLLOW", "deputy")]
    + [("consultant", "A-FOLLOW", "consultant")] * 5
    + [("leader", "A-CLOSE", "leader"), ("deputy", "A-CLOSE", "deputy")] + [("consultant", "A-CLOSE", "consultant")] * 3
    + [("leader", "B-FIRST", "leader"), ("deputy", "B-FIRST", "deputy")] + [("consultant", "B-FIRST", "consultant")] * 6
    + [("leader", "B-UPGRADE", "leader")] + [("consultant", "B-UPGRADE", "consultant")] * 3
    + [("consultant", "B-FIRST", "consultant")]
)
# (staff id, new group, move date): valid_to of the old stint = valid_from of the new one.
MOVES = [("S018", "A-CLOSE", date(2025, 11, 3)), ("S011", "A-FOLLOW", date(2026, 3, 2)),
         ("S031", "B-UPGRADE", date(2026, 7, 1))]
LEAVER = ("S035", date(2026, 6, 20))
NEW_HIRE = ("S036", date(2026, 7, 13))
# How large a share of a group's new customers each role takes (leaders sell less).
PICK_WEIGHT = {"leader": 0.5, "deputy": 0.8, "consultant": 1.0, "analyst": 0.0}

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
                "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉萍红鹏飞辉建国文斌宇浩凯晨欣怡婷雪琳晶颖慧佳俊帆航博瑞琪"
             "梓涵子轩然睿思雨嘉诗悦欢志新海波宁晓丹阳林峰亮春秋云梅兰荣庆德成凤健昊泽语彤可心铭岚")


# Staff given names use their own characters, so no customer is ever named like a consultant: a
# privacy test that searches every output for customer names must not trip on staff names.
STAFF_GIVEN = list("远豪婉清东立永卫雅琴梦瑶坤振旭辰琦玮璐蕾薇鑫鸿翔毅岩舒蓓璇楠")


def chinese_names(rng: np.random.Generator, n: int, given: list[str] = GIVEN) -> np.ndarray:
    """n names: a surname (common ones likelier) and one or two given-name characters."""
    weights = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.7
    surname = np.array(SURNAMES)[rng.choice(len(SURNAMES), size=n, p=weights / weights.sum())]
    first = np.array(given)[rng.integers(0, len(given), size=n)]
    second = np.array(given)[rng.integers(0, len(given), size=n)]
    second = np.where(rng.random(n) < 0.65, second, "")
    return np.char.add(np.char.add(surname, first), second).astype(object)


def unique_names(rng: np.random.Generator, n: int) -> list[str]:
    """n distinct names, in draw order (staff must be told apart)."""
    names: list[str] = []
    while len(names) < n:
        for name in chinese_names(rng, 2 * n, STAFF_GIVEN):
            if name not in names and len(names) < n:
                names.append(str(name))
    return names


def staff_frame(rng: np.random.Generator) -> pd.DataFrame:
    ids = [f"S{i + 1:03d}" for i in range(len(LINEUP))]
    hired = date(2021, 3, 1).toordinal() + rng.integers(0, 1460, size=len(ids))
    hired_on = [date.fromordinal(int(day)) for day in hired]
    hired_on[ids.index(NEW_HIRE[0])] = NEW_HIRE[1]
    left_on = [LEAVER[1] if staff == LEAVER[0] else None for staff in ids]
    return pd.DataFrame({
        "staff_id": ids, "name": unique_names(rng, len(ids)), "role": [row[0] for row in LINEUP],
        "active": [day is None for day in left_on], "hired_on": hired_on, "left_on": left_on,
        "source_system": "demo",
    })


def membership_frame(staff: pd.DataFrame) -> pd.DataFrame:
    """One stint per person and group; movers get two, the leaver's stint ends on left_on."""
    rows = []
    moves = {staff_id: (group, day) for staff_id, group, day in MOVES}
    for (_, group, role_in_group), person in zip(LINEUP, staff.itertuples(), strict=True):
        if group is None:
            continue
        end = person.left_on
        if person.staff_id in moves:
            new_group, end = moves[person.staff_id]
            rows.append((person.staff_id, new_group, role_in_group, end, None))
        rows.append((person.staff_id, group, role_in_group, person.hired_on, end))
    frame = pd.DataFrame(rows, columns=["staff_id", "group_id", "role_in_group", "valid_from", "valid_to"])
    return frame.sort_values(["staff_id", "valid_from"], kind="stable").reset_index(drop=True)


def groups_frame() -> pd.DataFrame:
    return pd.DataFrame(GROUP_ROWS, columns=["group_id", "name", "basis", "project_id", "phase", "sort_order"])


@dataclass
class Roster:
    """Daily pick weights per group over the period, and each person's selling skill."""

    cal: Calendar
    staff_ids: np.ndarray
    memberships: pd.DataFrame
    skill: np.ndarray
    weights: dict[str, np.ndarray]   # group -> (n_days + 60, n_staff), 0 where not a member

    @classmethod
    def build(cls, rng: np.random.Generator, cal: Calendar, staff: pd.DataFrame,
              memberships: pd.DataFrame) -> Roster:
        ids = staff["staff_id"].to_numpy()
        skill = np.exp(rng.normal(0.0, 0.15, size=len(ids)))
        upgrade = memberships.loc[memberships["group_id"] == "B-UPGRADE", "staff_id"]
        noisy = np.isin(ids, upgrade.to_numpy())
        skill[noisy] = np.exp(rng.normal(0.0, 0.35, size=int(noisy.sum())))
        skill[ids == NEW_HIRE[0]] = 0.7
        days = cal.n_days + 60   # events may be planned past the as-of day before they are cut off
        weights = {group: np.zeros((days, len(ids))) for group in GROUP_IDS}
        column = {staff_id: i for i, staff_id in enumerate(ids)}
        for row in memberships.itertuples():
            first = max(cal.day_of(row.valid_from), 0)
            last = days if pd.isna(row.valid_to) else cal.day_of(row.valid_to)
            weights[row.group_id][first:last, column[row.staff_id]] = PICK_WEIGHT[row.role_in_group]
        return cls(cal, ids, memberships, skill, weights)

    def pick(self, rng: np.random.Generator, group: str, day: np.ndarray) -> np.ndarray:
        """Staff index for each day: a member of `group` that day, drawn by role weight."""
        cum = np.cumsum(self.weights[group][day], axis=1)
        u = rng.random(day.size) * cum[:, -1]
        return (cum < u[:, None]).sum(axis=1)

    def pick_by_group(self, rng: np.random.Generator, groups: np.ndarray, day: np.ndarray) -> np.ndarray:
        out = np.zeros(day.size, dtype=np.int64)
        for group in GROUP_IDS:
            mask = groups == group
            if mask.any():
                out[mask] = self.pick(rng, group, day[mask])
        return out

    def stint_ends(self) -> pd.DataFrame:
        """staff index, group, end day of every stint that ends inside the period."""
        ended = self.memberships.dropna(subset=["valid_to"])
        index = {staff_id: i for i, staff_id in enumerate(self.staff_ids)}
        return pd.DataFrame({
            "staff": ended["staff_id"].map(index).to_numpy(dtype=np.int64),
            "group": ended["group_id"].to_numpy(),
            "end_day": [self.cal.day_of(day) for day in ended["valid_to"]],
        })

    def group_at(self, staff: np.ndarray, day: np.ndarray) -> np.ndarray:
        """The group each staff index sells for on each day (None: none that day)."""
        out = np.full(staff.size, None, dtype=object)
        for group in GROUP_IDS:
            out[self.weights[group][day, staff] > 0] = group
        return out
