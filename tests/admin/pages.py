"""Addresses of admin pages and what a person reads on them."""

import html as html_escapes
import re

from django.contrib.messages import get_messages
from django.urls import reverse

# What a support agent types in "Reason for this change" (required) and "Ticket reference" on every change.
REASON = {"reason": "The school emailed to correct this record", "ticket": "SUP-1234"}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def school_form(school, **changes) -> dict:
    """The school's change page posted as it is, with the reason, but for `changes`."""
    return {
        "name": school.name,
        "urn": school.urn,
        "induction_tutor_name": school.induction_tutor_name,
        "induction_tutor_email": school.induction_tutor_email,
        "eligible_for_training": "on",
        "funding_eligibilities-TOTAL_FORMS": "0",
        "funding_eligibilities-INITIAL_FORMS": "0",
        **REASON,
        **changes,
    }


def text(response) -> str:
    """The page as words, without markup, so assertions read like what support staff see."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(html_escapes.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def flashed(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]
