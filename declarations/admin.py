"""Declarations in the admin. Support staff move them to payable and paid here (O11)."""
from __future__ import annotations

from django.contrib import admin

from config.admin import IdentifierSearchMixin
from declarations.models import Declaration


@admin.register(Declaration)
class DeclarationAdmin(IdentifierSearchMixin, admin.ModelAdmin):
    list_display = (
        "api_id", "participant", "lead_provider", "declaration_type", "declaration_date", "payment_status",
        "clawback_status", "delivery_partner",
    )
    list_select_related = ("training_period__school_period__participant", "lead_provider", "delivery_partner")
    list_filter = ("payment_status", "clawback_status", "declaration_type", "lead_provider")
    search_fields = (
        "training_period__school_period__participant__full_name",
        "^training_period__school_period__participant__trn",
    )
    uuid_search_fields = ("api_id", "training_period__school_period__participant__api_id")
    raw_id_fields = ("training_period", "mentor")
    readonly_fields = ("api_id", "created_at", "api_updated_at")
    show_full_result_count = False

    @admin.display(ordering="training_period__school_period__participant__full_name")
    def participant(self, obj):
        return obj.training_period.school_period.participant
