"""Schools, lead providers, delivery partners, partnerships and API tokens in the admin.

Partnerships are created and given another delivery partner through training.partnerships, and
tokens are issued and revoked through schools.tokens, each inside a named `changes.recording` so
the audit trail says which staff user did it. A new token is shown on one page and never stored.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from config import changes, clock
from config.admin import (
    IdentifierSearchMixin,
    ReadOnlyAdmin,
    ReasonFields,
    RefusedActionsMixin,
    SupportModelAdmin,
    call_service,
    confirmed_action,
    reason_of,
    require,
)
from schedules.models import Cohort
from schools import memberships, tokens
from schools.models import (
    ApiToken,
    AppropriateBody,
    DeliveryPartner,
    LeadProvider,
    LeadProviderDeliveryPartnership,
    Partnership,
    School,
    SchoolCohortChoice,
    SchoolFundingEligibility,
    SchoolMembership,
)
from training import partnerships
from training.school_actions.update_induction_tutor import tutor_email_rules, tutor_name_rules


class StampedFromTheClock:
    """`created_at` (on adding) and `updated_at` come from the request's moment, sandbox time travel included."""

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_at = request.now
        if any(field.name == "updated_at" for field in obj._meta.concrete_fields):
            obj.updated_at = request.now
        super().save_model(request, obj, form, change)


class SchoolFundingEligibilityInline(admin.TabularInline):
    model = SchoolFundingEligibility
    fields = ("cohort", "pupil_premium_uplift", "sparsity_uplift")
    extra = 0


class SchoolForm(forms.ModelForm):
    """A changed induction tutor meets the rules the school portal's action applies (P5)."""

    class Meta:
        model = School
        fields = ("name", "urn", "induction_tutor_name", "induction_tutor_email", "eligible_for_training")

    def clean(self):
        cleaned = super().clean()
        for name, rules in (("induction_tutor_name", tutor_name_rules), ("induction_tutor_email", tutor_email_rules)):
            if name not in self.changed_data or name in self.errors:
                continue
            message = next((message for failing, message in rules(cleaned.get(name, "")) if failing), None)
            if message:
                self.add_error(name, message)
        return cleaned


@admin.register(School)
class SchoolAdmin(StampedFromTheClock, IdentifierSearchMixin, SupportModelAdmin):
    form = SchoolForm
    list_display = ("name", "urn", "eligible_for_training", "induction_tutor_name", "induction_tutor_email")
    list_filter = ("eligible_for_training",)
    search_fields = ("^urn", "name")
    uuid_search_fields = ("api_id",)
    readonly_fields = ("api_id", "created_at", "updated_at")
    inlines = (SchoolFundingEligibilityInline,)


@admin.register(SchoolFundingEligibility)
class SchoolFundingEligibilityAdmin(SupportModelAdmin):
    list_display = ("school", "cohort", "pupil_premium_uplift", "sparsity_uplift")
    list_select_related = ("school", "cohort")
    list_filter = ("cohort", "pupil_premium_uplift", "sparsity_uplift")
    search_fields = ("^school__urn", "school__name")
    raw_id_fields = ("school",)


