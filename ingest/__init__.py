"""CRM exports in: reading, detection, column and stage maps, normalisation, validation, writes.

Entry points (ingest/pipeline.py): `import_file(con, path_or_bytes, file_name, …) -> ImportSummary`
and `preview_file(…) -> Preview`; undo, stage mapping and the batch list are in db/imports.py
(`undo_batch`, `map_stage`, `batch_rejects`, `import_batches`).

    encodings.py  bytes → format and text encoding        readers.py   file → temp table of text
    sheets.py     XLSX/JSON rows                          csv_lines.py CSV record line numbers
    columns.py    per-CRM column maps (profiles)          detect.py    source + entity + reason
    stages.py     stage/status/kind/channel word maps     normalize.py dates and amounts (SQL)
    canonical.py  typed rows + row-level reasons          writing.py   shared writer pieces
    deals.py / organisation.py / writers.py               the writes per entity
"""
