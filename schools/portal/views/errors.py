"""Errors for the GOV.UK error summary: form errors, and a school action's rule errors put on the form."""

from __future__ import annotations

from config.validation import ValidationFailed
from schools.portal import forms


def field_anchor(form, name: str) -> str:
    """The id of the input an error links to: a date's first box at fault, a radio group's first radio."""
    if name not in form.fields:
        name = next(iter(form.fields))
    if isinstance(form.fields[name], forms.DateField):
        at_fault = forms.date_parts_at_fault(form.errors.as_data().get(name)) or forms.DATE_PARTS
        return f"{name}-{at_fault[0]}"
    return name


def error_summary(form) -> list[dict]:
    """Every error on the form, in question order, each linking to its field."""
    items = [{"href": f"#{field_anchor(form, '')}", "text": text} for text in form.non_field_errors()]
    for name in form.fields:
        for text in form.errors.get(name, []):
            items.append({"href": f"#{field_anchor(form, name)}", "text": text})
    return items


def add_rule_errors(form, failure: ValidationFailed, field_names: dict[str, str | None]) -> None:
    """Put a school action's (attribute, message) errors on the form fields they belong to."""
    for attribute, message in failure.errors:
        name = field_names.get(attribute, attribute)
        form.add_error(name if name in form.fields else None, message)
