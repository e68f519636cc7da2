"""The school portal's pages. Each view parses the request, calls a school action, and renders.

Every change is a journey of three pages: the question, "check your answers", and a confirmation.
Answers wait in the session between the question and the check; the school action runs only when
the user confirms, and any rule it reports sends them back to the question with the error shown.
"""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config import changes, clock
from config.validation import ValidationFailed
from participants.models import ParticipantType
from schools.portal import auth, forms, invitations, presenters, selectors

CONFIRMATION_KEY = "portal:confirmation"


# --- Signing in and out -------------------------------------------------------------------------


def sign_in(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = auth.check_credentials(
            request, email=form.cleaned_data["email"], password=form.cleaned_data["password"]
        )
        if result.user is not None:
            login(request, result.user)
            return redirect(next_url or "portal:home")
        form.add_error("email", result.error)
    return render(request, "portal/sign_in.html", {"form": form, "errors": error_summary(form), "next": next_url})


def set_password(request, uidb64, token):
    """An invited user chooses their password, then is signed in."""
    user = invitations.invited_user(uidb64, token)
    if user is None:
        return render(request, "portal/invitation_expired.html", status=404)
    form = forms.NewPasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        user.set_password(form.cleaned_data["password"])
        user.save(update_fields=["password"])
        auth.clear_failures(user.email)
        login(request, user)
        return redirect("portal:home")
    return render(request, "portal/set_password.html", {"form": form, "errors": error_summary(form)})


@require_POST
def sign_out(request):
    logout(request)
    return redirect("portal:sign-in")


# --- Reading ------------------------------------------------------------------------------------


@login_required
def home(request):
    schools = list(selectors.schools_of(request.user))
    if len(schools) == 1:
        return redirect("portal:participants", urn=schools[0].urn)
    return render(request, "portal/home.html", {"schools": schools})


@login_required
def participant_list(request, urn):
    school = selectors.school_of(request.user, urn)
    lists = presenters.participant_lists(selectors.participants_at(school), clock.today())
    return render(request, "portal/participants.html", {"school": school, "lists": lists})


@login_required
def participant_detail(request, urn, pk):
    school = selectors.school_of(request.user, urn)
    summary = presenters.summarise(selectors.school_period_at(school, pk), clock.today())
    return render(request, "portal/participant.html", {"school": school, "participant": summary})


@login_required
def cohort_list(request, urn):
    school = selectors.school_of(request.user, urn)
    choices = selectors.cohort_choices(school)
    cohorts = [
        {"year": cohort.year, "choice": presenters.choice_text(choices.get(cohort.year))}
        for cohort in selectors.cohorts_from(clock.today())
    ]
    return render(request, "portal/cohorts.html", {"school": school, "cohorts": cohorts})


@login_required
def confirmation(request, urn):
    school = selectors.school_of(request.user, urn)
    shown = request.session.pop(CONFIRMATION_KEY, None)
    if not shown or shown.get("urn") != school.urn:
        return redirect("portal:participants", urn=school.urn)
    return render(request, "portal/confirmation.html", {"school": school, "confirmation": shown})


# --- Errors for the GOV.UK error summary --------------------------------------------------------


def field_anchor(form, name: str) -> str:
    """The id of the input an error links to: a date's day box, a radio group's first radio."""
    if name not in form.fields:
        name = next(iter(form.fields))
    return f"{name}-day" if isinstance(form.fields[name], forms.DateField) else name


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


# --- Journeys: question, check your answers, confirmation --------------------------------------


class Journey:
    """One change a school makes. Subclasses name the form, the pages' words and the school action."""

    slug = ""
    url = ""  # the question page's path below the school's, e.g. "participants/<int:pk>/name/"
    action = ""
    form_class = None
    template = ""
    title = ""
    check_title = "Check your answers"
    confirm_label = "Confirm"
    # School action attributes whose errors belong to a differently named field (None: the whole form).
    field_names: dict[str, str | None] = {}

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

    def submit(self, form, now):
        """Call the school action with the answers; return what it returns."""
        raise NotImplementedError

    def confirmation(self, form, result) -> tuple[str, str]:
        """The confirmation panel's title and the sentence below it."""
        raise NotImplementedError

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


def question(request, urn, journey_class, **kwargs):
    journey = _journey(journey_class, request, urn, kwargs)
    key = journey.session_key()
    if request.method == "POST":
        form = journey.form(request.POST)
        if not form.is_valid():
            return journey.render_question(form)
        elsewhere = journey.after_question(form)
        if elsewhere:
            return redirect(elsewhere)
        request.session[key] = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        return redirect(journey.check_url())
    # Coming back from the check page shows the answers given; a fresh start forgets them.
    if "change" in request.GET and key in request.session:
        return journey.render_question(journey.form(request.session[key]))
    request.session.pop(key, None)
    return journey.render_question(journey.form())


def check(request, urn, journey_class, **kwargs):
    journey = _journey(journey_class, request, urn, kwargs)
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
            "next_url": journey.next_url(result),
            "next_label": journey.next_label(),
        }
        return redirect("portal:confirmation", urn=journey.school.urn)
    return render(
        request,
        "portal/check.html",
        {"journey": journey, "school": journey.school, "rows": journey.summary_rows(form), **journey.context()},
    )


