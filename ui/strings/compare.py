"""Interface text of the compare pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
}
