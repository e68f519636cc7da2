"""The `filter[...]` hash of the list endpoints, on django-filter (C11, Q2, Q3, Q6, D39, P5, with O4).

Each endpoint declares a FilterSet of its own next to its reading code, from the filters here for the
contract's shared quirks; `apply` runs it on a request. Blank means no filter; an invalid value is a 400
naming the filter (the first invalid one in the FilterSet's order); a well-formed value that matches
nothing gives an empty list; unknown keys are ignored (Q6).

Error messages are written with `%(filter)s` where the filter's name goes, since the same filter serves
under several names (`participant_id`, `delivery_partner_id`).
"""

from __future__ import annotations

import re

import django_filters
from django import forms

from config import changes
from config.api.errors import BadRequest
from config.api.parsing import iso8601_moment, nested, uuid_or_none

COHORTS_NOT_YEARS = "The filter '#/cohort' must be a year or a comma-separated list of years, for example 2024,2025"
UUIDS_INVALID = "The filter '#/%(filter)s' must be a comma-separated list of IDs (UUIDs)"
NOT_ISO8601 = "The filter '#/%(filter)s' must be a valid ISO 8601 date"
# Only ASCII digits: Python's `isdigit` and `\d` would take other scripts' digits too.
_DIGITS = re.compile(r"[0-9]+")
# A year longer than this belongs to no cohort (and would overflow the column), so it matches nothing.
_YEAR_DIGITS = 4


def filter_params(query_params) -> dict:
    """The `filter[...]` hash as a plain dict: `filter[name]=a,b` gives "a,b", the array form
    `filter[name][]=a&filter[name][]=b` gives ["a", "b"] (Q2). `filter=...` alone is the C11 400."""
    return nested(query_params, "filter", arrays=True)


# --- fields: what one filter's raw value means ---------------------------------------------------------------------


class _ListField(forms.Field):
    """Q2: values comma-separated, in the array form, or both. No non-blank value means no filter; one
    invalid token makes the whole filter invalid (O4)."""

    def to_python(self, value):
        items = value if isinstance(value, list) else [value]
        texts = [item.strip() for item in items if isinstance(item, str) and item.strip()]
        if not texts:
            return None
        tokens = [token.strip() for text in texts for token in text.split(",")]
        return tuple(kept for kept in map(self.token_value, tokens) if kept is not None)

    def token_value(self, token: str):
        """The token's value, None to drop it, or a ValidationError."""
        raise NotImplementedError


class CohortYearsField(_ListField):
    default_error_messages = {"invalid": COHORTS_NOT_YEARS}

    def token_value(self, token):
        if not _DIGITS.fullmatch(token):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(token) if len(token) <= _YEAR_DIGITS else None


class UUIDListField(_ListField):
    default_error_messages = {"invalid": UUIDS_INVALID}

    def token_value(self, token):
        found = uuid_or_none(token)
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return found


class TextField(forms.Field):
    """One value, trimmed, that must match `pattern` in full; blank means no filter. The array form is
    not one value, so it is invalid."""

    default_error_messages = {
        "required": "The filter '#/%(filter)s' must be included in your request",
        "invalid": "The filter '#/%(filter)s' is not valid",
    }

    def __init__(self, *, pattern: str, **kwargs):
        super().__init__(**kwargs)
        self.pattern = re.compile(pattern)

    def to_python(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return ""
        if not isinstance(value, str) or not self.pattern.fullmatch(value.strip()):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value.strip()


class UpdatedSinceField(forms.Field):
    """Q3: a date or date-time; blank means no filter."""

    default_error_messages = {"invalid": NOT_ISO8601}

    def to_python(self, value):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            if not isinstance(value, str):  # the array form: not one moment
                raise ValueError(value)
            return iso8601_moment(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


# --- filters -------------------------------------------------------------------------------------------------------


class _Filter(django_filters.Filter):
    default_lookup = "exact"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", self.default_lookup)
        super().__init__(*args, **kwargs)


class TextFilter(_Filter):
    """One value matching `pattern` (see `TextField`): `field_name` equal to it, unless a `method` says otherwise."""

    field_class = TextField


class CohortYearsFilter(_Filter):
    """Cohort years (Q2, D39, P5): `field_name` in the years, unless a `method` says otherwise."""

    field_class = CohortYearsField
    default_lookup = "in"


class UUIDListFilter(_Filter):
    """IDs (D39, P5): `field_name` in the ids."""

    field_class = UUIDListField
    default_lookup = "in"


class UpdatedSinceFilter(_Filter):
    """Q3: `field_name` at or after the moment."""

    field_class = UpdatedSinceField
    default_lookup = "gte"


class ApiFilterSet(django_filters.FilterSet):
    """The filters of one endpoint, for the provider asking (some filters depend on who sees what)."""

    def __init__(self, data, queryset, *, lead_provider):
        super().__init__(data, queryset)
        self.lead_provider = lead_provider

    def filter_queryset(self, queryset):
        # A list whose values can match nothing (a year beyond any cohort) empties the result, where
        # django-filter would skip an empty value as if the filter were blank.
        if any(value == () for value in self.form.cleaned_data.values()):
            return queryset.none()
        return super().filter_queryset(queryset)


def apply(filterset_class: type[ApiFilterSet], params: dict, queryset, *, lead_provider) -> ApiFilterSet:
    """The endpoint's FilterSet bound to the `filter[...]` hash and validated: its `qs` is the filtered
    queryset. The first invalid filter, in the FilterSet's order, is the 400 (O4)."""
    filterset = filterset_class(params, queryset, lead_provider=lead_provider)
    if not filterset.is_valid():
        errors = filterset.form.errors.as_data()
        name = next(name for name in filterset.form.fields if name in errors)
        error = errors[name][0]
        raise BadRequest(error.message % {**(error.params or {}), "filter": name})
    if any(
        isinstance(filterset.filters[name], UpdatedSinceFilter) and value is not None
        for name, value in filterset.form.cleaned_data.items()
    ):
        # The sync guarantee (Q3): whatever this read cannot see yet is stamped later than it began.
        changes.wait_for_stamped_commits()
    return filterset
