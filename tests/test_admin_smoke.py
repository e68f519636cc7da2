"""The admin: every model registered and every page opens; searches find people; edits are audited (F30)."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config import clock
from config.models import AuditEvent
from declarations.models import Declaration, PaymentStatus
from participants.models import DailyStatusRun, Participant, ParticipantIdChange, ParticipantType, ProviderEnrolment
from schools import tokens
from schools.models import (
    LeadProviderDeliveryPartnership,
    SchoolCohortChoice,
    SchoolFundingEligibility,
    SchoolMembership,
)
from tests import factories
from tests.admin.pages import REASON
from tests.builders import trained_participant

UTC = dt.UTC
OUR_APPS = {"core", "participants", "schools", "schedules", "declarations"}


def one_of_everything():
    """At least one row for every registered model, so change pages have something to show."""
    lead_provider = factories.LeadProviderFactory()
    ect, training = trained_participant(lead_provider)
    mentor, _ = trained_participant(
        lead_provider, participant_type=ParticipantType.MENTOR, school=training.school_period.school
    )
    factories.MentorshipFactory(
        ect_school_period=training.school_period, mentor_school_period=mentor.school_periods.get()
    )
    # A mentor no provider trains, of another ECT: an unfunded mentor.
    _, other_ect = trained_participant(lead_provider, school=training.school_period.school)
    factories.MentorshipFactory(
        ect_school_period=other_ect.school_period,
        mentor_school_period=factories.SchoolPeriodFactory(
            school=training.school_period.school, participant_type=ParticipantType.MENTOR
        ),
    )
    factories.InductionPeriodFactory(participant=ect)
    ParticipantIdChange.objects.create(
        participant=ect, from_participant_id=factories.ParticipantFactory().api_id, to_participant_id=ect.api_id
    )
    partnership = training.partnership
    LeadProviderDeliveryPartnership.objects.get_or_create(
        lead_provider=lead_provider, delivery_partner=partnership.delivery_partner, cohort_id=2025
    )
    SchoolFundingEligibility.objects.create(school=partnership.school, cohort_id=2025, pupil_premium_uplift=True)
    SchoolCohortChoice.objects.create(
        school=partnership.school,
        cohort_id=2025,
        induction_programme_choice="provider_led",
        lead_provider=lead_provider,
    )
    portal_user = User.objects.create_user(f"school-user-{partnership.school.urn}")
    SchoolMembership.objects.create(user=portal_user, school=partnership.school)
    Declaration.objects.create(
        training_period=training,
        declaration_type="started",
        declaration_date=dt.datetime(2025, 10, 1, 9, 0, tzinfo=UTC),
        delivery_partner=partnership.delivery_partner,
    )
    tokens.issue(lead_provider=lead_provider, description="Test token", now=clock.now())
    DailyStatusRun.objects.get_or_create(day=dt.date(2025, 10, 1), defaults={"completed_at": clock.now(), "changed": 0})
    Group.objects.get_or_create(name="Support")
    return ect


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("admin", "admin@example.com", "password")
    client.force_login(user)
    return user


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_ours_is_registered():
    ours = {model for model in apps.get_models() if model._meta.app_label in OUR_APPS}
    assert ours - set(admin.site._registry) == set()


def test_a_superuser_can_open_every_admin_page(client, superuser):
    one_of_everything()
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        assert client.get(admin_url(model, "changelist")).status_code == 200, model
        expected_add = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(admin_url(model, "add")).status_code == expected_add, model
        row = model._default_manager.order_by("pk").first()
        assert row is not None, f"no {model.__name__} row to open"
        assert client.get(admin_url(model, "change", row.pk)).status_code == 200, model


@pytest.mark.parametrize("term", ["Teacher", "1000000", "d3b07384-d9a0-4c9b-8a3e-2f6f1f0c0b1e", "a b"])
def test_every_search_box_accepts_names_numbers_and_ids(client, superuser, term):
    one_of_everything()
    for model, model_admin in admin.site._registry.items():
        if model_admin.search_fields:
            assert client.get(admin_url(model, "changelist"), {"q": term}).status_code == 200, model


@pytest.mark.parametrize(
    "model",
    [AuditEvent, ProviderEnrolment, DailyStatusRun],
    ids=lambda model: model.__name__,
)
def test_derived_and_audit_rows_cannot_be_added_changed_or_deleted(client, superuser, model):
    one_of_everything()
    row = model._default_manager.order_by("pk").first()
    assert client.get(admin_url(model, "add")).status_code == 403
    assert client.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=row.pk).exists()
    # The change page still opens, as a read-only view.
    response = client.get(admin_url(model, "change", row.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


def test_api_tokens_cannot_be_added_and_never_show_their_digest(client, superuser):
    one_of_everything()
    from schools.models import ApiToken

    api_token = ApiToken.objects.get()
    assert client.get(admin_url(ApiToken, "add")).status_code == 403
    page = client.get(admin_url(ApiToken, "change", api_token.pk)).content.decode()
    assert api_token.hashed_token not in page
    assert "Test token" in page


def test_the_revoke_action_revokes_tokens(client, superuser):
    one_of_everything()
    from schools.models import ApiToken

    api_token = ApiToken.objects.get()
    moment = dt.datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
    with clock.travel_to(moment):
        asked = client.post(admin_url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [api_token.pk]})
        api_token.refresh_from_db()
        assert asked.status_code == 200 and api_token.revoked_at is None  # nothing destructive without confirming
        response = client.post(
            admin_url(ApiToken, "changelist"),
            {"action": "revoke", "_selected_action": [api_token.pk], "confirmed": "yes", **REASON},
        )
    assert response.status_code == 302
    api_token.refresh_from_db()
    assert api_token.revoked_at == moment


def changelist_queries(client):
    counts = {}
    for model in admin.site._registry:
        with CaptureQueriesContext(connection) as queries:
            client.get(admin_url(model, "changelist"))
        counts[model] = len(queries)
    return counts


def test_changelists_do_not_run_a_query_per_row(client, superuser):
    one_of_everything()
    before = changelist_queries(client)
    # A second row of everything: a changelist that queries per row now needs more queries.
    one_of_everything()
    after = changelist_queries(client)
    counts = {model: (before[model], after[model]) for model in before}
    growing = {model.__name__: pair for model, pair in counts.items() if pair[1] != pair[0]}
    assert growing == {}


# --- search -------------------------------------------------------------------------------------


def search(client, model, term):
    response = client.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.fixture
def two_participants():
    return (
        factories.ParticipantFactory(full_name="Ada Lovelace", trn="1815121"),
        factories.ParticipantFactory(full_name="Grace Hopper", trn="1906120"),
    )


def test_participants_are_found_by_trn(client, superuser, two_participants):
    ada, _ = two_participants
    assert search(client, Participant, "1815121") == [ada]


@pytest.mark.parametrize("field", ["api_id", "ect_training_record_id", "mentor_training_record_id"])
def test_participants_are_found_by_their_ids(client, superuser, two_participants, field):
    _, grace = two_participants
    assert search(client, Participant, str(getattr(grace, field))) == [grace]


def test_participants_are_found_by_part_of_their_name(client, superuser, two_participants):
    ada, _ = two_participants
    assert search(client, Participant, "lovel") == [ada]


def test_schools_are_found_by_urn_or_name(client, superuser):
    from schools.models import School

    school = factories.SchoolFactory(urn="987654", name="Hilltop Primary")
    factories.SchoolFactory(urn="123456", name="Valley Academy")
    assert search(client, School, "987654") == [school]
    assert search(client, School, "hilltop") == [school]


def test_training_periods_are_found_by_the_participants_trn(client, superuser):
    ada, training = trained_participant(factories.LeadProviderFactory())
    trained_participant(factories.LeadProviderFactory())
    from participants.models import TrainingPeriod

    assert search(client, TrainingPeriod, ada.trn) == [training]
    assert search(client, TrainingPeriod, str(ada.ect_training_record_id)) == [training]


@pytest.mark.parametrize("term", ["²", "٢٠٢٥", "9" * 30])
def test_an_audit_search_for_digits_that_are_no_id_finds_nothing_rather_than_failing(client, superuser, term):
    trained_participant(factories.LeadProviderFactory())

    assert search(client, AuditEvent, term) == []


def test_audit_events_are_found_by_participant(client, superuser):
    ada, _ = trained_participant(factories.LeadProviderFactory())
    trained_participant(factories.LeadProviderFactory())
    found = search(client, AuditEvent, str(ada.pk))
    assert found
    assert all(ada.pk in event.participant_ids or event.object_id == str(ada.pk) for event in found)


# --- edits through the admin are audited and move api_updated_at --------------------------------


def posted_back(response):
    """What a browser would submit for the change form exactly as the admin rendered it."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        data.update({field.html_name: field.value() for field in inline.formset.management_form})
        forms.extend(inline.formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return {**data, **REASON}  # the agent says why


@pytest.fixture
def support_user(client):
    user = User.objects.create_user("support", "support@example.com", "password", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="participants"))
    client.force_login(user)
    return user


