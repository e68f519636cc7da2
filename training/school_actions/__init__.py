"""What a school can do to its ECTs and mentors and its own induction tutor: one service per action
(DOMAIN.md SC, DS, P11).

Each takes keyword-only arguments and `now`, runs in one transaction with the participants it
changes locked, and raises config.validation.ValidationFailed with (form field, message) pairs.
The caller names the actor with config.changes.recording(actor=..., action=...).
"""

from training.school_actions.assign_mentor import assign_mentor, check_assign_mentor
from training.school_actions.change_induction_details import (
    change_appropriate_body,
    change_working_pattern,
    check_change_appropriate_body,
    check_change_working_pattern,
)
from training.school_actions.change_lead_provider import change_lead_provider, check_change_lead_provider
from training.school_actions.change_leaving_date import (
    change_leaving_date,
    check_change_leaving_date,
    check_withdraw_leaving_date,
    withdraw_leaving_date,
)
from training.school_actions.confirm_cohort_choice import check_confirm_cohort_choice, confirm_cohort_choice
from training.school_actions.register_ect import check_register_ect, register_ect
from training.school_actions.register_mentor import check_register_mentor, register_mentor
from training.school_actions.report_leaving import check_report_leaving, report_leaving
from training.school_actions.switch_programme import check_switch_programme, switch_programme
from training.school_actions.update_email import check_update_email, update_email
from training.school_actions.update_induction_tutor import check_update_induction_tutor, update_induction_tutor
from training.school_actions.update_name import check_update_name, update_name

__all__ = [
    "assign_mentor",
    "change_appropriate_body",
    "change_lead_provider",
    "change_leaving_date",
    "change_working_pattern",
    "check_assign_mentor",
    "check_change_appropriate_body",
    "check_change_lead_provider",
    "check_change_leaving_date",
    "check_change_working_pattern",
    "check_confirm_cohort_choice",
    "check_register_ect",
    "check_register_mentor",
    "check_report_leaving",
    "check_switch_programme",
    "check_update_email",
    "check_update_induction_tutor",
    "check_update_name",
    "check_withdraw_leaving_date",
    "confirm_cohort_choice",
    "register_ect",
    "register_mentor",
    "report_leaving",
    "switch_programme",
    "update_email",
    "update_induction_tutor",
    "update_name",
    "withdraw_leaving_date",
]
