"""Every wait on PostgreSQL ends, in the documented answer, under a real gunicorn with the web role's limits.

The faults these reproduce: a session holding a table lock, and a PostgreSQL that accepts connections and
never answers, kept requests (and then every gunicorn worker) waiting; people got a 500 page where providers
got a 503; an `updated_since` poll waited as long as a writer stuck between stamping and committing. Now a
request that meets a limit ends within it: the API with 503 in its error envelope, people with GOV.UK's
"service unavailable" page, both with Retry-After; /livez stays 200; a write that meets a limit leaves
nothing behind.

The servers get smaller limits than the web role's, through the same environment variables, to keep the
tests short. MARGIN allows for a busy machine; a lock is held far longer (HELD) unless something ends the wait.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from config import changes
from config.models import AuditEvent
from participants.models import Participant, TrainingPeriod
from schools.models import SchoolMembership
from tests import processes
from tests.builders import trained_participant
from tests.conftest import ProviderClient
from tests.factories import LeadProviderFactory
from tests.silent_server import SilentServer

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 3  # gunicorn.conf.py's default
LOCK_TIMEOUT = 1  # seconds: DATABASE_LOCK_TIMEOUT of the servers under test (the web role's is 5)
CONNECT_TIMEOUT = 2  # seconds: DATABASE_CONNECT_TIMEOUT (the web role's is 5; libpq waits 2 at least)
UPDATED_SINCE_LOCK_TIMEOUT = 0.5  # seconds
MARGIN = 5.0
HELD = 60.0
UNAVAILABLE = {
    "errors": [{"title": "Service unavailable", "detail": "The service is temporarily unavailable. Try again later."}]
}


@contextmanager
def gunicorn(database_url: str, *, workers: int = WORKERS, **extra_env: str):
    """gunicorn as the web role runs it (gunicorn.conf.py, DEBUG off, PROCESS_ROLE=web), with smaller limits."""
    env = processes.app_environment(
        # The test's own key, so that the sessions made here sign people in there.
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=database_url,
        REDIS_URL=settings.REDIS_URL,
        DATABASE_LOCK_TIMEOUT=str(LOCK_TIMEOUT),
        DATABASE_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
        UPDATED_SINCE_LOCK_TIMEOUT=str(UPDATED_SINCE_LOCK_TIMEOUT),
    )
    with processes.gunicorn({**env, **extra_env}, workers=workers, ready_seconds=60) as base:
        yield base


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    """One gunicorn on the test database for the tests that hold locks."""
    with django_db_blocker.unblock():
        url = processes.database_url()
    with gunicorn(url) as base:
        yield base


@pytest.fixture
def silent_postgres():
    silent = SilentServer()
    try:
        yield silent
    finally:
        silent.stop()


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<{self.status} after {self.seconds:.1f}s: {self.body[:300]!r}>"


def _request(url, *, method="GET", body=None, headers=None, timeout=HELD) -> Answer:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, response_headers, content = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, response_headers, content = error.code, error.headers, error.read()
    return Answer(status, dict(response_headers), content, time.monotonic() - started)


@dataclass
class Call:
    name: str
    kind: str  # "api" or "person": which answer an outage gets
    method: str
    path: str
    body: bytes | None = None
    headers: dict | None = None

    def send(self, base) -> Answer:
        return _request(base + self.path, method=self.method, body=self.body, headers=self.headers)


class Visitors:
    """A lead provider with a token, a school user and a support user each with a session (made in the test
    database, signed with the server's key), and a participant the provider sees."""

    def __init__(self):
        lead_provider = LeadProviderFactory(name="Ambition Institute")
        self.participant, self.training = trained_participant(lead_provider)
        bearer = {"Authorization": f"Bearer {ProviderClient(lead_provider).token}"}
        school = self.training.school_period.school
        users = get_user_model()
        tutor = users.objects.create_user("tutor@school.example", "tutor@school.example", "x" * 20)
        SchoolMembership.objects.create(user=tutor, school=school)
        support = users.objects.create_user("support@example.com", "", "x" * 20, is_staff=True, is_superuser=True)
        defer = {
            "data": {
                "type": "participant-defer",
                "attributes": {"reason": "other", "course_identifier": "ecf-induction"},
            }
        }
        self.api_list = Call("API list", "api", "GET", "/api/v3/participants", headers=bearer)
        self.api_poll = Call(
            "API list with updated_since",
            "api",
            "GET",
            "/api/v3/participants?filter%5Bupdated_since%5D=2020-01-01T00%3A00%3A00Z",
            headers=bearer,
        )
        self.api_defer = Call(
            "API defer",
            "api",
            "PUT",
            f"/api/v3/participants/{self.participant.api_id}/defer",
            body=json.dumps(defer).encode(),
            headers={**bearer, "Content-Type": "application/json"},
        )
        # Browsers that have used the admin send its session cookie to the API too (the API docs page).
        self.api_list_with_session = Call(
            "API list with a session cookie",
            "api",
            "GET",
            "/api/v3/participants",
            headers={**bearer, "Cookie": self._session_cookie(support)},
        )
        self.portal = Call(
            "portal participants", "person", "GET", f"/school/{school.urn}/", headers=self._cookie(tutor)
        )
        self.admin = Call(
            "admin participants", "person", "GET", "/admin/participants/participant/", headers=self._cookie(support)
        )
        self.sign_in = Call("portal sign-in", "person", "GET", "/school/sign-in/")

    def _cookie(self, user) -> dict:
        return {"Cookie": self._session_cookie(user)}

    @staticmethod
    def _session_cookie(user) -> str:
        client = Client()
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}"

    def waiting_on_the_database(self) -> list[Call]:
        return [self.api_list, self.api_poll, self.api_defer, self.portal, self.admin]


