"""Per-area string tables, merged into ui.i18n.STRINGS (one file per area avoids edit clashes)."""
