"""Admin for the audit trail, and the search helper the other apps' admins share."""
from __future__ import annotations

import uuid

from django.contrib import admin
from django.db.models import Q

from config.models import AuditEvent


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows that are written by the system and only ever looked at."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        if term.isdigit():
            # A number is a participant's (or any object's) database id: uses the GIN index.
            return queryset.filter(Q(participant_ids__contains=[int(term)]) | Q(object_id=term)), False
        return super().get_search_results(request, queryset, search_term)
