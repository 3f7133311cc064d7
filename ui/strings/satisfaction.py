"""Interface text of the satisfaction pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
}
