"""The journey every change follows: a question, "check your answers", and a confirmation.

Answers wait in the session between the question and the check. The question page runs the school
action's own check (`check_<action>`) on the answers, so a rule's error shows on the question that caused
it; the action runs when the user confirms and checks again, in its transaction, in case anything changed
meanwhile: any rule it reports then sends them back to the question with the error shown.
"""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse

from config import changes, clock
from config.validation import ValidationFailed
from schools.portal import presenters, selectors
from schools.portal.views.errors import add_rule_errors, error_summary

CONFIRMATION_KEY = "portal:confirmation"


class Journey:
    """One change a school makes. Subclasses name the form, the pages' words and the school action."""

    slug = ""
    url = ""  # the question page's path below the school's, e.g. "participants/<int:pk>/name/"
    action = ""
    form_class = None
    template = ""
    title = ""
    check_title = "Check your answers"
    section = "participants"  # the service navigation item marked while on this journey
    confirm_label = "Confirm"
    # School action attributes whose errors belong to a differently named field (None: the whole form).
    field_names: dict[str, str | None] = {}
    # The school action, and its check of the same arguments (training.school_actions); read from the class
    # (type(self)) so they stay plain functions.
    service = None
    service_check = None

    def __init__(self, request, school, subject=None):
        self.request = request
        self.school = school
        self.subject = subject
        self.today = clock.today()

    @classmethod
    def load_subject(cls, school, kwargs):
        return None

    # Pages and answers.

    def kwargs(self) -> dict:
        return {"urn": self.school.urn}

    def question_url(self) -> str:
        return reverse(f"portal:{self.slug}", kwargs=self.kwargs())

    def check_url(self) -> str:
        return reverse(f"portal:{self.slug}-check", kwargs=self.kwargs())

    def back_url(self) -> str:
        return reverse("portal:participants", kwargs={"urn": self.school.urn})

    def change_url(self, field: str) -> str:
        """Where the check page's "Change" link for an answer goes."""
        return f"{self.question_url()}?change={field}"

    def session_key(self) -> str:
        subject = getattr(self.subject, "pk", "")
        return f"portal:answers:{self.slug}:{self.school.pk}:{subject}"

    def form(self, data=None):
        return self.form_class(data=data, initial=self.initial(), **self.form_kwargs())

    def form_kwargs(self) -> dict:
        return {}

    def initial(self) -> dict:
        return {}

    def context(self) -> dict:
        return {}

    def caption(self) -> str:
        return self.school.name

    def summary_rows(self, form) -> list[tuple[str, str, str]]:
        """(question, answer, field to change) for each answer on the check page."""
        raise NotImplementedError

    def after_question(self, form):
        """Where to go once the question is answered, if not to the check page."""
        return None

    def arguments(self, form) -> dict:
        """The school action's arguments (all but `now`) from the answers."""
        raise NotImplementedError

    def submit(self, form, now):
        """Call the school action with the answers; return what it returns."""
        return type(self).service(**self.arguments(form), now=now)

    def rule_errors(self, form, now) -> list[tuple[str, str]]:
        """The school action's rules for these answers, before anything is changed."""
        check = type(self).service_check
        return check(**self.arguments(form), now=now) if check is not None else []

    def refusal(self) -> str | None:
        """Why this change cannot be made at all (for example, they have left the school), if it cannot."""
        return None

    def confirmation(self, form, result) -> tuple[str, str]:
        """The confirmation panel's title and the sentence below it."""
        raise NotImplementedError

    def audience(self, result) -> list[str]:
        """Who sees the change, and when (schools.portal.audience), said on the confirmation."""
        return []

    def check_notes(self, form) -> list[str]:
        """What will happen that the school should know before confirming."""
        return []

    def next_url(self, result) -> str:
        return self.back_url()

    def next_label(self) -> str:
        return "Back to your ECTs and mentors"

    def render_question(self, form, status=200):
        context = {
            "journey": self,
            "school": self.school,
            "form": form,
            "errors": error_summary(form) if form.is_bound else [],
            **self.context(),
        }
        return render(self.request, self.template, context, status=status)


def _journey(journey_class, request, urn, kwargs):
    school = selectors.school_of(request.user, urn)
    return journey_class(request, school, journey_class.load_subject(school, kwargs))


def refused(journey, reason: str):
    """A clear page instead of the question: this change cannot be made. 403, so nothing treats it as done."""
    context = {"journey": journey, "school": journey.school, "reason": reason}
    return render(journey.request, "portal/refused.html", context, status=403)


def question(request, urn, journey_class, **kwargs):
    journey = _journey(journey_class, request, urn, kwargs)
    reason = journey.refusal()
    if reason:
        return refused(journey, reason)
    key = journey.session_key()
    if request.method == "POST":
        form = journey.form(request.POST)
        if not form.is_valid():
            return journey.render_question(form)
        elsewhere = journey.after_question(form)
        if elsewhere:
            return redirect(elsewhere)
        problems = journey.rule_errors(form, now=clock.now())
        if problems:
            add_rule_errors(form, ValidationFailed(problems), journey.field_names)
            return journey.render_question(form)
        request.session[key] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        return redirect(journey.check_url())
    # Coming back from the check page shows the answers given; a fresh start forgets them.
    if "change" in request.GET and key in request.session:
        return journey.render_question(journey.form(request.session[key]))
    request.session.pop(key, None)
    return journey.render_question(journey.form())


def check(request, urn, journey_class, **kwargs):
    journey = _journey(journey_class, request, urn, kwargs)
    reason = journey.refusal()
    if reason:
        return refused(journey, reason)
    key = journey.session_key()
    answers = request.session.get(key)
    if answers is None:
        return redirect(journey.question_url())
    form = journey.form(answers)
    if not form.is_valid():
        return journey.render_question(form)
    if request.method == "POST":
        try:
            with changes.recording(action=journey.action):
                result = journey.submit(form, now=clock.now())
        except ValidationFailed as failure:
            add_rule_errors(form, failure, journey.field_names)
            return journey.render_question(form)
        del request.session[key]
        title, body = journey.confirmation(form, result)
        request.session[CONFIRMATION_KEY] = {
            "urn": journey.school.urn,
            "title": title,
            "body": body,
            "audience": journey.audience(result),
            "next_url": journey.next_url(result),
            "next_label": journey.next_label(),
        }
        return redirect("portal:confirmation", urn=journey.school.urn)
    return render(
        request,
        "portal/check.html",
        {
            "journey": journey,
            "school": journey.school,
            "rows": [
                (question, answer, journey.change_url(field)) for question, answer, field in journey.summary_rows(form)
            ],
            "notes": journey.check_notes(form),
            **journey.context(),
        },
    )


def participant_url(school, school_period) -> str:
    return reverse("portal:participant", kwargs={"urn": school.urn, "pk": school_period.pk})


def date_text(value) -> str:
    return presenters.long_date(value)


def choice_label(form, name) -> str:
    value = form.cleaned_data.get(name)
    return dict(form.fields[name].choices).get(value, "") if value else ""
