"""Interface text of the targets pages: key -> (中文, English)."""

STRINGS: dict[str, tuple[str, str]] = {
}