def _school_actions():
    # Imported when used so the portal's pages load even while a school action is being changed.
    from participants import school_actions

    return school_actions


def _participant_url(school, school_period) -> str:
    return reverse("portal:participant", kwargs={"urn": school.urn, "pk": school_period.pk})


def _date_text(value) -> str:
    return presenters.long_date(value)


def _choice_label(form, name) -> str:
    value = form.cleaned_data.get(name)
    return dict(form.fields[name].choices).get(value, "") if value else ""


class RegisterEct(Journey):
    slug = "register-ect"
    url = "ects/register/"
    action = "register_ect"
    form_class = forms.RegisterEctForm
    template = "portal/questions/register_ect.html"
    title = "Register an early career teacher (ECT)"
    confirm_label = "Confirm and register ECT"

    def summary_rows(self, form):
        data = form.cleaned_data
        rows = [
            ("Full name", data["full_name"], "full_name"),
            ("Teacher reference number (TRN)", data["trn"], "trn"),
            ("Date of birth", _date_text(data["date_of_birth"]), "date_of_birth"),
            ("Email address", data["email"], "email"),
            ("School start date", _date_text(data["started_on"]), "started_on"),
            ("Working pattern", _choice_label(form, "working_pattern"), "working_pattern"),
            ("Training programme", _choice_label(form, "programme_type"), "programme_type"),
        ]
        if data.get("lead_provider"):
            rows.append(("Lead provider", data["lead_provider"].name, "lead_provider"))
        return rows

    def submit(self, form, now):
        return _school_actions().register_ect(school=self.school, now=now, **form.cleaned_data)

    def confirmation(self, form, result):
        return "ECT registered", f"{form.cleaned_data['full_name']} is registered as an ECT at {self.school.name}."

    def next_url(self, result):
        return _participant_url(self.school, result)

    def next_label(self):
        return "View their details"


class RegisterMentor(Journey):
    slug = "register-mentor"
    url = "mentors/register/"
    action = "register_mentor"
    form_class = forms.RegisterMentorForm
    template = "portal/questions/register_mentor.html"
    title = "Register a mentor"
    confirm_label = "Confirm and register mentor"
    field_names = {"started_on": None, "mentee": None, "mentor": "trn"}

    def summary_rows(self, form):
        data = form.cleaned_data
        return [
            ("Full name", data["full_name"], "full_name"),
            ("Teacher reference number (TRN)", data["trn"], "trn"),
            ("Email address", data["email"], "email"),
        ]

    def submit(self, form, now):
        return _school_actions().register_mentor(school=self.school, now=now, **form.cleaned_data)

    def confirmation(self, form, result):
        return "Mentor registered", f"{form.cleaned_data['full_name']} is registered as a mentor at {self.school.name}."

    def next_url(self, result):
        return _participant_url(self.school, result)

    def next_label(self):
        return "View their details"


class ParticipantJourney(Journey):
    """A change to one ECT or mentor at the school (`participant_type` limits which)."""

    participant_type = None

    @classmethod
    def load_subject(cls, school, kwargs):
        return selectors.school_period_at(school, kwargs["pk"], participant_type=cls.participant_type)

    def kwargs(self):
        return {"urn": self.school.urn, "pk": self.subject.pk}

    def back_url(self):
        return _participant_url(self.school, self.subject)

    def caption(self):
        return self.subject.participant.full_name

    def next_url(self, result):
        return _participant_url(self.school, self.subject)

    def next_label(self):
        # The change may have been to their name.
        self.subject.participant.refresh_from_db(fields=["full_name"])
        return f"Back to {self.subject.participant.full_name}"


