"""Demo data: a realistic, deterministic data set of any size (`manage.py seed_demo`).

One seeded random generator draws everything, and every date is relative to `today`, so the same
seed, size and day give the same rows and the same public ids. The set shows every state the API
can: joining, active, leaving and left participants; deferred and withdrawn training; passed and
failed inductions; mentors whose funding ended; replacement mentors; merged participants;
expressions of interest; school-led training; and people who moved school or changed provider.

Rows are written with bulk_create in batches. That skips the save signals, so no audit events are
written and `api_updated_at` is set here; provider enrolments are derived once at the end.

Seeding replaces the previous demo set instead of adding to it: demo schools are recognised by an
`api_id` derived from their URN (`school_api_id`), and they and everything at them are deleted
first, in the same transaction. So a rerun never duplicates, and the result depends only on the
arguments, whatever ran before.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, models, transaction

from config.clock import LONDON
from declarations.models import Declaration
from participants import enrolments
from participants.models import (
    DeferralReason,
    InductionOutcome,
    InductionPeriod,
    MentorFundingEndReason,
    Mentorship,
    Participant,
    ParticipantIdChange,
    ParticipantType,
    ProgrammeType,
    ProviderEnrolment,
    SchoolPeriod,
    TrainingPeriod,
    WithdrawalReason,
    WorkingPattern,
)
from schedules.models import Cohort, Schedule
from schedules.reference import FIRST_COHORT, LAST_COHORT
from schools.models import (
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Partnership,
    School,
    SchoolCohortChoice,
    SchoolFundingEligibility,
)

NAMESPACE = uuid.UUID("b8de1a70-3756-425b-80c7-ff6eff7f5c0d")
BATCH_SIZE = 2000
PEOPLE_PER_CHUNK = 5000

# The lead providers delivering early career training, with a rough share of schools each.
# Uneven shares, as in the real market; the largest provider sees over a quarter of participants,
# which the API benchmark needs (at least 25,000 visible at 100,000 participants).
LEAD_PROVIDERS = {
    "Ambition Institute": 30,
    "Best Practice Network": 10,
    "Capita": 4,
    "Education Development Trust": 13,
    "National Institute of Teaching": 7,
    "Teach First": 21,
    "UCL Institute of Education": 15,
}

DELIVERY_PARTNERS = (
    "Aldermoor Teaching School Hub",
    "Beacon Hill Learning Partnership",
    "Brackenridge Teaching School Hub",
    "Castlegate Education Trust",
    "Chalkstream Teaching School Hub",
    "Danesfield Learning Alliance",
    "Elmstead Teaching School Hub",
    "Fairhaven Schools Partnership",
    "Fellside Teaching School Hub",
    "Greystone Education Partnership",
    "Harbourside Teaching School Hub",
    "Kingsmere Learning Trust",
    "Larkfield Teaching School Hub",
    "Meadowvale Education Alliance",
    "Northgate Teaching School Hub",
    "Oakridge Learning Partnership",
    "Pennant Teaching School Hub",
    "Queensway Schools Alliance",
    "Riverbend Teaching School Hub",
    "Saltmarsh Education Trust",
    "Thornbury Teaching School Hub",
    "Westbrook Learning Partnership",
)

APPROPRIATE_BODIES = (
    "Aldermoor Teaching School Hub",
    "Castlegate Education Trust",
    "Fellside Teaching School Hub",
    "Independent Schools Teacher Induction Panel",
    "Northgate Teaching School Hub",
    "Riverbend Teaching School Hub",
    "Saltmarsh Education Trust",
    "Westbrook Learning Partnership",
)

FIRST_NAMES = (
    "Aaliyah",
    "Abigail",
    "Adam",
    "Aisha",
    "Alexander",
    "Amelia",
    "Amir",
    "Anna",
    "Arjun",
    "Ava",
    "Ben",
    "Bethany",
    "Callum",
    "Charlotte",
    "Chloe",
    "Chidi",
    "Daniel",
    "David",
    "Eleanor",
    "Elif",
    "Ella",
    "Emily",
    "Ethan",
    "Fatima",
    "Finley",
    "Freya",
    "George",
    "Grace",
    "Hannah",
    "Harry",
    "Hassan",
    "Isabel",
    "Isla",
    "Jack",
    "Jacob",
    "James",
    "Jessica",
    "Joseph",
    "Joshua",
    "Kai",
    "Katie",
    "Laura",
    "Leah",
    "Liam",
    "Lily",
    "Lucy",
    "Maya",
    "Megan",
    "Mohammed",
    "Niamh",
    "Noah",
    "Oliver",
    "Olivia",
    "Oscar",
    "Priya",
    "Rachel",
    "Rhys",
    "Ruby",
    "Ryan",
    "Samuel",
    "Sarah",
    "Sophie",
    "Thomas",
    "Tomasz",
    "Yusuf",
    "Zainab",
    "Zara",
    "Zoe",
)

LAST_NAMES = (
    "Adeyemi",
    "Ahmed",
    "Ali",
    "Allen",
    "Bailey",
    "Baker",
    "Begum",
    "Bennett",
    "Brown",
    "Campbell",
    "Chen",
    "Clarke",
    "Collins",
    "Cooper",
    "Davies",
    "Edwards",
    "Evans",
    "Fletcher",
    "Green",
    "Griffiths",
    "Hall",
    "Harris",
    "Hughes",
    "Hussain",
    "Jackson",
    "James",
    "Jones",
    "Kaur",
    "Kelly",
    "Khan",
    "King",
    "Kowalski",
    "Lewis",
    "Martin",
    "Mensah",
    "Mitchell",
    "Moore",
    "Morgan",
    "Murphy",
    "Nguyen",
    "Novak",
    "O'Brien",
    "Okafor",
    "Parker",
    "Patel",
    "Phillips",
    "Price",
    "Roberts",
    "Robinson",
    "Scott",
    "Shah",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Thompson",
    "Turner",
    "Walker",
    "Ward",
    "Watson",
    "White",
    "Williams",
    "Wilson",
    "Wood",
    "Wright",
    "Young",
)

SCHOOL_PLACES = (
    "Abbey Road",
    "Ashfield",
    "Beech Hill",
    "Birchwood",
    "Bramley",
    "Brook Lane",
    "Castle View",
    "Cedar Park",
    "Chestnut Grove",
    "Church Street",
    "Clayton",
    "Coppice",
    "Crown Hill",
    "Eastfield",
    "Elm Tree",
    "Fernhill",
    "Forest Gate",
    "Foxhill",
    "Glebe",
    "Greenacres",
    "Hawthorn",
    "Heathfield",
    "Highfield",
    "Hillside",
    "Holly Bank",
    "Kingsway",
    "Lakeside",
    "Larchwood",
    "Longmeadow",
    "Maple",
    "Marsh Lane",
    "Meadowside",
    "Millbrook",
    "Moorland",
    "Newlands",
    "Northbrook",
    "Oakfield",
    "Orchard",
    "Park View",
    "Parkside",
    "Priory",
    "Queens Park",
    "Ridgeway",
    "Riverside",
    "Rosewood",
    "St Andrew's",
    "St Anne's",
    "St John's",
    "St Mary's",
    "St Peter's",
    "Southfield",
    "Springfield",
    "Stonebridge",
    "Sunnybank",
    "Thornhill",
    "Valley Road",
    "Westfield",
    "Willow Bank",
    "Woodlands",
)

SCHOOL_KINDS = (
    ("Primary School", 30),
    ("Academy", 14),
    ("Church of England Primary School", 8),
    ("Catholic Primary School", 5),
    ("Infant School", 4),
    ("Junior School", 4),
    ("High School", 10),
    ("Secondary School", 6),
    ("Community College", 4),
    ("Free School", 2),
    ("Special School", 3),
)

# A term start on (month, day); most teachers start in September.
TERM_STARTS = ((9, 1), (1, 5), (4, 20))
TERM_WEIGHTS = (6, 2, 1)


def school_api_id(urn: str) -> uuid.UUID:
    """Demo schools carry this id; it is how a later run finds (and replaces) them."""
    return uuid.uuid5(NAMESPACE, f"school:{urn}")


def school_count(participants: int) -> int:
    """About eight ECTs and mentors per school: a few hundred schools for a couple of thousand people."""
    return max(20, round(participants / 8))


def schedule_month(day: dt.date) -> str:
    """DS4: the schedule month that fits a start date."""
    if 6 <= day.month <= 10:
        return "september"
    if day.month >= 11 or day.month <= 2:
        return "january"
    return "april"


def cohort_for(day: dt.date) -> int:
    return min(max(Cohort.year_containing(day), FIRST_COHORT), LAST_COHORT)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _earliest_end(*ends: dt.date | None) -> dt.date | None:
    known = [end for end in ends if end is not None]
    return min(known) if known else None


@dataclass
class Summary:
    participants: int = 0
    merged_away: int = 0
    schools: int = 0
    partnerships: int = 0
    school_periods: int = 0
    training_periods: int = 0
    mentorships: int = 0
    induction_periods: int = 0
    participant_id_changes: int = 0


@dataclass
class _Person:
    participant: Participant
    first_name: str
    last_name: str
    # Days something providers see happened, for api_updated_at.
    days: list[dt.date] = field(default_factory=list)


@dataclass
class _Chunk:
    partnerships: list = field(default_factory=list)
    participants: list = field(default_factory=list)
    merged_away: list = field(default_factory=list)
    school_periods: list = field(default_factory=list)
    training_periods: list = field(default_factory=list)
    mentorships: list = field(default_factory=list)
    induction_periods: list = field(default_factory=list)
    id_changes: list = field(default_factory=list)
    ects_at: dict = field(default_factory=lambda: defaultdict(list))
    mentors_at: dict = field(default_factory=lambda: defaultdict(list))
    people: list = field(default_factory=list)


# --- removal --------------------------------------------------------------------------------------

_DEMO_PARTICIPANTS = """
    WITH RECURSIVE demo(id) AS (
        SELECT participant_id FROM participants_schoolperiod WHERE school_id = ANY(%s)
        UNION
        SELECT p.id FROM participants_participant p JOIN demo ON p.retired_into_id = demo.id
    )
    SELECT id FROM demo
