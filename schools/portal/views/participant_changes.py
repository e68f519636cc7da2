"""Changes to one ECT or mentor at the school: name, email, leaving, mentor, programme, lead provider,
and an ECT's working pattern and appropriate body."""

from __future__ import annotations

from django.urls import reverse

from config import clock
from participants.models import ParticipantType
from schools.portal import audience, forms, presenters, selectors
from schools.portal.views.journeys import Journey, choice_label, date_text, participant_url
from schools.portal.views.registration import RegisterMentor
from training import school_actions
from training.school_actions.change_induction_details import an_ect_still_here_rules
from training.school_actions.change_lead_provider import outcome as change_outcome
from training.school_actions.change_leaving_date import reported_leaving_rules
from training.school_actions.checks import still_here_rules
from training.school_actions.update_name import who_may_be_renamed_rules


class ParticipantJourney(Journey):
    """A change to one ECT or mentor at the school (`participant_type` limits which)."""

    participant_type = None

    @classmethod
    def load_subject(cls, school, kwargs):
        return selectors.school_period_at(school, kwargs["pk"], participant_type=cls.participant_type)

    def kwargs(self):
        return {"urn": self.school.urn, "pk": self.subject.pk}

    def back_url(self):
        return participant_url(self.school, self.subject)

    def caption(self):
        return self.subject.participant.full_name

    def next_url(self, result):
        return participant_url(self.school, self.subject)

    def submit(self, form, now):
        result = super().submit(form, now)
        # The change may have been to their name, which the confirmation names them by.
        self.subject.participant.refresh_from_db(fields=["full_name"])
        return result

    def next_label(self):
        return f"Back to {self.subject.participant.full_name}"

    def audience(self, result):
        return audience.of_participant(self.subject, self.today)

    def subject_rules(self):
        """The school action's rules about who may be changed: by default, only someone who has not left."""
        return still_here_rules(self.subject, self.today)

    def refusal(self):
        return next((message for failing, message in self.subject_rules() if failing), None)


class ChangeName(ParticipantJourney):
    slug = "change-name"
    url = "participants/<int:pk>/name/"
    action = "update_name"
    form_class = forms.NameForm
    template = "portal/questions/name.html"
    title = "What is their full name?"
    confirm_label = "Confirm name change"

    def initial(self):
        return {"full_name": self.subject.participant.full_name}

    def summary_rows(self, form):
        return [("Full name", form.cleaned_data["full_name"], "full_name")]

    service = school_actions.update_name
    service_check = school_actions.check_update_name

    def subject_rules(self):
        return who_may_be_renamed_rules(self.subject, self.today)

    def arguments(self, form):
        return {"school_period": self.subject, "full_name": form.cleaned_data["full_name"]}

    def confirmation(self, form, result):
        return "Name changed", f"Their name is now {form.cleaned_data['full_name']}."


class ChangeEmail(ParticipantJourney):
    slug = "change-email"
    url = "participants/<int:pk>/email/"
    action = "update_email"
    form_class = forms.EmailForm
    template = "portal/questions/email.html"
    title = "What is their email address?"
    confirm_label = "Confirm email address change"

    def initial(self):
        return {"email": self.subject.email}

    def summary_rows(self, form):
        return [("Email address", form.cleaned_data["email"], "email")]

    service = school_actions.update_email
    service_check = school_actions.check_update_email

    def arguments(self, form):
        return {"school_period": self.subject, "email": form.cleaned_data["email"]}

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
    title = "When is their last day at your school?"
    confirm_label = "Confirm they are leaving"

    def summary_rows(self, form):
        return [("Leaving date", date_text(form.cleaned_data["leaving_on"]), "leaving_on")]

    service = school_actions.report_leaving
    service_check = school_actions.check_report_leaving

    def arguments(self, form):
        return {"school_period": self.subject, "leaving_on": form.cleaned_data["leaving_on"]}

    def confirmation(self, form, result):
        name = self.subject.participant.full_name
        return "Leaving date recorded", f"{name} leaves your school on {date_text(form.cleaned_data['leaving_on'])}."


