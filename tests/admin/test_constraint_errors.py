"""A database constraint never reaches support staff as a server error: it is a form error in plain words, by its field."""

import datetime as dt

import pytest

from config import constraints
from config.models import AuditEvent
from participants.admin import school_period_details
from participants.models import Participant, ParticipantType, SchoolPeriod
from tests import factories
from tests.admin.pages import REASON, admin_url, text
from tests.builders import trained_participant
from tests.test_admin_smoke import posted_back
from training.school_actions.change_induction_details import NOT_AN_ECT
from training.support import induction

pytestmark = pytest.mark.django_db


def test_every_database_constraint_has_a_message_in_plain_words():
    assert constraints.unexplained() == []


def test_F3_a_trn_that_is_not_seven_digits_is_refused_next_to_the_trn_in_plain_words(editor):
    participant, _ = trained_participant(factories.LeadProviderFactory())
    url = admin_url(Participant, "change", participant.pk)

    response = editor.post(url, {**posted_back(editor.get(url)), "trn": "12345x"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"trn": ["Enter a TRN of 7 digits, like 1234567"]}
    assert "Constraint" not in text(response)
    participant.refresh_from_db()
    assert participant.trn != "12345x"


def test_F16_a_funding_end_reason_without_its_date_is_refused_next_to_the_date(editor):
    participant, _ = trained_participant(factories.LeadProviderFactory(), participant_type=ParticipantType.MENTOR)
    url = admin_url(Participant, "change", participant.pk)
    data = {**posted_back(editor.get(url)), "mentor_funding_end_reason": "started_not_completed"}

    response = editor.post(url, data)

    assert response.context["adminform"].form.errors == {
        "mentor_funding_end_date": ["Enter the date mentor funding ended to give a reason for it"]
    }


def test_a_constraint_only_the_database_catches_is_a_form_error_by_its_field_and_saves_nothing(editor, monkeypatch):
    mentor, _ = trained_participant(factories.LeadProviderFactory(), participant_type=ParticipantType.MENTOR)
    school_period = mentor.school_periods.get()
    url = admin_url(SchoolPeriod, "change", school_period.pk)
    data = {**posted_back(editor.get(url)), "working_pattern": "full_time", "email": "new@school.example"}
    # As when another change lands between the form's checks and its save: only the database can refuse.
    monkeypatch.setattr(SchoolPeriod, "validate_constraints", lambda self, exclude=None: None)

    def unchecked(*, school_period, working_pattern, now):
        school_period.working_pattern = working_pattern
        school_period.save()

    monkeypatch.setitem(school_period_details.ACTIONS, "working_pattern", (lambda **_: [], unchecked))
    events = AuditEvent.objects.count()

    response = editor.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "working_pattern": ["Only ECTs have a working pattern. Leave it blank for a mentor."]
    }
    school_period.refresh_from_db()
    assert (school_period.working_pattern, school_period.email) != ("full_time", "new@school.example")
    assert AuditEvent.objects.count() == events


def test_F20_a_mentors_working_pattern_is_refused_next_to_the_field_by_the_school_actions_rule(editor):
    mentor, _ = trained_participant(factories.LeadProviderFactory(), participant_type=ParticipantType.MENTOR)
    school_period = mentor.school_periods.get()
    url = admin_url(SchoolPeriod, "change", school_period.pk)

    response = editor.post(url, {**posted_back(editor.get(url)), "working_pattern": "full_time"})

    assert response.context["adminform"].form.errors == {"working_pattern": [NOT_AN_ECT]}


def test_an_overlap_only_the_database_catches_on_a_guarded_page_is_a_form_error_by_its_field(editor, monkeypatch):
    participant, _ = trained_participant(factories.LeadProviderFactory())
    factories.InductionPeriodFactory(participant=participant, started_on=dt.date(2025, 9, 1), finished_on=None)
    # As when another support agent records a period between this page's checks and its save.
    monkeypatch.setattr(induction, "_does_not_overlap", lambda *args, **kwargs: None)
    data = {"started_on": "2025-10-01", "finished_on": "", "outcome": "", "appropriate_body_name": "", **REASON}

    response = editor.post(admin_url(Participant, "record_induction", participant.pk), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "started_on": ["These dates overlap another of their induction periods."]
    }
    assert participant.induction_periods.count() == 1
