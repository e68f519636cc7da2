"""A school names its induction tutor: the person lead providers contact about the school's ECTs (P5).

Providers read the name and email on their partnerships and in the schools list, and the partnerships'
`updated_at` moves with them (schools.updated_at).
"""

from __future__ import annotations

import re

from config import changes
from config.validation import Checks
from schools.models import School
from training.school_actions.checks import EMAIL_FORMAT, cleaned_email, cleaned_name, valid_email

ENTER_TUTOR_NAME = "Enter the induction tutor's full name"
TUTOR_NAME_TOO_LONG = "Full name must be 200 characters or fewer"
TUTOR_NAME_NEEDS_LETTERS = "Full name must include letters"
TUTOR_NAME_IS_AN_EMAIL = "Enter the induction tutor's name, not their email address"
ENTER_TUTOR_EMAIL = "Enter the induction tutor's email address"
TUTOR_EMAIL_TOO_LONG = "Email address must be 254 characters or fewer"

NAME_MAX_LENGTH = School._meta.get_field("induction_tutor_name").max_length
EMAIL_MAX_LENGTH = School._meta.get_field("induction_tutor_email").max_length


def tutor_name_rules(full_name):
    """A name a provider can address someone by: present, not too long, with letters, not an address."""
    name = cleaned_name(full_name)
    yield not name, ENTER_TUTOR_NAME
    yield len(name) > NAME_MAX_LENGTH, TUTOR_NAME_TOO_LONG
    yield "@" in name, TUTOR_NAME_IS_AN_EMAIL
    yield len(re.findall(r"[^\W\d_]", name)) < 2, TUTOR_NAME_NEEDS_LETTERS


def tutor_email_rules(email):
    text = cleaned_email(email)
    yield not text, ENTER_TUTOR_EMAIL
    yield len(text) > EMAIL_MAX_LENGTH, TUTOR_EMAIL_TOO_LONG
    yield not valid_email(text), EMAIL_FORMAT


def update_induction_tutor(*, school, full_name, email, now) -> School:
    with changes.unit_of_work(now=now):
        # As a cohort choice does: NO KEY UPDATE leaves rows that refer to the school free.
        school = School.objects.select_for_update(no_key=True).get(pk=school.pk)
        _rules(full_name, email).raise_if_any()
        school.induction_tutor_name = cleaned_name(full_name)
        school.induction_tutor_email = cleaned_email(email)
        # Providers read the tutor on the school too. Audited, and the partnerships' updated_at moved,
        # at the end of the unit of work.
        school.updated_at = now
        school.save(update_fields=["induction_tutor_name", "induction_tutor_email", "updated_at"])
        return school


def check_update_induction_tutor(*, school, full_name, email, now) -> list[tuple[str, str]]:
    """update_induction_tutor's rules for these answers, changing nothing (a question page asks before confirming)."""
    return _rules(full_name, email).errors


def _rules(full_name, email) -> Checks:
    checks = Checks()
    checks.first("full_name", tutor_name_rules(full_name))
    checks.first("email", tutor_email_rules(email))
    return checks