def assert_unavailable(call: Call, answer: Answer, within: float):
    assert answer.seconds < within, (call.name, answer)
    assert answer.status == 503, (call.name, answer)
    assert answer.headers.get("Retry-After") == "30", (call.name, answer.headers)
    if call.kind == "api":
        assert answer.json() == UNAVAILABLE, call.name
    else:
        assert answer.headers.get("Content-Type", "").startswith("text/html"), call.name
        html = answer.body.decode()
        assert "<title>Sorry, the service is unavailable" in html, call.name
        assert '<h1 class="govuk-heading-l">Sorry, the service is unavailable</h1>' in html, call.name


def assert_quick(name: str, answer: Answer, status: int = 200, within: float = MARGIN):
    assert answer.status == status and answer.seconds < within, (name, answer)


@contextmanager
def holding(*statements):
    """Another session holds what `statements` take until the block ends, then rolls back."""
    with psycopg.connect(processes.database_url(), autocommit=False) as holder:
        for statement in statements:
            holder.execute(statement)
        try:
            yield
        finally:
            holder.rollback()


def assert_not_deferred(visitors: Visitors, events_before: int):
    training = TrainingPeriod.objects.get(pk=visitors.training.pk)
    assert (training.deferred_at, training.deferral_reason, training.finished_on) == (None, None, None)
    assert AuditEvent.objects.count() == events_before


# --- A table held under an exclusive lock -----------------------------------------------------------