"""


def _ids(sql: str, params) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


class DemoDataInUse(Exception):
    pass


def remove() -> int:
    """Delete the demo schools and everything at them; returns how many participants went."""
    with transaction.atomic():
        school_ids = [
            pk for pk, urn, api_id in School.objects.values_list("pk", "urn", "api_id") if api_id == school_api_id(urn)
        ]
        if not school_ids:
            return 0
        participant_ids = _ids(_DEMO_PARTICIPANTS, [school_ids])
        school_period_ids = _ids(
            "SELECT id FROM participants_schoolperiod WHERE participant_id = ANY(%s)", [participant_ids]
        )
        training_period_ids = _ids(
            "SELECT id FROM participants_trainingperiod WHERE school_period_id = ANY(%s)", [school_period_ids]
        )
        partnership_ids = _ids("SELECT id FROM schools_partnership WHERE school_id = ANY(%s)", [school_ids])
        declaration_ids = _ids(
            "SELECT id FROM declarations_declaration WHERE training_period_id = ANY(%s) OR mentor_id = ANY(%s)",
            [training_period_ids, participant_ids],
        )
        # Raw deletes: the ORM would send a signal (and write an audit event) per row.
        plan = [
            (Declaration, "id", declaration_ids),
            (ProviderEnrolment, "participant_id", participant_ids),
            (Mentorship, "ect_school_period_id", school_period_ids),
            (Mentorship, "mentor_school_period_id", school_period_ids),
            (TrainingPeriod, "id", training_period_ids),
            (SchoolPeriod, "id", school_period_ids),
            (InductionPeriod, "participant_id", participant_ids),
            (ParticipantIdChange, "participant_id", participant_ids),
            (Participant, "id", participant_ids),
            (Partnership, "id", partnership_ids),
            (SchoolFundingEligibility, "school_id", school_ids),
            (SchoolCohortChoice, "school_id", school_ids),
            (School, "id", school_ids),
        ]
        planned = {model for model, _, _ in plan}
        with connection.cursor() as cursor:
            for model, column, ids in plan:
                if column == "id":
                    _clear_other_references(model, ids, planned)
                cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE "{column}" = ANY(%s)', [ids])
        return len(participant_ids)


def _clear_other_references(model, ids: list[int], planned: set) -> None:
    """Rows of models this module does not know (added by other features) that point at demo rows."""
    if not ids:
        return
    for relation in model._meta.related_objects:
        if relation.related_model in planned:
            continue
        if relation.many_to_many:
            relation.through._base_manager.filter(**{f"{relation.field.m2m_reverse_field_name()}__in": ids}).delete()
            continue
        rows = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids})
        if relation.on_delete is models.SET_NULL:
            rows.update(**{relation.field.name: None})
        elif relation.on_delete is models.CASCADE:
            rows.delete()
        elif rows.exists():
            raise DemoDataInUse(
                f"{relation.related_model._meta.verbose_name_plural} refer to demo {model._meta.verbose_name_plural}; "
                "delete them before reseeding"
            )


def present() -> bool:
    return any(api_id == school_api_id(urn) for urn, api_id in School.objects.values_list("urn", "api_id").iterator())


# --- generation -----------------------------------------------------------------------------------


def seed(
    *, participants: int, seed: int, today: dt.date, progress: Callable[[int, int], None] | None = None
) -> Summary:
    """Replace the demo set with `participants` people (merged-away duplicates come on top)."""
    if participants < 1:
        raise ValueError("participants must be at least 1")
    with transaction.atomic():
        remove()
        builder = _Builder(random.Random(seed), today=today)
        builder.organisations()
        builder.schools(school_count(participants))
        builder.people(participants, progress or (lambda done, total: None))
        enrolments.refresh(None, today=today)
    return builder.summary


class _Builder:
    def __init__(self, rng: random.Random, *, today: dt.date):
        self.rng = rng
        self.today = today
        self.yesterday = today - dt.timedelta(days=1)
        self.summary = Summary()
        self.schedules = {(s.cohort_id, s.identifier): s for s in Schedule.objects.all()}
        if not self.schedules:
            raise RuntimeError("No schedules: run `manage.py migrate` first (it loads the reference data).")
        self.frozen_cohorts = {
            c.year: c.payments_frozen_at.astimezone(LONDON).date()
            for c in Cohort.objects.filter(payments_frozen_at__isnull=False)
            if c.payments_frozen_at.astimezone(LONDON).date() < today
        }
        self.uplift_cohorts = list(Cohort.objects.filter(uplift_fees=True).values_list("year", flat=True))
        self.partnerships: dict[tuple[int, int, int], Partnership] = {}
        self.preferred: dict[tuple[int, int], LeadProvider] = {}
        self.expressions_of_interest: set[tuple[int, int, int]] = set()
        self.used_trns = set(Participant.objects.exclude(trn=None).values_list("trn", flat=True))
        self.chunk = _Chunk()

    # helpers ---------------------------------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def day_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def start_between(self, first: dt.date, last: dt.date) -> dt.date:
        """Usually a term start in the window (most teachers start then), else any day in it."""
        starts = [
            (dt.date(year, month, day), weight)
            for year in range(first.year, last.year + 1)
            for (month, day), weight in zip(TERM_STARTS, TERM_WEIGHTS, strict=True)
            if first <= dt.date(year, month, day) <= last
        ]
        if starts and self.rng.random() < 0.8:
            chosen = self.rng.choices([s for s, _ in starts], [w for _, w in starts])[0]
            return min(chosen + dt.timedelta(days=self.rng.randint(0, 3)), last)
        return self.day_between(first, last)

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def ahead(self, days: int) -> dt.date:
        return self.today + dt.timedelta(days=days)

    def moment(self, day: dt.date) -> dt.datetime:
        """A working-hours time on `day` (never later than yesterday, so never in the future)."""
        day = min(day, self.yesterday)
        return dt.datetime.combine(day, dt.time(8), tzinfo=LONDON) + dt.timedelta(minutes=self.rng.randint(0, 600))

    def schedule(self, cohort: int, kind: str, day: dt.date) -> Schedule:
        return self.schedules[(cohort, f"ecf-{kind}-{schedule_month(day)}")]

    def pick_lead_provider(self, exclude=()) -> LeadProvider:
        options = [lp for lp in self.lead_providers if lp not in exclude]
        return self.rng.choices(options, [LEAD_PROVIDERS.get(lp.name, 10) for lp in options])[0]

    def trn(self) -> str:
        while True:
            candidate = str(self.rng.randint(2000000, 9999999))
            if candidate not in self.used_trns:
                self.used_trns.add(candidate)
                return candidate

    # organisations -----------------------------------------------------------------------------

    def organisations(self) -> None:
        """Lead providers, delivery partners and their pairings: the same for every seed, and kept between runs."""
        self.lead_providers = [
            LeadProvider.objects.get_or_create(
                name=name, defaults={"api_id": uuid.uuid5(NAMESPACE, f"lead-provider:{name}")}
            )[0]
            for name in LEAD_PROVIDERS
        ]
        partners = [
            DeliveryPartner.objects.get_or_create(
                name=name, defaults={"api_id": uuid.uuid5(NAMESPACE, f"delivery-partner:{name}")}
            )[0]
            for name in DELIVERY_PARTNERS
        ]
        fixed = random.Random("delivery partner pairings")
        self.pairings: dict[tuple[int, int], list[DeliveryPartner]] = {}
        rows = []
        for lead_provider in self.lead_providers:
            current = fixed.sample(partners, 4)
            for cohort in range(FIRST_COHORT, LAST_COHORT + 1):
                # Now and then a provider swaps one delivery partner for another from one cohort to the next.
                if cohort > FIRST_COHORT and fixed.random() < 0.3:
                    current = current[1:] + [fixed.choice([p for p in partners if p not in current])]
                self.pairings[(lead_provider.pk, cohort)] = list(current)
                rows += [
                    LeadProviderDeliveryPartnership(lead_provider=lead_provider, delivery_partner=p, cohort_id=cohort)
                    for p in current
                ]
        LeadProviderDeliveryPartnership.objects.bulk_create(rows, ignore_conflicts=True)

    def schools(self, count: int) -> None:
        taken = set(School.objects.values_list("urn", flat=True))
        urns = [
            urn for urn in map(str, self.rng.sample(range(100000, 1000000), count + len(taken))) if urn not in taken
        ][:count]
        kinds, weights = zip(*SCHOOL_KINDS, strict=True)
        self.school_list, self.school_domain, self.school_body = [], {}, {}
        for urn in urns:
            name = f"{self.rng.choice(SCHOOL_PLACES)} {self.rng.choices(kinds, weights)[0]}"
            domain = f"{_slug(name)}.example"
            tutor_first, tutor_last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
            school = School(
                api_id=school_api_id(urn),
                urn=urn,
                name=name,
                induction_tutor_name=f"{tutor_first} {tutor_last}",
                induction_tutor_email=f"{_slug(tutor_first)}.{_slug(tutor_last)}@{domain}",
            )
            self.school_list.append(school)
            self.school_domain[urn] = domain
            self.school_body[urn] = self.rng.choice(APPROPRIATE_BODIES)
        School.objects.bulk_create(self.school_list, batch_size=BATCH_SIZE)
        self.summary.schools = len(self.school_list)

        eligibilities = [
            SchoolFundingEligibility(
                school=school,
                cohort_id=cohort,
                pupil_premium_uplift=self.rng.random() < 0.5,
                sparsity_uplift=self.rng.random() < 0.2,
            )
            for cohort in self.uplift_cohorts
            for school in self.school_list
            if self.rng.random() < 0.4
        ]
        SchoolFundingEligibility.objects.bulk_create(eligibilities, batch_size=BATCH_SIZE)

        # Each school chooses one provider per cohort, mostly the same again (rolling the partnership
        # over), and the provider confirms it with a partnership.
        last_cohort = cohort_for(self.ahead(150))
        for cohort in range(FIRST_COHORT, last_cohort + 1):
            rows, choices = [], []
            for school in self.school_list:
                lead_provider = self.preferred_lead_provider(school, cohort)
                previous = self.partnerships.get((school.pk, lead_provider.pk, cohort - 1))
                partnership = self.new_partnership(school, lead_provider, cohort, previous)
                rows.append(partnership)
                choices.append(
                    SchoolCohortChoice(
                        school=school,
                        cohort_id=cohort,
                        induction_programme_choice=SchoolCohortChoice.InductionProgramme.PROVIDER_LED,
                        lead_provider=lead_provider,
                        delivery_partner=partnership.delivery_partner,
                        created_at=partnership.created_at,
                        updated_at=partnership.created_at,
                    )
                )
            Partnership.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            SchoolCohortChoice.objects.bulk_create(choices, batch_size=BATCH_SIZE)
            self.summary.partnerships += len(rows)

    def preferred_lead_provider(self, school: School, cohort: int) -> LeadProvider:
        key = (school.pk, cohort)
        if key not in self.preferred:
            previous = self.preferred.get((school.pk, cohort - 1))
            self.preferred[key] = previous if previous and self.rng.random() < 0.85 else self.pick_lead_provider()
        return self.preferred[key]

    def new_partnership(self, school, lead_provider, cohort, previous=None) -> Partnership:
        partners = self.pairings[(lead_provider.pk, cohort)]
        rolled_over = previous is not None and previous.delivery_partner in partners and self.rng.random() < 0.8
        created_on = self.day_between(dt.date(cohort, 3, 1), dt.date(cohort, 8, 31))
        partnership = Partnership(
            api_id=self.uuid(),
            school=school,
            lead_provider=lead_provider,
            delivery_partner=previous.delivery_partner if rolled_over else self.rng.choice(partners),
            cohort_id=cohort,
            created_by=Partnership.CreatedBy.SCHOOL_ROLL_OVER if rolled_over else Partnership.CreatedBy.LEAD_PROVIDER,
            rolled_over_from=previous if rolled_over else None,
            created_at=self.moment(created_on),
        )
        partnership.updated_at = partnership.created_at
        self.partnerships[(school.pk, lead_provider.pk, cohort)] = partnership
        return partnership

    def partnership(self, school: School, cohort: int, lead_provider: LeadProvider | None = None) -> Partnership:
        lead_provider = lead_provider or self.preferred_lead_provider(school, cohort)
        existing = self.partnerships.get((school.pk, lead_provider.pk, cohort))
        if existing is not None:
            return existing
        partnership = self.new_partnership(school, lead_provider, cohort)
        self.chunk.partnerships.append(partnership)
        self.summary.partnerships += 1
        return partnership

    def other_lead_provider(self, school, cohort, exclude: LeadProvider) -> LeadProvider:
        """A second provider for a school and cohort, never one the school only named (an EOI)."""
        blocked = {exclude} | {
            lp for lp in self.lead_providers if (school.pk, lp.pk, cohort) in self.expressions_of_interest
        }
        return self.pick_lead_provider(exclude=blocked)

    def usable(self, school, cohort, lead_provider) -> bool:
        return (school.pk, lead_provider.pk, cohort) not in self.expressions_of_interest

    # people -------------------------------------------------------------------------------------

    def people(self, total: int, progress: Callable[[int, int], None]) -> None:
        names = list(SCENARIOS)
        # The first few people take every scenario in turn, so even a small set shows every state.
        scenarios = names[:total] + self.rng.choices(
            names, [SCENARIOS[n][1] for n in names], k=max(0, total - len(names))
        )
        homes = [self.rng.randrange(len(self.school_list)) for _ in range(total)]
        at_school = defaultdict(list)
        for index, home in enumerate(homes):
            at_school[home].append(index)
        done = 0
        progress(0, total)
        for school_index, school in enumerate(self.school_list):
            for index in at_school.get(school_index, ()):
                SCENARIOS[scenarios[index]][0](self, school)
                done += 1
            if len(self.chunk.people) >= PEOPLE_PER_CHUNK or school_index == len(self.school_list) - 1:
                self.flush()
                progress(done, total)

    def person(self, *, registered_on: dt.date) -> _Person:
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
        person = _Person(participant, first, last, [registered_on])
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
            email=f"{_slug(person.first_name)}.{_slug(person.last_name)}@{self.school_domain[school.urn]}",
            working_pattern=(WorkingPattern.PART_TIME if self.rng.random() < 0.12 else WorkingPattern.FULL_TIME)
            if is_ect
            else None,
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

    def merge_duplicates(self, person: _Person, since: dt.date) -> None:
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

    # mentorships --------------------------------------------------------------------------------

    def assign_mentors(self) -> None:
        """Each ECT gets a mentor at their school from when both are there; a second when the first leaves."""
        for school_pk, ects in self.chunk.ects_at.items():
            mentors = self.chunk.mentors_at.get(school_pk, [])
            for ect in ects:
                mentor, starts = self.mentor_from(mentors, ect.started_on, ect.finished_on)
                if mentor is None:
                    continue
                ends = _earliest_end(ect.finished_on, mentor.finished_on)
                self.mentorship(ect, mentor, starts, ends)
                if ends is not None and ends != ect.finished_on:
                    following = ends + dt.timedelta(days=1)
                    covering = [m for m in mentors if m is not mentor and m.contains(following)]
                    if covering:
                        successor = self.rng.choice(covering)
                        self.mentorship(
                            ect, successor, following, _earliest_end(ect.finished_on, successor.finished_on)
                        )

    def mentor_from(self, mentors, day, until):
        covering = [m for m in mentors if m.contains(day)]
        if covering:
            return self.rng.choice(covering), day
        later = [m for m in mentors if m.started_on > day and (until is None or m.started_on <= until)]
        if later:
            first = min(later, key=lambda m: m.started_on)
            return first, first.started_on
        return None, None

    def mentorship(self, ect, mentor, started_on, finished_on) -> None:
        self.chunk.mentorships.append(
            Mentorship(
                ect_school_period=ect,
                mentor_school_period=mentor,
                started_on=started_on,
                finished_on=finished_on,
                created_at=self.moment(self.registered_before(started_on)),
            )
        )
        ect.demo_person.days += [started_on, finished_on]

    # writing ------------------------------------------------------------------------------------

    def flush(self) -> None:
        chunk = self.chunk
        self.assign_mentors()
        for person in chunk.people:
            participant = person.participant
            last_change = max(day for day in person.days if day is not None and day < self.today)
            participant.api_updated_at = max(participant.created_at, self.moment(last_change))
        # Rolled-over partnerships point at the previous cohort's, so write cohort by cohort.
        for cohort in sorted({p.cohort_id for p in chunk.partnerships}):
            Partnership.objects.bulk_create(
                [p for p in chunk.partnerships if p.cohort_id == cohort], batch_size=BATCH_SIZE
            )
        for model, rows in (
            (Participant, chunk.participants),
            (Participant, chunk.merged_away),
            (SchoolPeriod, chunk.school_periods),
            (TrainingPeriod, chunk.training_periods),
            (Mentorship, chunk.mentorships),
            (InductionPeriod, chunk.induction_periods),
            (ParticipantIdChange, chunk.id_changes),
        ):
            model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        summary = self.summary
        summary.participants += len(chunk.participants)
        summary.merged_away += len(chunk.merged_away)
        summary.school_periods += len(chunk.school_periods)
        summary.training_periods += len(chunk.training_periods)
        summary.mentorships += len(chunk.mentorships)
        summary.induction_periods += len(chunk.induction_periods)
        summary.participant_id_changes += len(chunk.id_changes)
        self.chunk = _Chunk()

    def another_school(self, school: School) -> School:
        while True:
            other = self.rng.choice(self.school_list)
            if other is not school or len(self.school_list) == 1:
                return other


# --- scenarios: one person each, built at their (first) school --------------------------------------


def _ect(builder: _Builder, school: School, started_on: dt.date, finished_on: dt.date | None = None):
    person = builder.person(registered_on=builder.registered_before(started_on))
    return person, builder.school_period(person, school, ParticipantType.ECT, started_on, finished_on)


def _mentor(builder: _Builder, school: School, started_on: dt.date, finished_on: dt.date | None = None):
    registered_on = builder.registered_before(started_on)
    person = builder.person(registered_on=registered_on)
    # O10: a mentor with provider-led training is eligible for funding from registration.
    person.participant.mentor_eligible_on = registered_on
    return person, builder.school_period(person, school, ParticipantType.MENTOR, started_on, finished_on)


def _inducted(builder, person, school, started_on, finished_on=None):
    builder.induction(person, started_on, finished_on, school=school)
    person.participant.ect_eligible_on = started_on


def ect_active(b: _Builder, school):
    start = b.start_between(b.ago(700), b.ago(7))
    person, period = _ect(b, school, start)
    b.training(period, start)
    _inducted(b, person, school, start)
    return person, start


def ect_awaiting_induction(b: _Builder, school):
    """Started recently; the appropriate body has not recorded an induction period yet."""
    start = b.start_between(b.ago(45), b.ago(1))
    _, period = _ect(b, school, start)
    b.training(period, start)


def ect_joining(b: _Builder, school):
    start = b.start_between(b.ahead(1), b.ahead(75))
    _, period = _ect(b, school, start)
    b.training(period, start)


def ect_leaving(b: _Builder, school):
    start = b.start_between(b.ago(600), b.ago(40))
    leaves = b.day_between(b.ahead(1), b.ahead(60))
    person, period = _ect(b, school, start, leaves)
    b.training(period, start, leaves)
    _inducted(b, person, school, start)


def ect_left(b: _Builder, school):
    start = b.start_between(b.ago(900), b.ago(120))
    left = b.day_between(start + dt.timedelta(days=30), b.yesterday)
    person, period = _ect(b, school, start, left)
    b.training(period, start, left)
    _inducted(b, person, school, start, left)


def ect_deferred(b: _Builder, school):
    start = b.start_between(b.ago(600), b.ago(60))
    deferred = b.day_between(start + dt.timedelta(days=14), b.yesterday)
    person, period = _ect(b, school, start)
    reason = b.rng.choice(DeferralReason.values)
    # A provider's deferral ends the training period on the day (A rules), so the participant shows `left`.
    b.training(period, start, deferred, deferred_on=deferred, reason=reason)
    _inducted(b, person, school, start)


def ect_withdrawn(b: _Builder, school):
    start = b.start_between(b.ago(600), b.ago(60))
    withdrawn = b.day_between(start + dt.timedelta(days=14), b.yesterday)
    reason = b.rng.choice(
        [WithdrawalReason.LEFT_TEACHING_PROFESSION, WithdrawalReason.MOVED_SCHOOL, WithdrawalReason.OTHER]
    )
    left_school = withdrawn if reason == WithdrawalReason.LEFT_TEACHING_PROFESSION else None
    person, period = _ect(b, school, start, left_school)
    b.training(period, start, withdrawn, withdrawn_on=withdrawn, reason=reason)
    _inducted(b, person, school, start, left_school)


def _completed_induction(b: _Builder, school, outcome):
    start = b.start_between(b.ago(1100), b.ago(420))
    ends = min(start + dt.timedelta(days=700 + b.rng.randint(0, 60)), b.ago(b.rng.randint(1, 20)))
    person, period = _ect(b, school, start)
    b.induction(person, start, ends, outcome, school=school)
    person.participant.ect_eligible_on = start
    if outcome == InductionOutcome.PASS and b.rng.random() < 0.3:
        b.training(period, start)  # F12 rule 2: still `active` with the training period left open
    else:
        b.training(period, start, ends)
        if outcome == InductionOutcome.FAIL or b.rng.random() < 0.4:
            period.finished_on = b.day_between(ends, b.yesterday)
            person.days.append(period.finished_on)
    return person, period, ends


def ect_induction_passed(b: _Builder, school):
    _completed_induction(b, school, InductionOutcome.PASS)


def ect_induction_failed(b: _Builder, school):
    _completed_induction(b, school, InductionOutcome.FAIL)


def ect_moved_school(b: _Builder, school):
    """Two school periods; the new school's provider takes over (sometimes the same provider)."""
    start = b.start_between(b.ago(700), b.ago(120))
    moves = b.day_between(start + dt.timedelta(days=60), b.ahead(45))
    left_first = moves - dt.timedelta(days=1)
    cohort = cohort_for(start)
    person, first = _ect(b, school, start, left_first)
    first_training = b.training(first, start, left_first)
    if left_first < b.today and b.rng.random() < 0.3:
        first_training.withdrawn_at = b.moment(left_first)
        first_training.withdrawal_reason = WithdrawalReason.MOVED_SCHOOL
    b.induction(person, start, left_first, school=school)
    person.participant.ect_eligible_on = start
    new_school = b.another_school(school)
    second = b.school_period(person, new_school, ParticipantType.ECT, moves)
    old_provider = first_training.lead_provider
    keeps_provider = b.rng.random() < 0.5 and b.usable(new_school, cohort, old_provider)
    partnership = b.partnership(new_school, cohort, old_provider if keeps_provider else None)
    # DS8: a transfer keeps the cohort and the schedule.
    b.training(second, moves, partnership=partnership, schedule=first_training.schedule)
    if moves < b.today:
        b.induction(person, moves, school=new_school)