@admin.register(SchoolCohortChoice)
class SchoolCohortChoiceAdmin(ReadOnlyAdmin):
    """Read-only: a school makes its choice in the portal, through training.school_actions.confirm_cohort_choice,
    whose rules (an eligible school, a provider with a partnership or an expression of interest) a raw edit skips."""

    list_display = ("school", "cohort", "induction_programme_choice", "lead_provider", "delivery_partner")
    list_select_related = ("school", "cohort", "lead_provider", "delivery_partner")
    list_filter = ("cohort", "induction_programme_choice", "lead_provider")
    search_fields = ("^school__urn", "school__name")
    raw_id_fields = ("school",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(SchoolMembership)
class SchoolMembershipAdmin(StampedFromTheClock, RefusedActionsMixin, SupportModelAdmin):
    """Portal access, audited: added with a reason, removed with the confirmed action (schools.memberships), and never
    moved to another user or school by editing (remove it and add the right one)."""

    list_display = ("user", "school", "created_at")
    list_select_related = ("user", "school")
    search_fields = ("user__username", "user__email", "^school__urn", "school__name")
    raw_id_fields = ("user", "school")
    readonly_fields = ("created_at",)
    actions = ("remove_access",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_remove_access_permission(self, request):
        return request.user.has_perm("schools.delete_schoolmembership")

    def save_model(self, request, obj, form, change):
        with changes.recording(action="give_portal_access", now=request.now):
            super().save_model(request, obj, form, change)

    @admin.action(description="Remove portal access for the selected users and schools", permissions=["remove_access"])
    def remove_access(self, request, queryset):
        def run(rows):
            now = clock.now()
            with changes.recording(action="remove_portal_access", now=now):
                removed = memberships.remove_access(memberships=rows, now=now)
            return f"{removed} user(s) can no longer use the portal for those schools."

        return confirmed_action(
            self,
            request,
            queryset.select_related("user", "school"),
            title="Remove portal access",
            question="Remove these users' access to these schools in the portal? Their accounts stay.",
            run=run,
        )


@admin.register(AppropriateBody)
class AppropriateBodyAdmin(StampedFromTheClock, SupportModelAdmin):
    """The reference list schools choose their ECTs' appropriate body from. None is deleted here (SupportModelAdmin);
    one in use could not be deleted at all (PROTECT)."""

    list_display = ("name", "created_at")
    search_fields = ("name",)
    readonly_fields = ("created_at",)


@admin.register(LeadProvider)
class LeadProviderAdmin(StampedFromTheClock, IdentifierSearchMixin, SupportModelAdmin):
    list_display = ("name", "api_id", "created_at")
    search_fields = ("name",)
    uuid_search_fields = ("api_id",)
    readonly_fields = ("api_id", "created_at")


@admin.register(DeliveryPartner)
class DeliveryPartnerAdmin(StampedFromTheClock, IdentifierSearchMixin, SupportModelAdmin):
    list_display = ("name", "api_id", "updated_at")
    search_fields = ("name",)
    uuid_search_fields = ("api_id",)
    readonly_fields = ("api_id", "created_at", "updated_at")


@admin.register(LeadProviderDeliveryPartnership)
class LeadProviderDeliveryPartnershipAdmin(SupportModelAdmin):
    """A provider's delivery partners for a cohort (P1) are added here; an existing pairing is not edited, since the
    partnerships made under it would be left without one."""

    def has_change_permission(self, request, obj=None):
        return False

    list_display = ("lead_provider", "delivery_partner", "cohort")
    list_select_related = ("lead_provider", "delivery_partner", "cohort")
    list_filter = ("cohort", "lead_provider")
    search_fields = ("lead_provider__name", "delivery_partner__name")


class PartnershipForm(ReasonFields):
    school = forms.ModelChoiceField(
        queryset=School.objects.all(), to_field_name="urn", widget=forms.TextInput, label="School URN"
    )
    lead_provider = forms.ModelChoiceField(queryset=LeadProvider.objects.order_by("name"))
    delivery_partner = forms.ModelChoiceField(queryset=DeliveryPartner.objects.order_by("name"))
    cohort = forms.ModelChoiceField(queryset=Cohort.objects.order_by("-year"))


class DeliveryPartnerForm(ReasonFields):
    delivery_partner = forms.ModelChoiceField(queryset=DeliveryPartner.objects.order_by("name"))


# The partnership services name the API's attributes; these are the form's fields.
PARTNERSHIP_FIELDS = {"school_id": "school", "delivery_partner_id": "delivery_partner", "cohort": "cohort"}


@admin.register(Partnership)
class PartnershipAdmin(IdentifierSearchMixin, SupportModelAdmin):
    """Created and re-partnered through training.partnerships, so the provider's rules (P1, P3) and P9 apply."""

    list_display = ("school", "lead_provider", "delivery_partner", "cohort", "created_by", "created_at")
    list_select_related = ("school", "lead_provider", "delivery_partner", "cohort")
    list_filter = ("cohort", "lead_provider", "created_by")
    search_fields = ("^school__urn", "school__name", "delivery_partner__name")
    uuid_search_fields = ("api_id", "school__api_id")
    raw_id_fields = ("school", "rolled_over_from")
    readonly_fields = (
        "api_id",
        "school",
        "lead_provider",
        "delivery_partner",
        "cohort",
        "created_by",
        "rolled_over_from",
        "created_at",
        "updated_at",
    )
    change_form_template = "admin/schools/partnership/change_form.html"

    def has_delete_permission(self, request, obj=None):
        # Training refers to partnerships; a wrong delivery partner is corrected instead.
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/change-delivery-partner/",
                view(self.change_delivery_partner_view),
                name="schools_partnership_change_delivery_partner",
            ),
            *super().get_urls(),
        ]

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PartnershipForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            now = clock.now()
            with changes.recording(**reason_of(form), action="create_partnership", now=now):
                partnership = call_service(
                    form,
                    lambda: partnerships.create(
                        lead_provider=data["lead_provider"],
                        cohort=data["cohort"].year,
                        school_id=str(data["school"].api_id),
                        delivery_partner_id=str(data["delivery_partner"].api_id),
                        now=now,
                    ),
                    fields=PARTNERSHIP_FIELDS,
                )
            if partnership is not None:
                self.message_user(request, f"{partnership} was created.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:schools_partnership_change", args=[partnership.pk]))
        return TemplateResponse(
            request,
            "admin/schools/partnership/form.html",
            {
                **self.admin_site.each_context(request),
                "title": "Add partnership",
                "opts": self.opts,
                "form": form,
            },
        )

    def change_delivery_partner_view(self, request, object_id):
        require(request, "schools.change_partnership")
        partnership = self.get_object(request, unquote(object_id))
        if partnership is None:
            raise Http404("No partnership has this id.")
        form = DeliveryPartnerForm(request.POST or None, initial={"delivery_partner": partnership.delivery_partner})
        if request.method == "POST" and form.is_valid():
            now = clock.now()
            delivery_partner = form.cleaned_data["delivery_partner"]
            with changes.recording(**reason_of(form), action="change_delivery_partner", now=now):
                changed = call_service(
                    form,
                    lambda: partnerships.change_delivery_partner(
                        partnership=partnership,
                        delivery_partner_id=str(delivery_partner.api_id),
                        now=now,
                    ),
                    fields=PARTNERSHIP_FIELDS,
                )
            if changed is not None:
                self.message_user(request, f"The delivery partner is now {delivery_partner}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:schools_partnership_change", args=[partnership.pk]))
        return TemplateResponse(
            request,
            "admin/schools/partnership/form.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Change the delivery partner of {partnership}",
                "opts": self.opts,
                "form": form,
            },
        )


