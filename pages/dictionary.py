"""指标口径 Metric dictionary: every metric of the registry, its definition, basis, unit and SQL."""

from __future__ import annotations

import streamlit as st

from analytics.registry import METRICS
from ui.context import page_context
from ui.i18n import t

BASIS_KEYS = {"period": "basis_period", "cohort": "basis_cohort", "snapshot": "basis_snapshot"}
UNIT_KEYS = {"count": "unit_count", "yuan": "unit_yuan", "ratio": "unit_ratio", "days": "unit_days",
             "score": "unit_score_1_5", "nps": "unit_nps"}

lang = page_context().lang
st.title(t("page_dictionary", lang))
st.caption(t("dictionary_intro", lang))

query = st.text_input(t("search", lang), key="dictionary_search", placeholder="赢率 / win rate / csat")
needle = query.strip().lower()
for metric in METRICS.values():
    label = metric.label_en if lang == "en" else metric.label_zh
    description = metric.description_en if lang == "en" else metric.description_zh
    haystack = " ".join((metric.id, metric.label_zh, metric.label_en, description)).lower()
    if needle and needle not in haystack:
        continue
    with st.container(border=True):
        st.markdown(f"### {label} · `{metric.id}`")
        st.write(description)
        direction = t("higher_is_better" if metric.higher_is_better else "lower_is_better", lang)
        st.caption(" · ".join((
            f"{t('metric_basis', lang)}: {t(BASIS_KEYS[metric.basis], lang)}",
            f"{t('metric_unit', lang)}: {t(UNIT_KEYS[metric.unit], lang)}",
            direction,
            f"{t('computed_by', lang)}: {metric.computed_by}",
        )))
        with st.expander(t("show_sql", lang)):
            st.code(metric.sql, language="sql")
