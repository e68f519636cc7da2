"""The portal's service navigation: its items, and which one the current page belongs to."""

from django import template
from django.urls import reverse

register = template.Library()

# (section, label): each section's own page is the URL named after it, e.g. portal:participants.
SECTIONS = [
    ("participants", "ECTs and mentors"),
    ("cohorts", "Training choices"),
    ("school-details", "School details"),
]
# Pages below a section that are not journeys (journeys name theirs with Journey.section).
SECTION_OF_PAGE = {"participant": "participants"}


def current_section(request) -> tuple[str, bool]:
    """The section this request's page is in, and whether it is the section's own page."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.namespace != "portal":
        return "", False
    if match.url_name in dict(SECTIONS):
        return match.url_name, True
    journey_class = match.kwargs.get("journey_class")
    if journey_class is not None:
        return journey_class.section, False
    return SECTION_OF_PAGE.get(match.url_name, ""), False


@register.simple_tag(takes_context=True)
def service_navigation(context, school):
    """GOV.UK service navigation items for a school's pages. The current section's item is marked as
    GOV.UK does: aria-current="page" on its own page, aria-current="true" on the pages below it."""
    section, on_its_page = current_section(context["request"])
    return [
        {
            "label": label,
            "href": reverse(f"portal:{name}", kwargs={"urn": school.urn}),
            "current": ("page" if on_its_page else "true") if name == section else "",
        }
        for name, label in SECTIONS
    ]
