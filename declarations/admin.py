"""Declarations in the admin. Support staff move them to payable and paid here (O11), through declarations.funding.

Declarations are the providers' records: they are created and voided through the API, so the admin shows them and
moves their payment status, and edits nothing else.
"""

from __future__ import annotations

from django.contrib import admin

from config import changes, clock
from config.admin import IdentifierSearchMixin, RefusedActionsMixin, SupportModelAdmin, confirmed_action
from config.validation import ValidationFailed
from declarations import funding
from declarations.models import Declaration, PaymentStatus


@admin.register(Declaration)
class DeclarationAdmin(RefusedActionsMixin, IdentifierSearchMixin, SupportModelAdmin):
    list_display = (
        "api_id",
        "participant",
        "lead_provider",
        "declaration_type",
        "declaration_date",
        "payment_status",
        "clawback_status",
        "delivery_partner",
    )
    list_select_related = ("training_period__school_period__participant", "lead_provider", "delivery_partner")
    list_filter = ("payment_status", "clawback_status", "declaration_type", "lead_provider")
    search_fields = (
        "training_period__school_period__participant__full_name",
        "^training_period__school_period__participant__trn",
    )
    uuid_search_fields = ("api_id", "training_period__school_period__participant__api_id")
    raw_id_fields = ("training_period", "mentor")
    show_full_result_count = False
    actions = ("move_to_payable", "move_to_paid")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(ordering="training_period__school_period__participant__full_name")
    def participant(self, obj):
        return obj.training_period.school_period.participant

    @admin.action(description="Move selected declarations to payable", permissions=["change"])
    def move_to_payable(self, request, queryset):
        return self._move(request, queryset, PaymentStatus.PAYABLE)

    @admin.action(description="Move selected declarations to paid", permissions=["change"])
    def move_to_paid(self, request, queryset):
        return self._move(request, queryset, PaymentStatus.PAID)

    def _move(self, request, queryset, payment_status):
        def run(declarations):
            now = clock.now()
            # All or none: one refused declaration leaves every selected one as it was.
            with changes.recording(action=f"move_declarations_to_{payment_status}", now=now), changes.unit_of_work():
                locked = (
                    Declaration.objects.select_for_update().filter(pk__in=[d.pk for d in declarations]).order_by("pk")
                )
                for declaration in locked:
                    try:
                        funding.move_to(declaration, payment_status=payment_status, now=now)
                    except ValidationFailed as failure:
                        # Say which of the selected declarations was refused.
                        raise ValidationFailed([(a, f"{declaration}: {m}") for a, m in failure.errors]) from None
            return f"{len(declarations)} declaration(s) moved to {payment_status}."

        return confirmed_action(
            self,
            request,
            queryset.select_related("training_period__school_period__participant"),
            title=f"Move to {payment_status}",
            question=f"Move these declarations to {payment_status}?",
            run=run,
        )
