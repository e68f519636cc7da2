"""Support staff keep the appropriate bodies' reference list, and change a school's induction tutor under the
rules the school portal's action applies (P5)."""

import pytest
from django.utils.html import escape

from config.models import AuditEvent
from schools.models import AppropriateBody, School
from tests import factories
from tests.admin.pages import REASON, admin_url, school_form


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("induction_tutor_name", "1234", "Full name must include letters"),
        ("induction_tutor_name", "ina@school.example", "Enter the induction tutor's name, not their email address"),
        ("induction_tutor_email", "ina@", "Enter a valid email address."),
    ],
)
def test_P5_the_admin_refuses_an_induction_tutor_the_school_portal_would_refuse(editor, field, value, message):
    school = factories.SchoolFactory(induction_tutor_name="Ina Tutor")
    response = editor.post(admin_url(School, "change", school.pk), school_form(school, **{field: value}))
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert School.objects.get(pk=school.pk).induction_tutor_name == "Ina Tutor"


def test_P5_an_induction_tutor_changed_in_the_admin_is_audited_as_the_support_user(editor):
    school = factories.SchoolFactory(induction_tutor_name="Ina Tutor")
    response = editor.post(
        admin_url(School, "change", school.pk), school_form(school, induction_tutor_name="Tomás O'Neill")
    )
    assert response.status_code == 302, response.content
    event = AuditEvent.objects.get(model="schools.School", object_id=str(school.pk), event="updated")
    assert (event.actor_kind, event.changes) == (
        "support_user",
        {"induction_tutor_name": ["Ina Tutor", "Tomás O'Neill"]},
    )


def test_support_editors_add_a_teaching_school_hub_to_the_appropriate_bodies_and_readers_cannot(editor, reader):
    assert reader.get(admin_url(AppropriateBody, "changelist")).status_code == 200
    assert reader.post(admin_url(AppropriateBody, "add"), {"name": "Hub", **REASON}).status_code == 403
    response = editor.post(admin_url(AppropriateBody, "add"), {"name": "Aldermoor Teaching School Hub", **REASON})
    assert response.status_code == 302, response.content
    assert AppropriateBody.objects.filter(name="Aldermoor Teaching School Hub").exists()


def test_an_appropriate_body_an_ect_has_cannot_be_deleted(editor):
    body = AppropriateBody.objects.get(name="National Teacher Accreditation (NTA)")
    factories.SchoolPeriodFactory(appropriate_body=body)
    response = editor.post(admin_url(AppropriateBody, "delete", body.pk), {"post": "yes", **REASON})
    assert response.status_code in (200, 403)
    assert AppropriateBody.objects.filter(pk=body.pk).exists()
