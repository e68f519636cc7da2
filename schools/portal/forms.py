"""Portal forms: they check that answers are present and well formed, nothing more.

Whether an answer is allowed (a date in the future, an email already used at the school, a mentor
who is the ECT themself) is the school action's decision; its ValidationFailed errors are added to
these forms by the views, keyed by the same names. Which questions apply (a lead provider only for
provider-led training) is the school actions' rule too, which the forms call.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.template import loader

from config import emails
from config.validation import database_id
from participants.models import ProgrammeType, WorkingPattern
from schools.models import AppropriateBody, LeadProvider
from training.school_actions.checks import lead_provider_applies, lead_provider_rules
from training.school_actions.confirm_cohort_choice import delivery_partners_for

DATE_PARTS = ("day", "month", "year")


class DateWidget(forms.Widget):
    """Three inputs named `<field>-day`, `<field>-month` and `<field>-year`, as GOV.UK date inputs are."""

    def value_from_datadict(self, data, files, name):
        return {part: (data.get(f"{name}-{part}") or "").strip() for part in DATE_PARTS}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}-{part}" in data for part in DATE_PARTS)


class DateField(forms.Field):
    """A GOV.UK date input. `noun` names the date in messages, e.g. "Start date"."""

    widget = DateWidget

    def __init__(self, *, noun: str, required_message: str, **kwargs):
        self.noun = noun
        super().__init__(error_messages={"required": required_message}, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}
        return value or {}

    def to_python(self, value):
        parts = value or {}
        if not any(parts.get(part) for part in DATE_PARTS):
            return None
        missing = [part for part in DATE_PARTS if not parts.get(part)]
        if missing:
            raise _date_error(f"{self.noun} must include a {' and '.join(missing)}", missing)
        not_numbers = [part for part in DATE_PARTS if not re.fullmatch(r"\d+", parts[part])]
        if not_numbers:
            raise _date_error(f"{self.noun} must be a real date", not_numbers)
        if len(parts["year"]) != 4:
            raise _date_error("Year must include 4 numbers", ["year"])
        day, month, year = (int(parts[part]) for part in DATE_PARTS)
        if not 1 <= month <= 12:
            raise _date_error(f"{self.noun} must be a real date", ["month"])
        try:
            return dt.date(year, month, day)
        except ValueError:
            # The month is real, so the day is not in it.
            raise _date_error(f"{self.noun} must be a real date", ["day"]) from None


def _date_error(message: str, parts) -> forms.ValidationError:
    return forms.ValidationError(message, code="date_parts", params={"parts": tuple(parts)})


def date_parts_at_fault(errors) -> tuple[str, ...]:
    """Which boxes of a date input its errors (ValidationErrors) are about: the parts a DateField named,
    or all three for an error about the date as a whole (a rule such as "must be in the past")."""
    if not errors:
        return ()
    named = set()
    for error in errors:
        parts = (error.params or {}).get("parts") if error.code == "date_parts" else None
        if not parts:
            return DATE_PARTS
        named.update(parts)
    return tuple(part for part in DATE_PARTS if part in named)


class TrnField(forms.CharField):
    """A teacher reference number: 7 digits. Spaces that come with a copied TRN are ignored."""

    def to_python(self, value):
        return re.sub(r"\s+", "", super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value and not re.fullmatch(r"\d{7}", value):
            raise forms.ValidationError("Enter a teacher reference number (TRN) with 7 digits")


def _name_field():
    return forms.CharField(
        max_length=200,
        error_messages={
            "required": "Enter their full name",
            "max_length": "Full name must be 200 characters or fewer",
        },
    )


def _email_field():
    return forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )


def _trn_field():
    return TrnField(
        max_length=20,
        error_messages={
            "required": "Enter their teacher reference number (TRN)",
            "max_length": "Enter a teacher reference number (TRN) with 7 digits",
        },
    )


def _lead_provider_field(*, required=False):
    return forms.ModelChoiceField(
        queryset=LeadProvider.objects.order_by("name"),
        required=required,
        empty_label="Choose a lead provider",
        error_messages={"required": "Select a lead provider", "invalid_choice": "Select a lead provider"},
    )


def _programme_type_field():
    return forms.ChoiceField(
        choices=ProgrammeType.choices,
        error_messages={
            "required": "Select provider-led or school-led training",
            "invalid_choice": "Select provider-led or school-led training",
        },
    )


def _working_pattern_field():
    return forms.ChoiceField(
        choices=WorkingPattern.choices,
        error_messages={
            "required": "Select if they work full time or part time",
            "invalid_choice": "Select if they work full time or part time",
        },
    )


class ProviderLedNeedsProvider:
    """The lead provider question, answered as the school actions rule: asked for provider-led training only."""

    def clean(self):
        cleaned = super().clean()
        if "programme_type" not in cleaned:
            return cleaned
        if lead_provider_applies(cleaned["programme_type"]):
            for failing, message in lead_provider_rules(cleaned["programme_type"], cleaned.get("lead_provider")):
                if failing and "lead_provider" not in self.errors:
                    self.add_error("lead_provider", message)
        else:
            cleaned["lead_provider"] = None
            self.errors.pop("lead_provider", None)
        return cleaned


class RegisterEctForm(ProviderLedNeedsProvider, forms.Form):
    full_name = _name_field()
    trn = _trn_field()
    date_of_birth = DateField(noun="Date of birth", required_message="Enter their date of birth")
    email = _email_field()
    started_on = DateField(noun="Start date", required_message="Enter the date they start at your school")
    working_pattern = _working_pattern_field()
    programme_type = _programme_type_field()
    lead_provider = _lead_provider_field()


MENTORING_ONLY_HERE = [("yes", "Yes"), ("no", "No, they will also mentor at another school")]


class RegisterMentorForm(forms.Form):
    full_name = _name_field()
    trn = _trn_field()
    date_of_birth = DateField(noun="Date of birth", required_message="Enter their date of birth")
    email = _email_field()
    started_on = DateField(noun="Start date", required_message="Enter the date they start mentoring at your school")
    mentoring_only_here = forms.TypedChoiceField(
        choices=MENTORING_ONLY_HERE,
        coerce=lambda answer: answer == "yes",
        error_messages={
            "required": "Select yes if they will mentor only at your school",
            "invalid_choice": "Select yes if they will mentor only at your school",
        },
    )


class NameForm(forms.Form):
    full_name = _name_field()


class EmailForm(forms.Form):
    email = _email_field()


class WorkingPatternForm(forms.Form):
    working_pattern = _working_pattern_field()


class AppropriateBodyForm(forms.Form):
    appropriate_body = forms.ModelChoiceField(
        queryset=AppropriateBody.objects.order_by("name"),
        empty_label="Choose an appropriate body",
        error_messages={
            "required": "Select their appropriate body",
            "invalid_choice": "Select their appropriate body",
        },
    )


class InductionTutorForm(forms.Form):
    """Both answers are checked by the school action's own rules (check_update_induction_tutor)."""

    full_name = forms.CharField(required=False, strip=False)
    email = forms.CharField(required=False, strip=False)


