"""After a restore to an earlier moment, `resync_providers_after_restore` brings providers back in step
(training/resync_after_restore.py).

The story, with real parts: a provider syncs; the database is backed up (the restore point); changes follow,
and the provider's polls see them; the backup is restored into a new database, which gunicorn serves; the
provider's next poll from its last request shows nothing of what was lost. The command runs (a real process
on the restored database), and the provider's next poll, from the time of its last request, leaves its copy
equal to the restored database: participants, declarations, partnerships and unfunded mentors.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
import threading
import time
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from config import changes, clock
from config.models import AuditEvent
from config.validation import ValidationFailed
from declarations.models import Declaration, PaymentStatus
from declarations.voiding import void
from participants.models import Participant, ProviderListing
from schools.models import LeadProvider, LeadProviderDeliveryPartnership, Partnership
from tests import factories, processes, restoring
from tests.builders import trained_participant
from tests.conftest import ProviderClient
from training import partnerships as partnership_services
from training import resync_after_restore
from training.provider_actions.defer import defer

COURSES = {"ect": "ecf-induction", "mentor": "ecf-mentor"}
REASON = "Restored to the backup after a bad release (test)"


def poll(fetch, since, copy):
    """One poll of every list, from `since`, merged into the provider's copy; returns what it listed."""
    listed = {resource: restoring.read_all(fetch, resource, since) for resource in restoring.RESOURCES}
    for resource, items in listed.items():
        copy[resource].update(items)
    return listed


def everything(fetch):
    return {resource: restoring.read_all(fetch, resource) for resource in restoring.RESOURCES}


def busiest_provider():
    return max(LeadProvider.objects.all(), key=lambda lp: ProviderListing.objects.filter(lead_provider=lp).count())


def change_what_the_provider_sees(provider, copy) -> dict:
    """After the restore point: a rename, a deferral, a void, a new delivery partner, and records made anew."""
    now = clock.now()
    listed = [Participant.objects.get(api_id=api_id) for api_id in sorted(copy["participants"])]
    renamed = listed[0]
    with changes.unit_of_work(now=now):
        renamed.full_name = "Name Changed After The Restore Point"
        renamed.save()
    deferred = None
    for participant in listed[1:]:
        for enrolment in copy["participants"][str(participant.api_id)]["ecf_enrolments"]:
            if enrolment["training_status"] != "active" or enrolment["participant_status"] != "active":
                continue
            try:
                defer(
                    participant=participant,
                    lead_provider=provider,
                    course_identifier=COURSES[enrolment["participant_type"]],
                    reason="bereavement",
                    now=now,
                )
            except ValidationFailed:
                continue  # e.g. training that changed today; another will do
            deferred = participant
            break
        if deferred:
            break
    voided = Declaration.objects.filter(lead_provider=provider, payment_status=PaymentStatus.ELIGIBLE).first()
    void(declaration=voided, now=now)
    pairing = LeadProviderDeliveryPartnership.objects.filter(lead_provider=provider, cohort_id=2025).first()
    moved = Partnership.objects.filter(lead_provider=provider, cohort_id=2025).exclude(
        delivery_partner=pairing.delivery_partner
    )[0]
    partnership_services.change_delivery_partner(
        partnership=moved, delivery_partner_id=str(pairing.delivery_partner.api_id), now=now
    )
    new_participant, training = trained_participant(provider, started_on=dt.date(2025, 9, 1))
    new_declaration = Declaration.objects.get(pk=voided.pk)
    new_declaration.pk, new_declaration.api_id, new_declaration.request_fingerprint = None, uuid.uuid4(), ""
    new_declaration.payment_status = PaymentStatus.NO_PAYMENT
    new_declaration.training_period = training
    with changes.unit_of_work(now=now):
        new_declaration.save()
    assert deferred is not None
    return {
        "renamed": renamed,
        "deferred": deferred,
        "voided": voided,
        "moved": moved,
        "new participant": new_participant,
        "new partnership": training.partnership,
        "new declaration": new_declaration,
    }


