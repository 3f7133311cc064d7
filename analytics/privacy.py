"""Privacy masking for screen shares and exports: stable pseudonyms, masked phones, hidden notes.

Pure functions over values and frames. A pseudonym is derived from the record id with a keyed
hash, so the same customer always reads the same (客户-7F3A) on every page and in every report,
and the real name cannot be read back from it.
"""

from __future__ import annotations

import hashlib

import pandas as pd

# Columns that carry personal data, by what masking they need.
NAME_COLUMNS = ("customer_name", "customer")
PHONE_COLUMNS = ("phone",)
TEXT_COLUMNS = ("note", "comment")
STAFF_COLUMNS = ("consultant", "staff", "owner", "staff_name")
HIDDEN_TEXT = "〔已隐藏 hidden〕"


def pseudonym(record_id: str, prefix: str = "客户", salt: str = "anchang") -> str:
    """'客户-7F3A': four hex digits of a salted SHA-256 of the id (stable, not reversible)."""
    digest = hashlib.sha256(f"{salt}:{record_id}".encode()).hexdigest()[:4].upper()
    return f"{prefix}-{digest}"


def masked_phone(phone: str | None) -> str | None:
    """'13812348000' → '138****8000'; shorter numbers keep only their last two digits."""
    if phone is None or (isinstance(phone, float) and pd.isna(phone)):
        return phone
    digits = str(phone).strip()
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    return "*" * max(len(digits) - 2, 0) + digits[-2:]


def staff_aliases(names: list[str]) -> dict[str, str]:
    """Consultant names → 顾问A, 顾问B, … in the order given (sorted by the caller for stability)."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    aliases = {}
    for index, name in enumerate(dict.fromkeys(names)):
        suffix = letters[index % 26] + (str(index // 26) if index >= 26 else "")
        aliases[name] = f"顾问{suffix}"
    return aliases


def masked_frame(frame: pd.DataFrame, *, id_column: str = "deal_id", mask_staff: bool = False,
                 staff_names: list[str] | None = None) -> pd.DataFrame:
    """A copy of `frame` with names pseudonymised (keyed on `id_column`), phones masked, free
    text hidden and, when `mask_staff`, consultant names replaced by stable aliases.

    `staff_names` fixes the alias order (pass every staff name sorted, so 顾问A is the same
    person on every page); without it the frame's own order is used.
    """
    masked = frame.copy()
    keys = masked[id_column].astype(str) if id_column in masked.columns else masked.index.astype(str)
    for column in NAME_COLUMNS:
        if column in masked.columns:
            masked[column] = [pseudonym(key) for key in keys]
    for column in PHONE_COLUMNS:
        if column in masked.columns:
            masked[column] = masked[column].map(masked_phone)
    for column in TEXT_COLUMNS:
        if column in masked.columns:
            masked[column] = masked[column].where(masked[column].isna(), HIDDEN_TEXT)
    if mask_staff:
        for column in STAFF_COLUMNS:
            if column in masked.columns:
                aliases = staff_aliases(staff_names or sorted(masked[column].dropna().unique()))
                masked[column] = masked[column].map(lambda name, a=aliases: a.get(name, name))
    return masked