def ect_changed_provider(b: _Builder, school):
    start = b.start_between(b.ago(700), b.ago(90))
    changes = b.day_between(start + dt.timedelta(days=30), b.yesterday)
    cohort = cohort_for(start)
    person, period = _ect(b, school, start)
    first = b.training(period, start, changes - dt.timedelta(days=1))
    new_provider = b.other_lead_provider(school, cohort, exclude=first.lead_provider)
    b.training(period, changes, partnership=b.partnership(school, cohort, new_provider), schedule=first.schedule)
    _inducted(b, person, school, start)


def ect_expression_of_interest(b: _Builder, school):
    """The school named a provider that has not confirmed a partnership: invisible to it (V1)."""
    start = b.start_between(b.ago(60), b.ahead(60))
    cohort = cohort_for(start)
    preferred = b.preferred_lead_provider(school, cohort)
    options = [
        lp for lp in b.lead_providers if lp is not preferred and (school.pk, lp.pk, cohort) not in b.partnerships
    ]
    person, period = _ect(b, school, start)
    if options:
        named = b.rng.choice(options)
        b.expressions_of_interest.add((school.pk, named.pk, cohort))
        b.training(period, start, lead_provider=named, schedule=b.schedule(cohort, "standard", start))
    else:
        b.training(period, start, school_led=True)
    if start < b.today:
        _inducted(b, person, school, start)