class ChangeName(ParticipantJourney):
    slug = "change-name"
    url = "participants/<int:pk>/name/"
    action = "update_name"
    form_class = forms.NameForm
    template = "portal/questions/name.html"
    title = "Change their name"
    confirm_label = "Confirm name change"

    def initial(self):
        return {"full_name": self.subject.participant.full_name}

    def summary_rows(self, form):
        return [("Full name", form.cleaned_data["full_name"], "full_name")]

    def submit(self, form, now):
        return _school_actions().update_name(
            school_period=self.subject, full_name=form.cleaned_data["full_name"], now=now
        )

    def confirmation(self, form, result):
        return "Name changed", f"Their name is now {form.cleaned_data['full_name']}."


class ChangeEmail(ParticipantJourney):
    slug = "change-email"
    url = "participants/<int:pk>/email/"
    action = "update_email"
    form_class = forms.EmailForm
    template = "portal/questions/email.html"
    title = "Change their email address"
    confirm_label = "Confirm email address change"

    def initial(self):
        return {"email": self.subject.email}

    def summary_rows(self, form):
        return [("Email address", form.cleaned_data["email"], "email")]

    def submit(self, form, now):
        return _school_actions().update_email(school_period=self.subject, email=form.cleaned_data["email"], now=now)

    def confirmation(self, form, result):
        return (
            "Email address changed",
            f"{self.subject.participant.full_name}'s email address is now {form.cleaned_data['email']}.",
        )


class ReportLeaving(ParticipantJourney):
    slug = "report-leaving"
    url = "participants/<int:pk>/leaving/"
    action = "report_leaving"
    form_class = forms.LeavingForm
    template = "portal/questions/leaving.html"
    title = "Report that they are leaving your school"
    confirm_label = "Confirm they are leaving"

    def summary_rows(self, form):
        return [("Leaving date", _date_text(form.cleaned_data["leaving_on"]), "leaving_on")]

    def submit(self, form, now):
        return _school_actions().report_leaving(
            school_period=self.subject, leaving_on=form.cleaned_data["leaving_on"], now=now
        )

    def confirmation(self, form, result):
        name = self.subject.participant.full_name
        return "Leaving date recorded", f"{name} leaves your school on {_date_text(form.cleaned_data['leaving_on'])}."


class AssignMentor(ParticipantJourney):
    slug = "assign-mentor"
    url = "participants/<int:pk>/mentor/"
    action = "assign_mentor"
    participant_type = ParticipantType.ECT
    form_class = forms.ChooseMentorForm
    template = "portal/questions/mentor.html"
    title = "Who will mentor them?"
    confirm_label = "Confirm mentor"
    field_names = {"mentor": "mentor"}

    def form_kwargs(self):
        return {"mentors": selectors.mentors_at(self.school, today=self.today)}

    def after_question(self, form):
        if form.chosen_mentor() is None:
            return reverse("portal:register-mentor-for-ect", kwargs=self.kwargs())
        return None

    def summary_rows(self, form):
        return [("Mentor", form.chosen_mentor().participant.full_name, "mentor")]

    def submit(self, form, now):
        return _school_actions().assign_mentor(
            ect_school_period=self.subject, mentor_school_period=form.chosen_mentor(), now=now
        )

    def confirmation(self, form, result):
        mentor = form.chosen_mentor().participant.full_name
        return "Mentor assigned", f"{mentor} will mentor {self.subject.participant.full_name}."


class RegisterMentorForEct(ParticipantJourney):
    slug = "register-mentor-for-ect"
    url = "participants/<int:pk>/mentor/new/"
    action = "register_mentor"
    participant_type = ParticipantType.ECT
    form_class = forms.RegisterMentorForm
    template = "portal/questions/register_mentor.html"
    title = "Register a new mentor"
    confirm_label = "Confirm and register mentor"
    field_names = {"started_on": None, "mentee": None, "mentor": "trn"}

    def back_url(self):
        return reverse("portal:assign-mentor", kwargs=self.kwargs())

    summary_rows = RegisterMentor.summary_rows

    def submit(self, form, now):
        return _school_actions().register_mentor(school=self.school, mentee=self.subject, now=now, **form.cleaned_data)

    def confirmation(self, form, result):
        mentor = form.cleaned_data["full_name"]
        return (
            "Mentor registered and assigned",
            f"{mentor} is registered as a mentor and will mentor {self.subject.participant.full_name}.",
        )


