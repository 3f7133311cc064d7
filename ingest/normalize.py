"""Dates and amounts from export text, as SQL over whole columns (DuckDB), plus Python wrappers.

Dates. Each column gets a `DateRule` inferred from a sample of its distinct values, then one SQL
expression parses the whole column. Understood:
  2025-03-01, 2025-03-01 09:30[:00], ISO with T/Z/offset (the offset is dropped: wall clock)
  2025/3/1, 2025.3.1 [time]          2025年3月1日 [time]
  03/01/2025 [time | 9:30 PM]         1/03/2025 (slashes, dots or dashes; 2- or 4-digit year)
  15 Apr, 2021 00:02:00 → date only   (Zoho Analytics writes junk times 00:MM:00)
  1 Mar 2025, 1-Mar-25, Mar 1, 2025   Excel serial days (20000-80000), epoch s / ms
Day-first or month-first for slashed dates is decided per column: a first part above 12 means
day-first, a second part above 12 month-first; when every value is ambiguous the source decides
(`us_dates`: Zoho, Salesforce, HubSpot write month first; everything else day first).
Epoch values are UTC instants, shifted to wall-clock time by `utc_offset_hours` (default 8,
China Standard Time; timestamps in the database are the 案场's local time).

Amounts: thousands separators, currency signs/codes (¥ ￥ 元 RMB CNY $ US$ USD HK$ € £ …), the
suffixes K/千 (×1e3), 万/W (×1e4), M/百万 (×1e6), 亿 (×1e8), B (×1e9), full-width digits,
`(1,200)` as negative, and the European `1.200,50`, and `85%` as 0.85. A currency named in the text is reported by
`currency_sql` ($ alone is taken as USD).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb

NULL_WORDS = ("-", "--", "—", "n/a", "na", "null", "none", "nan", "#n/a", "无", "/")

_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$")
_YMD = re.compile(r"^\d{4}[/.]\d{1,2}[/.]\d{1,2}")
_CN = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日")
_SLASH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_ZOHO_ANALYTICS = re.compile(r"^\d{1,2} [A-Za-z]{3}, \d{4} \d{2}:\d{2}:\d{2}$")
_D_MON_Y = re.compile(r"^\d{1,2}[ -][A-Za-z]{3,9},?[ -]\d{2,4}")
_MON_D_Y = re.compile(r"^[A-Za-z]{3,9}\.? \d{1,2},? \d{4}")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_EPOCH_MS = re.compile(r"^\d{12,13}$")
_EPOCH_S = re.compile(r"^\d{9,10}$")

# Two-digit years come first: "%Y" would read "25" as the year 25, while "%y" rejects "2025".
_TIMES = ("%H:%M:%S", "%H:%M", "%I:%M %p", "%I:%M:%S %p", "%H:%M:%S.%f")
_FORMATS = {
    "ymd": [f"%Y{sep}%m{sep}%d{t}" for sep in "/." for t in (*(" " + x for x in _TIMES), "")],
    "cn": [f"%Y年%m月%d日{t}" for t in (" %H:%M:%S", " %H:%M", "%H:%M", "")],
    "mdy": [f"%m{sep}%d{sep}{y}{t}" for sep in "/-." for y in ("%y", "%Y")
            for t in (*(" " + x for x in _TIMES), "")],
    "dmy": [f"%d{sep}%m{sep}{y}{t}" for sep in "/-." for y in ("%y", "%Y")
            for t in (*(" " + x for x in _TIMES), "")],
    "d_mon_y": ["%d %b, %Y", "%d %b %Y", "%d-%b-%y", "%d-%b-%Y", "%d %B %Y", "%d %B, %Y",
                "%d %b %Y %H:%M", "%d %b %Y %H:%M:%S", "%d-%b-%Y %H:%M"],
    "mon_d_y": ["%b %d, %Y", "%b %d %Y", "%B %d, %Y", "%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M",
                "%B %d, %Y %I:%M %p", "%b %d, %Y %H:%M:%S"],
}


@dataclass(frozen=True)
class DateRule:
    """Which date families a column uses; `dayfirst` settles slashed dates for the whole column."""

    families: frozenset[str]
    dayfirst: bool

    @property
    def description(self) -> str:
        order = "day-first" if self.dayfirst else "month-first"
        return ", ".join(sorted(self.families)) + (f" ({order})" if "slash" in self.families else "")


def date_families(value: str) -> set[str]:
    """The families a single text could belong to (empty: not a date we understand)."""
    text = value.strip()
    found = set()
    for name, pattern in (("iso", _ISO), ("ymd", _YMD), ("cn", _CN), ("zoho_analytics", _ZOHO_ANALYTICS),
                          ("d_mon_y", _D_MON_Y), ("mon_d_y", _MON_D_Y), ("epoch_ms", _EPOCH_MS),
                          ("epoch_s", _EPOCH_S)):
        if pattern.match(text):
            found.add(name)
    if _SLASH.match(text):
        found.add("slash")
    if _SERIAL.match(text) and 20000 <= float(text) <= 80000:
        found.add("serial")
    return found


def infer_date_rule(samples: Iterable[str], us_dates: bool = False) -> DateRule:
    """The rule for a column from (a sample of) its distinct values; see the module docstring."""
    families: set[str] = set()
    day_first_votes = month_first_votes = 0
    for value in samples:
        if value is None:
            continue
        found = date_families(value)
        families |= found
        match = _SLASH.match(value.strip()) if "slash" in found else None
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            day_first_votes += first > 12
            month_first_votes += second > 12
    dayfirst = day_first_votes >= month_first_votes if day_first_votes or month_first_votes else not us_dates
    return DateRule(frozenset(families), dayfirst)


def date_sql(expr: str, rule: DateRule, utc_offset_hours: float = 8) -> str:
    """SQL turning text `expr` into a TIMESTAMP (NULL when empty or unreadable)."""
    v = f"trim({expr})"
    parts = [f"TRY_CAST({v} AS TIMESTAMP)"]
    if "zoho_analytics" in rule.families:
        parts.insert(0, f"CAST(CAST(try_strptime({v}, '%d %b, %Y %H:%M:%S') AS DATE) AS TIMESTAMP)")
    formats = strptime_formats(rule)
    if formats:
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in formats)
        parts.append(f"try_strptime({v}, [{listed}])")
    shift = f"INTERVAL ({float(utc_offset_hours)} * 3600) SECOND"
    if "serial" in rule.families:
        parts.append(f"""CASE WHEN regexp_full_match({v}, '\\d{{5}}(\\.\\d+)?')
            AND TRY_CAST({v} AS DOUBLE) BETWEEN 20000 AND 80000
            THEN TIMESTAMP '1899-12-30' + to_microseconds(CAST(round(TRY_CAST({v} AS DOUBLE) * 86400) * 1000000 AS BIGINT))
            END""")
    if "epoch_ms" in rule.families:
        parts.append(f"CASE WHEN regexp_full_match({v}, '\\d{{12,13}}') THEN "
                     f"CAST(epoch_ms(TRY_CAST({v} AS BIGINT)) AS TIMESTAMP) + {shift} END")
    if "epoch_s" in rule.families:
        parts.append(f"CASE WHEN regexp_full_match({v}, '\\d{{9,10}}') THEN "
                     f"CAST(epoch_ms(TRY_CAST({v} AS BIGINT) * 1000) AS TIMESTAMP) + {shift} END")
    return "coalesce(" + ", ".join(parts) + ")"


# strptime directives as regular expressions (for the shape guard of fast_date_sql).
_DIRECTIVE_RE = {"Y": r"\d{4}", "y": r"\d{2}", "m": r"\d{1,2}", "d": r"\d{1,2}", "H": r"\d{1,2}",
                 "I": r"\d{1,2}", "M": r"\d{1,2}", "S": r"\d{1,2}", "f": r"\d{1,6}", "p": "[AaPp][Mm]",
                 "b": "[A-Za-z]{3}", "B": "[A-Za-z]{3,9}", "%": "%"}
# Families whose SQL runs before the strptime list (their values must not take a fast path).
_BEFORE_STRPTIME = frozenset({"zoho_analytics"})
FAST_PATH_MIN_SHARE = 0.5


def _format_regex(fmt: str) -> str | None:
    """A regular expression matching the texts shaped like `fmt` (None: a directive we do not map)."""
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] == "%":
            pattern = _DIRECTIVE_RE.get(fmt[i + 1:i + 2])
            if pattern is None:
                return None
            out.append(pattern)
            i += 2
        else:
            out.append(re.escape(fmt[i]))
            i += 1
    return "".join(out)


def strptime_formats(rule: DateRule) -> list[str]:
    """The strptime formats `date_sql` tries for this rule, in its order."""
    formats: list[str] = []
    for family in ("ymd", "cn", "d_mon_y", "mon_d_y"):
        if family in rule.families:
            formats += _FORMATS[family]
    if "slash" in rule.families:
        formats += _FORMATS["dmy" if rule.dayfirst else "mdy"]
    return formats


def fast_date_sql(expr: str, samples: Sequence[str], rule: DateRule, utc_offset_hours: float = 8,
                  con: duckdb.DuckDBPyConnection | None = None) -> str:
    """`date_sql(expr, rule)` with a fast path for the column's dominant format; same results.

    try_strptime over a list of formats costs ~5 s per million values when the match is tenth in
    the list (each failed format is expensive); one format costs 0.06 s. The dominant format is
    the one that reads most sample values first (as date_sql would); values shaped like it (a
    regular expression of its directives) are read with it alone, everything else, and any
    shaped value it cannot read, goes through date_sql. The fast path is kept only when it gives
    date_sql's answer for every sample value; without a format that reads at least half of the
    sample, this is date_sql itself.
    """
    full = date_sql(expr, rule, utc_offset_hours)
    formats = strptime_formats(rule)
    values = [s for s in samples if s]
    if not formats or not values or rule.families & _BEFORE_STRPTIME:
        return full
    # The position of the first format that reads each value: a CASE stops at the first hit,
    # where a list of every format's result would try all ~36 formats on every value.
    first = " ".join(f"WHEN try_strptime(trim(x), '{f.replace(chr(39), chr(39) * 2)}') IS NOT NULL THEN {i}"
                     for i, f in enumerate(formats, start=1))
    firsts = _evaluate_texts(f"CASE WHEN TRY_CAST(trim(x) AS TIMESTAMP) IS NULL THEN CASE {first} END END", values, con)
    counts: dict[int, int] = {}
    for position in firsts:
        if position:
            counts[position] = counts.get(position, 0) + 1
    if not counts:
        return full
    position, hits = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
    fmt = formats[position - 1]
    shape = _format_regex(fmt)
    if hits < FAST_PATH_MIN_SHARE * len(values) or shape is None:
        return full

    def fast(x: str) -> str:
        quoted_fmt = fmt.replace("'", "''")
        return (f"CASE WHEN regexp_full_match(trim({x}), '{shape}') "
                f"THEN coalesce(try_strptime(trim({x}), '{quoted_fmt}'), {date_sql(x, rule, utc_offset_hours)}) "
                f"ELSE {date_sql(x, rule, utc_offset_hours)} END")

    same = _evaluate_texts(f"({fast('x')}) IS NOT DISTINCT FROM ({date_sql('x', rule, utc_offset_hours)})", values,
                           con)
    return fast(expr) if all(same) else full


def _evaluate_texts(expr_of: str, values: Sequence[str | None],
                    con: duckdb.DuckDBPyConnection | None = None) -> list:
    """`expr_of` (over column x) for each text, in order, on `con` (else a scratch database).

    The texts go in as one list parameter (parse_dates and parse_amounts used to insert them
    row by row with executemany, ~1 ms per row)."""
    if not values:
        return []
    cursor = con.cursor() if con is not None else duckdb.connect(":memory:")
    try:
        return [row[0] for row in cursor.execute(
            f"SELECT {expr_of} FROM (SELECT unnest($v::VARCHAR[]) AS x, generate_subscripts($v::VARCHAR[], 1) AS pos) "
            "ORDER BY pos", {"v": list(values)}).fetchall()]
    finally:
        cursor.close()


_SUFFIXES = (("百万", 1e6), ("亿", 1e8), ("万", 1e4), ("千", 1e3), ("w", 1e4), ("k", 1e3), ("m", 1e6),
             ("b", 1e9), ("%", 0.01))
_STRIP = r"rmb|cny|usd|us\$|hk\$|hkd|eur|gbp|jpy|aud|mxn|cop|pen|元|人民币|美元|港币|[\s¥￥$€£]"
_EUROPEAN = r"-?\d{1,3}(\.\d{3})+,\d{1,2}|-?\d+,\d{1,2}"


def amount_text_sql(expr: str) -> str:
    """SQL, step 1 of 2: lower-case amount text without currency words, signs and spaces.

    One regular expression per value; step 2 (`amount_value_sql`) uses cheap string functions
    on a column holding this text, so the importer computes this once per row.
    """
    text = f"translate(lower(trim({expr})), '０１２３４５６７８９．，－', '0123456789.,-')"
    return f"regexp_replace({text}, '{_STRIP}', '', 'g')"


# Amounts written as a plain number, with thousands groups and a leading ¥/$ at most: the common
# case, read without amount_text_sql's regular-expression replace (same value, ~5x cheaper).
PLAIN_AMOUNT = r"[$¥￥]?-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"


def plain_amount_shape_sql(expr: str) -> str:
    """SQL: whether text `expr` is a plain amount (see PLAIN_AMOUNT)."""
    return f"regexp_full_match({expr}, '{PLAIN_AMOUNT}')"


def plain_amount_value_sql(expr: str) -> str:
    """SQL: the DOUBLE of a plain amount; equals amount_value_sql(amount_text_sql(expr)) there.

    Thousands groups of exactly three digits never read as a European decimal comma, so
    dropping the commas and the sign is all amount_text_sql and amount_value_sql would do.
    """
    return f"TRY_CAST(translate({expr}, '$¥￥,', '') AS DOUBLE)"


def amount_value_sql(column: str) -> str:
    """SQL, step 2 of 2: the DOUBLE of a column of `amount_text_sql` text (NULL when unreadable)."""
    negative = f"(starts_with({column}, '(') AND ends_with({column}, ')'))"
    core = f"CASE WHEN {negative} THEN substr({column}, 2, length({column}) - 2) ELSE {column} END"
    cut = f"CASE WHEN right({core}, 2) = '百万' THEN 2 WHEN right({core}, 1) IN ({', '.join(repr(w) for w, _ in _SUFFIXES if len(w) == 1)}) THEN 1 ELSE 0 END"
    factor = (f"CASE WHEN right({core}, 2) = '百万' THEN 1e6 "
              + " ".join(f"WHEN right({core}, 1) = '{w}' THEN {f}" for w, f in _SUFFIXES if len(w) == 1)
              + " ELSE 1 END")
    body = f"left({core}, length({core}) - ({cut}))"
    number = (f"CASE WHEN contains({body}, ',') AND regexp_full_match({body}, '{_EUROPEAN}') "
              f"THEN replace(replace({body}, '.', ''), ',', '.') ELSE replace({body}, ',', '') END")
    return f"(TRY_CAST({number} AS DOUBLE) * ({factor}) * CASE WHEN {negative} THEN -1 ELSE 1 END)"


def amount_sql(expr: str) -> str:
    """SQL turning text `expr` into a DOUBLE (NULL when empty or unreadable); see the docstring."""
    return f"(SELECT {amount_value_sql('a')} FROM (SELECT {amount_text_sql(expr)} AS a))"


def null_words_sql(expr: str) -> str:
    """SQL: NULL for the placeholder texts exports use for "no value" (-, N/A, 无 …)."""
    listed = ", ".join(f"'{w}'" for w in NULL_WORDS)
    return f"CASE WHEN lower(trim({expr})) IN ({listed}) THEN NULL ELSE {expr} END"


def null_words_trimmed_sql(expr: str) -> str:
    """null_words_sql for text already trimmed of spaces (`trim(x, ' ')`): same result, cheaper.

    Every placeholder is at most 4 bytes, so a longer text can only be one when trim() would
    shorten it: when it starts or ends with a character trim() removes besides the space
    (NBSP and other non-ASCII blanks). Only such texts pay for lower(trim()).
    """
    listed = ", ".join(f"'{w}'" for w in NULL_WORDS)
    guard = f"(strlen({expr}) <= 4 OR ascii({expr}) > 127 OR ascii(right({expr}, 1)) > 127)"
    return f"CASE WHEN {guard} AND lower(trim({expr})) IN ({listed}) THEN NULL ELSE {expr} END"


def currency_sql(expr: str) -> str:
    """SQL: the ISO currency an amount text names (¥/元/RMB → CNY, $ → USD …), else NULL.

    Plain numbers (the common case) are passed over with one cheap test.
    """
    t = f"lower({expr})"
    cases = (("(hk\\$|hkd|港币)", "HKD"), ("(¥|￥|元|rmb|cny|人民币)", "CNY"), ("(us\\$|usd|美元)", "USD"),
             ("(€|eur)", "EUR"), ("(£|gbp)", "GBP"), ("(mxn)", "MXN"), ("(cop)", "COP"), ("(pen)", "PEN"),
             ("(aud|a\\$)", "AUD"), ("(jpy)", "JPY"), ("\\$", "USD"))
    named = "CASE " + " ".join(f"WHEN regexp_matches({t}, '{p}') THEN '{c}'" for p, c in cases) + " END"
    # $1,200.00 and ¥1,200 alone would reach their pattern last but one or two: answer them first
    signs = (f"WHEN starts_with({expr}, '$') AND regexp_full_match({expr}, '\\$[0-9.,]+') THEN 'USD' "
             f"WHEN regexp_full_match({expr}, '[¥￥][0-9.,]+') THEN 'CNY'")
    return f"CASE WHEN regexp_full_match({expr}, '[0-9.,()% -]*') THEN NULL {signs} ELSE {named} END"


def currency_code_sql(expr: str) -> str:
    """SQL: a currency column's value as an ISO code (人民币 → CNY, us dollar → USD, else upper)."""
    t = f"upper(trim({expr}))"
    return (f"CASE WHEN {t} IN ('人民币', 'RMB', '元', '¥', '￥') THEN 'CNY' WHEN {t} IN ('美元', '$', 'US$') THEN 'USD' "
            f"WHEN {t} IN ('港币', '港元') THEN 'HKD' WHEN {t} = '' THEN NULL ELSE {t} END")


def parse_dates(values: Sequence[str | None], us_dates: bool = False,
                utc_offset_hours: float = 8) -> list[datetime | None]:
    """Parse texts as one column (the same SQL the importer runs); None where unreadable."""
    rule = infer_date_rule([v for v in values if v], us_dates)
    return _evaluate_texts(date_sql("x", rule, utc_offset_hours), values)


def parse_amounts(values: Sequence[str | None]) -> list[float | None]:
    """Parse texts as amounts (the same SQL the importer runs); None where unreadable."""
    return _evaluate_texts(amount_sql("x"), values)


_MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月", "%Y%m", "%b %Y", "%B %Y", "%b-%y", "%m/%Y")


def month_sql(expr: str, rule: DateRule) -> str:
    """SQL: the first day of the month a text names (2025-03, 2025年3月, Mar 2025, or any date)."""
    listed = ", ".join(f"'{f}'" for f in _MONTH_FORMATS)
    day = f"coalesce({date_sql(expr, rule)}, try_strptime(trim({expr}), [{listed}]))"
    return f"CAST(date_trunc('month', {day}) AS DATE)"
