"""Registering a new ECT or mentor at the school."""

from __future__ import annotations

from functools import cached_property

from schools.portal import audience, forms
from schools.portal.views.journeys import Journey, choice_label, date_text, participant_url
from training import school_actions
from training.school_actions.register_ect import suggested_training


class RegisterEct(Journey):
    slug = "register-ect"
    url = "ects/register/"
    action = "register_ect"
    form_class = forms.RegisterEctForm
    template = "portal/questions/register_ect.html"
    title = "Register an early career teacher (ECT)"
    confirm_label = "Confirm and register ECT"

    @cached_property
    def suggested(self):
        return suggested_training(school=self.school, today=self.today)

    def initial(self):
        """The training the school chose for the cohort, offered as the first answer (it may be changed)."""
        programme_type, lead_provider = self.suggested
        return {"programme_type": programme_type, "lead_provider": lead_provider.pk if lead_provider else None}

    def context(self):
        if self.suggested[1] is None:
            return {}
        return {
            "lead_provider_hint": "Filled in from your school's training choices and partnerships. "
            "You can choose another lead provider."
        }

    def summary_rows(self, form):
        data = form.cleaned_data
        rows = [
            ("Full name", data["full_name"], "full_name"),
            ("Teacher reference number (TRN)", data["trn"], "trn"),
            ("Date of birth", date_text(data["date_of_birth"]), "date_of_birth"),
            ("Email address", data["email"], "email"),
            ("School start date", date_text(data["started_on"]), "started_on"),
            ("Working pattern", choice_label(form, "working_pattern"), "working_pattern"),
            ("Training programme", choice_label(form, "programme_type"), "programme_type"),
        ]
        if data.get("lead_provider"):
            rows.append(("Lead provider", data["lead_provider"].name, "lead_provider"))
        return rows

    service = school_actions.register_ect
    service_check = school_actions.check_register_ect

    def arguments(self, form):
        return {"school": self.school, **form.cleaned_data}

    def confirmation(self, form, result):
        return "ECT registered", f"{form.cleaned_data['full_name']} is registered as an ECT at {self.school.name}."

    def next_url(self, result):
        return participant_url(self.school, result)

    def audience(self, result):
        return audience.of_participant(result, self.today)

    def next_label(self):
        return "View their details"


def mentoring_only_here_text(only_here: bool) -> str:
    return dict(forms.MENTORING_ONLY_HERE)["yes" if only_here else "no"]


class RegisterMentor(Journey):
    slug = "register-mentor"
    url = "mentors/register/"
    action = "register_mentor"
    form_class = forms.RegisterMentorForm
    template = "portal/questions/register_mentor.html"
    title = "Register a mentor"
    confirm_label = "Confirm and register mentor"
    field_names = {"mentee": None, "mentor": "trn"}

    def summary_rows(self, form):
        data = form.cleaned_data
        return [
            ("Full name", data["full_name"], "full_name"),
            ("Teacher reference number (TRN)", data["trn"], "trn"),
            ("Date of birth", date_text(data["date_of_birth"]), "date_of_birth"),
            ("Email address", data["email"], "email"),
            ("Start date", date_text(data["started_on"]), "started_on"),
            (
                "Mentoring only at your school",
                mentoring_only_here_text(data["mentoring_only_here"]),
                "mentoring_only_here",
            ),
        ]

    service = school_actions.register_mentor
    service_check = school_actions.check_register_mentor

    def arguments(self, form):
        return {"school": self.school, **form.cleaned_data}

    def confirmation(self, form, result):
        return "Mentor registered", f"{form.cleaned_data['full_name']} is registered as a mentor at {self.school.name}."

    def next_url(self, result):
        return participant_url(self.school, result)

    def audience(self, result):
        return audience.of_participant(result, self.today)

    def next_label(self):
        return "View their details"
