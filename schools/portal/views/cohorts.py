"""How the school's ECTs in a cohort will be trained, or keeping last cohort's choice (P11)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from participants.models import ProgrammeType
from schools.portal import audience, forms, presenters, selectors
from schools.portal.views.journeys import Journey, choice_label
from training import school_actions
from training.school_actions.checks import lead_provider_applies
from training.school_actions.confirm_cohort_choice import previous_choice


class CohortChoice(Journey):
    slug = "cohort-choice"
    section = "cohorts"
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
        """The earlier choice the school action would keep, shown so the school can keep it (provider-led only)."""
        if not hasattr(self, "_previous"):
            choice = previous_choice(self.school, self.subject)
            self._previous = choice if choice is not None and choice.lead_provider_id else None
        return self._previous

    def after_question(self, form):
        """Provider-led training: which delivery partner is asked next, among the chosen provider's."""
        if form.keeps_previous or not lead_provider_applies(form.cleaned_data["programme_type"]):
            return None
        url = reverse("portal:cohort-delivery-partner", kwargs=self.kwargs())
        return f"{url}?{urlencode({'lead_provider': form.cleaned_data['lead_provider'].pk})}"

    def form_kwargs(self):
        return {"can_keep": self.previous() is not None}

    def current_choice(self):
        """This cohort's choice already confirmed, if any: changing it starts from it."""
        choice = selectors.cohort_choices(self.school).get(self.subject.year)
        return choice if choice is not None and choice.induction_programme_choice in ProgrammeType.values else None

    def initial(self):
        current = self.current_choice()
        if current is None:
            return {}
        return {"programme_type": current.induction_programme_choice, "lead_provider": current.lead_provider_id}

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


class CohortDeliveryPartner(CohortChoice):
    """The second question of a provider-led cohort choice; its check page confirms the whole choice."""

    slug = "cohort-delivery-partner"
    url = "cohorts/<int:year>/delivery-partner/"
    form_class = forms.CohortDeliveryPartnerForm
    template = "portal/questions/cohort_delivery_partner.html"
    field_names = {"cohort": None, "lead_provider": None, "programme_type": None}

    @property
    def title(self):
        return f"Which delivery partner will your ECTs starting in the {self.subject.year} cohort work with?"

    def back_url(self):
        return reverse("portal:cohort-choice", kwargs=self.kwargs())

    def form_kwargs(self):
        return {"cohort": self.subject}

    def initial(self):
        lead_provider = self.request.GET.get("lead_provider")
        current = self.current_choice()
        if current is not None and current.delivery_partner_id and str(current.lead_provider_id) == lead_provider:
            return {"lead_provider": lead_provider, "delivery_partner": str(current.delivery_partner_id)}
        return {"lead_provider": lead_provider}

    def context(self):
        return {}

    def after_question(self, form):
        return None

    def change_url(self, field):
        if field in ("programme_type", "lead_provider"):
            return f"{self.back_url()}?change={field}"
        return super().change_url(field)

    def summary_rows(self, form):
        partner = form.cleaned_data["delivery_partner"]
        return [
            ("Training programme", "Provider-led", "programme_type"),
            ("Lead provider", form.cleaned_data["lead_provider"].name, "lead_provider"),
            ("Delivery partner", partner.name if partner else "Not known yet", "delivery_partner"),
        ]