EDITED_AT = dt.datetime(2026, 2, 3, 10, 30, tzinfo=UTC)


def test_F30_admin_edit_of_full_name_is_audited_to_the_staff_user_and_moves_updated_at(client, support_user):
    participant, _ = trained_participant(factories.LeadProviderFactory())
    old_name = participant.full_name
    url = admin_url(Participant, "change", participant.pk)
    data = posted_back(client.get(url))
    data["full_name"] = "Corrected Name"

    with clock.travel_to(EDITED_AT):
        response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    participant.refresh_from_db()
    assert participant.full_name == "Corrected Name"
    assert participant.api_updated_at == EDITED_AT
    event = AuditEvent.objects.filter(model="participants.Participant", event="updated").get()
    assert (event.actor_kind, event.actor_id, event.actor_label) == ("support_user", str(support_user.pk), "support")
    assert event.occurred_at == EDITED_AT
    assert event.changes == {"full_name": [old_name, "Corrected Name"]}
    assert event.participant_ids == [participant.pk]


def test_O2_admin_edit_of_a_school_period_email_inline_is_audited_and_moves_updated_at(client, support_user):
    participant, training = trained_participant(factories.LeadProviderFactory())
    url = admin_url(Participant, "change", participant.pk)
    data = posted_back(client.get(url))
    email_field = next(name for name in data if name.endswith("-email") and name.startswith("school_periods"))
    data[email_field] = "new.address@school.example"

    with clock.travel_to(EDITED_AT):
        response = client.post(url, data)

    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.api_updated_at == EDITED_AT
    event = AuditEvent.objects.filter(model="participants.SchoolPeriod", event="updated").get()
    assert event.actor_kind == "support_user"
    assert event.changes["email"][1] == "new.address@school.example"


