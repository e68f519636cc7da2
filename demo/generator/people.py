"""Builder steps for a person's records: the participant, school and training periods, inductions, merges."""

from __future__ import annotations

import datetime as dt

from demo.generator.records import Person, cohort_for, slug
from demo.generator.reference import FIRST_NAMES, LAST_NAMES
from participants.models import (
    InductionPeriod,
    Participant,
    ParticipantIdChange,
    ParticipantType,
    ProgrammeType,
    SchoolPeriod,
    TrainingPeriod,
    WorkingPattern,
)
from schedules.models import Schedule
from schools.models import LeadProvider, Partnership


class People:
    """Part of Builder, which holds the state and the random helpers these steps use."""

    def person(self, *, registered_on: dt.date) -> Person:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        registered_on = min(registered_on, self.yesterday)
        participant = Participant(
            api_id=self.uuid(),
            full_name=f"{first} {last}",
            trn=self.trn(),
            date_of_birth=self.ago(self.rng.randint(22 * 365, 60 * 365)),
            ect_training_record_id=self.uuid(),
            mentor_training_record_id=self.uuid(),
            created_at=self.moment(registered_on),
        )
        person = Person(participant, first, last, [registered_on])
        self.chunk.people.append(person)
        self.chunk.participants.append(participant)
        return person

    def registered_before(self, start: dt.date) -> dt.date:
        return min(start, self.today) - dt.timedelta(days=self.rng.randint(3, 45))

    def school_period(self, person, school, participant_type, started_on, finished_on=None) -> SchoolPeriod:
        is_ect = participant_type == ParticipantType.ECT
        period = SchoolPeriod(
            participant=person.participant,
            school=school,
            participant_type=participant_type,
            email=f"{slug(person.first_name)}.{slug(person.last_name)}@{self.school_domain[school.urn]}",
            working_pattern=(WorkingPattern.PART_TIME if self.rng.random() < 0.12 else WorkingPattern.FULL_TIME)
            if is_ect
            else None,
            appropriate_body=self.appropriate_bodies[self.school_body[school.urn]] if is_ect else None,
            started_on=started_on,
            finished_on=finished_on,
            created_at=self.moment(self.registered_before(started_on)),
        )
        period.demo_person = person
        person.days += [started_on, finished_on]
        self.chunk.school_periods.append(period)
        (self.chunk.ects_at if is_ect else self.chunk.mentors_at)[school.pk].append(period)
        return period

    def training(
        self,
        school_period: SchoolPeriod,
        started_on: dt.date,
        finished_on: dt.date | None = None,
        *,
        partnership: Partnership | None = None,
        lead_provider: LeadProvider | None = None,
        schedule: Schedule | None = None,
        kind: str = "standard",
        school_led: bool = False,
        deferred_on: dt.date | None = None,
        withdrawn_on: dt.date | None = None,
        reason: str | None = None,
    ) -> TrainingPeriod:
        """Provider-led with the school's partnership for the start date's cohort unless told otherwise."""
        school = school_period.school
        if school_led:
            lead_provider = partnership = schedule = None
        elif partnership is None and lead_provider is None:
            partnership = self.partnership(school, cohort_for(started_on))
        if partnership is not None:
            lead_provider = partnership.lead_provider
        if not school_led and schedule is None:
            cohort = partnership.cohort_id if partnership is not None else cohort_for(started_on)
            schedule = self.schedule(cohort, kind, started_on)
        period = TrainingPeriod(
            school_period=school_period,
            programme_type=ProgrammeType.SCHOOL_LED if school_led else ProgrammeType.PROVIDER_LED,
            lead_provider=lead_provider,
            partnership=partnership,
            schedule=schedule,
            started_on=started_on,
            finished_on=finished_on,
            deferred_at=self.moment(deferred_on) if deferred_on else None,
            deferral_reason=reason if deferred_on else None,
            withdrawn_at=self.moment(withdrawn_on) if withdrawn_on else None,
            withdrawal_reason=reason if withdrawn_on else None,
            created_at=school_period.created_at if started_on == school_period.started_on else self.moment(started_on),
        )
        school_period.demo_person.days += [started_on, finished_on, deferred_on, withdrawn_on]
        self.chunk.training_periods.append(period)
        return period

    def induction(self, person, started_on, finished_on=None, outcome=None, *, school) -> InductionPeriod:
        period = InductionPeriod(
            participant=person.participant,
            appropriate_body_name=self.school_body[school.urn],
            started_on=started_on,
            finished_on=finished_on,
            outcome=outcome,
            created_at=self.moment(max(started_on, finished_on or started_on) if outcome else started_on),
        )
        person.days += [started_on, finished_on]
        self.chunk.induction_periods.append(period)
        return period

    def merge_duplicates(self, person: Person, since: dt.date) -> None:
        """ID1: earlier duplicate records were merged into this person, leaving id-change records."""
        for _ in range(1 if self.rng.random() < 0.8 else 2):
            changed_on = self.day_between(since, self.yesterday)
            duplicate = Participant(
                api_id=self.uuid(),
                full_name="Anonymised",
                trn=None,
                ect_training_record_id=self.uuid(),
                mentor_training_record_id=self.uuid(),
                retired_into=person.participant,
                created_at=self.moment(self.registered_before(since)),
            )
            duplicate.api_updated_at = changed_at = self.moment(changed_on)
            self.chunk.merged_away.append(duplicate)
            self.chunk.id_changes.append(
                ParticipantIdChange(
                    participant=person.participant,
                    from_participant_id=duplicate.api_id,
                    to_participant_id=person.participant.api_id,
                    changed_at=changed_at,
                )
            )
            person.days.append(changed_on)
