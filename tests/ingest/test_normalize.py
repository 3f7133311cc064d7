"""Dates and amounts: examples of every supported style, and round trips found by hypothesis."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalize import infer_date_rule, parse_amounts, parse_dates


@pytest.mark.parametrize(("text", "expected"), [
    ("2025/3/1", datetime(2025, 3, 1)),
    ("2025-03-01 09:30", datetime(2025, 3, 1, 9, 30)),
    ("2025-03-01T09:30:00+08:00", datetime(2025, 3, 1, 9, 30)),     # wall clock: the offset is dropped
    ("2025年3月1日", datetime(2025, 3, 1)),
    ("2025年3月1日 14:05", datetime(2025, 3, 1, 14, 5)),
    ("15 Apr, 2021 00:02:00", datetime(2021, 4, 15)),                 # Zoho Analytics: date only
    ("Mar 1, 2025", datetime(2025, 3, 1)),
    ("1-Mar-25", datetime(2025, 3, 1)),
    ("45717", datetime(2025, 3, 1)),                                  # Excel serial: 1899-12-30 + 45717 days
    ("1740790800000", datetime(2025, 3, 1, 9, 0)),                    # epoch ms 01:00 UTC = 09:00 in UTC+8
])
def test_each_supported_date_style_parses(text, expected):
    assert parse_dates([text]) == [expected]


def test_slashed_dates_are_day_first_when_a_first_part_exceeds_twelve():
    # Melbourne writes d/mm/yyyy: 27/05/2017 settles the whole column, so 3/12/2016 is 3 December.
    assert parse_dates(["3/12/2016", "27/05/2017"]) == [datetime(2016, 12, 3), datetime(2017, 5, 27)]


def test_slashed_dates_are_month_first_when_a_second_part_exceeds_twelve():
    assert parse_dates(["03/01/2025", "03/13/2025"]) == [datetime(2025, 3, 1), datetime(2025, 3, 13)]


def test_ambiguous_slashed_dates_follow_the_source_convention():
    assert parse_dates(["03/01/2025"], us_dates=True) == [datetime(2025, 3, 1)]
    assert parse_dates(["03/01/2025"], us_dates=False) == [datetime(2025, 1, 3)]
    assert infer_date_rule(["03/01/2025"], us_dates=True).dayfirst is False


def test_twelve_hour_times_with_am_pm():
    assert parse_dates(["03/01/2025 09:30 PM"], us_dates=True) == [datetime(2025, 3, 1, 21, 30)]


def test_unreadable_and_empty_dates_are_none():
    assert parse_dates(["2025/13/45", "not a date", None]) == [None, None, None]


@pytest.mark.parametrize(("text", "expected"), [
    ("1,200,000.00", 1_200_000.0),
    ("¥1,200,000", 1_200_000.0),
    ("120万", 1_200_000.0),
    ("120万元", 1_200_000.0),
    ("$342.09K", 342_090.0),
    ("1.2亿", 120_000_000.0),
    ("(1,200)", -1_200.0),
    ("1.200,50", 1_200.5),            # European separators
    ("１２０万", 1_200_000.0),          # full-width digits
    ("USD 1,200", 1_200.0),
    ("85%", 0.85),
])
def test_each_supported_amount_style_parses(text, expected):
    assert parse_amounts([text]) == [pytest.approx(expected)]


def test_unreadable_and_empty_amounts_are_none():
    assert parse_amounts(["一百万", "abc", None]) == [None, None, None]


# ---------------------------------------------------------------- property-based round trips

EPOCH = datetime(1970, 1, 1)
DATE_STYLES = {
    "iso": lambda d: (d.isoformat(), False),
    "iso with time": lambda d: (f"{d.isoformat()} 09:30", False),
    "y/m/d unpadded": lambda d: (f"{d.year}/{d.month}/{d.day}", False),
    "chinese": lambda d: (f"{d.year}年{d.month}月{d.day}日", False),
    "us month first": lambda d: (d.strftime("%m/%d/%Y"), True),
    "day first": lambda d: (f"{d.day}/{d:%m}/{d.year}", False),
    "zoho analytics": lambda d: (f"{d:%d %b, %Y} 00:{d.month:02d}:00", True),
    "mon d, y": lambda d: (f"{d:%b} {d.day}, {d.year}", True),
    "d mon y": lambda d: (f"{d.day} {d:%b} {d.year}", False),
    "excel serial": lambda d: (str((d - date(1899, 12, 30)).days), False),
    "epoch ms at local midnight": lambda d: (
        str(int((datetime.combine(d, datetime.min.time()) - timedelta(hours=8) - EPOCH).total_seconds() * 1000)), False),
}


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
       style=st.sampled_from(sorted(DATE_STYLES)))
def test_a_date_written_in_a_supported_style_parses_back_to_the_same_day(day, style):
    text, us_dates = DATE_STYLES[style](day)
    parsed = parse_dates([text], us_dates=us_dates)[0]
    assert parsed is not None and parsed.date() == day, (style, text, parsed)


@settings(max_examples=40, deadline=None)
@given(days=st.lists(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), min_size=1, max_size=8))
def test_a_day_first_column_with_one_unambiguous_value_parses_every_value(days):
    texts = [f"{d.day}/{d:%m}/{d.year}" for d in days] + ["25/12/2030"]
    assert [p.date() for p in parse_dates(texts)] == [*days, date(2030, 12, 25)]


AMOUNT_STYLES = {
    "plain": lambda v: (f"{v:.2f}", v),
    "thousands": lambda v: (f"{v:,.2f}", v),
    "yuan sign": lambda v: (f"¥{v:,.2f}", v),
    "dollar sign": lambda v: (f"${v:,.2f}", v),
    "wan": lambda v: (f"{v / Decimal(10000)}万", v),
    "yi": lambda v: (f"{v / Decimal(10 ** 8)}亿", v),
    "dollar k": lambda v: (f"${v / Decimal(1000)}K", v),
    "negative in brackets": lambda v: (f"({v:,.2f})", -v),
}


@settings(max_examples=60, deadline=None)
@given(cents=st.integers(min_value=0, max_value=10 ** 11), style=st.sampled_from(sorted(AMOUNT_STYLES)))
def test_an_amount_written_in_a_supported_style_parses_back_to_the_same_value(cents, style):
    value = Decimal(cents) / 100
    text, expected = AMOUNT_STYLES[style](value)
    assert parse_amounts([text]) == [pytest.approx(float(expected), rel=1e-12, abs=1e-9)], text
