"""Reads for /api/v3/participant-declarations: a provider's own declarations, as plain values."""

from __future__ import annotations

from django.db.models import F

from declarations.models import Declaration


def own_declarations(lead_provider):
    return Declaration.objects.filter(lead_provider=lead_provider)


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
