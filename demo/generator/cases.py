"""The sandbox cases: for every lead provider, people and schools showing each case a provider must handle.

The bulk of the demo set is drawn as rows; these few are instead told as stories through the services the
portal, the API and the admin call (register, record an induction, declare, move to paid, void…), each step
at the moment it happened (the clock travels there), so their rows, audit events and what providers see are
exactly what those services make. They live at schools of their own, three per lead provider: one in
partnership with it since the uplift cohort, one that only named it (an expression of interest), and a
second partner school; plus one school not eligible for funded training. `demo.catalogue` finds them again.

Two steps have no service yet and are written as the admin would: marking an ECT exempt (the admin edits
`ect_exempt_on`), and a clawback being recovered (awaiting clawback to clawed back).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.apps import apps
from django.db import models

from config import changes, clock
from declarations import evidence, funding, submission, voiding
from declarations.models import ClawbackStatus, Declaration, PaymentStatus
from demo.generator.records import case_school_api_id, slug
from demo.generator.reference import APPROPRIATE_BODIES, FIRST_NAMES, LAST_NAMES, SCHOOL_KINDS, SCHOOL_PLACES
from participants.models import (
    COURSE_IDENTIFIERS,
    InductionOutcome,
    Participant,
    ProgrammeType,
    SchoolPeriod,
    WorkingPattern,
)
from schedules.models import Cohort, Milestone
from schools.models import (
    AppropriateBody,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    School,
    SchoolCohortChoice,
    SchoolFundingEligibility,
)
from training import partnerships, school_actions
from training.support.induction import record_induction_period

# Seed_demo's own steps are attributed to it; provider steps to the provider, as the API does.
DEMO = changes.Actor("system", "seed_demo", "Demo data (seed_demo)")
# Days, from tomorrow, on which some provider's participant changes status by the calendar (O1).
CHANGING_DAYS = 7
Programme = SchoolCohortChoice.InductionProgramme


def latest_september(on_or_before: dt.date) -> dt.date:
    year = on_or_before.year if on_or_before >= dt.date(on_or_before.year, 9, 1) else on_or_before.year - 1
    return dt.date(year, 9, 1)


@dataclass
class ProviderSchools:
    partner: School  # in partnership with the provider since the uplift cohort
    second: School  # a second partner school: school-led training alongside, a mentor shared with `partner`
    named_only: School  # named the provider for the current cohort; no partnership (EOI)


@contextmanager
def seeded_uuids(rng: random.Random) -> Iterator[None]:
    """Public ids the services leave to `uuid.uuid4` come from the seeded generator, so a seed gives the same ids."""
    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.UUIDField) and field.default is uuid.uuid4
    ]

    def seeded():
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def use(default):
        for field in fields:
            field.default = default
            field.__dict__.pop("_get_default", None)  # Django caches the default's callable

    use(seeded)
    try:
        yield
    finally:
        use(uuid.uuid4)


class Cases:
    """Tells every provider's stories; `people` and `schools` count what it added."""

    def __init__(self, rng: random.Random, *, today: dt.date, used_trns: set[str]):
        self.rng = rng
        self.today = today
        self.yesterday = today - dt.timedelta(days=1)
        self.used_trns = used_trns
        self.people = 0
        self.schools = 0
        # The current cohort's people start on the latest 1 September at least four weeks ago, so their
        # declarations and payments fit before today; the earlier ones two years before that.
        self.start = latest_september(today - dt.timedelta(days=28))
        self.earlier_start = self.start.replace(year=self.start.year - 2)
        self.cohort = Cohort.objects.get(year=Cohort.year_containing(self.start))
        self.uplift_cohort = (
            Cohort.objects.filter(uplift_fees=True, started_on__lte=self.earlier_start).order_by("-year").first()
        )

    # the moments steps happen at ------------------------------------------------------------------

    @contextmanager
    def acting(self, day: dt.date, action: str, actor: changes.Actor = DEMO, hour: int = 10):
        """One step on `day`: the clock travels there, and the step is recorded as `actor`'s `action`."""
        now = dt.datetime.combine(min(day, self.yesterday), dt.time(hour), tzinfo=clock.LONDON)
        with clock.travel_to(now), changes.recording(actor=actor, action=action, now=now):
            yield now

    # schools --------------------------------------------------------------------------------------

    def build(self, lead_providers: list[LeadProvider]) -> None:
        taken = set(School.objects.values_list("urn", flat=True))
        # The hubs the bulk put on the appropriate bodies' reference list; each school's ECTs name one.
        self.bodies = list(AppropriateBody.objects.filter(name__in=APPROPRIATE_BODIES).order_by("name"))
        self.body_of: dict[int, AppropriateBody] = {}
        ineligible = self.school(taken, eligible=False)
        self.ineligible_school(ineligible)
        for lead_provider in lead_providers:
            schools = ProviderSchools(
                partner=self.school(taken), second=self.school(taken), named_only=self.school(taken)
            )
            self.provider_cases(lead_provider, schools)

    def school(self, taken: set[str], *, eligible: bool = True) -> School:
        while (urn := str(self.rng.randint(100000, 999999))) in taken:
            pass
        taken.add(urn)
        self.schools += 1
        body = self.rng.choice(self.bodies)
        kinds, weights = zip(*SCHOOL_KINDS, strict=True)
        name = f"{self.rng.choice(SCHOOL_PLACES)} {self.rng.choices(kinds, weights)[0]}"
        tutor = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
        # Schools come from the register of schools, not from any service here.
        with self.acting(dt.date(2021, 6, 1), "add_school") as now, changes.unit_of_work(now=now):
            school = School.objects.create(
                api_id=case_school_api_id(urn),
                urn=urn,
                name=name,
                induction_tutor_name=tutor,
                induction_tutor_email=f"{slug(tutor).replace('-', '.')}@{slug(name)}.example",
                eligible_for_training=eligible,
                created_at=now,
                updated_at=now,
            )
        self.body_of[school.pk] = body
        return school

    def partner_with(self, lead_provider: LeadProvider, school: School, cohort: Cohort) -> None:
        """P1 through the API's service, a month into the cohort (or yesterday, early in a cohort)."""
        delivery_partner = (
            LeadProviderDeliveryPartnership.objects.filter(lead_provider=lead_provider, cohort=cohort)
            .order_by("delivery_partner__name")
            .values_list("delivery_partner__api_id", flat=True)
            .first()
        )
        day = min(cohort.started_on + dt.timedelta(days=30), self.yesterday)
        with self.acting(day, "create_partnership", changes.Actor.lead_provider(lead_provider)) as now:
            partnerships.create(
                lead_provider=lead_provider,
                cohort=str(cohort.year),
                school_id=str(school.api_id),
                delivery_partner_id=str(delivery_partner),
                now=now,
            )

    def choose(self, school: School, programme: str, lead_provider: LeadProvider | None = None) -> None:
        with self.acting(self.start - dt.timedelta(days=60), "confirm_cohort_choice") as now:
            school_actions.confirm_cohort_choice(
                school=school, cohort=self.cohort, programme_type=programme, lead_provider=lead_provider, now=now
            )

    # people ---------------------------------------------------------------------------------------

    def name_and_trn(self) -> tuple[str, str]:
        while (trn := str(self.rng.randint(2000000, 9999999))) in self.used_trns:
            pass
        self.used_trns.add(trn)
        self.people += 1
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}", trn

    def date_of_birth(self) -> dt.date:
        return dt.date(1975, 1, 1) + dt.timedelta(days=self.rng.randint(0, 20 * 365))

    def email(self, full_name: str, school: School) -> str:
        return f"{slug(full_name).replace('-', '.')}.{self.people}@{slug(school.name)}.example"

    def ect(
        self, school: School, lead_provider: LeadProvider | None, started_on: dt.date, registered_on=None
    ) -> SchoolPeriod:
        """SC1–SC5: registered provider-led with `lead_provider`, or school-led without one."""
        full_name, trn = self.name_and_trn()
        with self.acting(registered_on or started_on, "register_ect") as now:
            school_period = school_actions.register_ect(
                school=school,
                full_name=full_name,
                trn=trn,
                date_of_birth=self.date_of_birth(),
                email=self.email(full_name, school),
                started_on=started_on,
                working_pattern=WorkingPattern.FULL_TIME,
                programme_type=ProgrammeType.PROVIDER_LED if lead_provider else ProgrammeType.SCHOOL_LED,
                lead_provider=lead_provider,
                now=now,
            )
        # The school then names the ECT's appropriate body, as the portal asks next.
        with self.acting(registered_on or started_on, "change_appropriate_body") as now:
            return school_actions.change_appropriate_body(
                school_period=school_period, appropriate_body=self.body_of[school.pk], now=now
            )

    def mentor(
        self, school: School, lead_provider: LeadProvider, started_on: dt.date, *, mentee=None, known=None
    ) -> SchoolPeriod:
        """SC6; at a second school when `known` is a mentor registered already (found by TRN and date of birth)."""
        if known is not None:
            full_name, trn, date_of_birth = known.full_name, known.trn, known.date_of_birth
        else:
            (full_name, trn), date_of_birth = self.name_and_trn(), self.date_of_birth()
        with self.acting(started_on, "register_mentor") as now:
            return school_actions.register_mentor(
                school=school,
                full_name=full_name,
                trn=trn,
                date_of_birth=date_of_birth,
                email=self.email(full_name, school),
                started_on=started_on,
                mentee=mentee,
                lead_provider=lead_provider,
                now=now,
            )

    def induction(self, participant: Participant, started_on: dt.date, finished_on=None, outcome=None) -> None:
        """Recorded by support staff for the ECT's appropriate body (O9), on its last known day."""
        named = SchoolPeriod.objects.filter(participant=participant, appropriate_body__isnull=False).first()
        with self.acting(
            finished_on + dt.timedelta(days=1) if outcome else started_on, "record_induction_period"
        ) as now:
            record_induction_period(
                participant=participant,
                started_on=started_on,
                finished_on=finished_on,
                outcome=outcome,
                appropriate_body_name=named.appropriate_body.name if named else "",
                now=now,
            )

    def first_induction(self, participant: Participant, started_on: dt.date) -> None:
        """A first induction period, recorded as it starts (so eligible, F14), that ends when the ECT changes
        appropriate body; `passed_induction` records the second."""
        self.induction(participant, started_on, started_on + dt.timedelta(days=300))

    def passed_induction(self, participant: Participant, started_on: dt.date) -> None:
        """The second induction period, passed a few weeks before today."""
        passed_on = min(started_on + dt.timedelta(days=650), self.today - dt.timedelta(days=21))
        second_from = started_on + dt.timedelta(days=301)
        self.induction(participant, second_from, passed_on, InductionOutcome.PASS)

    # declarations ---------------------------------------------------------------------------------

    def declare(
        self, lead_provider: LeadProvider, school_period: SchoolPeriod, declaration_type: str, declared_on: dt.date
    ) -> Declaration:
        """D1–D28 through the API's service, with evidence the participant's cohort accepts."""
        participant_type = school_period.participant_type
        training = school_period.training_periods.select_related("partnership__cohort").latest("started_on")
        detailed = training.partnership.cohort.detailed_evidence_types
        allowed = evidence.allowed(
            declaration_type=declaration_type, participant_type=participant_type, detailed=detailed
        )
        attributes = {
            "participant_id": str(school_period.participant.api_id),
            "declaration_type": declaration_type,
            "declaration_date": f"{declared_on.isoformat()}T09:00:00Z",
            "course_identifier": COURSE_IDENTIFIERS[participant_type],
            "evidence_held": allowed[0] if allowed else None,
        }
        with self.acting(declared_on, "declare", changes.Actor.lead_provider(lead_provider), hour=16) as now:
            return submission.submit(lead_provider=lead_provider, attributes=attributes, now=now)

    def pay(self, declaration: Declaration, day: dt.date, *, until: str = PaymentStatus.PAID) -> Declaration:
        """O11: support staff move an eligible declaration to payable, then to paid."""
        for step, status in enumerate((PaymentStatus.PAYABLE, PaymentStatus.PAID)):
            moved_on = day + dt.timedelta(days=step)
            with self.acting(moved_on, f"move_declarations_to_{status}") as now, changes.unit_of_work(now=now):
                declaration = funding.move_to(declaration, payment_status=status, now=now)
            if status == until:
                break
        return declaration

    def void(self, lead_provider: LeadProvider, declaration: Declaration, day: dt.date) -> Declaration:
        """D35–D37 through the API's service: voided, or awaiting clawback when it was paid."""
        with self.acting(day, "void_declaration", changes.Actor.lead_provider(lead_provider)) as now:
            return voiding.void(declaration=declaration, now=now)

    def clawed_back(self, declaration: Declaration, day: dt.date) -> None:
        """D31: DfE recovers the money. No service does this yet; written as one would."""
        with self.acting(day, "claw_back_declaration") as now, changes.unit_of_work(now=now):
            declaration.clawback_status = ClawbackStatus.CLAWED_BACK
            declaration.api_updated_at = now  # D32
            declaration.save()

    # the cases ------------------------------------------------------------------------------------

    def ineligible_school(self, school: School) -> None:
        """P1: no provider can partner with it; its ECT trains school-led."""
        self.choose(school, Programme.SCHOOL_LED)
        self.ect(school, None, self.start)

    def provider_cases(self, lead_provider: LeadProvider, schools: ProviderSchools) -> None:
        partner, start = schools.partner, self.start
        for year in range(self.uplift_cohort.year, Cohort.year_containing(self.yesterday) + 1):
            cohort = Cohort.objects.get(year=year)
            if cohort.started_on + dt.timedelta(days=1) <= self.yesterday:
                self.partner_with(lead_provider, partner, cohort)
        self.partner_with(lead_provider, schools.second, self.cohort)
        for school in (partner, schools.second, schools.named_only):
            self.choose(school, Programme.PROVIDER_LED, lead_provider)

        self.uplift(lead_provider, partner)
        in_training = self.declaration_states(lead_provider, partner)
        self.exempt(lead_provider, partner)
        self.finished_induction(lead_provider, partner)
        self.mentor_completed(lead_provider, partner)
        # School-led training alongside provider-led, and a mentor at both partner schools (F4).
        provider_led = self.ect(schools.second, lead_provider, start)
        self.ect(schools.second, None, start)
        first = self.mentor(partner, lead_provider, start + dt.timedelta(days=1), mentee=in_training)
        self.mentor(
            schools.second,
            lead_provider,
            start + dt.timedelta(days=2),
            mentee=provider_led,
            known=first.participant,
        )
        # P9/V5: invisible to the provider until it confirms a partnership with the school.
        self.ect(schools.named_only, lead_provider, start)
        self.changing_by_date(lead_provider, partner)

    def uplift(self, lead_provider: LeadProvider, school: School) -> None:
        """F18/D27: the school attracts both uplifts in a cohort with uplift fees; the started declaration is paid."""
        cohort = self.uplift_cohort
        with self.acting(cohort.started_on, "record_funding_eligibility") as now, changes.unit_of_work(now=now):
            SchoolFundingEligibility.objects.create(
                school=school, cohort=cohort, pupil_premium_uplift=True, sparsity_uplift=True
            )
        started_on = dt.date(cohort.year, 9, 1)
        ect = self.ect(school, lead_provider, started_on)
        self.first_induction(ect.participant, started_on)
        declaration = self.declare(lead_provider, ect, "started", started_on + dt.timedelta(days=7))
        self.pay(declaration, started_on + dt.timedelta(days=14))
        self.passed_induction(ect.participant, started_on)

    def declaration_states(self, lead_provider: LeadProvider, school: School) -> SchoolPeriod:
        """D30: a started declaration in every state, one ECT each; returns the one left eligible."""
        start = self.start
        declared_on, later = start + dt.timedelta(days=7), start + dt.timedelta(days=9)
        ects = {}
        for state in ("eligible", "payable", "paid", "voided", "awaiting-clawback", "clawed-back", "submitted"):
            ect = self.ect(school, lead_provider, start)
            if state != "submitted":
                # In induction from the start, so eligible for funding (F14); `submitted` waits for that (D31).
                self.induction(ect.participant, start)
            declaration = self.declare(lead_provider, ect, "started", declared_on)
            if state in ("payable", "paid", "awaiting-clawback", "clawed-back"):
                declaration = self.pay(declaration, later, until="payable" if state == "payable" else "paid")
            if state in ("voided", "awaiting-clawback", "clawed-back"):
                declaration = self.void(lead_provider, declaration, later + dt.timedelta(days=3))
            if state == "clawed-back":
                self.clawed_back(declaration, later + dt.timedelta(days=5))
            ects[state] = ect
        return ects["eligible"]

    def exempt(self, lead_provider: LeadProvider, school: School) -> None:
        """F13/O9: support staff record that an ECT is exempt from induction, so not eligible for funding."""
        ect = self.ect(school, lead_provider, self.start)
        participant = Participant.objects.get(pk=ect.participant_id)
        with self.acting(self.start + dt.timedelta(days=2), "mark_exempt") as now, changes.unit_of_work(now=now):
            participant.ect_exempt_on = clock.london_date(now)
            participant.save()

    def finished_induction(self, lead_provider: LeadProvider, school: School) -> None:
        """F15/O6: a passed induction ends training; change of schedule is refused (S15)."""
        ect = self.ect(school, lead_provider, self.earlier_start)
        self.first_induction(ect.participant, self.earlier_start)
        self.passed_induction(ect.participant, self.earlier_start)

    def mentor_completed(self, lead_provider: LeadProvider, school: School) -> None:
        """D40/D41: a mentor's completed declaration ends their funding and their training."""
        started_on = self.earlier_start
        mentor = self.mentor(school, lead_provider, started_on)
        self.declare(lead_provider, mentor, "started", started_on + dt.timedelta(days=10))
        schedule = mentor.training_periods.get().schedule
        milestone = Milestone.objects.get(schedule=schedule, declaration_type="completed")
        completed_on = max(milestone.start_date, started_on) + dt.timedelta(days=14)
        if completed_on < self.yesterday and (milestone.deadline is None or completed_on <= milestone.deadline):
            self.declare(lead_provider, mentor, "completed", completed_on)

    def changing_by_date(self, lead_provider: LeadProvider, school: School) -> None:
        """O1: someone of this provider's changes status each night of the coming week.

        On odd days an ECT registered yesterday starts (joining → active); on even days a mentor the school
        reported leaving yesterday has gone (leaving → left the day after the leaving date).
        """
        for days_ahead in range(1, CHANGING_DAYS + 1):
            day = self.today + dt.timedelta(days=days_ahead)
            if days_ahead % 2:
                self.ect(school, lead_provider, day, registered_on=self.yesterday)
                continue
            mentor = self.mentor(school, lead_provider, self.start)
            with self.acting(self.yesterday, "report_leaving") as now:
                school_actions.report_leaving(school_period=mentor, leaving_on=day - dt.timedelta(days=1), now=now)
