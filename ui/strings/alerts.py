"""Interface text of the alerts pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
}
