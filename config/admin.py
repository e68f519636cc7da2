"""Admin for the audit trail, and what the other apps' admins share: id search, permission checks, service calls.

Support staff work in groups (created by core's migrations 0002 and 0004): READ_ONLY_GROUP can open everything and
change nothing; EDITING_GROUP can also change things, through the same services the API and the school portal use;
PAYMENTS_GROUP can open everything and move money (declarations to payable or paid, voids, clawbacks), which
EDITING_GROUP cannot. Someone who does both is in both.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import IntegrityError
from django.db.models import Q
from django.template.response import TemplateResponse

from config import changes, constraints
from config.admin_sign_in import SupportSignInForm
from config.models import AuditEvent
from config.validation import ValidationFailed, database_id

READ_ONLY_GROUP = "Support (read only)"
EDITING_GROUP = "Support (editing)"
PAYMENTS_GROUP = "Support (payments)"

# The portal's lock-out against password guessing, per account and per client.
admin.site.login_form = SupportSignInForm
# Deleting rows in bulk skips every deletion rule; a model deleted through its service has its own page.
admin.site.disable_action("delete_selected")


def as_uuid(term: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(term.strip())
    except ValueError:
        return None


class IdentifierSearchMixin:
    """A search term that is a whole UUID is matched exactly against `uuid_search_fields`.

    Casting a UUID column to text for `icontains` cannot use its index; an exact match can,
    which keeps searches by id fast on large tables. Other terms use the usual `search_fields`.
    """

    uuid_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        value = as_uuid(search_term)
        if value is None or not self.uuid_search_fields:
            return super().get_search_results(request, queryset, search_term)
        matches = Q.create([(name, value) for name in self.uuid_search_fields], connector=Q.OR)
        return queryset.filter(matches), False


class ReasonFields(forms.Form):
    """Asked with every support change and kept with its audit events: why (required) and the ticket, if any.

    Mix into a page's form (`class MyForm(ReasonFields)`) and make the change inside `changes.recording(**reason_of(form))`.
    """

    reason = forms.CharField(
        label="Reason for this change",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the history with the change. For example: the school emailed to say the start date was wrong.",
        error_messages={"required": "Enter the reason for this change"},
    )
    ticket = forms.CharField(
        label="Ticket reference (optional)", max_length=100, required=False, help_text="For example SUP-12345."
    )

    def answers(self) -> dict:
        """The cleaned answers other than the reason and ticket: what the page's service takes."""
        return {name: value for name, value in self.cleaned_data.items() if name not in REASON_FIELDS}


REASON_FIELDS = ("reason", "ticket")


def reason_of(form) -> dict[str, str]:
    """The reason and ticket of a valid form, as `changes.recording` takes them."""
    return {"reason": form.cleaned_data["reason"], "ticket": form.cleaned_data.get("ticket", "")}


class ConstraintMessages:
    """Mixed into a model form: a database constraint's refusal shows in its own plain words, next to its field.

    Django's validation reports a constraint above the form; an explained one (config.constraints) moves next to
    its field. `refused_by_database` is what the database refused when the form's rows were saved, for showing the
    form again.
    """

    refused_by_database: constraints.Refusal | None = None

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        general = self._errors.pop(NON_FIELD_ERRORS, None)
        for error in general.as_data() if general else []:
            self.add_error(self._field_for(constraints.field_of(error.code)), error)
        if self.refused_by_database is not None:
            refused = self.refused_by_database
            self.add_error(self._field_for(refused.field), refused.message)

    def _field_for(self, name):
        return name if name in self.fields else None


def with_constraint_messages(form, refused: constraints.Refusal | None = None):
    if issubclass(form, ConstraintMessages) and refused is None:
        return form
    return type(form.__name__, (ConstraintMessages, form), {"refused_by_database": refused})


class LabelledByColumn:
    """A tabular inline row's inputs are named after their columns: Django gives them no label of their own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A related field's select sits inside the admin's wrapper, which renders only the select's own attrs.
            widget = getattr(field.widget, "widget", field.widget)
            widget.attrs.setdefault("aria-label", str(field.label))


class SupportModelAdmin(admin.ModelAdmin):
    """A model admin whose add and change pages ask for the reason, and record it with every change they save.

    Inline rows are saved by the same request, so they carry the parent form's reason too. A constraint the
    database refuses becomes a form error (ConstraintMessages), never a server error. Nothing is deleted through
    Django's own delete page, bulk action or inline boxes: a model that may be deleted replaces `delete_view` with a
    page that calls its deletion service (as the participant page does).
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = kwargs.pop("form", self.form)
        if not issubclass(form, ReasonFields):
            form = type(form.__name__, (form, ReasonFields), {})
        form = with_constraint_messages(form, getattr(request, "refused_by_database", None))
        return super().get_form(request, obj, change=change, form=form, **kwargs)

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            inline.form = with_constraint_messages(inline.form)
            inline.can_delete = False  # an inline row's delete box is a raw delete too
            if isinstance(inline, admin.TabularInline):
                inline.form = type(inline.form.__name__, (LabelledByColumn, inline.form), {})
        return inlines

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._may_save(request, obj):
            return fieldsets
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in REASON_FIELDS]})
            for name, options in fieldsets
        ]
        return [*fieldsets, ("Reason for this change", {"fields": list(REASON_FIELDS)})]

    def has_delete_permission(self, request, obj=None):
        # Django's own delete skips the rules: only a page that replaces it with its deletion service may delete.
        deletes_through_service = type(self).delete_view is not admin.ModelAdmin.delete_view
        return deletes_through_service and super().has_delete_permission(request, obj)

    def _may_save(self, request, obj) -> bool:
        return self.has_change_permission(request, obj) if obj is not None else self.has_add_permission(request)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        # The form refuses to save without a reason, so whatever is saved here is saved with this one.
        with changes.recording(
            reason=request.POST.get("reason", "").strip(), ticket=request.POST.get("ticket", "").strip()
        ):
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except IntegrityError as error:
                # Its transaction is rolled back: show the same form again, with the refusal as its error.
                request.refused_by_database = constraints.refusal(error)
                return super().changeform_view(request, object_id, form_url, extra_context)
            except ValidationFailed as failure:
                # A service the save goes through refused what the form's checks passed (another change came first).
                field, message = failure.errors[0]
                request.refused_by_database = constraints.Refusal(field, message)
                return super().changeform_view(request, object_id, form_url, extra_context)


