"""Interface text of the people pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
}
