"""Database constraints in plain words: each one's message, said once where it is declared, and its field.

A constraint is declared through `explained(constraint, field=..., message=...)`: the message becomes Django's
`violation_error_message` (so a form's own validation shows it) and the constraint's name its
`violation_error_code`, by which `field_of` finds the field the message belongs next to. When the database itself
refuses a write (a race, or rows saved together), `refusal` turns its IntegrityError into the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import IntegrityError

# Unnamed refusals (a unique column, a foreign key): said plainly, never as the database says them.
CONFLICT = "This change conflicts with another record. Reload the page to see the records as they are now."

_FIELDS: dict[str, str | None] = {}


def explained(constraint, *, message: str, field: str | None = None):
    """`constraint`, refusing with `message` shown next to `field` (None: above the form)."""
    constraint.violation_error_message = message
    constraint.violation_error_code = constraint.name
    _FIELDS[constraint.name] = field
    return constraint


def field_of(code: str | None) -> str | None:
    """The field an error with this code belongs next to, when it came from an explained constraint."""
    return _FIELDS.get(code) if code else None


def is_explained(code: str | None) -> bool:
    return bool(code) and code in _FIELDS


@dataclass(frozen=True)
class Refusal:
    field: str | None
    message: str


def refusal(error: IntegrityError) -> Refusal:
    """What the database refused, as the constraint's message and field."""
    name = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    for model in apps.get_models():
        for constraint in model._meta.constraints:
            if constraint.name == name and is_explained(constraint.violation_error_code):
                return Refusal(field_of(constraint.violation_error_code), constraint.get_violation_error_message())
    return Refusal(None, CONFLICT)


def unexplained() -> list[str]:
    """Constraints of the project's models that would refuse in the database's words (kept empty by a test)."""
    return [
        f"{model._meta.label}.{constraint.name}"
        for model in apps.get_models()
        if not model._meta.app_label.startswith(("auth", "admin", "contenttypes", "sessions"))
        for constraint in model._meta.constraints
        if not is_explained(constraint.violation_error_code)
    ]
