"""Organisations: schools, lead providers, delivery partners and the partnerships joining them."""

from __future__ import annotations

import uuid

from django.db import models

from config import clock
from config.constraints import explained


class School(models.Model):
    api_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    urn = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    induction_tutor_name = models.CharField(max_length=200, blank=True)
    induction_tutor_email = models.EmailField(blank=True)
    # There is no GIAS feed: support staff clear this for a closed school or one outside England, which
    # hides it from providers' school lists and stops new partnerships with it (P1).
    eligible_for_training = models.BooleanField(default=True)
    # Set by whatever saves the row from the clock it was given (TT1), not the database's own clock.
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.urn})"


class SchoolFundingEligibility(models.Model):
    """Per-cohort uplift flags for a school (F18)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="funding_eligibilities")
    cohort = models.ForeignKey("schedules.Cohort", on_delete=models.PROTECT)
    pupil_premium_uplift = models.BooleanField(default=False)
    sparsity_uplift = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "school funding eligibilities"
        constraints = [
            explained(
                models.UniqueConstraint(fields=["school", "cohort"], name="one_funding_eligibility_per_school_cohort"),
                field="cohort",
                message="This school already has funding eligibility for this cohort.",
            ),
        ]

    def __str__(self):
        return f"{self.school} {self.cohort_id}"


class LeadProvider(models.Model):
    api_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class DeliveryPartner(models.Model):
    api_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    # As on School; a change of pairings moves updated_at too (schools.updated_at).
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class AppropriateBody(models.Model):
    """An organisation that quality-assures an ECT's induction, as a school names it for its ECTs.

    A reference list rather than free text, so every school's answer names the same body. The national
    bodies are seeded; support staff add teaching school hubs in the admin.
    """

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "appropriate bodies"

    def __str__(self):
        return self.name


class LeadProviderDeliveryPartnership(models.Model):
    """A delivery partner working with a lead provider in a cohort."""

    lead_provider = models.ForeignKey(LeadProvider, on_delete=models.CASCADE, related_name="delivery_partnerships")
    delivery_partner = models.ForeignKey(
        DeliveryPartner, on_delete=models.CASCADE, related_name="lead_provider_pairings"
    )
    cohort = models.ForeignKey("schedules.Cohort", on_delete=models.PROTECT)

    class Meta:
        constraints = [
            explained(
                models.UniqueConstraint(
                    fields=["lead_provider", "delivery_partner", "cohort"],
                    name="one_pairing_per_provider_partner_cohort",
                ),
                field="cohort",
                message="This lead provider already works with this delivery partner in this cohort.",
            ),
        ]

    def __str__(self):
        return f"{self.lead_provider} + {self.delivery_partner} ({self.cohort_id})"


class Partnership(models.Model):
    """A school confirmed with a lead provider and delivery partner for a cohort."""

    class CreatedBy(models.TextChoices):
        LEAD_PROVIDER = "lead_provider", "Lead provider (API)"
        SCHOOL_ROLL_OVER = "school_roll_over", "School roll-over"
        SUPPORT = "support", "Support staff"

    api_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="partnerships")
    lead_provider = models.ForeignKey(LeadProvider, on_delete=models.PROTECT, related_name="partnerships")
    delivery_partner = models.ForeignKey(DeliveryPartner, on_delete=models.PROTECT, related_name="partnerships")
    cohort = models.ForeignKey("schedules.Cohort", on_delete=models.PROTECT, related_name="partnerships")
    created_by = models.CharField(max_length=20, choices=CreatedBy.choices, default=CreatedBy.LEAD_PROVIDER)
    rolled_over_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # P1: a provider has at most one partnership with a school in a cohort.
            explained(
                models.UniqueConstraint(
                    fields=["school", "lead_provider", "cohort"], name="one_partnership_per_school_provider_cohort"
                ),
                field="school",
                message="This lead provider already has a partnership with this school in this cohort.",
            ),
        ]
        # A provider's list in either sort (and `updated_since`): one index range, whatever the page.
        indexes = [
            models.Index(fields=["lead_provider", "created_at", "id"], name="partnership_provider_created"),
            models.Index(fields=["lead_provider", "updated_at", "id"], name="partnership_provider_updated"),
        ]

    def __str__(self):
        return f"{self.school} / {self.lead_provider} / {self.delivery_partner} ({self.cohort_id})"


class ApiToken(models.Model):
    """A lead provider's bearer token. Only a SHA-256 digest is kept; the token is shown once."""

    lead_provider = models.ForeignKey(LeadProvider, on_delete=models.CASCADE, related_name="api_tokens")
    hashed_token = models.CharField(max_length=64, unique=True, editable=False)
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"

    def __str__(self):
        return f"{self.lead_provider} token {self.pk}"


class SchoolCohortChoice(models.Model):
    """What a school chose for a cohort: its induction programme and, if provider-led, which provider.

    The lead provider here is the school's expression of interest until a partnership confirms it.
    """

    class InductionProgramme(models.TextChoices):
        PROVIDER_LED = "provider_led", "Provider-led"
        SCHOOL_LED = "school_led", "School-led"
        NOT_YET_KNOWN = "not_yet_known", "Not yet known"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="cohort_choices")
    cohort = models.ForeignKey("schedules.Cohort", on_delete=models.PROTECT, related_name="+")
    induction_programme_choice = models.CharField(
        max_length=20, choices=InductionProgramme.choices, default=InductionProgramme.NOT_YET_KNOWN
    )
    lead_provider = models.ForeignKey(LeadProvider, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    delivery_partner = models.ForeignKey(
        DeliveryPartner, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            explained(
                models.UniqueConstraint(fields=["school", "cohort"], name="one_choice_per_school_cohort"),
                field="cohort",
                message="This school already made its choice for this cohort.",
            ),
            explained(
                models.CheckConstraint(
                    condition=models.Q(induction_programme_choice="provider_led")
                    | models.Q(lead_provider__isnull=True),
                    name="only_provider_led_choices_name_a_provider",
                ),
                field="lead_provider",
                message="Only a provider-led choice names a lead provider.",
            ),
        ]

    def __str__(self):
        return f"{self.school} {self.cohort_id}: {self.get_induction_programme_choice_display()}"


class SchoolMembership(models.Model):
    """A school portal user's access to one school; a user may belong to several schools."""

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="school_memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            explained(
                models.UniqueConstraint(fields=["user", "school"], name="one_membership_per_user_school"),
                field="school",
                message="This user can already use the portal for this school.",
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.school}"
