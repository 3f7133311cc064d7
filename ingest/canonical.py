"""From raw text rows to typed canonical rows, with a reason for every row that cannot be read.

`build_canonical` turns the raw temp table into `_canon` (one row per file row: typed fields,
`_line`, `_reason` NULL when the row is fine) and `_valid` (the fine rows, one per record id, the
last occurrence in the file winning). All work is SQL over whole columns.

Rules:
- A mapped value that is present but unreadable (a date no format fits, an amount that is not
  a number) rejects the row, naming the column and the value. Placeholders such as "-", "N/A"
  and "无" count as empty.
- Ids: list-valued cells (`["1000"]`, Fxiaoke API) give their first element; the null ids `0`
  and `000000000000000AAA` are empty; Zoho's `zcrm_` prefix is dropped.
- A file without a record-id column gets ids from the fields that identify a record (deals:
  name, customer, created date; customers: name, phone, created date; activities: who, when,
  what), `row:<hash>`, with `#2`, `#3` … for repeats: the same export imported again finds the
  same records. A mapped record-id column that is empty on a row rejects that row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb

from ingest.columns import (
    AMOUNT_FIELDS,
    DATE_FIELDS,
    ENTITY_FIELDS,
    ID_FIELDS,
    metric_of_header,
    stage_date_columns,
)
from ingest.detect import Detection
from ingest.normalize import (
    DateRule,
    amount_text_sql,
    amount_value_sql,
    currency_code_sql,
    currency_sql,
    fast_date_sql,
    infer_date_rule,
    month_sql,
    null_words_trimmed_sql,
    plain_amount_shape_sql,
    plain_amount_value_sql,
)
from ingest.readers import RawTable

BOOLEAN_FIELDS = frozenset({"is_won", "is_closed"})
_NAME_FIELDS = frozenset({"owner_name", "creator_name", "department"})
_IDENTITY = {
    "deals": ("name", "customer_ref", "customer_name", "lead_ref", "created_at"),
    "leads": ("name", "first_name", "last_name", "phone", "created_at"),
    "customers": ("name", "first_name", "last_name", "phone", "created_at"),
    "activities": ("owner_id", "owner_name", "occurred_at", "created_at", "kind", "note", "deal_ref",
                   "customer_ref", "lead_ref"),
}
_REQUIRED_VALUES = {
    "activities": (("occurred_at", "created_at"),),
    "stage_history": (("deal_ref",), ("stage",), ("entered_at",)),
    "roster": (("person_id", "person_name"), ("group",)),
    "targets": (("month",), ("group", "person", "project")),
}
_LATEST = {
    "deals": ("created_at", "won_at", "lost_at", "stage_changed_at"),
    "activities": ("occurred_at",), "stage_history": ("entered_at",),
    "leads": ("created_at",), "customers": ("created_at",),
}
_BLANKS = "' '"  # trim(x, ' ') = trim(x); tabs and NBSP around values are rare and cost 3x


@dataclass
class Canonical:
    """What build_canonical made: `_valid` rows, rejects, duplicates and facts for the summary."""

    rows: int
    rejects: list[tuple[int, str, str | None]] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)
    latest: date | None = None
    date_rules: dict[str, DateRule] = field(default_factory=dict)
    stage_dates: dict[str, str] = field(default_factory=dict)        # _se_i → stage label
    metric_columns: dict[str, tuple[str, float, str]] = field(default_factory=dict)  # _mv_i → metric, factor, header
    synthesized_ids: bool = False


class _Builder:
    """Builds the three SQL layers of `_canon` and the reasons' (named) parameters.

    Layer 1 cleans each raw column once (`t_i`: trimmed text), layer 1b sets placeholders to
    NULL (`n_i`, from `t_i`), then amount columns get their one regular expression (`a_i`) unless
    the text is a plain number (`s_i`); layer 2 parses the fields from those; layer 3 adds the
    record id and the reasons.
    Layering keeps each cleaning and parsing computed once per row.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, raw: RawTable, det: Detection, utc_offset: float):
        self.con, self.raw, self.det, self.utc_offset = con, raw, det, utc_offset
        self.column_of = dict(zip(raw.headers, raw.columns, strict=True))
        self.texts: dict[str, str] = {}
        self.nulls: dict[str, str] = {}
        self.shapes: dict[str, str] = {}
        self.prepared: dict[str, str] = {}
        self.fields: list[tuple[str, str]] = []
        self.reasons: list[str] = []
        self.params: dict[str, str] = {}
        self.rules: dict[str, DateRule] = {}

    def label(self, text: str) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = text
        return f"${name}"

    def t(self, header: str) -> str:
        """Layer-1 alias of a column's trimmed text (NULL when empty)."""
        alias = "t_" + self.column_of[header][1:]
        column = self.column_of[header]
        # trim() copies every value; most values have no blanks around them (-0.9 s per 12 x 1M)
        self.texts[alias] = (f"nullif(CASE WHEN starts_with({column}, {_BLANKS}) OR ends_with({column}, {_BLANKS}) "
                             f"THEN trim({column}, {_BLANKS}) ELSE {column} END, '')")
        return alias

    def n(self, header: str) -> str:
        """Layer-1b alias of a column's text with placeholders (-, N/A, 无 …) as NULL."""
        alias = "n_" + self.column_of[header][1:]
        self.nulls[alias] = null_words_trimmed_sql(self.t(header))
        return alias

    def field(self, expr: str, alias: str) -> None:
        self.fields.append((expr, alias))

    def value(self, name: str) -> str:
        """SQL of a mapped field's cleaned text (NULL when unmapped)."""
        header = self.det.mapping.get(name)
        if header is None:
            return "CAST(NULL AS VARCHAR)"
        value = self.t(header)
        if name in ID_FIELDS or name in _NAME_FIELDS:
            first = f"""trim(regexp_replace({value}, '^\\[\\s*["'']?([^"'',\\]]*)["'']?.*\\]$', '\\1'))"""
            value = f"CASE WHEN starts_with({value}, '[') THEN {first} ELSE {value} END"
        if name in ID_FIELDS:
            if self.det.source_system == "zoho":
                value = f"CASE WHEN starts_with({value}, 'zcrm_') THEN substr({value}, 6) ELSE {value} END"
            value = f"nullif(nullif(nullif({value}, '0'), '000000000000000AAA'), '')"
        return value

    def date_field(self, name: str, header: str, alias: str, month: bool = False) -> None:
        text = self.n(header)
        # The rule comes from the distinct values of the first 100,000 filled cells (enough to
        # meet a day above 12 in any real column) so that a big file is not scanned for it.
        sample = self.con.execute(
            f"SELECT DISTINCT {self.nulls[text].replace(self.t(header), self.texts[self.t(header)])} "
            f"FROM (SELECT {self.column_of[header]} FROM {self.raw.base} "
            f"WHERE {self.column_of[header]} IS NOT NULL LIMIT 100000) LIMIT 5000").fetchall()
        values = [s for (s,) in sample if s]
        rule = infer_date_rule(values, self.det.us_dates)
        self.rules[name] = rule
        self.field(month_sql(text, rule) if month else fast_date_sql(text, values, rule, self.utc_offset, self.con), alias)
        what = "a month" if month else "a date"
        self.reasons.append(f"CASE WHEN {text} IS NOT NULL AND {alias} IS NULL THEN "
                            f"{self.label(header)} || ': \"' || left({text}, 60) || '\" is not {what}' END")

    def amount_field(self, header: str, alias: str, factor: float = 1.0) -> None:
        text = self.n(header)
        prepared, plain = "a_" + self.column_of[header][1:], "s_" + self.column_of[header][1:]
        self.shapes[plain] = plain_amount_shape_sql(text)
        self.prepared[prepared] = f"CASE WHEN {plain} THEN NULL ELSE {amount_text_sql(text)} END"
        self.field(f"CASE WHEN {plain} THEN {plain_amount_value_sql(text)} ELSE {amount_value_sql(prepared)} END"
                   f" * {float(factor)}", alias)
        self.reasons.append(f"CASE WHEN {text} IS NOT NULL AND {alias} IS NULL THEN "
                            f"{self.label(header)} || ': \"' || left({text}, 60) || '\" is not an amount' END")

    def sql(self, record_id: str) -> str:
        layer1 = "".join(f", {expr} AS {alias}" for alias, expr in self.texts.items())
        nulls = "".join(f", {expr} AS {alias}" for alias, expr in self.nulls.items())
        shapes = "".join(f", {expr} AS {alias}" for alias, expr in self.shapes.items())
        prepared = "".join(f", {expr} AS {alias}" for alias, expr in self.prepared.items())
        layer2 = ", ".join(f'{expr} AS "{alias}"' for expr, alias in self.fields)
        names = ", ".join(f'"{alias}"' for _, alias in self.fields)
        return f"""
            SELECT _line, {record_id} AS _record_id, {names},
                   nullif(concat_ws('; ', {', '.join(self.reasons) or "NULL"}), '') AS _reason
            FROM (SELECT *, {layer2} FROM (SELECT *{prepared} FROM (SELECT *{shapes} FROM (SELECT *{nulls} FROM (
                SELECT _line{layer1} FROM {self.raw.table})))))"""