class SwitchProgramme(ParticipantJourney):
    slug = "switch-programme"
    url = "participants/<int:pk>/programme/"
    action = "switch_programme"
    participant_type = ParticipantType.ECT
    form_class = forms.ProgrammeForm
    template = "portal/questions/programme.html"
    title = "Change their training programme"
    confirm_label = "Confirm training programme"

    def summary_rows(self, form):
        rows = [("Training programme", _choice_label(form, "programme_type"), "programme_type")]
        if form.cleaned_data.get("lead_provider"):
            rows.append(("Lead provider", form.cleaned_data["lead_provider"].name, "lead_provider"))
        return rows

    def submit(self, form, now):
        return _school_actions().switch_programme(
            ect_school_period=self.subject,
            programme_type=form.cleaned_data["programme_type"],
            lead_provider=form.cleaned_data.get("lead_provider"),
            now=now,
        )

    def confirmation(self, form, result):
        programme = _choice_label(form, "programme_type").lower()
        return "Training programme changed", f"{self.subject.participant.full_name} is now doing {programme} training."


class ChangeLeadProvider(ParticipantJourney):
    slug = "change-lead-provider"
    url = "participants/<int:pk>/lead-provider/"
    action = "change_lead_provider"
    form_class = forms.LeadProviderForm
    template = "portal/questions/lead_provider.html"
    title = "Which lead provider will train them?"
    confirm_label = "Confirm lead provider"

    def summary_rows(self, form):
        return [("Lead provider", form.cleaned_data["lead_provider"].name, "lead_provider")]

    def submit(self, form, now):
        return _school_actions().change_lead_provider(
            school_period=self.subject, lead_provider=form.cleaned_data["lead_provider"], now=now
        )

    def confirmation(self, form, result):
        provider = form.cleaned_data["lead_provider"].name
        return "Lead provider changed", f"{provider} will train {self.subject.participant.full_name}."


class CohortChoice(Journey):
    slug = "cohort-choice"
    url = "cohorts/<int:year>/"
    action = "confirm_cohort_choice"
    form_class = forms.CohortChoiceForm
    template = "portal/questions/cohort.html"
    confirm_label = "Confirm"
    field_names = {"cohort": None}

    @classmethod
    def load_subject(cls, school, kwargs):
        return selectors.cohort(kwargs["year"])

    @property
    def title(self):
        return f"How will your ECTs starting in the {self.subject.year} cohort be trained?"

    def kwargs(self):
        return {"urn": self.school.urn, "year": self.subject.year}

    def back_url(self):
        return reverse("portal:cohorts", kwargs={"urn": self.school.urn})

    def previous(self):
        """Last cohort's decided choice, shown so the school can keep it."""
        if not hasattr(self, "_previous"):
            choices = selectors.cohort_choices(self.school)
            earlier = [c for year, c in sorted(choices.items()) if year < self.subject.year and c.lead_provider_id]
            self._previous = earlier[-1] if earlier else None
        return self._previous

    def form_kwargs(self):
        return {"can_keep": self.previous() is not None}

    def context(self):
        previous = self.previous()
        return {"previous": previous, "previous_text": presenters.choice_text(previous) if previous else ""}

    def summary_rows(self, form):
        if form.keeps_previous:
            return [
                (
                    "Keep your lead provider and delivery partner",
                    f"Yes: {presenters.choice_text(self.previous())}",
                    "keep_previous",
                )
            ]
        rows = [("Training programme", _choice_label(form, "programme_type"), "programme_type")]
        if form.cleaned_data.get("lead_provider"):
            rows.append(("Lead provider", form.cleaned_data["lead_provider"].name, "lead_provider"))
            partner = form.cleaned_data.get("delivery_partner")
            rows.append(("Delivery partner", partner.name if partner else "Not known yet", "delivery_partner"))
        return rows

    def submit(self, form, now):
        data = form.cleaned_data
        return _school_actions().confirm_cohort_choice(
            school=self.school,
            cohort=self.subject,
            programme_type=data["programme_type"],
            lead_provider=data["lead_provider"],
            delivery_partner=data["delivery_partner"],
            keep_previous=form.keeps_previous,
            now=now,
        )

    def confirmation(self, form, result):
        return f"{self.subject.year} cohort confirmed", f"Your choice: {presenters.choice_text(result)}."

    def next_url(self, result):
        return self.back_url()

    def next_label(self):
        return "Back to your cohorts"


JOURNEYS = [
    RegisterEct,
    RegisterMentor,
    ChangeName,
    ChangeEmail,
    ReportLeaving,
    AssignMentor,
    RegisterMentorForEct,
    SwitchProgramme,
    ChangeLeadProvider,
    CohortChoice,
]


def journey_urls():
    patterns = []
    for journey_class in JOURNEYS:
        url = journey_class.url
        view_kwargs = {"journey_class": journey_class}
        patterns.append(path(f"<str:urn>/{url}", login_required(question), view_kwargs, name=journey_class.slug))
        patterns.append(
            path(f"<str:urn>/{url}check/", login_required(check), view_kwargs, name=f"{journey_class.slug}-check")
        )
    return patterns