def test_an_unchanged_admin_save_records_nothing_and_moves_nothing(client, support_user):
    participant, _ = trained_participant(factories.LeadProviderFactory())
    before = participant.api_updated_at
    url = admin_url(Participant, "change", participant.pk)
    data = posted_back(client.get(url))
    events = AuditEvent.objects.count()

    with clock.travel_to(EDITED_AT):
        assert client.post(url, data).status_code == 302

    participant.refresh_from_db()
    assert participant.api_updated_at == before
    assert AuditEvent.objects.count() == events


def test_F13_a_first_eligible_date_cannot_be_changed_in_the_admin(client, support_user):
    participant, _ = trained_participant(factories.LeadProviderFactory())
    Participant.objects.filter(pk=participant.pk).update(ect_eligible_on=dt.date(2025, 9, 1))
    url = admin_url(Participant, "change", participant.pk)
    response = client.get(url)
    assert "ect_eligible_on" not in response.context["adminform"].form.fields
    data = posted_back(response)
    data["ect_eligible_on"] = "2026-01-01"
    assert client.post(url, data).status_code == 302
    participant.refresh_from_db()
    assert participant.ect_eligible_on == dt.date(2025, 9, 1)


def test_D31_a_first_eligible_day_entered_by_support_makes_submitted_declarations_eligible(client, support_user):
    participant, training = trained_participant(factories.LeadProviderFactory())
    declaration = Declaration.objects.create(
        training_period=training,
        lead_provider=training.lead_provider,
        declaration_type="started",
        declaration_date=dt.datetime(2025, 10, 1, tzinfo=UTC),
        delivery_partner=training.partnership.delivery_partner,
    )
    url = admin_url(Participant, "change", participant.pk)
    data = posted_back(client.get(url))
    data["ect_eligible_on"] = "2026-02-03"

    with clock.travel_to(EDITED_AT):
        response = client.post(url, data)

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    declaration.refresh_from_db()
    assert (declaration.payment_status, declaration.api_updated_at) == (PaymentStatus.ELIGIBLE, EDITED_AT)
