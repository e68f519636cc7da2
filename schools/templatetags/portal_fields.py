"""Template helpers for the portal's GOV.UK form fields."""

from django import template

from schools.portal.forms import date_parts_at_fault as _date_parts_at_fault

register = template.Library()


@register.filter
def choice_items(field):
    """A bound field's choices as GOV.UK radios need them: ids, values, labels and which is chosen.

    The first item's id is the field's name, so error summary links land on it. A blank choice (a
    select's placeholder) is left out.
    """
    current = "" if field.value() is None else str(field.value())
    items = []
    for value, label in field.field.choices:
        value = "" if value is None else str(value)
        if not value:
            continue
        item_id = field.name if not items else f"{field.name}-{len(items) + 1}"
        items.append({"id": item_id, "value": value, "label": label, "checked": value == current})
    return items


@register.filter
def date_parts_at_fault(field):
    """The boxes of a bound date field to mark as wrong: "day", "month" and/or "year"."""
    return _date_parts_at_fault(field.errors.as_data())
