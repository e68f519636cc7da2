"""People and their training, as dated periods (DOMAIN.md model paragraph)."""

from __future__ import annotations

import uuid

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from config import clock
from config.constraints import explained
from config.periods import OVERLAPS, DatedPeriod, DateRange


class ParticipantType(models.TextChoices):
    ECT = "ect", "Early career teacher"
    MENTOR = "mentor", "Mentor"


COURSE_IDENTIFIERS = {ParticipantType.ECT: "ecf-induction", ParticipantType.MENTOR: "ecf-mentor"}


class WorkingPattern(models.TextChoices):
    FULL_TIME = "full_time", "Full time"
    PART_TIME = "part_time", "Part time"


class MentorFundingEndReason(models.TextChoices):
    COMPLETED_DECLARATION_RECEIVED = "completed_declaration_received", "Completed declaration received"
    COMPLETED_DURING_EARLY_ROLL_OUT = "completed_during_early_roll_out", "Completed during early roll-out"
    STARTED_NOT_COMPLETED = "started_not_completed", "Started, not completed"


class DeferralReason(models.TextChoices):
    BEREAVEMENT = "bereavement", "Bereavement"
    LONG_TERM_SICKNESS = "long_term_sickness", "Long-term sickness"
    PARENTAL_LEAVE = "parental_leave", "Parental leave"
    CAREER_BREAK = "career_break", "Career break"
    OTHER = "other", "Other"


class WithdrawalReason(models.TextChoices):
    LEFT_TEACHING_PROFESSION = "left_teaching_profession", "Left teaching profession"
    MOVED_SCHOOL = "moved_school", "Moved school"
    MENTOR_NO_LONGER_BEING_MENTOR = "mentor_no_longer_being_mentor", "Mentor no longer being mentor"
    SWITCHED_TO_SCHOOL_LED = "switched_to_school_led", "Switched to school-led"
    CHANGED_LEAD_PROVIDER = "changed_lead_provider", "Changed lead provider"
    OTHER = "other", "Other"


class ProgrammeType(models.TextChoices):
    PROVIDER_LED = "provider_led", "Provider-led"
    SCHOOL_LED = "school_led", "School-led"


class InductionOutcome(models.TextChoices):
    PASS = "pass", "Passed"
    FAIL = "fail", "Failed"


class Participant(models.Model):
    api_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(max_length=200)
    trn = models.CharField("TRN", max_length=7, null=True, blank=True, unique=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # F5: one training record id per participant type, fixed at creation and kept through merges.
    ect_training_record_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    mentor_training_record_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # F13: E (first eligible) never changes once set; I is the date funding stopped.
    ect_eligible_on = models.DateField(null=True, blank=True)
    ect_exempt_on = models.DateField(null=True, blank=True)
    mentor_eligible_on = models.DateField(null=True, blank=True)
    mentor_funding_end_date = models.DateField(null=True, blank=True)
    mentor_funding_end_reason = models.CharField(
        max_length=40, choices=MentorFundingEndReason.choices, null=True, blank=True
    )
    # F17: the frozen cohort a participant was moved out of.
    ect_payments_frozen_year = models.PositiveSmallIntegerField(null=True, blank=True)
    mentor_payments_frozen_year = models.PositiveSmallIntegerField(null=True, blank=True)
    retired_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    # The single "something a provider can see changed" timestamp (F30, O1, O2).
    api_updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        # No index holds `api_updated_at`, and the table is stored half full (migration 0007), so that moving it
        # (every change providers see, and the nightly job's 100,000 at a time) rewrites the row in its own page
        # without touching any index. Lists filter and sort on `ProviderListing`'s copy.
        indexes = [models.Index(fields=["created_at", "id"], name="participant_created_idx")]
        constraints = [
            explained(
                models.CheckConstraint(
                    condition=Q(trn__regex=r"^[0-9]{7}$") | Q(trn__isnull=True), name="trn_is_seven_digits"
                ),
                field="trn",
                message="Enter a TRN of 7 digits, like 1234567",
            ),
            explained(
                models.CheckConstraint(
                    condition=Q(mentor_funding_end_reason__isnull=True) | Q(mentor_funding_end_date__isnull=False),
                    name="mentor_funding_end_reason_needs_date",
                ),
                field="mentor_funding_end_date",
                message="Enter the date mentor funding ended to give a reason for it",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.api_id})"

    def save(self, *args, **kwargs):
        # api_updated_at is moved by participants.api_updated_at with an UPDATE; a later full save of a
        # stale instance must not write an older value back.
        if not self._state.adding and kwargs.get("update_fields") is None and not kwargs.get("force_insert"):
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "api_updated_at"
            ]
        super().save(*args, **kwargs)

    def training_record_id(self, participant_type: str) -> uuid.UUID:
        return (
            self.ect_training_record_id if participant_type == ParticipantType.ECT else self.mentor_training_record_id
        )


