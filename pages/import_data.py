"""数据导入 Import: upload CRM exports; for each file see what was detected (and why) with a preview,
fix the column mapping, the source/entity and unknown stage names in place, import it with a
progress bar, and read the summary and the rejected rows; below, the past batches, each undoable.

Layout only: the work is ingest.pipeline (the same code as `python cli.py import`) through
ui/import_views.py. Uploaded bytes go straight to the pipeline; writes open a short connection and
rerun, so every page (and the sidebar's choices) reads the new data version.
"""

from __future__ import annotations

import streamlit as st

from db.connection import DatabaseBusy
from db.imports import ImportRefused, batch_rejects, import_batches, map_stage, undo_batch
from ingest import limits
from ingest.columns import ENTITIES, ENTITY_FIELDS, SOURCES
from ui import formats
from ui import import_views as vw
from ui.context import log_export, page_context, record_action
from ui.database import load, open_connection
from ui.i18n import t

ctx = page_context()
lang, privacy = ctx.lang, ctx.privacy
RESULTS = "imp_results"          # file key -> ImportOutcome of this session
FLASH = "imp_flash"              # slot -> (kind, text), shown once after the rerun that follows a write
UNDO_PENDING = "imp_undo_pending"
BATCHES_SHOWN = 15


def flash(slot: str, kind: str, text: str) -> None:
    st.session_state.setdefault(FLASH, {})[slot] = (kind, text)


def show_flash(slot: str) -> None:
    kind, text = st.session_state.get(FLASH, {}).pop(slot, (None, None))
    if kind == "success":
        st.success(text, icon=":material/check_circle:")
    elif kind == "error":
        st.error(text, icon=":material/block:")


def write(action, slot: str, success, failure=lambda reason: reason) -> None:
    """Run a write on a short connection; keep the message for the rerun that shows fresh data."""
    try:
        with open_connection() as con:
            result = action(con)
            record_action(con, "undo" if slot == "batches" else "stage_map", str(success(result)))
    except ImportRefused as refused:
        flash(slot, "error", failure(formats.literal(vw.refusal_text(refused, lang))))
    except DatabaseBusy as busy:
        flash(slot, "error", t("imp_busy", lang, reason=str(busy)))
    else:
        flash(slot, "success", success(result))
    st.rerun()


# ---------------------------------------------------------------- one uploaded file


def detection_lines(preview, box) -> None:
    det = preview.detection
    with box:
        if det is None:
            st.markdown(t("imp_not_detected", lang))
        else:
            st.markdown(t("imp_detected", lang, source=vw.source_label(det.source_system, lang),
                          entity=vw.entity_label(det.entity, lang)))
            st.caption(t("imp_reason", lang, reason=formats.literal(vw.detection_reason(preview.reason, lang))))
        st.caption(formats.literal(vw.file_facts(preview, lang)))
        if notes := vw.reading_notes(preview, lang):
            st.caption(t("imp_notes", lang, notes=formats.literal(t("imp_notes_sep", lang).join(notes))))
        if preview.saved_profile:
            st.caption(t("imp_saved_profile", lang, name=formats.literal(preview.saved_profile)))


def mapping_grid(key: str, preview, entity: str, source: str | None, entity_override: str | None,
                 name: str) -> tuple[dict[str, str], str]:
    """A selectbox per canonical field (its column in the file); returns (chosen, profile name)."""
    fields = ENTITY_FIELDS[entity]
    required = vw.required_fields(entity)
    options = vw.field_options(preview.headers)
    detected = preview.mapping

    def widget_key(field: str) -> str:
        return f"imp_map_{key}_{source}_{entity_override}__{field}"

    current = {f: st.session_state.get(widget_key(f), detected.get(f, "")) for f in fields}
    edited = bool(vw.changed_fields(entity, detected, current))
    chosen: dict[str, str] = {}
    with st.expander(t("imp_mapping", lang, n=sum(1 for c in current.values() if c)), icon=":material/table_rows:",
                     expanded=edited or not preview.ready):
        st.caption(t("imp_mapping_help", lang, required=vw.requirement_text(entity, lang)))
        columns = st.columns(4)
        for index, field in enumerate(fields):
            current = detected.get(field, "")
            chosen[field] = columns[index % 4].selectbox(
                vw.field_label(field, lang) + (" *" if field in required else ""), options,
                index=options.index(current) if current in options else 0,
                key=widget_key(field), help=field,
                format_func=lambda c: t("imp_not_mapped", lang) if c == vw.NOT_MAPPED else c)
        profile = st.text_input(t("imp_profile_name", lang), value=name.rsplit(".", 1)[0],
                                key=f"imp_profile_{key}", help=t("imp_profile_help", lang))
        changed = vw.changed_fields(entity, detected, chosen)
        if changed:
            st.caption(t("imp_mapping_changed", lang, n=len(changed), name=profile))
    return chosen, profile


