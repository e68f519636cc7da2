"""SC7a, SC6: a school period's details corrected in the admin go through the school's own actions and rules."""

import pytest

from config.models import AuditEvent
from participants.models import Participant, SchoolPeriod
from tests import factories
from tests.admin.pages import admin_url
from tests.builders import trained_participant
from tests.test_admin_smoke import posted_back
from training.school_actions.checks import EMAIL_USED

pytestmark = pytest.mark.django_db


def school_period_field(data, suffix):
    return next(name for name in data if name.startswith("school_periods") and name.endswith(suffix))


def test_SC7a_an_email_another_person_at_the_school_uses_is_refused_on_the_participant_page(editor, lead_provider):
    school = factories.SchoolFactory()
    trained_participant(lead_provider, school=school, email="taken@school.example")
    participant, _ = trained_participant(lead_provider, school=school, email="own@school.example")
    url = admin_url(Participant, "change", participant.pk)
    data = posted_back(editor.get(url))
    data[school_period_field(data, "-email")] = "taken@school.example"

    response = editor.post(url, data)

    assert response.status_code == 200
    assert EMAIL_USED in response.content.decode()
    assert SchoolPeriod.objects.get(participant=participant).email == "own@school.example"
    assert not AuditEvent.objects.filter(model="participants.SchoolPeriod", event="updated").exists()


def test_SC7a_the_school_period_page_refuses_the_same_email_and_saves_a_new_one_through_the_action(
    editor, lead_provider
):
    school = factories.SchoolFactory()
    trained_participant(lead_provider, school=school, email="taken@school.example")
    participant, _ = trained_participant(lead_provider, school=school, email="own@school.example")
    school_period = SchoolPeriod.objects.get(participant=participant)
    url = admin_url(SchoolPeriod, "change", school_period.pk)
    data = posted_back(editor.get(url))

    refused = editor.post(url, {**data, "email": "taken@school.example"})
    saved = editor.post(url, {**data, "email": "new@school.example"})

    assert refused.status_code == 200 and EMAIL_USED in refused.content.decode()
    assert saved.status_code == 302
    school_period.refresh_from_db()
    assert school_period.email == "new@school.example"


def test_SC6_mentoring_only_here_is_not_changed_after_registration(editor, lead_provider):
    participant, _ = trained_participant(lead_provider)
    school_period = SchoolPeriod.objects.get(participant=participant)
    url = admin_url(SchoolPeriod, "change", school_period.pk)
    data = posted_back(editor.get(url))

    response = editor.post(url, {**data, "mentoring_only_here": "on" if not school_period.mentoring_only_here else ""})

    assert response.status_code == 302
    assert SchoolPeriod.objects.get(pk=school_period.pk).mentoring_only_here == school_period.mentoring_only_here