class IssueTokenForm(ReasonFields):
    lead_provider = forms.ModelChoiceField(queryset=LeadProvider.objects.order_by("name"))
    description = forms.CharField(
        required=False, max_length=200, help_text="Who it is for, e.g. the provider's sandbox."
    )


@admin.register(ApiToken)
class ApiTokenAdmin(RefusedActionsMixin, SupportModelAdmin):
    """Issued from "Issue a token" and shown once; here they can be described and revoked, never deleted."""

    list_display = ("lead_provider", "description", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("lead_provider",)
    list_filter = ("lead_provider",)
    # The digest is never shown: it is useless to a person and only helps someone guessing tokens.
    fields = ("lead_provider", "description", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("lead_provider", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)
    change_list_template = "admin/schools/apitoken/change_list.html"
    change_form_template = "admin/schools/apitoken/change_form.html"

    def has_add_permission(self, request):
        # The add form would ask for a digest; issuing has its own page.
        return False

    def has_delete_permission(self, request, obj=None):
        # A revoked token stays on record, with who revoked it and when.
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("issue/", view(self.issue_view), name="schools_apitoken_issue"),
            path("<path:object_id>/revoke/", view(self.revoke_view), name="schools_apitoken_revoke"),
            *super().get_urls(),
        ]

    def issue_view(self, request):
        require(request, "schools.add_apitoken")
        form = IssueTokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            with (
                changes.recording(**reason_of(form), action="issue_api_token", now=request.now),
                changes.unit_of_work(),
            ):
                token = tokens.issue(
                    lead_provider=form.cleaned_data["lead_provider"],
                    description=form.cleaned_data["description"],
                    now=request.now,
                )
            # The only copy of the token is this page; admin_view already forbids caching it (no-store).
            return TemplateResponse(
                request,
                "admin/schools/apitoken/issued.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Token issued",
                    "opts": self.opts,
                    "token": token,
                    "lead_provider": form.cleaned_data["lead_provider"],
                },
            )
        return TemplateResponse(
            request,
            "admin/schools/apitoken/issue.html",
            {
                **self.admin_site.each_context(request),
                "title": "Issue an API token",
                "opts": self.opts,
                "form": form,
            },
        )

    def revoke_view(self, request, object_id):
        require(request, "schools.change_apitoken")
        api_token = self.get_object(request, unquote(object_id))
        if api_token is None:
            raise Http404("No API token has this id.")
        form = ReasonFields(request.POST if request.method == "POST" else None)
        if request.method == "POST" and api_token.revoked_at is None and form.is_valid():
            now = clock.now()
            with changes.recording(**reason_of(form), action="revoke_api_token", now=now), changes.unit_of_work():
                tokens.revoke(api_token=api_token, now=now)
            self.message_user(
                request, f"{api_token} was revoked. {api_token.lead_provider} can no longer use it.", messages.SUCCESS
            )
            return HttpResponseRedirect(reverse("admin:schools_apitoken_changelist"))
        return TemplateResponse(
            request,
            "admin/schools/apitoken/revoke.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Revoke {api_token}",
                "opts": self.opts,
                "api_token": api_token,
                "form": form,
            },
        )

    @admin.action(description="Revoke selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        def run(rows):
            now = clock.now()
            live = [api_token for api_token in rows if api_token.revoked_at is None]
            with changes.recording(action="revoke_api_token", now=now), changes.unit_of_work():
                for api_token in live:
                    tokens.revoke(api_token=api_token, now=now)
            return f"{len(live)} token(s) revoked. Their providers can no longer use them."

        return confirmed_action(
            self,
            request,
            queryset,
            title="Revoke API tokens",
            question="Revoke these tokens? Providers using them will be refused at once.",
            run=run,
        )