def stage_mapper(key: str, preview) -> None:
    """The unmapped stage names with their row counts, a stage choice each, saved via map_stage."""
    det = preview.detection
    st.markdown(f"**{t('imp_stages', lang)}**")
    st.caption(t("imp_stages_help_scoped" if SCOPED else "imp_stages_help", lang))
    if SCOPED:      # the map is shared by every project: map_stage refuses a project manager
        st.markdown("  \n".join(t("imp_stage_choice", lang, name=formats.literal(name), n=f"{n:,}")
                                for name, n in preview.unmapped_stages.items()))
        st.info(t("imp_why_stage_map_scoped", lang), icon=":material/lock:")
        return
    picks = {}
    columns = st.columns(3)
    for index, (name, n) in enumerate(preview.unmapped_stages.items()):
        picks[name] = columns[index % 3].selectbox(
            t("imp_stage_choice", lang, name=formats.literal(name), n=f"{n:,}"), vw.stage_options(),
            key=f"imp_stage_{key}_{vw.stage_widget_suffix(name)}",
            format_func=lambda s: vw.stage_option_label(s, lang))
    chosen = {name: stage for name, stage in picks.items() if stage != vw.NOT_MAPPED}
    if st.button(t("imp_stage_save", lang), key=f"imp_stage_save_{key}", icon=":material/save:"):
        if not chosen:
            st.warning(t("imp_stage_pick_first", lang), icon=":material/info:")
            return

        def save(con) -> int:
            return sum(map_stage(con, det.source_system, name, stage, projects=ctx.scope.project_ids)
                       for name, stage in chosen.items())

        write(save, f"stages_{key}", lambda deals: t("imp_stage_saved", lang, n=len(chosen),
                                                     source=vw.source_label(det.source_system, lang), deals=deals))


def file_panel(upload, batches) -> tuple[str, vw.ImportPlan] | None:
    """Draw one uploaded file; (its key, the plan to import it with), or None while not ready."""
    key, name, data = upload.file_id, upload.name, upload.getvalue()
    plan = None
    with st.container(border=True):
        st.markdown(f"##### :material/description: {formats.literal(name)}")
        base = load(vw.file_preview, data, name)
        if isinstance(base, vw.Refusal):
            st.error(t("imp_unreadable", lang, reason=formats.literal(vw.refusal_text(base, lang))),
                     icon=":material/block:")
        else:
            plan = file_body(key, name, data, base, batches)
        show_outcome(key)
    return plan


