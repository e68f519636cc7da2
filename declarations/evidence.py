"""Which `evidence_held` values a declaration may carry (D15)."""

from __future__ import annotations

BASIC = ("training-event-attended", "self-study-material-completed", "other")
DETAILED_STARTED = (
    "training-event-attended",
    "self-study-material-completed",
    "materials-engaged-with-offline",
    "other",
)
ENGAGEMENT = ("75-percent-engagement-met", "75-percent-engagement-met-reduced-induction")
ALL = (*DETAILED_STARTED, *ENGAGEMENT, "one-term-induction")


def required(*, declaration_type: str, detailed: bool) -> bool:
    return detailed or declaration_type != "started"


def discarded(*, declaration_type: str, detailed: bool) -> bool:
    """Outside detailed cohorts a `started` declaration keeps no evidence, whatever was sent."""
    return not detailed and declaration_type == "started"


def allowed(*, declaration_type: str, participant_type: str, detailed: bool) -> tuple[str, ...]:
    if not detailed:
        return BASIC
    if participant_type == "mentor":
        return {"started": DETAILED_STARTED, "completed": ENGAGEMENT}.get(declaration_type, ())
    if declaration_type == "retained-2":
        return ENGAGEMENT
    if declaration_type == "completed":
        return (*ENGAGEMENT, "one-term-induction")
    return DETAILED_STARTED