def build_canonical(con: duckdb.DuckDBPyConnection, raw: RawTable, det: Detection, *,
                    utc_offset_hours: float = 8.0, today: date | None = None) -> Canonical:
    """Create `_canon` and `_valid` from the raw table; see the module docstring."""
    b = _Builder(con, raw, det, utc_offset_hours)
    entity = det.entity
    result = Canonical(rows=0)
    for name in ENTITY_FIELDS[entity]:
        header = det.mapping.get(name)
        if name in DATE_FIELDS or (entity == "targets" and name == "month"):
            if header is None:
                b.field(f"CAST(NULL AS {'DATE' if name == 'month' else 'TIMESTAMP'})", name)
            else:
                b.date_field(name, header, name, month=(name == "month"))
        elif name in AMOUNT_FIELDS:
            if header is None:
                b.field("CAST(NULL AS DOUBLE)", name)
            else:
                b.amount_field(header, name)
        elif name in BOOLEAN_FIELDS:
            v = f"lower({b.value(name)})"
            b.field(f"CASE WHEN {v} IN ('1', 'true', 'yes', 'y', 't', '是') THEN TRUE "
                    f"WHEN {v} IN ('0', 'false', 'no', 'n', 'f', '否') THEN FALSE END", name)
        elif name == "intent_area":
            b.field(f"TRY_CAST(regexp_extract({b.value(name)}, '(\\d+(\\.\\d+)?)', 1) AS DOUBLE)", name)
        elif name == "currency":
            b.field(currency_code_sql(b.value(name)), "currency")
        else:
            b.field(b.value(name), name)
    _extra_columns(b, result)
    if entity == "deals" and "currency" not in det.mapping and "amount" in det.mapping:
        b.field(currency_sql(b.t(det.mapping["amount"])), "_amount_currency")
    _required_values(b, entity)
    record_id = _record_id_sql(b, entity, result)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _canon AS {b.sql(record_id)}", b.params)
    result.date_rules = b.rules
    _split_valid(con, raw, entity, result)
    result.latest = _latest_date(con, entity, result, today or date.today())
    return result