def file_body(key: str, name: str, data: bytes, base, batches) -> tuple[str, vw.ImportPlan] | None:
    about, overrides = st.columns([3, 2])
    source = overrides.selectbox(t("imp_source", lang), (None, *SOURCES), key=f"imp_source_{key}",
                                 format_func=lambda s: vw.source_label(s, lang), help=t("imp_override_help", lang))
    entity_override = overrides.selectbox(t("imp_entity", lang), (None, *ENTITIES), key=f"imp_entity_{key}",
                                          format_func=lambda e: vw.entity_label(e, lang),
                                          help=t("imp_override_help", lang))
    detected = base
    if source is not None or entity_override is not None:
        detected = load(vw.file_preview, data, name, source, entity_override)
        if isinstance(detected, vw.Refusal):
            about.error(t("imp_mapping_refused", lang, reason=formats.literal(vw.refusal_text(detected, lang))),
                        icon=":material/block:")
            return None
    detection_lines(detected, about)
    imported_here = key in st.session_state.get(RESULTS, {})      # its summary below says it all
    if not imported_here and (seen := vw.batch_of_content(batches, vw.content_sha256(data))):
        st.info(t("imp_seen_before", lang, batch=seen), icon=":material/history:")

    st.caption(t("imp_preview", lang, n=min(vw.PREVIEW_ROWS, len(detected.sample))))
    table_slot = st.container()      # the rows go above the mapping, which is drawn first for its values
    entity = entity_override or (detected.detection.entity if detected.detection else None)
    chosen, profile = {}, None
    if entity is not None:
        chosen, profile = mapping_grid(key, detected, entity, source, entity_override, name)
    mapping = vw.mapping_to_send(entity, detected.mapping, chosen) if entity else None
    preview = detected
    if mapping is not None:
        preview = load(vw.file_preview, data, name, source, entity_override, tuple(mapping.items()))
    shown = preview if not isinstance(preview, vw.Refusal) else detected
    table_slot.dataframe(vw.preview_frame(shown, privacy, lang, chosen or None), hide_index=True, width="stretch")
    if privacy:
        table_slot.caption(t("imp_preview_privacy", lang))

    if isinstance(preview, vw.Refusal):
        st.error(t("imp_mapping_refused", lang, reason=formats.literal(vw.refusal_text(preview, lang))),
                 icon=":material/block:")
        return None
    if entity is None:
        st.warning(t("imp_undetected", lang), icon=":material/help:")
        import_button(key, None)
        return None
    if preview.detection is None:
        st.warning(t("imp_undetected", lang), icon=":material/help:")
    elif preview.missing:
        st.warning(t("imp_missing", lang, missing=formats.literal(preview.missing)), icon=":material/warning:")
    else:
        st.caption(t("imp_ready", lang, entity=vw.entity_label(preview.detection.entity, lang),
                     rows=f"{preview.rows:,}"))
        if preview.rejects:
            line, reason, _ = preview.rejects[0]
            st.warning(t("imp_preview_rejects", lang, n=len(preview.rejects), line=line,
                         reason=formats.literal(vw.reject_reason_text(reason, lang))), icon=":material/warning:")
    show_flash(f"stages_{key}")       # after saving, the names mapped are no longer listed
    if preview.unmapped_stages:
        stage_mapper(key, preview)

    plan = vw.ImportPlan(name, data, source, entity_override, tuple((mapping or {}).items()), profile)
    import_button(key, plan if preview.ready else None)
    return (key, plan) if preview.ready else None


def import_button(key: str, plan: vw.ImportPlan | None) -> None:
    """导入: disabled (saying why) until the file is ready; a click imports it with a progress bar."""
    if st.button(t("imp_import", lang), key=f"imp_go_{key}", type="primary", icon=":material/upload:",
                 disabled=plan is None, help=t("imp_import_disabled", lang) if plan is None else None):
        import_now([(key, plan)], st.container())


def import_now(plans: list[tuple[str, vw.ImportPlan]], where) -> None:
    """Import each plan with a progress bar, keep the outcomes, rerun to show fresh data."""
    results = st.session_state.setdefault(RESULTS, {})
    for key, plan in plans:
        bar = where.progress(0.0, text=t("imp_progress", lang, file=plan.file_name, step=vw.progress_text("reading", lang)))

        def report(fraction: float, message: str, bar=bar, file=plan.file_name) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0),
                         text=t("imp_progress", lang, file=file, step=vw.progress_text(message, lang)))

        try:
            with open_connection() as con:
                results[key] = vw.run_import(con, plan, strict=strict, progress=report,
                                             projects=ctx.scope.project_ids, imported_by=USERNAME)
                record_action(con, "import", f"{plan.file_name}: {vw.outcome_text(results[key])}")
        except DatabaseBusy as busy:
            results[key] = vw.ImportOutcome(plan.file_name, refused=t("imp_busy", lang, reason=str(busy)))
    st.rerun()


