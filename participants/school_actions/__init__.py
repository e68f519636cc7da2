"""What a school can do to its ECTs and mentors: one service per action (DOMAIN.md SC, DS, P11).

Each takes keyword-only arguments and `now`, runs in one transaction with the participants it
changes locked, and raises config.validation.ValidationFailed with (form field, message) pairs.
The caller names the actor with config.changes.recording(actor=..., action=...).
"""

from participants.school_actions.assign_mentor import assign_mentor
from participants.school_actions.change_lead_provider import change_lead_provider
from participants.school_actions.confirm_cohort_choice import confirm_cohort_choice
from participants.school_actions.register_ect import register_ect
from participants.school_actions.register_mentor import register_mentor
from participants.school_actions.report_leaving import report_leaving
from participants.school_actions.switch_programme import switch_programme
from participants.school_actions.update_email import update_email
from participants.school_actions.update_name import update_name

__all__ = [
    "assign_mentor",
    "change_lead_provider",
    "confirm_cohort_choice",
    "register_ect",
    "register_mentor",
    "report_leaving",
    "switch_programme",
    "update_email",
    "update_name",
]