class ChangeLeavingDate(ParticipantJourney):
    slug = "change-leaving-date"
    url = "participants/<int:pk>/leaving/change/"
    action = "change_leaving_date"
    form_class = forms.LeavingForm
    template = "portal/questions/leaving.html"
    title = "When is their last day at your school?"
    confirm_label = "Confirm new leaving date"
    service = school_actions.change_leaving_date
    service_check = school_actions.check_change_leaving_date

    def subject_rules(self):
        # A leaving date can be corrected after it has passed, unless another school has registered them since.
        return reported_leaving_rules(self.subject)

    def initial(self):
        return {"leaving_on": self.subject.finished_on}

    def arguments(self, form):
        return {"school_period": self.subject, "leaving_on": form.cleaned_data["leaving_on"]}

    def summary_rows(self, form):
        return [("Leaving date", date_text(form.cleaned_data["leaving_on"]), "leaving_on")]

    def confirmation(self, form, result):
        name = self.subject.participant.full_name
        return "Leaving date changed", f"{name} leaves your school on {date_text(form.cleaned_data['leaving_on'])}."


class WithdrawLeavingDate(ParticipantJourney):
    slug = "withdraw-leaving-date"
    url = "participants/<int:pk>/leaving/withdraw/"
    action = "withdraw_leaving_date"
    form_class = forms.StayingForm
    template = "portal/questions/staying.html"
    title = "Are they staying at your school?"
    confirm_label = "Confirm they are staying"
    service = school_actions.withdraw_leaving_date
    service_check = school_actions.check_withdraw_leaving_date

    def subject_rules(self):
        return reported_leaving_rules(self.subject)

    def context(self):
        return {"reported": date_text(self.subject.finished_on)}

    def after_question(self, form):
        if not form.is_staying:
            return self.back_url()
        return None

    def arguments(self, form):
        return {"school_period": self.subject}

    def summary_rows(self, form):
        return [
            (
                "Leaving date",
                f"Withdraw {date_text(self.subject.finished_on)}: they are staying at your school",
                "staying",
            )
        ]

    def confirmation(self, form, result):
        return "Leaving date withdrawn", f"{self.subject.participant.full_name} is staying at your school."


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

    def initial(self):
        current = presenters.current_or_next(self.subject.mentorships.all(), self.today)
        return {"mentor": str(current.mentor_school_period_id)} if current else {}

    def after_question(self, form):
        if form.chosen_mentor() is None:
            return reverse("portal:register-mentor-for-ect", kwargs=self.kwargs())
        return None

    def summary_rows(self, form):
        return [("Mentor", form.chosen_mentor().participant.full_name, "mentor")]

    service = school_actions.assign_mentor
    service_check = school_actions.check_assign_mentor

    def arguments(self, form):
        return {"ect_school_period": self.subject, "mentor_school_period": form.chosen_mentor()}

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
    field_names = {"mentee": None, "mentor": "trn"}

    def back_url(self):
        return reverse("portal:assign-mentor", kwargs=self.kwargs())

    summary_rows = RegisterMentor.summary_rows
    service = school_actions.register_mentor
    service_check = school_actions.check_register_mentor

    def arguments(self, form):
        return {"school": self.school, "mentee": self.subject, **form.cleaned_data}

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
    title = "How will they be trained?"
    confirm_label = "Confirm training programme"

    def initial(self):
        training = presenters.current_or_next(self.subject.training_periods.all(), self.today)
        if training is None:
            return {}
        return {"programme_type": training.programme_type, "lead_provider": training.lead_provider_id}

    def summary_rows(self, form):
        rows = [("Training programme", choice_label(form, "programme_type"), "programme_type")]
        if form.cleaned_data.get("lead_provider"):
            rows.append(("Lead provider", form.cleaned_data["lead_provider"].name, "lead_provider"))
        return rows

    service = school_actions.switch_programme
    service_check = school_actions.check_switch_programme

    def arguments(self, form):
        return {
            "ect_school_period": self.subject,
            "programme_type": form.cleaned_data["programme_type"],
            "lead_provider": form.cleaned_data.get("lead_provider"),
        }

    def confirmation(self, form, result):
        programme = choice_label(form, "programme_type").lower()
        return "Training programme changed", f"{self.subject.participant.full_name} is now doing {programme} training."