def show_outcome(key: str) -> None:
    outcome = st.session_state.get(RESULTS, {}).get(key)
    if outcome is None:
        return
    if outcome.refused is not None:
        st.error(t("imp_refused", lang, reason=formats.literal(vw.outcome_refusal_text(outcome, lang))),
                 icon=":material/block:")
        return
    summary = outcome.summary
    st.markdown(f"**{t('imp_summary', lang)}**")
    if summary.changed:
        st.success(t("imp_done", lang, batch=summary.batch_id, seconds=f"{summary.seconds:.1f}"),
                   icon=":material/check_circle:")
    elif summary.already_imported_batch:
        st.info(t("imp_already", lang, batch=summary.already_imported_batch), icon=":material/history:")
    else:
        st.info(t("imp_nothing_changed", lang)
                + (" " + t("imp_rejects_kept", lang, batch=summary.batch_id) if summary.batch_id else ""),
                icon=":material/info:")
    numbers, helps = vw.summary_numbers(summary), vw.summary_help(summary, lang)
    for row in (vw.SUMMARY_FIELDS[:5], vw.SUMMARY_FIELDS[5:]):
        for column, field in zip(st.columns(5), row, strict=False):
            column.metric(t(f"imp_sum_{field}", lang), formats.count(numbers[field]), help=helps.get(field),
                          border=True)
    if summary.unmapped_stages:
        st.caption(t("imp_unmapped_list", lang, names=formats.literal(vw.named_counts(summary.unmapped_stages, lang))))
    if summary.other_currencies:
        st.caption(t("imp_currency_list", lang, currency=summary.currency or "CNY",
                     items=formats.literal(vw.named_counts(summary.other_currencies, lang))))
    if summary.changed and summary.as_of:
        st.caption(t("imp_as_of", lang, as_of=summary.as_of.isoformat()))
    if summary.rejects:
        rejects_table(vw.rejects_frame(summary.rejects, privacy, lang), f"rejects_{key}",
                      f"{summary.file_name.rsplit('.', 1)[0]}_rejects.csv")


def rejects_table(frame, key: str, file_name: str) -> None:
    st.markdown(f"**{t('imp_rejects', lang, n=len(frame))}**")
    st.dataframe(frame, hide_index=True, width="stretch", column_config={
        "line_no": st.column_config.NumberColumn(t("imp_line", lang), format="%d", width="small"),
        "reason": st.column_config.TextColumn(t("imp_reject_reason", lang), width="large"),
        "raw": st.column_config.TextColumn(t("imp_reject_raw", lang), width="large")})
    if privacy:
        st.caption(t("imp_rejects_privacy", lang))
    st.download_button(t("imp_download_rejects", lang), vw.rejects_csv(frame), file_name=file_name,
                       mime="text/csv", key=f"imp_dl_{key}", icon=":material/download:",
                       on_click=log_export, args=(file_name,))


# ---------------------------------------------------------------- past batches


def undo_confirmation(batch_id: int, frame) -> None:
    row = frame[frame["batch"] == batch_id]
    if row.empty or bool(row["undone"].iloc[0]):
        st.session_state.pop(UNDO_PENDING, None)
        return
    with st.container(border=True):
        st.warning(t("imp_undo_confirm", lang, batch=batch_id, file=formats.literal(row["file"].iloc[0])),
                   icon=":material/warning:")
        yes, no, _ = st.columns([1, 1, 6])
        if yes.button(t("imp_undo_yes", lang), key="imp_undo_yes", type="primary"):
            st.session_state.pop(UNDO_PENDING, None)
            write(lambda con: undo_batch(con, batch_id, projects=ctx.scope.project_ids), "batches",
                  lambda counts: t("imp_undone", lang, batch=batch_id, restored=counts["restored"],
                                   removed=counts["removed"], events=counts["stage_events_removed"]),
                  lambda reason: t("imp_undo_refused", lang, batch=batch_id, reason=reason))
        if no.button(t("imp_undo_no", lang), key="imp_undo_no"):
            st.session_state.pop(UNDO_PENDING, None)
            st.rerun()


