"""Interface text of the funnel pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
}
