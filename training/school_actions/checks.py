"""Rules for what a school enters, shared by the school actions. Attributes are the form fields.

Each `*_rules` function yields (failing?, message) pairs lazily, so `Checks.first` stops at the
first failure and later rules never see input an earlier one rejected.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from participants.models import ProgrammeType, SchoolPeriod
from participants.registration import normalised_trn
from schedules.models import Cohort

ENTER_NAME = "Enter their full name"
ENTER_TRN = "Enter their teacher reference number (TRN)"
TRN_FORMAT = "Enter a teacher reference number (TRN) with 7 digits"
ENTER_EMAIL = "Enter an email address"
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"
EMAIL_USED = "This email address is already used by someone at this school"
ENTER_START = "Enter the date they start at your school"
START_TOO_EARLY = "The start date must be on or after {day}"
START_TOO_LATE = "The start date must be on or before {day}"
ENTER_DATE_OF_BIRTH = "Enter their date of birth"
DATE_OF_BIRTH_IN_FUTURE = "Their date of birth must be in the past"
TOO_YOUNG = "Check their date of birth: they must be at least {min} years old on {day}"
TOO_OLD = "Check their date of birth: they must be {max} years old or younger on {day}"
DATE_OF_BIRTH_DOES_NOT_MATCH = (
    "The date of birth does not match the teacher with this TRN. Check the TRN and date of birth"
)
IDENTITY_NOT_RECORDED = (
    "We cannot match this TRN to a teacher registered at another school because we do not hold their date of "
    "birth. Contact us to register them"
)
HAS_LEFT = "They have left your school, so you can no longer change their details"
SELECT_LEAD_PROVIDER = "Select a lead provider"
SELECT_PROGRAMME = "Select provider-led or school-led training"


def is_date(value) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def cleaned_name(full_name) -> str:
    return " ".join(full_name.split()) if isinstance(full_name, str) else ""


def cleaned_email(email) -> str:
    return email.strip() if isinstance(email, str) else ""


def has_left(school_period: SchoolPeriod, today: dt.date) -> bool:
    """Left as participants.status says (leaving on their last day, left from the next), which is what the school
    and the providers see."""
    return school_period.finished_on is not None and school_period.finished_on < today


def still_here_rules(school_period: SchoolPeriod, today: dt.date):
    """Changes to someone are for while they are at (or joining, or leaving) the school, not after."""
    yield has_left(school_period, today), HAS_LEFT


def lead_provider_applies(programme_type) -> bool:
    """Only provider-led training names a lead provider (and, for a cohort, a delivery partner)."""
    return programme_type == ProgrammeType.PROVIDER_LED


def lead_provider_rules(programme_type, lead_provider):
    """Provider-led training needs its lead provider; for any other programme the answer is not asked."""
    yield lead_provider_applies(programme_type) and lead_provider is None, SELECT_LEAD_PROVIDER


def name_rules(full_name):
    yield not cleaned_name(full_name), ENTER_NAME


def trn_rules(trn):
    yield not (isinstance(trn, str) and trn.strip()), ENTER_TRN
    yield normalised_trn(trn) is None, TRN_FORMAT


# A teacher is between these ages (inclusive) on the day that matters: the day they start at the school.
YOUNGEST, OLDEST = 18, 100


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    return day.year - date_of_birth.year - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))


def date_of_birth_rules(date_of_birth, *, on, today: dt.date):
    """A real, past date of birth that makes them 18 to 100 years old `on` the day that matters (else today)."""
    yield not is_date(date_of_birth), ENTER_DATE_OF_BIRTH
    yield date_of_birth >= today, DATE_OF_BIRTH_IN_FUTURE
    on = on if is_date(on) else today
    yield age_on(date_of_birth, on) < YOUNGEST, TOO_YOUNG.format(min=YOUNGEST, day=long_date(on))
    yield age_on(date_of_birth, on) > OLDEST, TOO_OLD.format(max=OLDEST, day=long_date(on))


def identity_rules(teacher, date_of_birth, *, school):
    """A TRN names an existing teacher only with their date of birth, so a school cannot claim (and then see or
    rename) someone else's teacher. Without a recorded date of birth, only a teacher this school already had
    is matched; the first date of birth given is then recorded."""
    if teacher is None:
        return
    recorded = teacher.date_of_birth
    yield recorded is not None and recorded != date_of_birth, DATE_OF_BIRTH_DOES_NOT_MATCH
    yield recorded is None and known_at_another_school(teacher, school), IDENTITY_NOT_RECORDED


def known_at_another_school(participant, school) -> bool:
    """Whether the participant is, was or will be at any school other than this one."""
    return SchoolPeriod.objects.filter(participant=participant).exclude(school=school).exists()


def person_rules(checks, *, teacher, school, full_name, trn, date_of_birth, email, started_on, today, already_here):
    """Who is being registered, asked alike for an ECT and a mentor: their name, TRN (not `already_here`, the
    registering action's own rule), date of birth (matching the teacher a TRN finds: the identity rule) and email."""
    checks.first("full_name", name_rules(full_name))
    checks.first("trn", itertools.chain(trn_rules(trn), already_here))
    checks.first(
        "date_of_birth",
        itertools.chain(
            date_of_birth_rules(date_of_birth, on=started_on, today=today),
            identity_rules(teacher, date_of_birth, school=school),
        ),
    )
    checks.first("email", email_rules(email, school=school, participant=teacher, today=today))


def email_rules(email, *, school, participant, today: dt.date):
    text = cleaned_email(email)
    yield not text, ENTER_EMAIL
    yield not valid_email(text), EMAIL_FORMAT
    yield email_used_by_someone_else(school=school, email=text, participant=participant, today=today), EMAIL_USED


def start_rules(started_on, *, today: dt.date):
    """The start date, and the training it implies, must fall in a cohort we have."""
    yield not is_date(started_on), ENTER_START
    first = Cohort.objects.order_by("year").first()
    yield started_on < first.started_on, START_TOO_EARLY.format(day=long_date(first.started_on))
    last = Cohort.objects.order_by("-year").first()
    yield max(started_on, today) > last.finished_on, START_TOO_LATE.format(day=long_date(last.finished_on))


def email_used_by_someone_else(*, school, email: str, participant, today: dt.date) -> bool:
    """Another person at this school, now or from a later date, already has this address."""
    others = SchoolPeriod.objects.filter(school=school, email__iexact=email).filter(
        SchoolPeriod.q_not_ended_before(today)
    )
    if participant is not None:
        others = others.exclude(participant=participant)
    return others.exists()


def valid_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True
