"""Interface text of the imports pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
}
