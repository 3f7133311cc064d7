"""Interface text of the explorer pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
}
