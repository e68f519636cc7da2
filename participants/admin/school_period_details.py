"""Correcting a school period's email, working pattern or appropriate body in the admin: the school's own actions.

Support staff correct these on the participant page and the school period page; each changed answer is checked by
the school action that owns it before saving (the message by its field) and saved by that action, so the rules the
portal applies (SC7a, F20, O2, nothing changed for someone who has left) hold here too.
"""

from __future__ import annotations

from django import forms

from config import changes
from training.school_actions import change_induction_details
from training.school_actions.update_email import check_update_email, update_email

# Field -> (its check, its action); each takes school_period, the field's value and now.
ACTIONS = {
    "email": (check_update_email, update_email),
    "working_pattern": (
        change_induction_details.check_change_working_pattern,
        change_induction_details.change_working_pattern,
    ),
    "appropriate_body": (
        change_induction_details.check_change_appropriate_body,
        change_induction_details.change_appropriate_body,
    ),
}


class SchoolPeriodDetailsForm(forms.ModelForm):
    def _post_clean(self):
        # After the model's own validation, and only once it passes, so that a refusal is said once.
        super()._post_clean()
        if self.instance.pk is None or self._errors:
            return
        for name in changed(self):
            check, _ = ACTIONS[name]
            for _attribute, message in check(
                school_period=self.instance, now=changes.current_now(), **{name: self.cleaned_data[name]}
            ):
                self.add_error(name, message)


def changed(form) -> list[str]:
    return [name for name in form.changed_data if name in ACTIONS and name in form.cleaned_data]


def save_through_actions(forms_, *, now) -> None:
    """Save school period forms' changed answers, each through its action, as one unit of work."""
    with changes.unit_of_work(now=now):
        for form in forms_:
            for name in changed(form):
                _, action = ACTIONS[name]
                action(school_period=form.instance, now=now, **{name: form.cleaned_data[name]})
