"""Reads for /api/v3/participant-declarations: the declarations a provider sees (D38), as plain values."""

from __future__ import annotations

from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.db.models.functions import TruncDate

from config import clock
from declarations import funding
from declarations.models import Declaration
from participants.models import ProviderEnrolment


def own_declarations(lead_provider):
    """The declarations on the provider's own training: the ones it may void (D35)."""
    return Declaration.objects.filter(lead_provider=lead_provider)


def visible_declarations(lead_provider):
    """D38: the provider's own declarations, and other providers' live ones (D12's statuses) made while it
    trains the participant as that type, so that it can see what makes its own a duplicate. Either needs the
    provider's enrolment (V2) for the declaration's participant and type; another provider's declaration also
    needs that enrolment's training to be open or to end on or after the declaration's (London) date."""
    enrolment = ProviderEnrolment.objects.filter(
        lead_provider=lead_provider,
        participant_id=OuterRef("training_period__school_period__participant_id"),
        participant_type=OuterRef("training_period__school_period__participant_type"),
    )
    declared_on = TruncDate(
        ExpressionWrapper(OuterRef("declaration_date"), output_field=DateTimeField()), tzinfo=clock.LONDON
    )
    trained_then = enrolment.filter(
        Q(training_period__finished_on__isnull=True) | Q(training_period__finished_on__gte=declared_on)
    )
    # One query: the two querysets' conditions joined by OR.
    return Declaration.objects.filter(Exists(enrolment), lead_provider=lead_provider) | funding.live(
        Declaration.objects.filter(Exists(trained_then))
    )


def rows(queryset):
    """Everything the representation needs, in one query."""
    return queryset.annotate(
        participant_api_id=F("training_period__school_period__participant__api_id"),
        participant_type=F("training_period__school_period__participant_type"),
        delivery_partner_api_id=F("delivery_partner__api_id"),
        mentor_api_id=F("mentor__api_id"),
        lead_provider_name=F("lead_provider__name"),
    ).values(
        "api_id",
        "participant_api_id",
        "participant_type",
        "declaration_type",
        "declaration_date",
        "payment_status",
        "clawback_status",
        "api_updated_at",
        "created_at",
        "delivery_partner_api_id",
        "ineligible_for_funding_reason",
        "mentor_api_id",
        "pupil_premium_uplift",
        "sparsity_uplift",
        "evidence_held",
        "lead_provider_name",
    )