class ChangeLeadProvider(ParticipantJourney):
    slug = "change-lead-provider"
    url = "participants/<int:pk>/lead-provider/"
    action = "change_lead_provider"
    form_class = forms.LeadProviderForm
    template = "portal/questions/lead_provider.html"
    title = "Which lead provider will train them?"
    confirm_label = "Confirm lead provider"

    def initial(self):
        training = presenters.current_or_next(self.subject.training_periods.all(), self.today)
        return {"lead_provider": training.lead_provider_id} if training and training.lead_provider_id else {}

    def summary_rows(self, form):
        return [("Lead provider", form.cleaned_data["lead_provider"].name, "lead_provider")]

    service = school_actions.change_lead_provider
    service_check = school_actions.check_change_lead_provider

    def arguments(self, form):
        return {"school_period": self.subject, "lead_provider": form.cleaned_data["lead_provider"]}

    def check_notes(self, form):
        told = change_outcome(
            school_period=self.subject, lead_provider=form.cleaned_data["lead_provider"], now=clock.now()
        )
        if told is None:
            return []
        name = self.subject.participant.full_name
        notes = []
        if told.old_sees == "left":
            notes.append(f"{told.old_provider} will see {name} as left from today.")
        elif told.old_sees == "nothing":
            notes.append(f"{told.old_provider} will no longer see {name} at all.")
        if told.new_sees_now:
            notes.append(f"{told.new_provider} will see {name} from today.")
        else:
            notes.append(
                f"{told.new_provider} has no partnership with your school for the {told.cohort_year} cohort, "
                f"so they will not see {name} until they confirm one."
            )
        return notes

    def confirmation(self, form, result):
        provider = form.cleaned_data["lead_provider"].name
        return "Lead provider changed", f"{provider} will train {self.subject.participant.full_name}."


class InductionDetailJourney(ParticipantJourney):
    """A change to one of an ECT's induction details (`detail`, a SchoolPeriod field the form asks for)."""

    participant_type = ParticipantType.ECT
    field_names = {"participant": None}
    detail = ""

    def initial(self):
        return {self.detail: getattr(self.subject, self.detail)}

    def subject_rules(self):
        return an_ect_still_here_rules(self.subject, self.today)

    def arguments(self, form):
        return {"school_period": self.subject, self.detail: form.cleaned_data[self.detail]}


class ChangeWorkingPattern(InductionDetailJourney):
    slug = "change-working-pattern"
    url = "participants/<int:pk>/working-pattern/"
    action = "change_working_pattern"
    detail = "working_pattern"
    form_class = forms.WorkingPatternForm
    template = "portal/questions/working_pattern.html"
    title = "Do they work full time or part time?"
    confirm_label = "Confirm working pattern"

    def summary_rows(self, form):
        return [("Working pattern", choice_label(form, "working_pattern"), "working_pattern")]

    service = school_actions.change_working_pattern
    service_check = school_actions.check_change_working_pattern

    def confirmation(self, form, result):
        pattern = choice_label(form, "working_pattern").lower()
        return "Working pattern changed", f"{self.subject.participant.full_name} works {pattern}."


class ChangeAppropriateBody(InductionDetailJourney):
    slug = "change-appropriate-body"
    url = "participants/<int:pk>/appropriate-body/"
    action = "change_appropriate_body"
    detail = "appropriate_body"
    form_class = forms.AppropriateBodyForm
    template = "portal/questions/appropriate_body.html"
    title = "Which appropriate body will quality assure their induction?"
    confirm_label = "Confirm appropriate body"

    def initial(self):
        # The form's choice is the body's id; the field itself would load the body.
        return {"appropriate_body": self.subject.appropriate_body_id}

    def summary_rows(self, form):
        return [("Appropriate body", form.cleaned_data["appropriate_body"].name, "appropriate_body")]

    service = school_actions.change_appropriate_body
    service_check = school_actions.check_change_appropriate_body

    def confirmation(self, form, result):
        body = form.cleaned_data["appropriate_body"].name
        return (
            "Appropriate body recorded",
            f"{body} is {self.subject.participant.full_name}'s appropriate body.",
        )

    def audience(self, result):
        return ["No lead provider sees this: lead providers are not told an ECT's appropriate body."]
