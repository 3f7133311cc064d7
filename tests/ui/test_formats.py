"""Number formats (ui/formats.py): every figure a page shows goes through these."""

from __future__ import annotations

import pytest

from ui import formats
from ui.i18n import listed


@pytest.mark.parametrize(("value", "zh", "en"), [
    (2_345_000, "234.5 万元", "¥2.35M"),              # below 1,000 万: one decimal of 万
    (9_999_400, "999.9 万元", "¥10.00M"),
    (70_566_000, "7,057 万元", "¥70.57M"),            # from 1,000 万: whole 万 (fits a KPI card)
    (-12_340_000, "-1,234 万元", "¥-12.34M"),
    (657_000_000, "6.57 亿元", "¥657.00M"),           # from 1 亿: 亿元, two decimals
    (float("nan"), "—", "—"),
])
def test_money_reads_in_the_units_of_the_language(value, zh, en):
    assert formats.money(value, "zh") == zh and formats.money(value, "en") == en


def test_counts_and_percentages():
    assert formats.count(3142) == "3,142" and formats.count(None) == "—"
    assert formats.percent(0.1234) == "12.3%"


def test_names_are_listed_the_way_each_language_lists_them():
    assert listed(["刚需组", "改善组", "成交组"], "zh") == "刚需组、改善组、成交组"
    assert listed(("刚需组", "改善组"), "en") == "刚需组, 改善组"
    assert listed([], "zh") == ""
