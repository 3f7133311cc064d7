"""The 案场 domain's fixed vocabulary: stages, outcomes, activity kinds, channels, roles.

A leaf module (no imports from the project) that every layer may read; labels for display live
in ui/i18n.py, keyed by these keys.
"""

from __future__ import annotations

# The canonical funnel, in order, with the phase each stage belongs to (the seed's three groups).
STAGES: tuple[str, ...] = (
    "lead", "first_visit", "revisit", "pledge", "subscription", "contract", "payment",
)
STAGE_PHASE: dict[str, str] = {
    "lead": "initial_contact", "first_visit": "initial_contact",
    "revisit": "follow_up", "pledge": "follow_up",
    "subscription": "closing", "contract": "closing", "payment": "closing",
}
PHASES: tuple[str, ...] = ("initial_contact", "follow_up", "closing")
# 认购即成交: a deal is won once it reaches this stage (a setting may move it to contract).
DEFAULT_WON_STAGE = "subscription"

OUTCOMES: tuple[str, ...] = ("open", "won", "lost")

ACTIVITY_KINDS: tuple[str, ...] = (
    "call", "first_visit", "revisit", "phone", "wechat", "viewing", "meeting", "task",
)
# Activities that count as a visit (来访组数).
VISIT_KINDS: tuple[str, ...] = ("first_visit", "revisit")

SOURCE_CHANNELS: tuple[str, ...] = ("natural", "agency", "referral", "online", "phone")
CUSTOMER_TYPES: tuple[str, ...] = ("first_home", "upgrade", "investment")
GRADES: tuple[str, ...] = ("A", "B", "C")

ROLES: tuple[str, ...] = ("manager", "leader", "deputy", "analyst", "consultant")
GROUP_BASES: tuple[str, ...] = ("stage", "project", "customer_type", "region", "other")


def stage_rank(stage: str | None) -> int:
    """Position of a canonical stage in the funnel (0 = lead); -1 for None or unknown."""
    return STAGES.index(stage) if stage in STAGES else -1