def ect_school_led(b: _Builder, school):
    start = b.start_between(b.ago(700), b.ago(7))
    person, period = _ect(b, school, start)
    b.training(period, start, school_led=True)
    _inducted(b, person, school, start)


def ect_extended_after_frozen_cohort(b: _Builder, school):
    """SC2/DS5: an ECT from a closed cohort carries on in 2024 on the extended schedule."""
    feasible = [
        (year, frozen_on)
        for year, frozen_on in sorted(b.frozen_cohorts.items())
        if frozen_on + dt.timedelta(days=15) < b.today and (2024, "ecf-extended-september") in b.schedules
    ]
    if not feasible:
        return ect_active(b, school)
    year, frozen_on = b.rng.choice(feasible)
    start = b.start_between(dt.date(year, 9, 1), dt.date(year + 1, 4, 30))
    moves = b.day_between(frozen_on + dt.timedelta(days=14), min(frozen_on + dt.timedelta(days=120), b.yesterday))
    person, period = _ect(b, school, start)
    period.working_pattern = WorkingPattern.PART_TIME
    first = b.training(period, start, moves - dt.timedelta(days=1), partnership=b.partnership(school, year))
    provider = first.lead_provider if b.usable(school, 2024, first.lead_provider) else None
    b.training(
        period,
        moves,
        partnership=b.partnership(school, 2024, provider),
        schedule=b.schedules[(2024, "ecf-extended-september")],
    )
    person.participant.ect_payments_frozen_year = year
    _inducted(b, person, school, start)


