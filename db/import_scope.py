"""Whose data an import (or an undo) may write: an importer limited to some projects.

A manager's data scope is their projects (db/scope.py). On the Import page their imports and
undos may write only those projects' deals and what hangs off a deal (stage and ownership
history, activities, surveys): a batch that wrote a deal of another project, before or after
the write, is refused and rolled back. Files that define the organisation (roster, targets)
span projects, so a project-scoped importer may not import them at all: the group and target
pages let a manager change their own groups. Rows without a project (an export without a
project column) belong to no one's project and are allowed.
"""

from __future__ import annotations

import duckdb

from db.imports_base import ImportRefused

ORGANISATION_ENTITIES = ("roster", "targets")

# The projects of every deal a batch ($batch) wrote or whose history it extended; a changed
# deal counts with its project before the batch too (an export without a project column would
# otherwise carry another project's deals out of it).
_TOUCHED_PROJECTS = """
SELECT coalesce(p.name, t.project_id) AS project, count(*) AS records FROM (
    SELECT project_id FROM deals WHERE batch_id = $batch
    UNION ALL
    SELECT json_extract_string(before_json, '$.project_id') FROM import_changes
    WHERE batch_id = $batch AND table_name = 'deals' AND before_json IS NOT NULL
    UNION ALL
    SELECT d.project_id FROM stage_events e JOIN deals d ON d.deal_id = e.deal_id WHERE e.batch_id = $batch
    UNION ALL
    SELECT d.project_id FROM ownership_events o JOIN deals d ON d.deal_id = o.deal_id WHERE o.batch_id = $batch
    UNION ALL
    SELECT d.project_id FROM activities a JOIN deals d ON d.deal_id = a.deal_id WHERE a.batch_id = $batch
    UNION ALL
    SELECT d.project_id FROM surveys s JOIN deals d ON d.deal_id = s.deal_id WHERE s.batch_id = $batch
) t LEFT JOIN projects p ON p.project_id = t.project_id
WHERE t.project_id IS NOT NULL AND NOT list_contains($projects, t.project_id)
GROUP BY ALL ORDER BY project
"""


def refuse_organisation_file(entity: str, projects: tuple[str, ...] | None, *, undo: bool = False) -> None:
    """ImportRefused when a project-scoped importer (`projects` not None) brings (or undoes) a
    roster or targets file."""
    if projects is None or entity not in ORGANISATION_ENTITIES:
        return
    if undo:
        raise ImportRefused(f"a {entity} file spans projects: an administrator or analyst undoes it",
                            code="undo_organisation_file")
    raise ImportRefused(f"a {entity} file spans projects: an administrator or analyst imports it "
                        "(your groups and targets can be changed on the group and target pages)",
                        code="organisation_file")


def refuse_stage_mapping(projects: tuple[str, ...] | None) -> None:
    """ImportRefused when a project-scoped account (`projects` not None) maps a stage name: the
    stage map is shared by every project (it re-derives their deals and reads their next imports),
    like a roster or targets file."""
    if projects is not None:
        raise ImportRefused("stage names are shared by every project: an administrator or analyst maps them",
                            code="stage_map_scoped")


def refuse_outside_projects(con: duckdb.DuckDBPyConnection, batch_id: int, projects: tuple[str, ...] | None,
                            *, undo: bool = False) -> None:
    """ImportRefused when batch `batch_id` wrote records of a project outside `projects` (None: any).

    Run inside the import's transaction after the writes (the caller rolls back), or before an undo.
    """
    if projects is None:
        return
    outside = con.execute(_TOUCHED_PROJECTS, {"batch": batch_id, "projects": list(projects)}).fetchall()
    if not outside:
        return
    listed = ", ".join(f"{project} ({records:,})" for project, records in outside)
    if undo:
        raise ImportRefused(f"the batch wrote records of projects outside yours: {listed}; an administrator or "
                            "analyst can undo it", code="undo_outside_scope", projects=listed)
    raise ImportRefused(f"records of projects outside yours: {listed}; an administrator or analyst can import "
                        "this file", code="outside_scope", projects=listed)
