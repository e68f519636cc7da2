"""Declarations: a provider's evidence that a participant reached a training milestone."""

from __future__ import annotations

import uuid

from django.db import models

from config import changes, clock
from config.constraints import explained
from schedules.models import DECLARATION_TYPES


class PaymentStatus(models.TextChoices):
    NO_PAYMENT = "no_payment", "Submitted"
    ELIGIBLE = "eligible", "Eligible"
    PAYABLE = "payable", "Payable"
    PAID = "paid", "Paid"
    VOIDED = "voided", "Voided"
    INELIGIBLE = "ineligible", "Ineligible"


class ClawbackStatus(models.TextChoices):
    NO_CLAWBACK = "no_clawback", "No clawback"
    AWAITING_CLAWBACK = "awaiting_clawback", "Awaiting clawback"
    CLAWED_BACK = "clawed_back", "Clawed back"


def state_of(payment_status: str, clawback_status: str) -> str:
    """D30: the clawback status when there is one, else the payment status (no payment = submitted).

    From the two values alone, so a list reads it from its rows without building a model instance per row."""
    if clawback_status != ClawbackStatus.NO_CLAWBACK:
        return clawback_status.replace("_", "-")
    return "submitted" if payment_status == PaymentStatus.NO_PAYMENT else payment_status


class Declaration(models.Model):
    api_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    training_period = models.ForeignKey(
        "participants.TrainingPeriod", on_delete=models.PROTECT, related_name="declarations"
    )
    # The provider that declared: the one whose partnership the training period had (D32, D35).
    lead_provider = models.ForeignKey(
        "schools.LeadProvider", null=True, blank=True, on_delete=models.PROTECT, related_name="declarations"
    )
    # O3: an exact copy of an earlier request returns the declaration it created.
    request_fingerprint = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    declaration_type = models.CharField(max_length=20, choices=[(t, t) for t in DECLARATION_TYPES])
    declaration_date = models.DateTimeField()
    evidence_held = models.CharField(max_length=60, null=True, blank=True)
    payment_status = models.CharField(max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.NO_PAYMENT)
    clawback_status = models.CharField(
        max_length=20, choices=ClawbackStatus.choices, default=ClawbackStatus.NO_CLAWBACK
    )
    ineligible_for_funding_reason = models.CharField(max_length=40, null=True, blank=True)
    # D26: frozen at declaration time; later partnership corrections do not change them.
    delivery_partner = models.ForeignKey("schools.DeliveryPartner", on_delete=models.PROTECT, related_name="+")
    mentor = models.ForeignKey(
        "participants.Participant", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pupil_premium_uplift = models.BooleanField(default=False)
    sparsity_uplift = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)
    api_updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        # Money moves are their own permission, held by the payments support group only (config/admin.py).
        permissions = [("move_payments", "Can move declarations to payable or paid, void them and complete clawbacks")]
        constraints = [
            explained(
                models.CheckConstraint(
                    condition=models.Q(clawback_status="no_clawback") | models.Q(payment_status="paid"),
                    name="only_paid_declarations_are_clawed_back",
                ),
                field="clawback_status",
                message="Only a paid declaration can be clawed back.",
            ),
        ]
        # A provider's list (and `updated_since`): one index range, whatever the page.
        indexes = [
            models.Index(fields=["lead_provider", "created_at", "id"], name="declaration_provider_created"),
            models.Index(fields=["lead_provider", "api_updated_at", "id"], name="declaration_provider_updated"),
        ]

    def __str__(self):
        return f"{self.declaration_type} {self.declaration_date:%Y-%m-%d} ({self.api_id})"

    def save_moved(self, *, now) -> None:
        """Save a change providers see (D32): `api_updated_at` moves to `now` at once, then to the moment the
        unit of work commits (`changes.stamp_at_commit`, the `updated_since` guarantee)."""
        self.api_updated_at = now
        self.save()
        changes.stamp_at_commit([self], "api_updated_at")

    LIVE_PAYMENT_STATUSES = ("no_payment", "eligible", "payable", "paid")

    @property
    def state(self) -> str:
        return state_of(self.payment_status, self.clawback_status)

    @property
    def billable(self) -> bool:
        return self.payment_status in {PaymentStatus.ELIGIBLE, PaymentStatus.PAYABLE, PaymentStatus.PAID}
