"""The support actions on a participant's page: merge a duplicate, record an induction period, delete.

Each page parses its form, calls the service inside a named `changes.recording`, and shows the outcome.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from config import changes, clock
from config.admin import ReasonFields, as_uuid, call_service, reason_of, require
from config.validation import ValidationFailed
from participants.admin.guarded import guarded_change, long_date
from participants.admin.history import participant_history
from participants.models import InductionOutcome, Participant
from training.support import deletion, induction, merging


class SupportActions:
    """Mixed into ParticipantAdmin, which routes to these views and provides `_participant` and `_page`."""

    # --- merge a duplicate into the participant who stays (ID1) --------------------------------------------------

    def merge_view(self, request, object_id):
        require(request, "participants.change_participant")
        source = self._participant(request, object_id)
        form = MergeForm(request.POST or None)
        confirming = request.method == "POST" and request.POST.get("confirmed") == "yes"
        reason_form = ReasonFields(request.POST if confirming else None)
        plan = None
        if request.method == "POST" and form.is_valid():
            destination = form.cleaned_data["destination"]
            if confirming and reason_form.is_valid():
                now = clock.now()
                with changes.recording(**reason_of(reason_form), action="merge_participants", now=now):
                    merged = call_service(
                        form, lambda: merging.merge_participants(source=source, destination=destination, now=now)
                    )
                if merged is not None:
                    self.message_user(
                        request,
                        f"{source.api_id} was merged into {destination}. Its id is recorded as retired.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:participants_participant_history", args=[destination.pk])
                    )
            plan = merging.plan(source=source, destination=destination)
        return TemplateResponse(
            request,
            "admin/participants/participant/merge.html",
            {
                **self.admin_site.each_context(request),
                **self._page(source, f"Merge {source.full_name} into another participant"),
                "form": form,
                "plan": plan,
                "reason_form": reason_form,
            },
        )

    # --- record an induction period (O9, F14) --------------------------------------------------------------------

    def record_induction_view(self, request, object_id):
        require(request, "participants.add_inductionperiod")
        participant = self._participant(request, object_id)
        recorded = [
            (f"From {long_date(period.started_on)}", induction_summary(period))
            for period in participant.induction_periods.order_by("started_on")
        ]
        return guarded_change(
            self,
            request,
            participant=participant,
            form=InductionPeriodForm(request.POST or None),
            title=f"Record an induction period for {participant.full_name}",
            current=recorded or [("Induction periods", "None recorded")],
            effect=(
                "Providers see the induction dates of the periods recorded here. A period covering today makes an "
                "ECT eligible for funding from today, and their submitted declarations eligible."
            ),
            form_heading="New induction period",
            submit="Record induction period",
            action="record_induction_period",
            run=lambda now, **answers: induction.record_induction_period(participant=participant, now=now, **answers),
            done="The induction period was recorded.",
        )

    # --- delete a participant who never started ------------------------------------------------------------------

    def changelist_view(self, request, extra_context=None):
        # A deleted participant's old id finds nobody; say what became of them (their tombstone).
        searched = as_uuid(request.GET.get("q", ""))
        if searched is not None and not Participant.objects.filter(api_id=searched).exists():
            event = deletion.tombstone(searched)
            if event is not None:
                ticket = f" ({event.ticket})" if event.ticket else ""
                why = f" Reason: {event.reason}{ticket}." if event.reason else ""
                self.message_user(
                    request,
                    f"Participant {searched} was deleted on {event.occurred_at:%d %B %Y} by {event.actor_label}.{why} "
                    f"Their audit events are under database id {event.object_id}.",
                    messages.INFO,
                )
        return super().changelist_view(request, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        participant = self._participant(request, object_id)
        if not self.has_delete_permission(request, participant):
            raise PermissionDenied
        errors = deletion.refusals(participant=participant, today=clock.today())
        confirmed = request.method == "POST" and request.POST.get("post") == "yes"
        form = ReasonFields(request.POST if confirmed else None)
        if confirmed and form.is_valid():
            now = clock.now()
            try:
                with changes.recording(**reason_of(form), action="delete_participant", now=now):
                    deletion.delete_participant(participant=participant, now=now)
            except ValidationFailed as failure:
                errors = failure.errors
            else:
                self.message_user(request, f"{participant} was deleted.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:participants_participant_changelist"))
        return TemplateResponse(
            request,
            "admin/participants/participant/delete.html",
            {
                **self.admin_site.each_context(request),
                **self._page(participant, f"Delete {participant.full_name}"),
                "errors": [message for _attribute, message in errors],
                "history": participant_history(participant, with_events=False),
                "form": form,
            },
        )


class MergeForm(forms.Form):
    destination = forms.CharField(
        label="Participant who stays",
        help_text="Their participant id or TRN. The participant on this page is the duplicate: it will be retired.",
    )

    def clean_destination(self):
        term = self.cleaned_data["destination"].strip()
        value = as_uuid(term)
        found = (
            Participant.objects.filter(api_id=value).first() if value else Participant.objects.filter(trn=term).first()
        )
        if found is None:
            raise forms.ValidationError("No participant has this participant id or TRN.")
        return found


class InductionPeriodForm(ReasonFields):
    appropriate_body_name = forms.CharField(label="Appropriate body", required=False, max_length=200)
    # Dates are optional here so that the service, not the form, says what is missing.
    started_on = forms.DateField(label="Start date", required=False, help_text="For example 2025-09-01")
    finished_on = forms.DateField(label="End date", required=False, help_text="For example 2026-07-31")
    outcome = forms.ChoiceField(choices=[("", "No outcome yet"), *InductionOutcome.choices], required=False)


def induction_summary(period) -> str:
    outcome = period.get_outcome_display().lower() if period.outcome else "no outcome yet"
    body = f", {period.appropriate_body_name}" if period.appropriate_body_name else ""
    return f"{long_date(period.started_on)} to {long_date(period.finished_on)}: {outcome}{body}"
