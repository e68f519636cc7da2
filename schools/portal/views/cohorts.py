"""How the school's ECTs in a cohort will be trained, or keeping last cohort's choice (P11)."""

from __future__ import annotations

from django.urls import reverse

from schools.portal import audience, forms, presenters, selectors
from schools.portal.views.journeys import Journey, choice_label
from training import school_actions


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
        rows = [("Training programme", choice_label(form, "programme_type"), "programme_type")]
        if form.cleaned_data.get("lead_provider"):
            rows.append(("Lead provider", form.cleaned_data["lead_provider"].name, "lead_provider"))
            partner = form.cleaned_data.get("delivery_partner")
            rows.append(("Delivery partner", partner.name if partner else "Not known yet", "delivery_partner"))
        return rows

    service = school_actions.confirm_cohort_choice
    service_check = school_actions.check_confirm_cohort_choice

    def arguments(self, form):
        data = form.cleaned_data
        return {
            "school": self.school,
            "cohort": self.subject,
            "programme_type": data["programme_type"],
            "lead_provider": data["lead_provider"],
            "delivery_partner": data["delivery_partner"],
            "keep_previous": form.keeps_previous,
        }

    def confirmation(self, form, result):
        return f"{self.subject.year} cohort confirmed", f"Your choice: {presenters.choice_text(result)}."

    def next_url(self, result):
        return self.back_url()

    def audience(self, result):
        return audience.of_cohort_choice(self.school, self.subject, result.lead_provider)

    def next_label(self):
        return "Back to your cohorts"
