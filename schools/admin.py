"""Schools, lead providers, delivery partners, partnerships and API tokens in the admin."""
from __future__ import annotations

from django.contrib import admin

from config import clock
from config.admin import IdentifierSearchMixin
from schools import tokens
from schools.models import (
    ApiToken,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Partnership,
    School,
    SchoolCohortChoice,
    SchoolFundingEligibility,
    SchoolMembership,
)


class SchoolFundingEligibilityInline(admin.TabularInline):
    model = SchoolFundingEligibility
    fields = ("cohort", "pupil_premium_uplift", "sparsity_uplift")
    extra = 0


@admin.register(School)
class SchoolAdmin(IdentifierSearchMixin, admin.ModelAdmin):
    list_display = ("name", "urn", "induction_tutor_name", "induction_tutor_email")
    search_fields = ("^urn", "name")
    uuid_search_fields = ("api_id",)
    readonly_fields = ("api_id", "created_at", "updated_at")
    inlines = (SchoolFundingEligibilityInline,)


@admin.register(SchoolFundingEligibility)
class SchoolFundingEligibilityAdmin(admin.ModelAdmin):
    list_display = ("school", "cohort", "pupil_premium_uplift", "sparsity_uplift")
    list_select_related = ("school", "cohort")
    list_filter = ("cohort", "pupil_premium_uplift", "sparsity_uplift")
    search_fields = ("^school__urn", "school__name")
    raw_id_fields = ("school",)


@admin.register(SchoolCohortChoice)
class SchoolCohortChoiceAdmin(admin.ModelAdmin):
    list_display = ("school", "cohort", "induction_programme_choice", "lead_provider", "delivery_partner")
    list_select_related = ("school", "cohort", "lead_provider", "delivery_partner")
    list_filter = ("cohort", "induction_programme_choice", "lead_provider")
    search_fields = ("^school__urn", "school__name")
    raw_id_fields = ("school",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(SchoolMembership)
class SchoolMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "school", "created_at")
    list_select_related = ("user", "school")
    search_fields = ("user__username", "user__email", "^school__urn", "school__name")
    raw_id_fields = ("user", "school")
    readonly_fields = ("created_at",)


@admin.register(LeadProvider)
class LeadProviderAdmin(IdentifierSearchMixin, admin.ModelAdmin):
    list_display = ("name", "api_id", "created_at")
    search_fields = ("name",)
    uuid_search_fields = ("api_id",)
    readonly_fields = ("api_id", "created_at")


@admin.register(DeliveryPartner)
class DeliveryPartnerAdmin(IdentifierSearchMixin, admin.ModelAdmin):
    list_display = ("name", "api_id", "updated_at")
    search_fields = ("name",)
    uuid_search_fields = ("api_id",)
    readonly_fields = ("api_id", "created_at", "updated_at")


@admin.register(LeadProviderDeliveryPartnership)
class LeadProviderDeliveryPartnershipAdmin(admin.ModelAdmin):
    list_display = ("lead_provider", "delivery_partner", "cohort")
    list_select_related = ("lead_provider", "delivery_partner", "cohort")
    list_filter = ("cohort", "lead_provider")
    search_fields = ("lead_provider__name", "delivery_partner__name")


@admin.register(Partnership)
class PartnershipAdmin(IdentifierSearchMixin, admin.ModelAdmin):
    list_display = ("school", "lead_provider", "delivery_partner", "cohort", "created_by", "created_at")
    list_select_related = ("school", "lead_provider", "delivery_partner", "cohort")
    list_filter = ("cohort", "lead_provider", "created_by")
    search_fields = ("^school__urn", "school__name", "delivery_partner__name")
    uuid_search_fields = ("api_id", "school__api_id")
    raw_id_fields = ("school", "rolled_over_from")
    readonly_fields = ("api_id", "created_at", "updated_at")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued elsewhere and shown once; here they can only be described and revoked."""

    list_display = ("lead_provider", "description", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("lead_provider",)
    list_filter = ("lead_provider",)
    # The digest is never shown: it is useless to a person and only helps someone guessing tokens.
    fields = ("lead_provider", "description", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("lead_provider", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        now = clock.now()
        for api_token in queryset.filter(revoked_at__isnull=True):
            tokens.revoke(api_token=api_token, now=now)