def ect_merged(b: _Builder, school):
    person, start = ect_active(b, school)
    b.merge_duplicates(person, since=start)


def ect_then_mentor(b: _Builder, school):
    """Finished induction, then became a mentor at the same school: two enrolments with one provider (V6)."""
    start = b.start_between(b.ago(1200), b.ago(500))
    passed = min(start + dt.timedelta(days=700 + b.rng.randint(0, 60)), b.ago(30))
    person, ect_period = _ect(b, school, start, passed)
    b.training(ect_period, start, passed)
    b.induction(person, start, passed, InductionOutcome.PASS, school=school)
    person.participant.ect_eligible_on = start
    mentoring_from = b.day_between(passed + dt.timedelta(days=1), b.yesterday)
    mentor_period = b.school_period(person, school, ParticipantType.MENTOR, mentoring_from)
    b.training(mentor_period, mentoring_from)
    person.participant.mentor_eligible_on = mentoring_from


def mentor_active(b: _Builder, school):
    start = b.start_between(b.ago(900), b.ago(7))
    _, period = _mentor(b, school, start)
    b.training(period, start)


def mentor_joining(b: _Builder, school):
    start = b.start_between(b.ahead(1), b.ahead(60))
    _, period = _mentor(b, school, start)
    b.training(period, start)