class LeavingForm(forms.Form):
    leaving_on = DateField(noun="Leaving date", required_message="Enter the date they leave or left your school")


class StayingForm(forms.Form):
    """Whether someone the school said was leaving is staying after all (withdrawing the leaving date)."""

    staying = forms.ChoiceField(
        choices=[("yes", "Yes, they are staying"), ("no", "No, they are still leaving")],
        error_messages={
            "required": "Select yes if they are staying at your school",
            "invalid_choice": "Select yes if they are staying at your school",
        },
    )

    @property
    def is_staying(self) -> bool:
        return self.cleaned_data.get("staying") == "yes"


NEW_MENTOR = "new"


class ChooseMentorForm(forms.Form):
    """One of the school's mentors, or NEW_MENTOR to register someone new."""

    mentor = forms.ChoiceField(
        error_messages={
            "required": "Select a mentor, or that you will register a new mentor",
            "invalid_choice": "Select a mentor, or that you will register a new mentor",
        }
    )

    def __init__(self, *args, mentors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.mentors = {str(period.pk): period for period in mentors}
        self.fields["mentor"].choices = [
            *((key, period.participant.full_name) for key, period in self.mentors.items()),
            (NEW_MENTOR, "Register a new mentor"),
        ]

    def chosen_mentor(self):
        """The chosen mentor's school period, or None when a new mentor is to be registered."""
        return self.mentors.get(self.cleaned_data["mentor"])


class ProgrammeForm(ProviderLedNeedsProvider, forms.Form):
    programme_type = _programme_type_field()
    lead_provider = _lead_provider_field()


class LeadProviderForm(forms.Form):
    lead_provider = _lead_provider_field(required=True)


KEEP, CHANGE = "keep", "change"


class CohortChoiceForm(ProviderLedNeedsProvider, forms.Form):
    """Keep last cohort's lead provider and delivery partner, or answer the programme questions afresh."""

    keep_previous = forms.ChoiceField(
        required=False,
        choices=[(KEEP, "Yes"), (CHANGE, "No")],
        error_messages={"invalid_choice": "Select yes if you will keep the same lead provider and delivery partner"},
    )
    programme_type = _programme_type_field()
    lead_provider = _lead_provider_field()

    def __init__(self, *args, can_keep=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_keep = can_keep
        self.fields["keep_previous"].required = can_keep
        self.fields["keep_previous"].error_messages["required"] = (
            "Select yes if you will keep the same lead provider and delivery partner"
        )

    def clean(self):
        if self.can_keep and self.data.get(self.add_prefix("keep_previous")) == KEEP:
            # Keeping last year's choice answers every other question.
            for name in ("programme_type", "lead_provider"):
                self.errors.pop(name, None)
            return {"keep_previous": KEEP, "programme_type": None, "lead_provider": None, "delivery_partner": None}
        cleaned = super().clean()
        cleaned["delivery_partner"] = None  # asked next, among the chosen provider's delivery partners
        return cleaned

    @property
    def keeps_previous(self) -> bool:
        return self.cleaned_data.get("keep_previous") == KEEP


NOT_KNOWN_YET = "not-known-yet"


class CohortDeliveryPartnerForm(forms.Form):
    """The delivery partner, among those working with the lead provider chosen on the previous page (P1's pairing)."""

    lead_provider = forms.ModelChoiceField(
        queryset=LeadProvider.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": "Select a lead provider", "invalid_choice": "Select a lead provider"},
    )
    delivery_partner = forms.ChoiceField(
        error_messages={
            "required": "Select a delivery partner, or that it is not known yet",
            "invalid_choice": "Select a delivery partner, or that it is not known yet",
        }
    )

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.data.get("lead_provider") if self.is_bound else self.initial.get("lead_provider")
        chosen_id = database_id(str(chosen or ""))
        lead_provider = LeadProvider.objects.filter(pk=chosen_id).first() if chosen_id is not None else None
        self.lead_provider = lead_provider
        self.partners = {
            str(partner.pk): partner
            for partner in (delivery_partners_for(lead_provider, cohort) if lead_provider is not None else [])
        }
        self.fields["delivery_partner"].choices = [
            *((key, partner.name) for key, partner in self.partners.items()),
            (NOT_KNOWN_YET, "Not known yet"),
        ]

    def clean(self):
        cleaned = super().clean()
        cleaned["delivery_partner"] = self.partners.get(cleaned.get("delivery_partner"))
        return {**cleaned, "programme_type": ProgrammeType.PROVIDER_LED, "keep_previous": CHANGE}

    @property
    def keeps_previous(self) -> bool:
        return False

    @property
    def partners_hint(self) -> str:
        if self.lead_provider is None:
            return ""
        return f"The delivery partners working with {self.lead_provider.name} in this cohort. They confirm which one."


def _account_email_field(**error_messages):
    """The email address an account signs in with, as the sign-in and password reset pages ask for it."""
    return forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            **error_messages,
        },
    )