def test_while_a_session_holds_the_participants_table_each_request_ends_within_the_lock_timeout(server):
    visitors = Visitors()
    events_before = AuditEvent.objects.count()
    with holding("LOCK TABLE participants_participant IN ACCESS EXCLUSIVE MODE"):
        answers = [(call, call.send(server)) for call in visitors.waiting_on_the_database()]
        sign_in = visitors.sign_in.send(server)
        readyz, livez = _request(server + "/readyz"), _request(server + "/livez")

        # The original fault: a burst that keeps every worker waiting. Each worker is given back within the
        # lock timeout, so the burst drains round by round, and a probe behind it waits for the rounds only.
        burst = visitors.waiting_on_the_database() * WORKERS
        rounds = -(-len(burst) // WORKERS)
        with ThreadPoolExecutor(len(burst) + 2) as pool:
            burst_answers = pool.map(lambda call: (call, call.send(server)), burst)
            time.sleep(0.2)  # the probes arrive while every worker is waiting
            probes = [pool.submit(_request, server + path) for path in ("/livez", "/readyz")]
            burst_answers = list(burst_answers)

    for call, answer in answers:
        assert_unavailable(call, answer, within=LOCK_TIMEOUT + MARGIN)
    # What does not read the locked table answers as usual.
    assert_quick("portal sign-in", sign_in)
    assert_quick("readyz", readyz)
    assert_quick("livez", livez)
    for call, answer in burst_answers:
        assert_unavailable(call, answer, within=rounds * LOCK_TIMEOUT + MARGIN)
    for probe in probes:
        assert_quick("probe during the burst", probe.result(), within=rounds * LOCK_TIMEOUT + MARGIN)
    assert_not_deferred(visitors, events_before)


def test_while_a_session_holds_the_session_table_people_and_api_requests_with_a_session_get_503(server):
    # Loading the session happens in middleware, before any view (and outside DRF, for the API).
    visitors = Visitors()
    with holding("LOCK TABLE django_session IN ACCESS EXCLUSIVE MODE"):
        answers = [
            (call, call.send(server)) for call in (visitors.portal, visitors.admin, visitors.api_list_with_session)
        ]
        without_session = visitors.api_list.send(server)
        sign_in = visitors.sign_in.send(server)
    for call, answer in answers:
        assert_unavailable(call, answer, within=LOCK_TIMEOUT + MARGIN)
    assert_quick("API list without a session cookie", without_session)
    assert_quick("portal sign-in without a session cookie", sign_in)


# What a defer waits for, first to last: the participant's row, then (after writing the training period) the
# audit table, then, in its last statement, the shared stamping lock, which an `updated_since` read takes
# exclusively.
DEFER_WAITS = {
    "participant row": "SELECT 1 FROM participants_participant WHERE id = {participant} FOR UPDATE",
    "audit table": f"LOCK TABLE {AuditEvent._meta.db_table} IN EXCLUSIVE MODE",
    "stamping lock": f"SELECT pg_advisory_xact_lock({changes.COMMIT_STAMP_LOCK})",
}


@pytest.mark.parametrize("held", DEFER_WAITS, ids=lambda held: held.replace(" ", "-"))
def test_a_defer_waiting_on_a_lock_ends_at_the_lock_timeout_with_nothing_written(server, held):
    visitors = Visitors()
    events_before = AuditEvent.objects.count()
    with holding(DEFER_WAITS[held].format(participant=visitors.participant.pk)):
        answer = visitors.api_defer.send(server)
    assert_unavailable(visitors.api_defer, answer, within=LOCK_TIMEOUT + MARGIN)
    assert_not_deferred(visitors, events_before)
    # Once the lock is given back the same request goes through, whole.
    assert visitors.api_defer.send(server).status == 200
    assert TrainingPeriod.objects.get(pk=visitors.training.pk).deferred_at is not None
    assert AuditEvent.objects.count() > events_before


# --- A PostgreSQL that accepts connections and never answers ----------------------------------------


def test_while_postgresql_never_answers_each_request_ends_within_the_connect_timeout(silent_postgres):
    visitors = Visitors()
    calls = visitors.waiting_on_the_database()
    silent_url = f"postgresql://postgres@127.0.0.1:{silent_postgres.port}/ecf_participants"
    # A worker for each request, all sent at once: each is timed against the connect timeout alone.
    with gunicorn(silent_url, workers=len(calls) + 1) as base:
        before, _ = silent_postgres.settled_counts()
        with ThreadPoolExecutor(len(calls) + 1) as pool:
            sent = [(call, pool.submit(call.send, base)) for call in calls]
            readyz = pool.submit(_request, base + "/readyz").result()
            answers = [(call, answer.result()) for call, answer in sent]
        livez = _request(base + "/livez")
        attempts, _ = silent_postgres.settled_counts()
    for call, answer in answers:
        assert_unavailable(call, answer, within=CONNECT_TIMEOUT + MARGIN)
    assert_quick("readyz", readyz, status=503, within=CONNECT_TIMEOUT + MARGIN)
    assert readyz.json()["checks"]["database"] == "unreachable"
    assert_quick("livez", livez)
    # One connection attempt for each request that needs the database (and /readyz's), never a second.
    assert attempts - before == len(answers) + 1


# --- The updated_since lock ------------------------------------------------------------------------


def test_a_poll_behind_a_writer_that_has_stamped_and_not_committed_gets_503_within_its_own_lock_timeout():
    visitors = Visitors()
    stamped, release = threading.Event(), threading.Event()

    def writer():
        try:
            with changes.unit_of_work():
                rows = Participant.objects.filter(pk=visitors.participant.pk)
                changes.move_at_commit(rows, "api_updated_at", now=changes.current_now())
                changes.current_unit().flush()  # stamped: the shared lock is held from here until commit
                stamped.set()
                release.wait(HELD)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    # The server's own lock and statement timeouts are longer: only the poll's own limit can end its wait.
    long_limits = {"DATABASE_LOCK_TIMEOUT": "30", "DATABASE_STATEMENT_TIMEOUT": "30"}
    with gunicorn(processes.database_url(), **long_limits) as base:
        thread.start()
        try:
            assert stamped.wait(30)
            poll = visitors.api_poll.send(base)
            plain = visitors.api_list.send(base)
        finally:
            release.set()
            thread.join()
        assert_unavailable(visitors.api_poll, poll, within=UPDATED_SINCE_LOCK_TIMEOUT + MARGIN)
        # A list without updated_since never waits for the stamping lock.
        assert_quick("API list", plain)
        # Once the writer has committed, the same poll goes through.
        assert_quick("API list with updated_since", visitors.api_poll.send(base))
