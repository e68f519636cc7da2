"""Values of the `filter[...]` hash shared by the list endpoints (Q2, Q3, D39, P5, with O4).

Blank means no filter; an invalid value is a 400 naming the filter; a well-formed value that
matches nothing gives an empty list.
"""

from __future__ import annotations

import re

from config.api.errors import BadRequest
from config.api.parsing import iso8601_moment, uuid_or_none

COHORTS_NOT_YEARS = "The filter '#/cohort' must be a year or a comma-separated list of years, for example 2024,2025"
_DIGITS = re.compile(r"[0-9]+")


def text(raw: dict, name: str) -> str:
    value = raw.get(name)
    return value.strip() if isinstance(value, str) else ""


def cohort_years(raw: dict) -> tuple[int, ...] | None:
    value = text(raw, "cohort")
    if not value:
        return None
    tokens = [token.strip() for token in value.split(",")]
    if not all(_DIGITS.fullmatch(token) for token in tokens):
        raise BadRequest(COHORTS_NOT_YEARS)
    # A year no cohort could have matches nothing (and would overflow the column).
    return tuple(int(token) for token in tokens if len(token) <= 4)


def updated_since(raw: dict):
    return iso8601_moment(raw["updated_since"], filter_name="updated_since") if text(raw, "updated_since") else None


def uuid_list(raw: dict, name: str) -> tuple | None:
    value = text(raw, name)
    if not value:
        return None
    ids = tuple(uuid_or_none(token.strip()) for token in value.split(","))
    if None in ids:
        raise BadRequest(f"The filter '#/{name}' must be a comma-separated list of IDs (UUIDs)")
    return ids
