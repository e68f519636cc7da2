"""Finding the one resource a provider asked for by id, among those it may see (C9)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from config.api.errors import NotFound


def visible_or_none(queryset, **lookup):
    """The first row of `queryset` matching `lookup`, or None; a malformed UUID matches nothing."""
    try:
        return queryset.filter(**lookup).first()
    except ValidationError:  # what a UUID field raises for a value that is not a UUID
        return None


def get_visible_or_404(queryset, **lookup):
    """The row of `queryset` (what this provider may see) matching `lookup`, or the 404 envelope (C9)."""
    found = visible_or_none(queryset, **lookup)
    if found is None:
        raise NotFound()
    return found
