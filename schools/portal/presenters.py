"""How the portal words what it shows: statuses a person understands, dates, programme summaries.

Statuses come from participants.status, applied to the time at this school, so the school and the
lead providers read the same rules. Works on rows prefetched by schools.portal.selectors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from participants import status
from participants.models import ParticipantStatus, ParticipantType, ProgrammeType, SchoolPeriod, WorkingPattern
from schools.models import SchoolCohortChoice

NOT_CONFIRMED = "Not confirmed yet"

# GOV.UK tag colours for each status.
_TAG_CLASSES = {
    ParticipantStatus.JOINING: "govuk-tag--blue",
    ParticipantStatus.ACTIVE: "govuk-tag--green",
    ParticipantStatus.LEAVING: "govuk-tag--yellow",
    ParticipantStatus.LEFT: "govuk-tag--grey",
}


def long_date(day: dt.date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def current_or_next(periods, today: dt.date):
    """The dated period covering today, else the next to start, else the last one (periods are in start order)."""
    periods = list(periods)
    for period in periods:
        if period.not_ended_before(today):
            return period
    return periods[-1] if periods else None


def school_status(school_period: SchoolPeriod, today: dt.date) -> str:
    """F12's participant status for the time at this school: joining, active, leaving or left."""
    return status.participant_status(
        participant_type=school_period.participant_type,
        started_on=school_period.started_on,
        finished_on=school_period.finished_on,
        deferred_at=None,
        withdrawn_at=None,
        induction_end_date=None,
        mentor_funding_end_date=None,
        today=today,
    )


def status_text(code: str, school_period: SchoolPeriod) -> str:
    """Where they are with the school: words about the school only, never about training, so the two
    statuses the portal shows cannot contradict each other."""
    if code == ParticipantStatus.JOINING:
        return f"Joining on {long_date(school_period.started_on)}"
    if code == ParticipantStatus.LEAVING:
        return f"Leaving on {long_date(school_period.finished_on)}"
    if code == ParticipantStatus.LEFT:
        return f"Left on {long_date(school_period.finished_on)}"
    return "At your school"


def training_status(training, school_code: str, today: dt.date) -> tuple[str, str]:
    """Provider-led training as its lead provider has recorded it, and its GOV.UK tag colour.

    Nothing for school-led training or someone who has left (their training here is over either way)."""
    if (
        training is None
        or training.programme_type != ProgrammeType.PROVIDER_LED
        or school_code == ParticipantStatus.LEFT
    ):
        return "", ""
    recorded = status.training_status(deferred_at=training.deferred_at, withdrawn_at=training.withdrawn_at)
    if recorded == status.WITHDRAWN:
        return "Withdrawn by the lead provider", "govuk-tag--red"
    if recorded == status.DEFERRED:
        return "Paused by the lead provider", "govuk-tag--yellow"
    if training.started_on > today:
        return f"Starts on {long_date(training.started_on)}", "govuk-tag--blue"
    return "In training", "govuk-tag--green"


@dataclass(frozen=True)
class ParticipantSummary:
    school_period: SchoolPeriod
    name: str
    is_ect: bool
    role: str
    email: str
    trn: str
    started_on: str
    working_pattern: str
    appropriate_body: str
    mentoring_only_here: str
    programme: str
    lead_provider: str
    delivery_partner: str
    mentor: str
    mentees: str
    status_code: str
    status: str
    status_tag_class: str
    training_status: str
    training_status_tag_class: str

    @property
    def pk(self):
        return self.school_period.pk

    @property
    def has_left(self) -> bool:
        return self.status_code == ParticipantStatus.LEFT

    @property
    def can_change(self) -> bool:
        """The school keeps the record of people still at the school (or joining, or leaving)."""
        return not self.has_left

    @property
    def is_provider_led(self) -> bool:
        return self.programme == ProgrammeType.PROVIDER_LED.label


NOT_RECORDED = "Not recorded"


def _only_here_text(only_here: bool | None) -> str:
    if only_here is None:
        return NOT_RECORDED
    return "Yes" if only_here else "No, they also mentor at another school"


def summarise(school_period: SchoolPeriod, today: dt.date) -> ParticipantSummary:
    is_ect = school_period.participant_type == ParticipantType.ECT
    training = current_or_next(school_period.training_periods.all(), today)
    mentorship = current_or_next(school_period.mentorships.all(), today) if is_ect else None
    mentees = (
        []
        if is_ect
        else [
            m.ect_school_period.participant.full_name for m in school_period.mentees.all() if m.not_ended_before(today)
        ]
    )
    code = school_status(school_period, today)
    training_words, training_tag = training_status(training, code, today)
    provider_led = training is not None and training.programme_type == ProgrammeType.PROVIDER_LED
    return ParticipantSummary(
        school_period=school_period,
        name=school_period.participant.full_name,
        is_ect=is_ect,
        role="ECT" if is_ect else "Mentor",
        email=school_period.email or "",
        trn=school_period.participant.trn or "",
        started_on=long_date(school_period.started_on),
        working_pattern=WorkingPattern(school_period.working_pattern).label if school_period.working_pattern else "",
        appropriate_body=school_period.appropriate_body.name if school_period.appropriate_body else NOT_RECORDED,
        mentoring_only_here=_only_here_text(school_period.mentoring_only_here),
        programme=ProgrammeType(training.programme_type).label if training else "No training recorded",
        lead_provider=training.lead_provider.name if provider_led else "None",
        delivery_partner=(
            training.partnership.delivery_partner.name
            if provider_led and training.partnership
            else (NOT_CONFIRMED if provider_led else "None")
        ),
        mentor=mentorship.mentor_school_period.participant.full_name if mentorship else "No mentor assigned",
        mentees=", ".join(mentees) if mentees else "No ECTs assigned",
        status_code=code,
        status=status_text(code, school_period),
        status_tag_class=_TAG_CLASSES[code],
        training_status=training_words,
        training_status_tag_class=training_tag,
    )


@dataclass(frozen=True)
class ParticipantLists:
    here: list[ParticipantSummary]  # at the school, joining or leaving
    left: list[ParticipantSummary]


def participant_lists(school_periods, today: dt.date) -> ParticipantLists:
    """The ECTs and mentors at the school (joining and leaving too), and apart those who have left."""
    summaries = [summarise(period, today) for period in school_periods]
    return ParticipantLists(
        here=[s for s in summaries if not s.has_left],
        left=[s for s in summaries if s.has_left],
    )


def matching(people: list[ParticipantSummary], search: str) -> list[ParticipantSummary]:
    """Those whose name, email address or TRN contains what was searched for (ignoring case and spaces
    around it)."""
    wanted = search.strip().casefold()
    if not wanted:
        return people
    return [
        person
        for person in people
        if wanted in person.name.casefold() or wanted in person.email.casefold() or wanted in person.trn
    ]


def choice_text(choice: SchoolCohortChoice | None) -> str:
    if choice is None or choice.induction_programme_choice == SchoolCohortChoice.InductionProgramme.NOT_YET_KNOWN:
        return NOT_CONFIRMED
    if choice.induction_programme_choice == SchoolCohortChoice.InductionProgramme.SCHOOL_LED:
        return "School-led"
    partner = choice.delivery_partner.name if choice.delivery_partner else "delivery partner not known yet"
    return f"Provider-led with {choice.lead_provider.name} ({partner})"