def _extra_columns(b: _Builder, result: Canonical) -> None:
    """HubSpot `Date entered` columns (deals) and wide metric columns (targets)."""
    if b.det.entity == "deals":
        for i, (header, label) in enumerate(stage_date_columns(b.raw.headers).items()):
            b.date_field(f"_se_{i}", header, f"_se_{i}")
            result.stage_dates[f"_se_{i}"] = label
    if b.det.entity == "targets" and "value" not in b.det.mapping:
        used = set(b.det.mapping.values())
        for i, header in enumerate(h for h in b.raw.headers if h not in used and metric_of_header(h)):
            metric, factor = metric_of_header(header)
            b.amount_field(header, f"_mv_{i}", factor)
            result.metric_columns[f"_mv_{i}"] = (metric, factor, header)


def _required_values(b: _Builder, entity: str) -> None:
    for group in _REQUIRED_VALUES.get(entity, ()):
        mapped = [n for n in group if n in b.det.mapping]
        if not mapped:
            continue
        present = " OR ".join(f"{b.t(b.det.mapping[n]) if n in DATE_FIELDS else chr(34) + n + chr(34)} IS NOT NULL"
                              for n in mapped)
        names = " / ".join(b.det.mapping[n] for n in mapped)
        b.reasons.append(f"CASE WHEN NOT ({present}) THEN {b.label(names)} || ' is empty' END")


