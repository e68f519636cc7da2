"""Q3, the sync guarantee: a provider polling with `updated_since` = the time it sent its previous request
never misses a committed change, however long the writing transactions stay open.

Real threads, real connections, real transactions: writers (actions, and the nightly job's batches) change
participants and partnerships and keep their transactions open for random lengths (before and after the
moment they stamp), while a provider polls the list endpoints the way the API docs tell it to. Every change
committed must be in some poll.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from config import changes, clock
from participants import daily_statuses
from participants.models import Participant
from schools.models import LeadProviderDeliveryPartnership, Partnership
from tests import factories
from tests.builders import trained_participant
from training import partnerships as partnership_services

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 4
PARTICIPANTS = 48
RACE_SECONDS = 8
NIGHTLY_PARTICIPANTS = 24
LONGEST_TRANSACTION = 0.4  # seconds a writer keeps its transaction open before it stamps
LONGEST_COMMIT = 0.08  # seconds between stamping and committing


class Race:
    """What writers committed (a count) and the provider's copy of each list, kept as the API docs say."""

    def __init__(self):
        self.lock = threading.Lock()
        self.commits = 0
        self.errors: list[BaseException] = []
        self.copy: dict[str, dict[str, dict]] = {"participants": {}, "partnerships": {}}

    def committed(self):
        with self.lock:
            self.commits += 1


def _rename(participant_id: int, race: Race, rng: random.Random) -> None:
    # The unit stamps at its end, the outer block commits later: both gaps are random.
    with transaction.atomic():
        with changes.unit_of_work(now=timezone.now()):
            participant = Participant.objects.select_for_update().get(pk=participant_id)
            time.sleep(rng.uniform(0, LONGEST_TRANSACTION))
            participant.full_name = f"Racer {participant_id} {rng.random()}"
            participant.save()
        time.sleep(rng.uniform(0, LONGEST_COMMIT))
    race.committed()


def _switch_delivery_partner(partnership_id: int, delivery_partners, race: Race, rng: random.Random) -> None:
    with transaction.atomic():
        partnership = Partnership.objects.select_for_update().get(pk=partnership_id)
        time.sleep(rng.uniform(0, LONGEST_TRANSACTION))
        other = next(dp for dp in delivery_partners if dp.pk != partnership.delivery_partner_id)
        partnership_services.change_delivery_partner(
            partnership=partnership, delivery_partner_id=str(other.api_id), now=timezone.now()
        )
        time.sleep(rng.uniform(0, LONGEST_COMMIT))
    race.committed()


def _writer(seed, stop, race, participant_ids, partnership_ids, delivery_partners):
    rng = random.Random(seed)
    try:
        while not stop.is_set():
            if rng.random() < 0.75:
                _rename(rng.choice(participant_ids), race, rng)
            else:
                _switch_delivery_partner(rng.choice(partnership_ids), delivery_partners, race, rng)
    except BaseException as error:  # noqa: BLE001 - reported by the test
        race.errors.append(error)
    finally:
        connection.close()


def _lists(api, since) -> dict[str, dict[str, dict]]:
    params = {"per_page": "3000"}
    if since is not None:
        params["filter[updated_since]"] = since.isoformat()
    found = {}
    for name in ("participants", "partnerships"):
        response = api.get(f"/api/v3/{name}", params)
        assert response.status_code == 200, response.content
        found[name] = {item["id"]: item["attributes"] for item in response.json()["data"]}
    return found


def _poll(api, since, race):
    """One poll, as the docs tell a provider to: returns the time it was sent, for the next poll."""
    sent_at = timezone.now()
    for name, items in _lists(api, since).items():
        race.copy[name].update(items)
    return sent_at


def _race(lead_provider, api, *, participants: int, writers: int, seconds: float) -> None:
    """Writers rename participants and change partnerships' delivery partners while the provider polls; then the
    provider's copy must equal the lists, and no writer may have failed."""
    delivery_partners = [factories.DeliveryPartnerFactory(name=f"Partner {n}") for n in range(2)]
    for dp in delivery_partners:
        LeadProviderDeliveryPartnership.objects.create(lead_provider=lead_provider, delivery_partner=dp, cohort_id=2025)
    participant_ids = [trained_participant(lead_provider)[0].pk for _ in range(participants)]
    partnership_ids = list(Partnership.objects.filter(lead_provider=lead_provider).values_list("pk", flat=True))
    race = Race()
    since = _poll(api, None, race)  # the first sync: everything

    stop = threading.Event()
    threads = [
        threading.Thread(target=_writer, args=(seed, stop, race, participant_ids, partnership_ids, delivery_partners))
        for seed in range(writers)
    ]
    for thread in threads:
        thread.start()
    polls = 0
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            since = _poll(api, since, race)
            polls += 1
            time.sleep(random.uniform(0.02, 0.15))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    _poll(api, since, race)  # after the last commit

    assert not race.errors, race.errors
    assert race.commits > participants // 2 and polls > 3, (race.commits, polls)
    truth = _lists(api, None)
    stale = {
        name: sum(1 for api_id, attributes in truth[name].items() if race.copy[name].get(api_id) != attributes)
        for name in ("participants", "partnerships")
    }
    assert stale == {"participants": 0, "partnerships": 0}, (
        f"out of date in the provider's copy after {race.commits} commits"
    )


def test_Q3_polling_with_updated_since_from_the_previous_request_misses_no_committed_change(lead_provider, api):
    _race(lead_provider, api, participants=PARTICIPANTS, writers=WRITERS, seconds=RACE_SECONDS)


def test_writers_on_the_same_few_participants_queue_rather_than_deadlock(lead_provider, api):
    """A rename and a change of the participant's partnership, at once, each refresh the same participant's rows.
    Before the refresh locked its participants first (participants.locking.lock_ids), PostgreSQL's own order of
    the refresh's writes let them deadlock: one writer failed with "deadlock detected" within seconds here."""
    _race(lead_provider, api, participants=3, writers=8, seconds=RACE_SECONDS)


def test_Q3_O1_the_nightly_job_s_batches_are_seen_however_long_each_takes_to_commit(lead_provider, api, monkeypatch):
    """The nightly job writes outside any unit of work; each batch still stamps as it commits."""
    tomorrow = clock.london_date(timezone.now()) + dt.timedelta(days=1)
    for _ in range(NIGHTLY_PARTICIPANTS):
        trained_participant(lead_provider, started_on=tomorrow)  # joining today, active tomorrow
    race = Race()
    since = _poll(api, None, race)

    rng = random.Random(1)
    monkeypatch.setattr(daily_statuses, "_after_batch", lambda: time.sleep(rng.uniform(0, 2 * LONGEST_TRANSACTION)))

    def nightly():
        try:
            daily_statuses.record_date_driven_statuses(through=tomorrow, now=timezone.now(), batch_size=4)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            race.errors.append(error)
        finally:
            connection.close()

    job = threading.Thread(target=nightly)
    job.start()
    polls = 0
    while job.is_alive():
        since = _poll(api, since, race)
        polls += 1
        time.sleep(random.uniform(0.02, 0.15))
    job.join()
    _poll(api, since, race)

    assert not race.errors, race.errors
    assert polls >= 2, polls  # polls overlapped the job (few, on a busy machine)
    truth = _lists(api, None)["participants"]
    # Each participant's updated_at moved when its batch committed; a batch a poll missed leaves the old one.
    stale = sum(1 for api_id, attributes in truth.items() if race.copy["participants"].get(api_id) != attributes)
    assert (len(truth), stale) == (NIGHTLY_PARTICIPANTS, 0)
