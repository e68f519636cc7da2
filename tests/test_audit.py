"""Every save and delete of a tracked model leaves an AuditEvent: who, which action, when, what changed, whose."""

import datetime as dt

import pytest
from django.contrib.auth.models import User

from config import changes, clock
from config.changes import Actor
from config.models import AuditEvent
from participants.api_updated_at import VISIBILITY
from participants.models import DailyStatusRun, Participant, ParticipantIdChange, ParticipantType, TrainingPeriod
from schools.models import SchoolFundingEligibility
from tests import factories
from tests.builders import partnership, trained_participant

UTC = dt.UTC
BEFORE = dt.datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
AT = dt.datetime(2026, 1, 20, 14, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _built_before():
    with clock.travel_to(BEFORE):
        yield


@pytest.fixture
def lead_provider():
    return factories.LeadProviderFactory(name="Ambition Institute")


def as_provider(lead_provider, action):
    return changes.recording(actor=Actor.lead_provider(lead_provider), action=action, now=AT)


def events_since(mark, **filters):
    return list(AuditEvent.objects.filter(pk__gt=mark, **filters).order_by("pk"))


def mark():
    last = AuditEvent.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_a_creation_records_actor_action_moment_every_field_and_the_participant(lead_provider):
    school_period = factories.SchoolPeriodFactory()
    the_partnership = partnership(lead_provider, school=school_period.school)
    schedule = factories.schedule()
    start = mark()

    with as_provider(lead_provider, "register"):
        training = TrainingPeriod.objects.create(
            school_period=school_period,
            partnership=the_partnership,
            lead_provider=lead_provider,
            schedule=schedule,
            started_on=dt.date(2025, 9, 1),
        )

    [event] = events_since(start)
    assert (event.actor_kind, event.actor_id, event.actor_label) == (
        "lead_provider",
        str(lead_provider.api_id),
        "Ambition Institute",
    )
    assert (event.action, event.event, event.model, event.object_id) == (
        "register",
        "created",
        "participants.TrainingPeriod",
        str(training.pk),
    )
    assert event.occurred_at == AT
    assert event.participant_ids == [school_period.participant_id]
    assert event.changes == {
        "school_period": [None, school_period.pk],
        "programme_type": [None, "provider_led"],
        "lead_provider": [None, lead_provider.pk],
        "partnership": [None, the_partnership.pk],
        "schedule": [None, schedule.pk],
        "started_on": [None, "2025-09-01"],
        "finished_on": [None, None],
        "deferred_at": [None, None],
        "deferral_reason": [None, None],
        "withdrawn_at": [None, None],
        "withdrawal_reason": [None, None],
    }


def test_an_update_records_only_the_changed_fields_as_old_and_new(lead_provider):
    participant, training = trained_participant(lead_provider)
    start = mark()

    with as_provider(lead_provider, "withdraw"):
        training.withdrawn_at, training.withdrawal_reason = AT, "moved_school"
        training.finished_on = dt.date(2026, 1, 20)
        training.save()

    [event] = events_since(start)
    assert (event.action, event.event, event.occurred_at) == ("withdraw", "updated", AT)
    assert event.participant_ids == [participant.pk]
    assert event.changes == {
        "withdrawn_at": [None, "2026-01-20T14:30:00Z"],
        "withdrawal_reason": [None, "moved_school"],
        "finished_on": [None, "2026-01-20"],
    }


def test_a_second_update_compares_with_the_first_not_with_the_original(lead_provider):
    participant, _ = trained_participant(lead_provider)
    original_name = participant.full_name
    participant.full_name = "First Correction"
    participant.save()
    start = mark()
    participant.full_name = "Second Correction"
    participant.save()
    [event] = events_since(start)
    assert event.changes == {"full_name": ["First Correction", "Second Correction"]}
    assert original_name != "First Correction"


def test_a_save_that_changes_nothing_writes_no_event(lead_provider):
    participant, training = trained_participant(lead_provider)
    start = mark()
    participant.save()
    training.save()
    assert events_since(start) == []


def test_a_delete_is_audited_with_the_old_values_and_the_participant(lead_provider):
    participant, training = trained_participant(lead_provider)
    training_id = training.pk
    start = mark()

    with as_provider(lead_provider, "remove"):
        training.delete()

    [event] = events_since(start)
    assert (event.event, event.model, event.object_id, event.action) == (
        "deleted",
        "participants.TrainingPeriod",
        str(training_id),
        "remove",
    )
    assert event.participant_ids == [participant.pk]
    assert event.changes["started_on"] == ["2025-09-01", None]
    assert event.changes["partnership"] == [training.partnership_id, None]


def test_deleting_a_school_period_audits_the_training_deleted_with_it(lead_provider):
    participant, training = trained_participant(lead_provider)
    start = mark()
    training.school_period.delete()
    deleted = {(e.model, e.object_id) for e in events_since(start, event="deleted")}
    assert deleted == {
        ("participants.SchoolPeriod", str(training.school_period_id)),
        ("participants.TrainingPeriod", str(training.pk)),
    }
    assert all(e.participant_ids == [participant.pk] for e in events_since(start))


def test_outside_any_context_the_actor_is_the_system_and_the_moment_is_the_clock(lead_provider):
    participant, _ = trained_participant(lead_provider)
    start = mark()
    participant.full_name = "Corrected Name"
    participant.save()
    [event] = events_since(start)
    assert (event.actor_kind, event.actor_id, event.actor_label, event.action) == ("system", "", "System", "")
    assert event.occurred_at == BEFORE


def test_a_nested_context_keeps_the_outer_actor_and_moment_but_names_its_own_action(lead_provider):
    participant, training = trained_participant(lead_provider)
    start = mark()
    with as_provider(lead_provider, "change_schedule"), changes.recording(action="cascade"):
        training.schedule = factories.schedule("ecf-standard-january")
        training.save()
    [event] = events_since(start)
    assert (event.actor_kind, event.action, event.occurred_at) == ("lead_provider", "cascade", AT)


@pytest.mark.parametrize("is_staff, kind", [(True, "support_user"), (False, "school_user")])
def test_a_signed_in_user_is_recorded_as_support_or_school_user(lead_provider, is_staff, kind):
    user = User.objects.create_user("someone", is_staff=is_staff)
    participant, _ = trained_participant(lead_provider)
    start = mark()
    with changes.recording(actor=Actor.user(user)):
        participant.full_name = "Corrected Name"
        participant.save()
    [event] = events_since(start)
    assert (event.actor_kind, event.actor_id, event.actor_label) == (kind, str(user.pk), "someone")


def test_a_mentorship_names_both_the_ect_and_the_mentor(lead_provider):
    ect, training = trained_participant(lead_provider)
    mentor_period = factories.SchoolPeriodFactory(
        school=training.school_period.school, participant_type=ParticipantType.MENTOR
    )
    start = mark()
    mentorship = factories.MentorshipFactory(
        ect_school_period=training.school_period, mentor_school_period=mentor_period
    )
    [event] = events_since(start, model="participants.Mentorship")
    assert event.object_id == str(mentorship.pk)
    assert sorted(event.participant_ids) == sorted([ect.pk, mentor_period.participant_id])


def test_a_partnership_change_names_everyone_trained_under_it(lead_provider):
    ect, training = trained_participant(lead_provider)
    mentor, _ = trained_participant(
        lead_provider, school=training.school_period.school, participant_type=ParticipantType.MENTOR
    )
    the_partnership = training.partnership
    old_partner = the_partnership.delivery_partner_id
    start = mark()
    the_partnership.delivery_partner = factories.DeliveryPartnerFactory()
    the_partnership.save()
    [event] = events_since(start, model="schools.Partnership")
    assert sorted(event.participant_ids) == sorted([ect.pk, mentor.pk])
    assert event.changes == {"delivery_partner": [old_partner, the_partnership.delivery_partner_id]}


def test_every_tracked_model_is_audited(lead_provider):
    start = mark()
    participant, training = trained_participant(lead_provider)
    factories.MentorshipFactory(ect_school_period=training.school_period)
    factories.InductionPeriodFactory(participant=participant)
    ParticipantIdChange.objects.create(
        participant=participant,
        from_participant_id=factories.ParticipantFactory().api_id,
        to_participant_id=participant.api_id,
    )
    SchoolFundingEligibility.objects.create(school=training.school_period.school, cohort_id=2025)
    audited = {event.model for event in events_since(start, event="created")}
    # The partnership's delivery partner is new too, and audited as support's edits to it are.
    assert audited == {model._meta.label for model in VISIBILITY} | {"schools.DeliveryPartner"}


def test_renaming_a_delivery_partner_or_lead_provider_is_audited(lead_provider):
    delivery_partner = factories.DeliveryPartnerFactory(name="Partner")
    start = mark()
    delivery_partner.name = "Renamed"
    delivery_partner.save()
    lead_provider_name = lead_provider.name
    lead_provider.name = "Renamed provider"
    lead_provider.save()
    assert [(event.model, event.changes) for event in events_since(start)] == [
        ("schools.DeliveryPartner", {"name": ["Partner", "Renamed"]}),
        ("schools.LeadProvider", {"name": [lead_provider_name, "Renamed provider"]}),
    ]


def test_untracked_models_write_no_events():
    start = mark()
    DailyStatusRun.objects.create(day=dt.date(2025, 10, 1), completed_at=dt.datetime(2025, 10, 2, tzinfo=dt.UTC))
    assert events_since(start) == []


def test_a_save_after_refresh_from_db_records_only_what_that_save_changed(lead_provider):
    participant, _ = trained_participant(lead_provider)
    # A bulk update bypasses save(); the instance then reloads and is saved unchanged.
    Participant.objects.filter(pk=participant.pk).update(full_name="Bulk Updated")
    participant.refresh_from_db()
    start = mark()
    participant.save()
    assert events_since(start) == []
