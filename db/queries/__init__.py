"""Named, parameterised SQL aggregates returning small DataFrames (the db side of analytics/)."""

from db.queries.followups import overdue_followups
from db.queries.funnel import cycle_time, open_deals_in_stage, stage_durations, stage_reach_counts
from db.queries.handoffs import handoff_aggregates
from db.queries.kpis import AGGREGATE_COLUMNS, kpi_aggregates
from db.queries.labels import data_window, dimension_labels
from db.queries.mix import closed_deals_by_cell
from db.queries.pacing import metric_targets, monthly_targets
from db.queries.satisfaction import lowest_survey_comments, survey_score_counts

__all__ = [
    "AGGREGATE_COLUMNS", "closed_deals_by_cell", "cycle_time", "data_window", "dimension_labels",
    "handoff_aggregates", "kpi_aggregates", "lowest_survey_comments", "metric_targets", "monthly_targets",
    "open_deals_in_stage", "overdue_followups", "stage_durations", "stage_reach_counts",
    "survey_score_counts",
]
