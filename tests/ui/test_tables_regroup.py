"""The regrouping page's text of hand-off points (ui/tables_regroup.py)."""

from __future__ import annotations

import pandas as pd

from ui.tables_regroup import handoff_text

POINTS = pd.DataFrame({"project_id": ["PA", "PA"], "from_group": ["A-INIT", "A-FOLLOW"],
                       "to_group": ["A-FOLLOW", "A-CLOSE"], "handoffs_per_month": [304.4, 93.6]})
NAMES = {"A-INIT": "初期接触组", "A-FOLLOW": "跟进组", "A-CLOSE": "成交组"}
PROJECTS = {"PA": "云栖府"}


def test_hand_off_points_read_with_each_languages_punctuation():
    assert handoff_text(POINTS, NAMES, PROJECTS, "zh") == (
        "- **云栖府**：初期接触组 → 跟进组（约 304 次/月）；跟进组 → 成交组（约 94 次/月）")
    assert handoff_text(POINTS, NAMES, PROJECTS, "en") == (
        "- **云栖府**: 初期接触组 → 跟进组 (about 304 a month); 跟进组 → 成交组 (about 94 a month)")