def _record_id_sql(b: _Builder, entity: str, result: Canonical) -> str:
    if entity not in _IDENTITY:
        return "CAST(NULL AS VARCHAR)"
    if "record_id" in b.det.mapping:
        header = b.det.mapping["record_id"]
        b.reasons.append(f"CASE WHEN record_id IS NULL THEN {b.label(header)} || "
                         "' is empty (every row needs its record id)' END")
        return "record_id"
    result.synthesized_ids = True
    if entity == "deals" and "lead_ref" in b.det.mapping:
        return "lead_ref"      # one deal per lead (Olist, Zoho Potentials)
    fields = [n for n in _IDENTITY[entity] if n in b.det.mapping]
    parts = [b.t(b.det.mapping[n]) for n in fields] or [b.t(h) for h in b.raw.headers]
    digest = f"md5(concat_ws(chr(31), {', '.join(f'coalesce({p}, chr(30))' for p in parts)}))"
    return (f"'row:' || left({digest}, 16) || CASE WHEN row_number() OVER (PARTITION BY {digest} ORDER BY _line) > 1 "
            f"THEN '#' || row_number() OVER (PARTITION BY {digest} ORDER BY _line) ELSE '' END")


def _split_valid(con: duckdb.DuckDBPyConnection, raw: RawTable, entity: str, result: Canonical) -> None:
    """Rejects (with the row's text) out of `_canon`; `_valid` = the rest, one row per record id."""
    result.rejects = [(int(line), reason, text) for line, reason, text in con.execute(f"""
        SELECT c._line, c._reason, {raw.row_text_sql('r')} FROM _canon c JOIN {raw.table} r ON r._line = c._line
        WHERE c._reason IS NOT NULL ORDER BY c._line""").fetchall()]
    repeated = entity in _IDENTITY and con.execute(
        "SELECT count(_record_id) > count(DISTINCT _record_id) FROM _canon WHERE _reason IS NULL").fetchall()[0][0]
    if not result.rejects and not repeated:
        con.execute("DROP TABLE IF EXISTS _valid")
        con.execute("ALTER TABLE _canon RENAME TO _valid")      # the common case: no copy
    else:
        dedupe = "QUALIFY row_number() OVER (PARTITION BY _record_id ORDER BY _line DESC) = 1" if repeated else ""
        con.execute(f"CREATE OR REPLACE TEMP TABLE _valid AS SELECT * FROM _canon WHERE _reason IS NULL {dedupe}")
    result.rows = con.execute("SELECT count(*) FROM _valid").fetchall()[0][0]
    if repeated:
        result.duplicates = [line for (line,) in con.execute("""
            SELECT _line FROM _canon WHERE _reason IS NULL AND _line NOT IN (SELECT _line FROM _valid)
            ORDER BY _line""").fetchall()]


def _latest_date(con: duckdb.DuckDBPyConnection, entity: str, result: Canonical, today: date) -> date | None:
    """The latest date the rows speak of (never later than today): the data's as-of candidate."""
    columns = list(_LATEST.get(entity, ())) + list(result.stage_dates)
    if not columns:
        return None
    latest = con.execute(f"SELECT max(greatest({', '.join(columns)})) FROM _valid").fetchall()[0][0]
    if latest is None:
        return None
    day = latest.date() if isinstance(latest, datetime) else latest
    return min(day, today)