def mentor_leaving(b: _Builder, school):
    start = b.start_between(b.ago(700), b.ago(30))
    leaves = b.day_between(b.ahead(1), b.ahead(60))
    _, period = _mentor(b, school, start, leaves)
    b.training(period, start, leaves)


def mentor_left(b: _Builder, school):
    start = b.start_between(b.ago(900), b.ago(120))
    left = b.day_between(start + dt.timedelta(days=30), b.yesterday)
    _, period = _mentor(b, school, start, left)
    b.training(period, start, left)


def mentor_deferred(b: _Builder, school):
    start = b.start_between(b.ago(600), b.ago(60))
    deferred = b.day_between(start + dt.timedelta(days=14), b.yesterday)
    _, period = _mentor(b, school, start)
    b.training(period, start, deferred, deferred_on=deferred, reason=b.rng.choice(DeferralReason.values))


def mentor_withdrawn(b: _Builder, school):
    start = b.start_between(b.ago(600), b.ago(60))
    withdrawn = b.day_between(start + dt.timedelta(days=14), b.yesterday)
    stops_mentoring = b.rng.random() < 0.7
    reason = WithdrawalReason.MENTOR_NO_LONGER_BEING_MENTOR if stops_mentoring else WithdrawalReason.OTHER
    _, period = _mentor(b, school, start, withdrawn if stops_mentoring else None)
    b.training(period, start, withdrawn, withdrawn_on=withdrawn, reason=reason)


