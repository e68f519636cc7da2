"""Declarations in the admin: the payments group moves money here, after confirming and giving a reason.

Declarations are the providers' records: they are created through the API, so the admin shows them and edits nothing.
Members of the payments group (declarations.move_payments) move them to payable and paid (O11) and complete clawbacks
(awaiting clawback to clawed back, D31) through declarations.funding, and void them through declarations.voiding, the
service the API's void uses, so D36's and D37's refusals hold here too.
"""

from __future__ import annotations

from django.contrib import admin

from config import changes, clock
from config.admin import IdentifierSearchMixin, RefusedActionsMixin, SupportModelAdmin, confirmed_action
from config.validation import ValidationFailed
from declarations import funding, voiding
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
    actions = ("move_to_payable", "move_to_paid", "void", "complete_clawback")

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(ordering="training_period__school_period__participant__full_name")
    def participant(self, obj):
        return obj.training_period.school_period.participant

    def has_move_payments_permission(self, request):
        return request.user.has_perm("declarations.move_payments")

    @admin.action(description="Move selected declarations to payable", permissions=["move_payments"])
    def move_to_payable(self, request, queryset):
        return self._each(
            request,
            queryset,
            action=f"move_declarations_to_{PaymentStatus.PAYABLE}",
            change=lambda declaration, now: funding.move_to(declaration, payment_status=PaymentStatus.PAYABLE, now=now),
            title="Move to payable",
            question="Move these declarations to payable?",
            done="moved to payable",
        )

    @admin.action(description="Move selected declarations to paid", permissions=["move_payments"])
    def move_to_paid(self, request, queryset):
        return self._each(
            request,
            queryset,
            action=f"move_declarations_to_{PaymentStatus.PAID}",
            change=lambda declaration, now: funding.move_to(declaration, payment_status=PaymentStatus.PAID, now=now),
            title="Move to paid",
            question="Move these declarations to paid?",
            done="moved to paid",
        )

    @admin.action(description="Void selected declarations (a paid one awaits clawback)", permissions=["move_payments"])
    def void(self, request, queryset):
        return self._each(
            request,
            queryset,
            action="void_declarations",
            change=lambda declaration, now: voiding.void(declaration=declaration, now=now),
            # The service locks the participant, then the declaration, as the API's void does.
            locks_itself=True,
            title="Void declarations",
            question=(
                "Void these declarations? Submitted, eligible and payable ones become voided; paid ones become "
                "awaiting clawback. Their lead providers see the change."
            ),
            done="voided (paid ones now await clawback)",
        )

    @admin.action(description="Complete the clawback of selected declarations", permissions=["move_payments"])
    def complete_clawback(self, request, queryset):
        return self._each(
            request,
            queryset,
            action="complete_clawbacks",
            change=lambda declaration, now: funding.complete_clawback(declaration, now=now),
            title="Complete clawbacks",
            question="Record that the money for these declarations has been clawed back?",
            done="clawed back",
        )

    def _each(self, request, queryset, *, action, change, title, question, done, locks_itself=False):
        def run(declarations):
            now = clock.now()
            # All or none: one refused declaration leaves every selected one as it was.
            with changes.recording(action=action, now=now), changes.unit_of_work():
                selected = Declaration.objects.filter(pk__in=[d.pk for d in declarations]).order_by("pk")
                for declaration in selected if locks_itself else selected.select_for_update():
                    try:
                        change(declaration, now)
                    except ValidationFailed as failure:
                        # Say which of the selected declarations was refused.
                        raise ValidationFailed([(a, f"{declaration}: {m}") for a, m in failure.errors]) from None
            return f"{len(declarations)} declaration(s) {done}."

        return confirmed_action(
            self,
            request,
            queryset.select_related("training_period__school_period__participant"),
            title=title,
            question=question,
            run=run,
        )