def require(request, permission: str) -> None:
    """A custom admin page or action the user may not use is a 403, as Django's own pages are."""
    if not request.user.has_perm(permission):
        raise PermissionDenied


def call_service(form, call: Callable[[], object], *, fields: dict[str, str] | None = None):
    """Run a service for a valid form and return what it returns; None when it refused, its refusals now form errors.

    A database constraint's refusal is a form error too, in the constraint's words (config.constraints).

    `fields` maps a service attribute to the form field it belongs to, where their names differ.
    """
    try:
        return call()
    except ValidationFailed as failure:
        refusals = failure.errors
    except IntegrityError as error:
        # The service's checks passed but the database refused (another change came first); its transaction is over.
        refused = constraints.refusal(error)
        refusals = [(refused.field, refused.message)]
    for attribute, message in refusals:
        name = (fields or {}).get(attribute, attribute)
        form.add_error(name if name in form.fields else None, message)
    return None


class RefusedActionsMixin:
    """An action the user may not run is refused with a 403, rather than quietly ignored by the changelist."""

    def changelist_view(self, request, extra_context=None):
        name = request.POST.get("action") if request.method == "POST" else None
        ours = {action if isinstance(action, str) else action.__name__ for action in self.actions or ()}
        if name in ours and name not in self.get_actions(request):
            raise PermissionDenied
        return super().changelist_view(request, extra_context)


def confirmed_action(model_admin, request, queryset, *, title: str, question: str, run: Callable[[list], str]):
    """An admin action that first lists the rows and asks why; `run` does the work and returns what to tell the user.

    `run` is called inside `changes.recording` with the reason given. A refusal (ValidationFailed) from `run` undoes
    nothing itself: `run` works in one transaction, so it is shown as an error and nothing has changed.
    """
    rows = list(queryset)
    confirmed = request.POST.get("confirmed") == "yes"
    form = ReasonFields(request.POST if confirmed else None)
    if not (confirmed and form.is_valid()):
        return TemplateResponse(
            request,
            "admin/confirm_action.html",
            {
                **model_admin.admin_site.each_context(request),
                "title": title,
                "question": question,
                "rows": rows,
                "action": request.POST.get("action"),
                "opts": model_admin.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "form": form,
            },
        )
    try:
        with changes.recording(**reason_of(form)):
            done = run(rows)
    except ValidationFailed as failure:
        for _attribute, message in failure.errors:
            model_admin.message_user(request, message, messages.ERROR)
        return None
    model_admin.message_user(request, done, messages.SUCCESS)
    return None


class ShownOnly:
    """Mixed into a model admin or inline whose rows are only looked at there: none added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ShownOnly, admin.ModelAdmin):
    """For rows that are written by the system and only ever looked at."""


class EventFilter(admin.SimpleListFilter):
    # Fixed choices: the default filter would scan the whole audit table for distinct values.
    title = "event"
    parameter_name = "event"

    def lookups(self, request, model_admin):
        return [("created", "Created"), ("updated", "Updated"), ("deleted", "Deleted")]

    def queryset(self, request, queryset):
        return queryset.filter(event=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "actor_kind", "actor_label", "action", "event", "model", "object_id")
    list_filter = ("occurred_at", "actor_kind", EventFilter)
    # "=model" finds one model's events, e.g. participants.TrainingPeriod.
    search_fields = ("=model", "actor_label", "action")
    ordering = ("-occurred_at", "-id")
    # Counting every audit row on each filtered page is slow and not needed.
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        value = as_uuid(term)
        if value is not None:
            # An api id is kept in an event's changes only as a deleted participant's tombstone.
            return queryset.filter(changes__api_id__0=str(value)), False
        object_id = database_id(term)
        if object_id is not None:
            # A number is a participant's (or any object's) database id: uses the GIN index. Other scripts' digits
            # and numbers too long for an id are searched as text.
            return queryset.filter(Q(participant_ids__contains=[object_id]) | Q(object_id=term)), False
        return super().get_search_results(request, queryset, search_term)
