"""The school's own details: its induction tutor, whom lead providers contact (P5)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from schools.portal import forms, selectors
from schools.portal.views.journeys import Journey
from training import school_actions

PROVIDERS_SEE_THE_TUTOR = (
    "Lead providers see their name and email address in their list of schools, and on any partnership with your school."
)


@login_required
def school_details(request, urn):
    school = selectors.school_of(request.user, urn)
    return render(
        request, "portal/school_details.html", {"school": school, "providers_see_the_tutor": PROVIDERS_SEE_THE_TUTOR}
    )


class ChangeInductionTutor(Journey):
    section = "school-details"
    slug = "induction-tutor"
    url = "induction-tutor/"
    action = "update_induction_tutor"
    form_class = forms.InductionTutorForm
    template = "portal/questions/induction_tutor.html"
    title = "Who is your school's induction tutor?"
    confirm_label = "Confirm induction tutor"

    def back_url(self):
        return reverse("portal:school-details", kwargs={"urn": self.school.urn})

    def initial(self):
        return {"full_name": self.school.induction_tutor_name, "email": self.school.induction_tutor_email}

    def context(self):
        return {"providers_see_the_tutor": PROVIDERS_SEE_THE_TUTOR}

    def summary_rows(self, form):
        return [
            ("Full name", form.cleaned_data["full_name"], "full_name"),
            ("Email address", form.cleaned_data["email"], "email"),
        ]

    service = school_actions.update_induction_tutor
    service_check = school_actions.check_update_induction_tutor

    def arguments(self, form):
        return {"school": self.school, "full_name": form.cleaned_data["full_name"], "email": form.cleaned_data["email"]}

    def confirmation(self, form, result):
        return (
            "Induction tutor changed",
            f"{result.induction_tutor_name} ({result.induction_tutor_email}) is your school's induction tutor.",
        )

    def audience(self, result):
        return [PROVIDERS_SEE_THE_TUTOR + " They can see the change now."]

    def next_label(self):
        return "Back to your school's details"

    def next_url(self, result):
        return self.back_url()
