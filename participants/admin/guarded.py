"""Guarded change pages for a participant's records: the only way to change what the raw pages show read-only.

Each page shows the record as it is and what saving changes, asks for the change and its reason, and calls the
service that owns the rule inside one named `changes.recording`; the service runs in one unit of work, so a refusal
changes nothing and shows next to its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from config import changes, clock
from config.admin import call_service, reason_of
from participants.models import Participant


def long_date(day: dt.date | None, *, open_end: str = "no end date") -> str:
    return f"{day.day} {day:%B %Y}" if day else open_end


def page_link(url_name: str, obj, label: str) -> str:
    return format_html('<a href="{}">{}</a>', reverse(f"admin:{url_name}", args=[obj.pk]), label)


def found(model_admin, request, object_id):
    obj = model_admin.get_object(request, unquote(object_id))
    if obj is None:
        raise Http404("Nothing has this id.")
    return obj


def guarded_change(
    model_admin,
    request,
    *,
    participant: Participant,
    form,
    title: str,
    current: list[tuple[str, str]],
    effect: str,
    form_heading: str,
    submit: str,
    action: str,
    run: Callable[..., object],
    done: str,
    fields: dict[str, str] | None = None,
):
    """Render the page, or make the change: `run(now=..., **answers)` calls the service; `done` is said after it.

    `fields` maps a service's attribute to the form field its refusals show next to, where their names differ.
    """
    participant_url = reverse("admin:participants_participant_change", args=[participant.pk])
    if request.method == "POST" and form.is_valid():
        now = clock.now()
        with changes.recording(**reason_of(form), action=action, now=now):
            changed = call_service(form, lambda: run(now=now, **form.answers()) or True, fields=fields)
        if changed is not None:
            model_admin.message_user(request, done, messages.SUCCESS)
            return HttpResponseRedirect(participant_url)
    return TemplateResponse(
        request,
        "admin/participants/guarded_change.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": Participant._meta,
            "participant": participant,
            "current": current,
            "effect": effect,
            "form": form,
            "form_heading": form_heading,
            "submit": submit,
            "cancel_url": participant_url,
        },
    )
