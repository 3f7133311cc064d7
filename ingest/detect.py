"""Which CRM and which entity a file comes from, judged by its headers, with the reason.

Every profile of ingest/columns.py is scored on the headers: ten points per marker header it
recognises (headers typical of that export) plus one per canonical field it can fill. Profiles
whose required fields (columns.REQUIREMENTS) are missing are not eligible; but when the profile
with the most markers is such a one, the file is reported as that export with the missing column
named, rather than quietly read as something weaker. The caller may fix source and/or entity;
a source without a fitting profile of its own falls back to the generic profiles.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ingest.columns import ENTITIES, PROFILES, REQUIREMENTS, SOURCES, Profile, header_key, metric_of_header


@dataclass
class Detection:
    """What a file is: source system, entity, the columns for each canonical field, and why."""

    source_system: str
    entity: str
    label: str
    reason: str
    mapping: dict[str, str]
    profile_key: str | None = None
    missing: list[tuple[str, ...]] = field(default_factory=list)
    default_kind: str | None = None
    us_dates: bool = False

    @property
    def complete(self) -> bool:
        return not self.missing


def header_signature(headers: list[str]) -> str:
    """A key for "the same set of headers" (order, case and spacing ignored)."""
    keys = sorted({header_key(h) for h in headers if str(h).strip()})
    return hashlib.sha1("\x1f".join(keys).encode("utf-8")).hexdigest()[:20]


def mapped_fields(profile: Profile, headers: list[str]) -> dict[str, str]:
    """{canonical field: header} for the fields whose aliases (best first) occur in the headers."""
    by_key: dict[str, str] = {}
    for header in headers:
        by_key.setdefault(header_key(header), header)
    found = {}
    for name, aliases in profile.fields.items():
        for alias in aliases:
            header = by_key.get(header_key(alias))
            if header is not None:
                found[name] = header
                break
    return found


def missing_requirements(entity: str, mapping: dict[str, str], headers: list[str]) -> list[tuple[str, ...]]:
    """The requirement groups of the entity that no mapped field satisfies."""
    missing = []
    for group in REQUIREMENTS[entity]:
        if any(name in mapping for name in group):
            continue
        if entity == "targets" and group == ("value",) and any(metric_of_header(h) for h in headers):
            continue      # wide targets: one column per metric
        missing.append(group)
    return missing


def describe_missing(missing: list[tuple[str, ...]], profile: Profile | None = None) -> str:
    """'stage (商机阶段) or status (商机状态)'-style text naming the columns that are needed."""
    parts = []
    for group in missing:
        names = []
        for name in group:
            alias = profile.fields.get(name, ())[:1] if profile else ()
            names.append(f"{name} ({alias[0]})" if alias else name)
        parts.append(" or ".join(names))
    return "; ".join(parts)


def _score(profile: Profile, headers: list[str]) -> tuple[int, list[str], dict[str, str]]:
    hits = [h for h in headers if header_key(h) in profile.marker_keys]
    mapping = mapped_fields(profile, headers)
    return len(hits) * 10 + len(mapping), hits, mapping


def detect(headers: list[str], *, source: str | None = None, entity: str | None = None) -> Detection | None:
    """The best-fitting export kind for these headers, or None when nothing fits.

    With `source`/`entity` given only matching profiles compete (a source without a fitting
    profile uses the generic ones under its own name). A Detection with `missing` set means the
    file looks like that export but lacks a required column.
    """
    if source is not None and source not in SOURCES:
        raise ValueError(f"unknown source {source!r}: use one of {', '.join(SOURCES)}")
    if entity is not None and entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity!r}: use one of {', '.join(ENTITIES)}")
    pool = [p for p in PROFILES if (source is None or p.source == source) and (entity is None or p.entity == entity)]
    found = _best(pool, headers, source, entity)
    if found is None and source not in (None, "generic"):
        found = _best([p for p in PROFILES if p.source == "generic" and (entity is None or p.entity == entity)],
                      headers, source, entity)
    return found


def _best(pool: list[Profile], headers: list[str], source: str | None, entity: str | None) -> Detection | None:
    scored = [(p, *_score(p, headers)) for p in pool]
    eligible = [s for s in scored if not missing_requirements(s[0].entity, s[3], headers)
                and (s[2] or (source and entity))]
    best_markers = max(scored, key=lambda s: (len(s[2]), s[1]), default=None)
    best = max(eligible, key=lambda s: s[1], default=None)
    # Two or more typical headers make "it is that export, but a column is missing" the answer.
    if best_markers is not None and len(best_markers[2]) >= 2 and (best is None or len(best_markers[2]) > len(best[2])):
        profile, _, hits, mapping = best_markers
        missing = missing_requirements(profile.entity, mapping, headers)
        if missing:
            return _detection(profile, hits, mapping, source, entity, missing)
    if best is None:
        return None
    profile, _, hits, mapping = best
    return _detection(profile, hits, mapping, source, entity, [])


def _detection(profile: Profile, hits: list[str], mapping: dict[str, str], source: str | None,
               entity: str | None, missing: list[tuple[str, ...]]) -> Detection:
    shown = ", ".join(hits[:5]) + (", …" if len(hits) > 5 else "")
    reason = f"{profile.label}: headers {shown}" if hits else f"{profile.label}: columns {', '.join(list(mapping.values())[:5])}"
    given = [f"{k} {v}" for k, v in (("source", source), ("entity", entity)) if v]
    if given:
        reason += f" ({' and '.join(given)} given)"
    return Detection(
        source_system=source or profile.source, entity=entity or profile.entity, label=profile.label,
        reason=reason, mapping=mapping, profile_key=profile.key, missing=missing,
        default_kind=profile.default_kind, us_dates=profile.us_dates,
    )