def resync(restored: str, *args: str) -> subprocess.CompletedProcess:
    """The command as the image's `manage` role runs it, on the restored database."""
    env = restoring.app_environment(
        restored, PROCESS_ROLE="manage", DAMAGED_DATABASE_URL=processes.database_url(connection.settings_dict["NAME"])
    )
    command = [sys.executable, "manage.py", "resync_providers_after_restore", "--reason", REASON, "--batch-size", "7"]
    result = subprocess.run(
        [*command, *args], cwd=restoring.ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def resync_events(restored: str) -> list[tuple]:
    with restoring.server_connection(restored) as reader:
        return reader.execute(
            "SELECT model, object_id, actor_kind, reason, changes FROM core_auditevent WHERE action = %s",
            [resync_after_restore.ACTION],
        ).fetchall()


@pytest.fixture
def restore_story(tmp_path):
    """Everything up to the command: returns what the tests need to run it and check the outcome."""
    call_command("seed_demo", participants=20, seed=5, stdout=StringIO(), stderr=StringIO())
    provider = busiest_provider()
    api = ProviderClient(provider)
    local = restoring.in_process_client(api)
    copy = {resource: {} for resource in restoring.RESOURCES}
    poll(local, None, copy)  # the first sync: everything
    since = timezone.now()
    poll(local, since, copy)
    dump = tmp_path / "restore-point.dump"
    restore_point = timezone.now()
    call_command("backup_database", str(dump), stdout=StringIO())

    changed = change_what_the_provider_sees(provider, copy)
    sent = timezone.now()
    poll(local, since, copy)
    since = sent
    # The provider holds what the restore will lose.
    assert copy["participants"][str(changed["renamed"].api_id)]["full_name"] == "Name Changed After The Restore Point"
    assert str(changed["new participant"].api_id) in copy["participants"]
    assert copy["participant-declarations"][str(changed["voided"].api_id)]["state"] == "voided"

    with restoring.restored_database(dump) as restored, restoring.serving(restored) as base:
        served = restoring.http_client(base, api.token)
        sent = timezone.now()
        missed = poll(served, since, copy)
        since = sent
        # The fault this command answers: polling from its last request, the provider learns nothing of it.
        assert not any(missed.values()), missed
        truth = everything(served)
        assert copy != truth
        yield {
            "provider": provider,
            "restored": restored,
            "fetch": served,
            "copy": copy,
            "since": since,
            "changed": changed,
            "restore_point": restore_point,
            "tmp_path": tmp_path,
        }


@pytest.mark.django_db(transaction=True)
def test_after_a_restore_and_a_full_resync_the_provider_s_next_poll_from_its_last_request_gives_it_the_restored_database(
    restore_story,
):
    story = restore_story

    output = resync(story["restored"]).stdout

    truth = everything(story["fetch"])
    polled = poll(story["fetch"], story["since"], story["copy"])
    # Everything it can see is listed again (a full resync), as it is now: what it does not list is gone.
    assert polled == truth
    assert all(truth[resource] for resource in ("participants", "participant-declarations", "partnerships"))
    assert str(story["changed"]["new participant"].api_id) not in truth["participants"]
    assert "Stamped again:" in output
    events = resync_events(story["restored"])
    with restoring.server_connection(story["restored"]) as reader:
        participants = reader.execute("SELECT count(*) FROM participants_participant").fetchone()[0]
    assert sum(1 for event in events if event[0] == "participants.Participant") == participants
    assert {(kind, reason) for _, _, kind, reason, _ in events} == {("system", REASON)}


@pytest.mark.django_db(transaction=True)
def test_a_resync_compared_with_the_damaged_database_stamps_only_what_changed_after_the_restore_point_and_names_what_was_lost(
    restore_story,
):
    story = restore_story
    lost_file = story["tmp_path"] / "lost.json"

    output = resync(
        story["restored"], "--compare-with-env", "DAMAGED_DATABASE_URL", "--lost-records", str(lost_file)
    ).stdout

    polled = poll(story["fetch"], story["since"], story["copy"])
    lost = json.loads(lost_file.read_text())[story["provider"].name]
    for resource, ids in lost.items():
        for api_id in ids:
            story["copy"][resource].pop(api_id, None)  # the provider drops what it was told no longer exists
    truth = everything(story["fetch"])
    assert story["copy"] == truth
    changed = story["changed"]
    assert lost == {
        "participants": [str(changed["new participant"].api_id)],
        "participant-declarations": [str(changed["new declaration"].api_id)],
        "partnerships": [str(changed["new partnership"].api_id)],
    }
    # Narrow: only the participants whose stamp moved after the restore point (and that the restore kept).
    events = resync_events(story["restored"])
    stamped = {int(object_id) for model, object_id, *_ in events if model == "participants.Participant"}
    moved_after = set(
        Participant.objects.filter(api_updated_at__gt=story["restore_point"]).values_list("pk", flat=True)
    ) - {changed["new participant"].pk}
    assert stamped == moved_after
    assert {changed["renamed"].pk, changed["deferred"].pk} <= stamped
    assert len(polled["participants"]) < len(truth["participants"]) / 2
    assert "Lost for" in output


def test_each_record_stamped_again_is_audited_by_the_system_with_the_reason_and_moves_what_providers_poll(
    lead_provider,
):
    participant, training = trained_participant(lead_provider)
    before = Participant.objects.get(pk=participant.pk).api_updated_at
    partnership_before = Partnership.objects.get(pk=training.partnership_id).updated_at
    now = clock.now()

    outcome = resync_after_restore.restamp(
        resync_after_restore.everything(), now=now, reason=REASON, ticket="INC-7", batch_size=1
    )

    participant.refresh_from_db()
    listing = ProviderListing.objects.get(participant=participant, lead_provider=lead_provider)
    assert participant.api_updated_at > before and listing.api_updated_at == participant.api_updated_at
    assert Partnership.objects.get(pk=training.partnership_id).updated_at > partnership_before
    event = AuditEvent.objects.get(action=resync_after_restore.ACTION, model="participants.Participant")
    assert (event.actor_kind, event.reason, event.ticket, event.participant_ids) == (
        "system",
        REASON,
        "INC-7",
        [participant.pk],
    )
    assert list(event.changes) == ["api_updated_at"]
    assert outcome.stamped == {"participants": 1, "participant-declarations": 0, "partnerships": 1, "schools": 1}
    assert outcome.batches == 3  # one participant, one partnership, one school: a transaction each


def test_a_record_showing_a_later_moment_than_the_resync_keeps_it_and_gets_no_event(lead_provider):
    """A stamp chosen in a sandbox (time travel) is never moved back."""
    participant, _ = trained_participant(lead_provider)
    later = clock.now() + dt.timedelta(days=30)
    Participant.objects.filter(pk=participant.pk).update(api_updated_at=later)

    outcome = resync_after_restore.restamp(resync_after_restore.everything(), now=clock.now(), reason=REASON)

    assert Participant.objects.get(pk=participant.pk).api_updated_at == later
    assert outcome.stamped["participants"] == 0
    assert not AuditEvent.objects.filter(action=resync_after_restore.ACTION, model="participants.Participant").exists()


@pytest.mark.django_db(transaction=True)
def test_a_batch_that_meets_another_transaction_s_lock_is_tried_again_and_stamps_its_rows(monkeypatch):
    school = factories.SchoolFactory()
    before = school.updated_at
    holder = restoring.server_connection(connection.settings_dict["NAME"])
    holder.autocommit = False
    holder.execute("SELECT 1 FROM schools_school WHERE id = %s FOR UPDATE", [school.pk])  # an action at the school
    releasing = threading.Timer(1, holder.rollback)
    attempts = []
    original = resync_after_restore._stamp_rows

    def attempt(*args, **kwargs):
        attempts.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(resync_after_restore, "_stamp_rows", attempt)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    releasing.start()
    try:
        outcome = resync_after_restore.restamp(resync_after_restore.everything(), now=clock.now(), reason=REASON)
    finally:
        releasing.join()
        holder.close()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")

    assert len(attempts) > 1
    assert outcome.stamped["schools"] == 1
    school.refresh_from_db()
    assert school.updated_at > before


def test_a_resync_needs_a_reason():
    with pytest.raises(CommandError):
        call_command("resync_providers_after_restore", stdout=StringIO())
    with pytest.raises(CommandError) as raised:
        call_command("resync_providers_after_restore", "--reason", "  ", stdout=StringIO())
    assert raised.value.returncode == 2


@pytest.mark.parametrize("other_host", [False, True], ids=["same URL", "another name for the server"])
def test_a_resync_refuses_to_compare_the_database_with_itself(monkeypatch, other_host):
    """Compared with itself, every record looks unchanged: nothing would be stamped, and providers stay out of step."""
    database = connection.settings_dict
    if other_host:
        database = {**database, "HOST": "localhost" if database["HOST"] != "localhost" else "127.0.0.1"}
    monkeypatch.setenv("SAME_DATABASE_URL", processes.database_url(settings_dict=database))

    with pytest.raises(CommandError) as raised:
        call_command(
            "resync_providers_after_restore", "--reason", REASON, "--compare-with-env", "SAME_DATABASE_URL",
            stdout=StringIO(),
        )  # fmt: skip

    assert raised.value.returncode == 2 and "names this database" in str(raised.value)
    assert not AuditEvent.objects.filter(action=resync_after_restore.ACTION).exists()


def test_lost_records_can_only_be_found_by_comparing(tmp_path):
    with pytest.raises(CommandError) as raised:
        call_command(
            "resync_providers_after_restore", "--reason", REASON, "--lost-records", str(tmp_path / "lost.json"),
            stdout=StringIO(),
        )  # fmt: skip
    assert raised.value.returncode == 2


def test_a_dry_run_changes_nothing(lead_provider):
    trained_participant(lead_provider)
    factories.SchoolFactory()
    out = StringIO()

    call_command("resync_providers_after_restore", "--reason", REASON, "--dry-run", stdout=out)

    assert "To stamp again: 1 participants, 0 participant-declarations, 1 partnerships, 2 schools." in out.getvalue()
    assert not AuditEvent.objects.filter(action=resync_after_restore.ACTION).exists()


@pytest.mark.django_db(transaction=True)
def test_providers_polling_while_the_resync_runs_miss_nothing_however_long_each_batch_takes_to_commit(
    lead_provider, api, monkeypatch
):
    """The updated_since guarantee while it runs: each batch stamps under the shared lock as it commits."""
    for _ in range(24):
        trained_participant(lead_provider)
    fetch = restoring.in_process_client(api)
    copy = {resource: {} for resource in restoring.RESOURCES}
    poll(fetch, None, copy)
    since = timezone.now()
    rng = random.Random(2)
    original = changes.commit_moment

    def slow_to_commit(now):
        moment = original(now)
        time.sleep(rng.uniform(0, 0.3))  # the batch's updates and audit events, then its commit, come after
        return moment

    monkeypatch.setattr(changes, "commit_moment", slow_to_commit)
    errors = []

    def run():
        try:
            resync_after_restore.restamp(
                resync_after_restore.everything(), now=clock.now(), reason=REASON, batch_size=3
            )
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    job = threading.Thread(target=run)
    job.start()
    polls = 0
    while job.is_alive():
        sent = timezone.now()
        poll(fetch, since, copy)
        since = sent
        polls += 1
        time.sleep(rng.uniform(0.02, 0.1))
    job.join()
    poll(fetch, since, copy)

    assert not errors, errors
    assert polls >= 2, polls  # polls overlapped the resync (few, on a busy machine)
    assert copy == everything(fetch)