def batches_section(batches) -> None:
    st.subheader(t("imp_batches", lang))
    if SCOPED:
        st.caption(t("imp_batches_own", lang))
    show_flash("batches")
    if batches.empty:
        st.info(t("imp_no_batches", lang), icon=":material/info:")
        return
    frame = vw.batches_frame(batches, lang)
    if (pending := st.session_state.get(UNDO_PENDING)) is not None:
        undo_confirmation(pending, frame)
    shown = frame
    if len(frame) > BATCHES_SHOWN and not st.toggle(t("imp_show_all", lang, n=len(frame)), key="imp_all_batches"):
        shown = frame.head(BATCHES_SHOWN)
    widths = [0.6, 2.4, 1.1, 1.0, 2.2, 1.6, 0.8, 0.9]
    heads = ("imp_col_batch", "imp_col_file", "imp_col_source", "imp_col_entity", "imp_col_counts", "imp_col_time",
             "imp_col_status")
    for column, head in zip(st.columns(widths, vertical_alignment="bottom"), heads, strict=False):
        column.caption(f"**{t(head, lang)}**")
    for row in shown.itertuples(index=False):
        cells = st.columns(widths, vertical_alignment="center")
        for cell, value in zip(cells, (f"#{row.batch}", row.file, row.source, row.entity, row.counts, row.time),
                               strict=False):
            cell.markdown(f"~~{formats.literal(value)}~~" if row.undone else formats.literal(value))
        cells[6].markdown(f":gray[{row.status}]" if row.undone else f":green[{row.status}]")
        if cells[7].button(t("imp_undo", lang), key=f"imp_undo_{row.batch}", disabled=bool(row.undone),
                           icon=":material/undo:", type="tertiary"):
            st.session_state[UNDO_PENDING] = int(row.batch)
            st.rerun()
    with_rejects = frame[frame["rejected"] > 0]
    if not with_rejects.empty:
        with st.expander(t("imp_batch_rejects", lang), icon=":material/rule:"):
            names = {int(r.batch): t("imp_batch_option", lang, batch=r.batch, file=r.file, n=f"{r.rejected:,}")
                     for r in with_rejects.itertuples(index=False)}
            batch_id = st.selectbox(t("imp_batch_pick", lang), list(names), format_func=names.get,
                                    key="imp_rejects_batch")
            rejects_table(vw.rejects_frame(load(batch_rejects, batch_id), privacy, lang), f"batch_{batch_id}",
                          f"batch_{batch_id}_rejects.csv")


# ---------------------------------------------------------------- the page


st.title(t("page_import", lang))
st.caption(t("imp_intro", lang))
uploads = st.file_uploader(t("imp_upload", lang), type=list(vw.UPLOAD_TYPES), accept_multiple_files=True,
                           key="imp_files", max_upload_size=limits.max_file_mb(),
                           help=t("imp_upload_help", lang, mb=f"{limits.max_file_mb():,}",
                                  rows=f"{limits.max_rows():,}")) or []
strict = st.checkbox(t("imp_strict", lang), key="imp_strict", help=t("imp_strict_help", lang))
keys = {upload.file_id for upload in uploads}
st.session_state[RESULTS] = {k: v for k, v in st.session_state.get(RESULTS, {}).items() if k in keys}
# A manager (data scope: their projects) sees the batches they imported; an administrator or
# analyst sees every batch. Others' batches name their files and keep rejected rows of any project.
SCOPED = ctx.scope.project_ids is not None
USERNAME = ctx.account.username if ctx.account else None
batches = load(import_batches, imported_by=(USERNAME or "") if SCOPED else None)
all_slot = st.container()
if not uploads:
    st.caption(t("imp_no_files", lang))
ready = [plan for upload in uploads if (plan := file_panel(upload, batches))]
if len(ready) > 1 and all_slot.button(t("imp_import_all", lang, n=len(ready)), key="imp_go_all", type="primary",
                                      icon=":material/upload:"):
    import_now(ready, all_slot)
st.divider()
batches_section(batches)
