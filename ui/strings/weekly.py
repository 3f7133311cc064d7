"""Interface text of the weekly pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
}