class SchoolPeriod(DatedPeriod):
    """Time at a school as an ECT or as a mentor."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="school_periods")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="school_periods")
    participant_type = models.CharField(max_length=10, choices=ParticipantType.choices)
    email = models.EmailField(null=True, blank=True)
    working_pattern = models.CharField(max_length=10, choices=WorkingPattern.choices, null=True, blank=True)
    # The appropriate body the school named for an ECT; providers do not see it (it is not in the contract).
    appropriate_body = models.ForeignKey(
        "schools.AppropriateBody", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The school's answer when registering a mentor: mentoring only at this school, or elsewhere too (SC6).
    mentoring_only_here = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta(DatedPeriod.Meta):
        ordering = ["started_on", "id"]
        constraints = [
            *DatedPeriod.Meta.constraints,
            explained(
                ExclusionConstraint(
                    name="ect_school_periods_do_not_overlap",
                    expressions=[("participant", "="), (DateRange("started_on", "finished_on"), OVERLAPS)],
                    condition=Q(participant_type="ect"),
                ),
                field="started_on",
                message="These dates overlap their time at another school. An ECT is at one school at a time.",
            ),
            # A mentor may mentor at several schools, but holds one period at each school at a time.
            explained(
                ExclusionConstraint(
                    name="mentor_school_periods_do_not_overlap_at_a_school",
                    expressions=[
                        ("participant", "="),
                        ("school", "="),
                        (DateRange("started_on", "finished_on"), OVERLAPS),
                    ],
                    condition=Q(participant_type="mentor"),
                ),
                field="started_on",
                message="These dates overlap their other time as a mentor at this school.",
            ),
            explained(
                models.CheckConstraint(
                    condition=Q(participant_type="ect") | Q(working_pattern__isnull=True),
                    name="working_pattern_only_for_ects",
                ),
                field="working_pattern",
                message="Only ECTs have a working pattern. Leave it blank for a mentor.",
            ),
            explained(
                models.CheckConstraint(
                    condition=Q(participant_type="ect") | Q(appropriate_body__isnull=True),
                    name="appropriate_body_only_for_ects",
                ),
                field="appropriate_body",
                message="Only ECTs have an appropriate body. Leave it blank for a mentor.",
            ),
            explained(
                models.CheckConstraint(
                    condition=Q(participant_type="mentor") | Q(mentoring_only_here__isnull=True),
                    name="mentoring_only_here_only_for_mentors",
                ),
                field="mentoring_only_here",
                message="Only mentors say whether they mentor only at this school. Leave it blank for an ECT.",
            ),
        ]

    def __str__(self):
        return f"{self.participant.full_name} as {self.participant_type} at {self.school.name}"


class TrainingPeriod(DatedPeriod):
    """Training inside a school period: provider-led (with the named lead provider) or school-led."""

    school_period = models.ForeignKey(SchoolPeriod, on_delete=models.CASCADE, related_name="training_periods")
    programme_type = models.CharField(max_length=20, choices=ProgrammeType.choices, default=ProgrammeType.PROVIDER_LED)
    # The provider the school named: an expression of interest until a partnership is confirmed (V1).
    lead_provider = models.ForeignKey(
        "schools.LeadProvider", null=True, blank=True, on_delete=models.PROTECT, related_name="training_periods"
    )
    partnership = models.ForeignKey(
        "schools.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="training_periods"
    )
    schedule = models.ForeignKey(
        "schedules.Schedule", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deferred_at = models.DateTimeField(null=True, blank=True)
    deferral_reason = models.CharField(max_length=30, choices=DeferralReason.choices, null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=40, choices=WithdrawalReason.choices, null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta(DatedPeriod.Meta):
        ordering = ["started_on", "id"]
        constraints = [
            *DatedPeriod.Meta.constraints,
            explained(
                ExclusionConstraint(
                    name="training_periods_do_not_overlap",
                    expressions=[("school_period", "="), (DateRange("started_on", "finished_on"), OVERLAPS)],
                ),
                field="started_on",
                message="These dates overlap other training at this school. Training at one school cannot overlap.",
            ),
            explained(
                models.CheckConstraint(
                    condition=Q(withdrawn_at__isnull=True, withdrawal_reason__isnull=True)
                    | Q(withdrawn_at__isnull=False, withdrawal_reason__isnull=False),
                    name="withdrawal_has_date_and_reason",
                ),
                field="withdrawal_reason",
                message="A withdrawal needs both the moment it happened and a reason.",
            ),
            explained(
                models.CheckConstraint(
                    condition=Q(deferred_at__isnull=True, deferral_reason__isnull=True)
                    | Q(deferred_at__isnull=False, deferral_reason__isnull=False),
                    name="deferral_has_date_and_reason",
                ),
                field="deferral_reason",
                message="A deferral needs both the moment it happened and a reason.",
            ),
            explained(
                models.CheckConstraint(
                    condition=Q(programme_type="provider_led", lead_provider__isnull=False, schedule__isnull=False)
                    | Q(programme_type="school_led", lead_provider__isnull=True, partnership__isnull=True),
                    name="programme_type_matches_provider",
                ),
                field="programme_type",
                message=(
                    "Provider-led training needs a lead provider and a schedule; "
                    "school-led training has no lead provider and no partnership."
                ),
            ),
        ]
        indexes = [models.Index(fields=["partnership", "started_on"], name="training_partnership_idx")]

    def __str__(self):
        return f"{self.get_programme_type_display()} training from {self.started_on}"


class Mentorship(DatedPeriod):
    ect_school_period = models.ForeignKey(SchoolPeriod, on_delete=models.CASCADE, related_name="mentorships")
    mentor_school_period = models.ForeignKey(SchoolPeriod, on_delete=models.CASCADE, related_name="mentees")
    created_at = models.DateTimeField(default=clock.now)

    class Meta(DatedPeriod.Meta):
        ordering = ["started_on", "id"]
        constraints = [
            *DatedPeriod.Meta.constraints,
            explained(
                ExclusionConstraint(
                    name="one_mentor_at_a_time",
                    expressions=[("ect_school_period", "="), (DateRange("started_on", "finished_on"), OVERLAPS)],
                ),
                field="started_on",
                message="These dates overlap another of their mentors. An ECT has one mentor at a time.",
            ),
        ]


class InductionPeriod(DatedPeriod):
    """Recorded by support staff for an appropriate body (O9)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="induction_periods")
    appropriate_body_name = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=InductionOutcome.choices, null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta(DatedPeriod.Meta):
        ordering = ["started_on", "id"]
        constraints = [
            *DatedPeriod.Meta.constraints,
            explained(
                ExclusionConstraint(
                    name="induction_periods_do_not_overlap",
                    expressions=[("participant", "="), (DateRange("started_on", "finished_on"), OVERLAPS)],
                ),
                field="started_on",
                message="These dates overlap another of their induction periods.",
            ),
            explained(
                models.CheckConstraint(
                    condition=Q(outcome__isnull=True) | Q(finished_on__isnull=False),
                    name="induction_outcome_needs_end_date",
                ),
                field="outcome",
                message="Enter the date the induction period ended to record its outcome",
            ),
        ]