class SignInForm(forms.Form):
    email = _account_email_field()
    password = forms.CharField(strip=False, max_length=4096, error_messages={"required": "Enter your password"})


# Django's password validators' messages, in GOV.UK words, by the validators' error codes.
PASSWORD_MESSAGES = {
    "password_too_short": "Password must be {min_length} characters or more",
    "password_too_common": "Enter a password that is harder to guess: this one is used by many people",
    "password_entirely_numeric": "Password must include letters or symbols, not only numbers",
    # Portal accounts' usernames are their email addresses.
    "password_too_similar": "Password must not be similar to your email address",
}
PASSWORD_MISMATCH = "Enter the same password in both boxes"


def plain_password_errors(error: forms.ValidationError) -> list[str]:
    """The messages for a failed django.contrib.auth.password_validation check, in plain words."""
    messages = []
    for item in error.error_list:
        template = PASSWORD_MESSAGES.get(item.code)
        messages.append(template.format(**(item.params or {})) if template else " ".join(item.messages))
    return messages


class NewPasswordForm(forms.Form):
    """Choosing a password, from an invitation or a password reset link (Django's reset view calls save())."""

    password = forms.CharField(strip=False, max_length=4096, error_messages={"required": "Enter a password"})
    password_confirmation = forms.CharField(
        strip=False, max_length=4096, error_messages={"required": "Enter your password again"}
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        from django.contrib.auth import password_validation

        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            try:
                password_validation.validate_password(password, self.user)
            except forms.ValidationError as error:
                for message in plain_password_errors(error):
                    self.add_error("password", message)
        if password and cleaned.get("password_confirmation") and cleaned["password_confirmation"] != password:
            self.add_error("password_confirmation", PASSWORD_MISMATCH)
        return cleaned

    def save(self):
        from schools.portal import auth

        self.user.set_password(self.cleaned_data["password"])
        self.user.save(update_fields=["password"])
        # A new password ends any lock-out from guesses at the old one.
        auth.clear_failures(self.user.email)
        return self.user


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form (it emails a link to active users with this address), with GOV.UK messages."""

    email = _account_email_field(max_length="Email address must be 254 characters or fewer")

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        """The email is rendered here, in the request, and sent by a task (config.emails): a slow or unreachable
        mail server never holds the page. Raises EmailNotQueued if the queue cannot take it."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        emails.send_later(to=to_email, subject=subject, body=body)