def mentor_funding_ended(b: _Builder, school):
    """F16: funding ended (mostly on a completed declaration); F12 rule 2 keeps them `active`."""
    start = b.start_between(b.ago(1000), b.ago(300))
    ended = min(start + dt.timedelta(days=b.rng.randint(300, 700)), b.yesterday)
    person, period = _mentor(b, school, start)
    participant = person.participant
    participant.mentor_funding_end_date = ended
    participant.mentor_funding_end_reason = b.rng.choices(
        [
            MentorFundingEndReason.COMPLETED_DECLARATION_RECEIVED,
            MentorFundingEndReason.STARTED_NOT_COMPLETED,
            MentorFundingEndReason.COMPLETED_DURING_EARLY_ROLL_OUT,
        ],
        [8, 1, 1],
    )[0]
    person.days.append(ended)
    b.training(period, start, ended if b.rng.random() < 0.6 else None)


def mentor_replacement(b: _Builder, school):
    """DS6: a mentor taking over from another, on a replacement schedule."""
    start = b.start_between(b.ago(400), b.ago(7))
    _, period = _mentor(b, school, start)
    b.training(period, start, kind="replacement")


# name -> (builder, weight in the random part of the set)
SCENARIOS: dict[str, tuple[Callable[[_Builder, School], object], float]] = {
    "ect_active": (ect_active, 30),
    "ect_awaiting_induction": (ect_awaiting_induction, 4),
    "ect_joining": (ect_joining, 5),
    "ect_leaving": (ect_leaving, 3),
    "ect_left": (ect_left, 4),
    "ect_deferred": (ect_deferred, 2),
    "ect_withdrawn": (ect_withdrawn, 3),
    "ect_induction_passed": (ect_induction_passed, 6),
    "ect_induction_failed": (ect_induction_failed, 0.5),
    "ect_moved_school": (ect_moved_school, 3),
    "ect_changed_provider": (ect_changed_provider, 2),
    "ect_expression_of_interest": (ect_expression_of_interest, 2),
    "ect_school_led": (ect_school_led, 3),
    "ect_extended_after_frozen_cohort": (ect_extended_after_frozen_cohort, 1),
    "ect_merged": (ect_merged, 1),
    "ect_then_mentor": (ect_then_mentor, 1),
    "mentor_active": (mentor_active, 14),
    "mentor_joining": (mentor_joining, 2),
    "mentor_leaving": (mentor_leaving, 1),
    "mentor_left": (mentor_left, 2),
    "mentor_deferred": (mentor_deferred, 1),
    "mentor_withdrawn": (mentor_withdrawn, 2),
    "mentor_funding_ended": (mentor_funding_ended, 4),
    "mentor_replacement": (mentor_replacement, 2),
}
