"""What a school can do to its ECTs and mentors: one service per action (DOMAIN.md SC, DS, P11).

Each takes keyword-only arguments and `now`, runs in one transaction with the participants it
changes locked, and raises config.validation.ValidationFailed with (form field, message) pairs.
The caller names the actor with config.changes.recording(actor=..., action=...).
"""

from training.school_actions.assign_mentor import assign_mentor
from training.school_actions.change_lead_provider import change_lead_provider
from training.school_actions.confirm_cohort_choice import confirm_cohort_choice
from training.school_actions.register_ect import register_ect
from training.school_actions.register_mentor import register_mentor
from training.school_actions.report_leaving import report_leaving
from training.school_actions.switch_programme import switch_programme
from training.school_actions.update_email import update_email
from training.school_actions.update_name import update_name

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
