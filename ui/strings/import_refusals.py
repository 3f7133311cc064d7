"""Why a file (or an undo) was refused, and why a row was rejected: key -> (中文, English).

`imp_why_<code>` is the text of `ImportRefused(code=…)` (db/imports_base.py), filled from the
refusal's params by ui.import_views.refusal_text; `imp_kind_<kind>` names a file that is not a
table; `imp_row_<…>` are the row reasons of ingest (canonical.py, readers.py, organisation.py),
shown by ui.import_views.reject_reason_text. Details from a library (DuckDB, calamine, the OS)
stay in `{detail}` as the library wrote them.
"""

STRINGS: dict[str, tuple[str, str]] = {
    # --- the file as a whole (ingest/encodings.py, limits.py, readers.py, sheets.py)
    "imp_why_empty_file": ("文件为空。", "The file is empty."),
    "imp_why_no_data_rows": ("文件只有表头，没有数据行。", "The file has a header but no data rows."),
    "imp_why_no_header": ("文件没有表头行。", "The file has no header row."),
    "imp_why_cannot_open": ("无法打开文件：{detail}。", "Cannot open the file: {detail}."),
    "imp_why_over_size_limit": ("文件 {size_mb:,.1f} MB，超过 {limit_mb:,} MB 的上限（可用 {setting} 调整）："
                                "请拆分（例如按月）后分别导入。",
                                "The file is {size_mb:,.1f} MB, over the {limit_mb:,} MB limit ({setting}): "
                                "split it (e.g. by month) and import the parts."),
    "imp_why_over_row_limit": ("文件有 {rows:,} 行，超过 {limit:,} 行的上限（可用 {setting} 调整）："
                               "请拆分（例如按月）后分别导入。",
                               "The file has {rows:,} rows, over the {limit:,}-row limit ({setting}): "
                               "split it (e.g. by month) and import the parts."),
    "imp_why_not_csv_or_excel": ("这是{kind}，不是 CSV 或 Excel 文件。", "This is {kind}, not a CSV or Excel file."),
    "imp_why_zip_not_excel": ("这是 zip 压缩包（内含 {files}），不是 Excel 文件：请解压后分别导入其中的文件。",
                              "This is a zip archive ({files}), not an Excel file: unzip it and import the files "
                              "inside."),
    "imp_why_damaged_excel": ("{format} 文件已损坏，无法打开（{detail}）。",
                              "The {format} file is damaged and cannot be opened ({detail})."),
    "imp_why_too_many_parts": ("这个 Excel 文件包含 {parts:,} 个部件（最多 {limit:,} 个），不是正常的工作簿。",
                               "The Excel file holds {parts:,} parts (at most {limit:,}): it is not a normal "
                               "workbook."),
    "imp_why_unpacks_too_big": ("这个 Excel 文件解压后有 {size_gb:,.1f} GB（最多 {limit_gb:,.0f} GB）：请拆分后分别导入。",
                                "The Excel file unpacks to {size_gb:,.1f} GB (at most {limit_gb:,.0f} GB): split it "
                                "and import the parts."),
    "imp_why_zip_bomb": ("这个 Excel 文件中的 {part} 解压后是压缩大小的 {ratio:,.0f} 倍（最多 {limit} 倍），"
                         "像是压缩炸弹，不是工作簿。",
                         "The Excel file's part {part} unpacks {ratio:,.0f} times its size (at most {limit}): it "
                         "looks like a zip bomb, not a workbook."),
    "imp_why_not_valid_text": ("文件不是有效的 {encoding} 文本（第 {byte} 字节：{detail}），可能不完整或已损坏。",
                               "The file is not valid {encoding} text (byte {byte}: {detail}); it may be cut off or "
                               "damaged."),
    "imp_why_unreadable_csv_head": ("无法按 CSV 读取文件开头几行：{detail}。",
                                    "Cannot read the file as CSV: {detail} in its first lines."),
    "imp_why_unreadable_csv": ("无法按 CSV 读取文件：{detail}。", "Cannot read the file as CSV: {detail}."),
    "imp_why_no_sheet": ("工作簿中没有同时带表头和数据行的工作表。",
                         "The workbook has no sheet with a header and data rows."),
    "imp_why_bad_json": ("无法按 JSON 读取文件：{detail}。", "Cannot read the file as JSON: {detail}."),
    "imp_why_json_no_records": ("JSON 文件中没有记录列表。", "The JSON file holds no list of records."),
    # --- what the file is (ingest/pipeline.py)
    "imp_why_unknown_source": ("未知的来源系统“{name}”，可选：{choices}。",
                               "Unknown source “{name}”: use one of {choices}."),
    "imp_why_unknown_entity": ("未知的数据类型“{name}”，可选：{choices}。",
                               "Unknown data type “{name}”: use one of {choices}."),
    "imp_why_no_saved_mapping": ("没有名为“{profile}”的已保存映射方案。", "There is no saved mapping named “{profile}”."),
    "imp_why_mapping_column_missing": ("列映射中的列“{column}”不在文件中（文件的列：{columns}）。",
                                       "The mapping names column “{column}”, which is not in the file "
                                       "(columns: {columns})."),
    "imp_why_unknown_fields": ("{entity}没有这些字段：{fields}（可用字段：{known}）。",
                               "Unknown field(s) for {entity}: {fields} (fields: {known})."),
    "imp_why_undetected": ("无法识别这是什么文件（列：{columns}）：请指定数据类型并映射列。",
                           "Cannot tell what this file is (columns: {columns}): choose its data type and map the "
                           "columns."),
    "imp_why_required_column_missing": ("{label}：缺少必需的列，需要{missing}。",
                                        "{label}: a required column is missing: {missing}."),
    "imp_why_strict_rejects": ("严格模式下有 {n:,} 行无法读取（第一处在第 {line} 行：{reason}），未导入任何数据。",
                               "Strict mode: {n:,} row(s) cannot be read (first: line {line}: {reason}); nothing "
                               "was imported."),
    "imp_why_database_error": ("数据库出错：{detail}。", "Database error: {detail}."),
    # --- whose data (db/import_scope.py: a manager imports and undoes only their projects' records)
    "imp_why_organisation_file": ("花名册和目标文件涉及多个项目，需由管理员或数据分析员导入；"
                                  "您负责的小组和目标可在“小组管理”“目标设置”页面修改。",
                                  "A roster or targets file spans projects: an administrator or analyst imports it "
                                  "(your groups and targets can be changed on the Groups and Set targets pages)."),
    "imp_why_undo_organisation_file": ("花名册和目标文件涉及多个项目，需由管理员或数据分析员撤销。",
                                       "A roster or targets file spans projects: an administrator or analyst "
                                       "undoes it."),
    "imp_why_stage_map_scoped": ("阶段名称映射由所有项目共用（会重新推导各项目的商机），需由管理员或数据分析员保存。",
                                 "Stage names are shared by every project (mapping one re-derives every project's "
                                 "deals): an administrator or analyst maps them."),
    "imp_why_outside_scope": ("文件中有您负责范围以外项目的记录：{projects}。请由管理员或数据分析员导入。",
                              "The file holds records of projects outside yours: {projects}. An administrator or "
                              "analyst can import it."),
    "imp_why_undo_outside_scope": ("该批次写入了您负责范围以外项目的记录：{projects}。请由管理员或数据分析员撤销。",
                                   "The batch wrote records of projects outside yours: {projects}. An "
                                   "administrator or analyst can undo it."),
    "imp_why_roster_conflicts": ("花名册会造成小组成员冲突（同一人同时在两个小组、任期重叠，或一个小组有两位组长），"
                                 "涉及 {n} 人：{people}。未导入任何数据，请修正文件后重新导入。",
                                 "The roster breaks the membership rules (someone in two groups at once, overlapping "
                                 "stints, or a group with two leaders) for {n} people: {people}. Nothing was "
                                 "imported; fix the file and import it again."),
    # --- undo (db/imports_undo.py)
    "imp_why_no_batch": ("没有导入批次 #{batch}。", "There is no import batch #{batch}."),
    "imp_why_already_undone": ("批次 #{batch} 已经撤销过了。", "Batch #{batch} is already undone."),
    "imp_why_undo_blocked": ("批次 #{later} 在其后修改了同样的记录，请先撤销批次 #{later}。",
                             "Batch #{later} changed the same records after batch #{batch}: undo batch #{later} "
                             "first."),
    # --- what a refused file is ({kind} of imp_why_not_csv_or_excel)
    "imp_kind_png": ("一张 PNG 图片", "a PNG image"),
    "imp_kind_gif": ("一张 GIF 图片", "a GIF image"),
    "imp_kind_jpeg": ("一张 JPEG 图片", "a JPEG image"),
    "imp_kind_pdf": ("一份 PDF 文档", "a PDF document"),
    "imp_kind_rar": ("一个 RAR 压缩包", "a RAR archive"),
    "imp_kind_gzip": ("一个 gzip 压缩包", "a gzip archive"),
    "imp_kind_7z": ("一个 7-Zip 压缩包", "a 7-Zip archive"),
    "imp_kind_binary": ("二进制数据", "binary data"),
    # --- lists inside a reason
    "imp_list_or": ("、", " or "),
    "imp_list_one_of": ("{items}中的至少一列", "{items}"),
    "imp_list_sep": ("；", "; "),
    # --- why a row was rejected (several reasons of a row are joined by imp_list_sep)
    "imp_row_not_date": ("{column}：“{value}”不是有效日期", '{column}: "{value}" is not a date'),
    "imp_row_not_month": ("{column}：“{value}”不是有效月份", '{column}: "{value}" is not a month'),
    "imp_row_not_amount": ("{column}：“{value}”不是有效金额", '{column}: "{value}" is not an amount'),
    "imp_row_empty": ("{column} 为空", "{column} is empty"),
    "imp_row_no_record_id": ("{column} 为空（每行都必须有记录编号）", "{column} is empty (every row needs its record id)"),
    "imp_row_unknown_metric": ("指标“{metric}”不是已知指标（可用：{known}）",
                               'metric "{metric}" is not a known metric ({known})'),
    "imp_row_roster_clash": ("“{person}”在无日期的名单中出现 {n} 次，所在小组或角色不同（第 {lines} 行）",
                             '"{person}" is listed {n} times without dates, in different groups or roles '
                             '(lines {lines})'),
    "imp_row_field_count": ("应有 {expected} 个字段，实际 {found} 个", "expected {expected} fields, found {found}"),
    "imp_row_not_utf8": ("不是 UTF-8 文本", "not UTF-8 text"),
}