class ParticipantIdChange(models.Model):
    """A deduplication: `from_participant_id` was merged into `to_participant_id` (ID1)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="id_changes")
    from_participant_id = models.UUIDField(db_index=True)
    to_participant_id = models.UUIDField()
    changed_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.from_participant_id} → {self.to_participant_id}"


class ParticipantStatus(models.TextChoices):
    JOINING = "joining"
    ACTIVE = "active"
    LEAVING = "leaving"
    LEFT = "left"


class ProviderEnrolment(models.Model):
    """V2's pointer: a provider's latest training period of one type for a participant.

    Derived from training periods by `participants.enrolments.refresh`; never edited by hand.
    `recorded_status` is the participant_status providers were last told about (O1).
    """

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="provider_enrolments")
    lead_provider = models.ForeignKey("schools.LeadProvider", on_delete=models.CASCADE, related_name="+")
    participant_type = models.CharField(max_length=10, choices=ParticipantType.choices)
    training_period = models.ForeignKey(TrainingPeriod, on_delete=models.CASCADE, related_name="+")
    # In no index, in a table stored half full (migration 0007): recording a status rewrites the row in its page.
    recorded_status = models.CharField(max_length=10, choices=ParticipantStatus.choices, null=True)

    class Meta:
        constraints = [
            explained(
                models.UniqueConstraint(
                    fields=["participant", "lead_provider", "participant_type"],
                    name="one_enrolment_per_provider_and_type",
                ),
                message="A provider sees one enrolment of each type per participant.",
            ),
        ]
        indexes = [models.Index(fields=["lead_provider", "participant"], name="enrolment_provider_idx")]

    def __str__(self):
        return f"{self.participant_type} {self.participant_id} with {self.lead_provider_id}"


_LISTING_FILTERS = ["cohorts", "has_active", "has_deferred", "has_withdrawn"]


class ProviderListing(models.Model):
    """A participant as one provider's list sees them (V3): one row per provider and participant, carrying the
    list's sort keys and filters, so that a page of a provider's participants is read from one index.

    Derived like `ProviderEnrolment`, by `participants.enrolments.refresh` (cohorts and training statuses,
    Q2 and Q4, over the participant's enrolments with the provider); `created_at` and `api_updated_at`
    follow the participant's row through a statement-level trigger (migration 0004), however it is updated.
    """

    # The indexes below lead with the provider; the unique one leads with the participant, for refreshes and the
    # trigger. No more than these: each is written again whenever the participant's `api_updated_at` moves.
    lead_provider = models.ForeignKey(
        "schools.LeadProvider", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField()
    api_updated_at = models.DateTimeField()
    cohorts = ArrayField(models.IntegerField())
    # Q4, by presence: an enrolment with each training status.
    has_active = models.BooleanField()
    has_deferred = models.BooleanField()
    has_withdrawn = models.BooleanField()

    class Meta:
        constraints = [
            explained(
                models.UniqueConstraint(fields=["participant", "lead_provider"], name="one_listing_per_provider"),
                message="A provider lists each participant once.",
            ),
        ]
        indexes = [
            # A page in either sort, with any filter, is an index-only scan of one of these.
            models.Index(
                fields=["lead_provider", "created_at", "participant"],
                include=["api_updated_at", *_LISTING_FILTERS],
                name="listing_created_idx",
            ),
            models.Index(
                fields=["lead_provider", "api_updated_at", "participant"],
                include=["created_at", *_LISTING_FILTERS],
                name="listing_updated_idx",
            ),
        ]

    def __str__(self):
        return f"{self.participant_id} listed for {self.lead_provider_id}"


class UnfundedMentorListing(models.Model):
    """A mentor of one of a provider's ECTs whom that provider does not train (GET /unfunded-mentors): anyone who
    has mentored, at any time, an ECT at a school period with training in one of the provider's partnerships,
    and has no mentor enrolment with the provider (V2), unless merged away.

    Derived with the enrolments, by `participants.enrolments.refresh`, for the participants it refreshes and the
    mentors of their ECT periods; `created_at` and `api_updated_at` follow the participant's row through the
    trigger that moves `ProviderListing`'s (migration 0008). A page is then one index scan, at any page.
    """

    lead_provider = models.ForeignKey(
        "schools.LeadProvider", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField()
    api_updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            explained(
                models.UniqueConstraint(fields=["participant", "lead_provider"], name="one_unfunded_listing"),
                message="A provider lists each unfunded mentor once.",
            ),
        ]
        indexes = [
            models.Index(fields=["lead_provider", "created_at", "participant"], name="unfunded_created_idx"),
            models.Index(fields=["lead_provider", "api_updated_at", "participant"], name="unfunded_updated_idx"),
        ]

    def __str__(self):
        return f"{self.participant_id}, unfunded mentor for {self.lead_provider_id}"


class DailyStatusRun(models.Model):
    """A London date whose date-driven status changes have been recorded (O1). Lets the job catch up."""

    day = models.DateField(unique=True)
    completed_at = models.DateTimeField()
    changed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day}: {self.changed} changes"
