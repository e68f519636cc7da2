"""The project's latest migrations applied to 100,000 participants while the API serves reads and writes.

A database of its own (MIGRATION_LOAD_DATABASE, default ecf_participants_migration_load, on DATABASE_URL's server) is
seeded once with `seed_demo` and the audit history the services would have written for it, and kept for later runs
(reseeded when MIGRATION_LOAD_PARTICIPANTS or the recipe below changes). Each run migrates it back to the baseline
(tests/migrations/policy.py), starts gunicorn as production does, drives API reads and writes from threads, and runs
`migrate` as the release's migrate role does, recording every request.

MIGRATION_LOAD_PARTICIPANTS=2000 makes a quick run while working on a migration; the default is the headline size.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from psycopg import sql

from config import clock
from config.models import AuditEvent
from scripts.bench_participants import DECLARABLE_SQL, DEFER_BODY, DEFERRABLE_SQL, declaration_body
from tests import processes
from tests.builders import trained_participant
from tests.migrations import policy
from tests.migrations.probe import manage

ROOT = Path(__file__).resolve().parents[2]
PARTICIPANTS = int(os.environ.get("MIGRATION_LOAD_PARTICIPANTS", "100000"))
DATABASE = os.environ.get("MIGRATION_LOAD_DATABASE", "ecf_participants_migration_load")
# Bump when the seeding below changes, so kept databases are rebuilt.
RECIPE = 2
# What a request may take beyond the lock timeout on a busy machine before the test calls it blocked.
MARGIN_SECONDS = 5
# Reads and writes per phase need participants to act on; a kept database slowly uses them up.
WRITERS, READERS, CYCLES_PER_WRITER = 2, 2, 20

# The audit history services would have written for seed_demo's bulk participants, which it writes without one:
# their creation (personal data included, as config.changes records it), 25 changes per enrolment over the past two
# years (status changes, declarations and the like: about 2.8 million events in all at 100,000 participants), and a
# few thousand deleted participants' tombstones.
AUDIT_HISTORY = """
INSERT INTO core_auditevent (occurred_at, actor_kind, actor_id, actor_label, action, reason, ticket, event, model,
                             object_id, participant_ids, changes)
SELECT p.created_at, 'school_user', '1', 'A school user', 'register_ect', '', '', 'created', 'participants.Participant',
       p.id::text, ARRAY[p.id],
       jsonb_build_object('full_name', jsonb_build_array(NULL, p.full_name), 'trn', jsonb_build_array(NULL, p.trn),
                          'date_of_birth', jsonb_build_array(NULL, p.date_of_birth))
  FROM participants_participant p;
INSERT INTO core_auditevent (occurred_at, actor_kind, actor_id, actor_label, action, reason, ticket, event, model,
                             object_id, participant_ids, changes)
SELECT sp.created_at, 'school_user', '1', 'A school user', 'register_ect', '', '', 'created',
       'participants.SchoolPeriod', sp.id::text, ARRAY[sp.participant_id],
       jsonb_build_object('email', jsonb_build_array(NULL, sp.email), 'started_on', jsonb_build_array(NULL, sp.started_on))
  FROM participants_schoolperiod sp;
INSERT INTO core_auditevent (occurred_at, actor_kind, actor_id, actor_label, action, reason, ticket, event, model,
                             object_id, participant_ids, changes)
SELECT tp.created_at, 'school_user', '1', 'A school user', 'register_ect', '', '', 'created',
       'participants.TrainingPeriod', tp.id::text, ARRAY[sp.participant_id],
       jsonb_build_object('started_on', jsonb_build_array(NULL, tp.started_on))
  FROM participants_trainingperiod tp JOIN participants_schoolperiod sp ON sp.id = tp.school_period_id;
INSERT INTO core_auditevent (occurred_at, actor_kind, actor_id, actor_label, action, reason, ticket, event, model,
                             object_id, participant_ids, changes)
SELECT now() - ((g * 29 + e.id % 29) || ' days')::interval, 'system', 'system', 'System', 'record_daily_statuses',
       '', '', 'updated', 'participants.ProviderEnrolment', e.id::text, ARRAY[e.participant_id],
       jsonb_build_object('recorded_status', jsonb_build_array('joining', 'active'))
  FROM participants_providerenrolment e CROSS JOIN generate_series(1, 25) g;
INSERT INTO core_auditevent (occurred_at, actor_kind, actor_id, actor_label, action, reason, ticket, event, model,
                             object_id, participant_ids, changes)
SELECT now() - (g || ' hours')::interval, 'support_user', '1', 'Support', 'delete_participant', 'Never started', '',
       'deleted', 'participants.Participant', (100000000 + g)::text, ARRAY[100000000 + g]::bigint[],
       jsonb_build_object('full_name', jsonb_build_array('(removed)', NULL), 'api_id',
                          jsonb_build_array(gen_random_uuid()::text, NULL))
  FROM generate_series(1, {deleted}) g;
"""


def _manage(*args, role="manage", timeout=1800):
    returncode, out, err = manage(*args, database=processes.database_url(DATABASE), role=role, timeout=timeout)
    assert returncode == 0, f"manage.py {' '.join(args)} exited with {returncode}:\n{out[-3000:]}\n{err[-3000:]}"
    return out


def _seeded(db) -> bool:
    try:
        row = db.execute("SELECT participants, recipe FROM migration_load_seeded").fetchone()
    except psycopg.errors.UndefinedTable:
        return False
    if row != (PARTICIPANTS, RECIPE):
        return False
    provider = _busiest_provider(db)
    today = clock.today()
    declarable = db.execute(DECLARABLE_SQL, {"lp": provider, "today": today, "n": 1000}).fetchall()
    return len(declarable) >= WRITERS * CYCLES_PER_WRITER


def _busiest_provider(db) -> int:
    return db.execute(
        "SELECT lead_provider_id FROM participants_providerlisting GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()[0]


@contextmanager
def _only_run(admin):
    """One run at a time per kept database on this server, waiting a bounded time for another to finish."""
    key = f"migration-load:{DATABASE}"
    deadline = time.monotonic() + 1800
    while not admin.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [key]).fetchone()[0]:
        if time.monotonic() > deadline:
            pytest.fail(f"another run kept {DATABASE} busy for 30 minutes; set MIGRATION_LOAD_DATABASE to use another")
        time.sleep(2)
    try:
        yield
    finally:
        admin.execute("SELECT pg_advisory_unlock(hashtext(%s))", [key])


@pytest.fixture(scope="module")
def load_database(django_db_blocker):
    """The kept database, seeded and migrated to the latest migrations; (seconds spent seeding, or 0)."""
    with django_db_blocker.unblock():
        server = processes.database_url("postgres")
    with psycopg.connect(server, autocommit=True) as admin, _only_run(admin):
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone()
        if exists:
            with psycopg.connect(processes.database_url(DATABASE), autocommit=True) as db:
                if not _seeded(db):
                    exists = None
            if not exists:
                admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        seeding = 0.0
        if not exists:
            started = time.monotonic()
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
            _manage("migrate", role="migrate")
            _manage("seed_demo", "--participants", str(PARTICIPANTS), "--seed", "1")
            with psycopg.connect(processes.database_url(DATABASE), autocommit=True) as db:
                db.execute(AUDIT_HISTORY.format(deleted=max(100, PARTICIPANTS // 50)))
                db.execute("VACUUM ANALYZE")
                db.execute("CREATE TABLE migration_load_seeded (participants int, recipe int)")
                db.execute("INSERT INTO migration_load_seeded VALUES (%s, %s)", [PARTICIPANTS, RECIPE])
            seeding = time.monotonic() - started
        _manage("migrate", role="migrate")
        yield seeding


# --- the API under load ------------------------------------------------------------------------------------------


@dataclass
class Request:
    kind: str
    started: float
    seconds: float
    status: int
    detail: str = ""


@contextmanager
def _gunicorn(log: Path):
    """gunicorn as the web role runs it (gunicorn.conf.py), on the kept database; yields its base URL."""
    env = processes.app_environment(DATABASE_URL=processes.database_url(DATABASE), API_RATE_LIMIT=str(10**9))
    with processes.gunicorn(env, workers=WRITERS + READERS, log=log) as base:
        yield base


class Load:
    """Threads calling the API as providers do until stopped; every request is recorded."""

    def __init__(self, base: str, token: str, *, reads, writes):
        self.base, self.token = base, token
        self.requests: list[Request] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._reader, args=(n, reads)) for n in range(READERS)]
        self._threads += [threading.Thread(target=self._writer, args=(work,)) for work in writes]

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in self._threads), "a load thread did not stop"

    def call(self, kind, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        started = time.monotonic()
        detail, payload = "", None
        try:
            # Far above any limit inside the app, so that a hang is recorded rather than waited for.
            with urllib.request.urlopen(request, timeout=60) as response:
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, detail = error.code, error.read()[:300].decode(errors="replace")
        except (OSError, http.client.HTTPException) as error:
            status, detail = 0, repr(error)
        seconds = time.monotonic() - started
        with self._lock:
            self.requests.append(Request(kind, started, seconds, status, detail))
        return status, payload

    def _reader(self, n, reads):
        chooser = random.Random(n)
        with self._recording_a_crash():
            while not self._stop.is_set():
                kind, params, pages = reads[n % len(reads)]
                page = chooser.randint(1, pages)
                self.call(kind, "GET", f"/api/v3/participants?page[per_page]=100&page[page]={page}{params}")

    def _writer(self, work):
        with self._recording_a_crash():
            while not self._stop.is_set():
                for step in work:
                    if self._stop.is_set():
                        return
                    step(self)

    @contextmanager
    def _recording_a_crash(self):
        # A thread that dies would only make the load lighter; recorded, it fails the test.
        try:
            yield
        except Exception as error:
            with self._lock:
                self.requests.append(Request("load thread", time.monotonic(), 0.0, -1, repr(error)))


def _declare_and_void(api_id, day):
    body = declaration_body(api_id, day)

    def step(load):
        status, payload = load.call("declaration POST", "POST", "/api/v3/participant-declarations", body)
        if status == 200:
            declaration = json.loads(payload)["data"]["id"]
            load.call("declaration void", "PUT", f"/api/v3/participant-declarations/{declaration}/void")

    return step


def _defer(api_ids):
    remaining = list(api_ids)

    def step(load):
        if remaining:
            load.call("defer", "PUT", f"/api/v3/participants/{remaining.pop()}/defer", DEFER_BODY)

    return step


def _summary(requests, phases):
    lines = []
    for phase, (start, end) in phases.items():
        inside = [r for r in requests if start <= r.started < end]
        for kind in sorted({r.kind for r in inside}):
            times = sorted(r.seconds for r in inside if r.kind == kind)
            lines.append(
                f"{phase:>6} {kind:<28} {len(times):>5} requests, median {statistics.median(times) * 1000:6.0f} ms,"
                f" p95 {times[int(0.95 * (len(times) - 1))] * 1000:6.0f} ms, max {times[-1] * 1000:6.0f} ms"
            )
    return "\n".join(lines)


def _post_baseline(loader) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The migrations after the baseline, and for each of their apps the baseline migration to go back to."""
    new = sorted(key for key in policy.project_migrations(loader) if key not in policy.BASELINE)
    targets = {}
    for app in {app for app, _ in new}:
        kept = sorted(name for (label, name) in policy.BASELINE if label == app)
        targets[app] = kept[-1] if kept else "zero"
    return new, targets


def test_the_latest_migrations_apply_to_100000_participants_while_the_api_reads_and_writes_and_no_request_waits_longer_than_the_lock_timeout(
    load_database, tmp_path
):
    new, targets = _post_baseline(MigrationLoader(connection))
    assert new, "no migration after the baseline to apply"
    for app, target in sorted(targets.items()):
        _manage("migrate", app, target, role="migrate")

    today = clock.today()
    with psycopg.connect(processes.database_url(DATABASE), autocommit=True) as db:
        provider = _busiest_provider(db)
        name = db.execute("SELECT name FROM schools_leadprovider WHERE id = %s", [provider]).fetchone()[0]
        visible = db.execute(
            "SELECT count(*) FROM participants_providerlisting WHERE lead_provider_id = %s", [provider]
        ).fetchone()[0]
        since, since_count = db.execute(
            "SELECT min(api_updated_at), count(*) FROM (SELECT api_updated_at FROM participants_providerlisting"
            " WHERE lead_provider_id = %s ORDER BY api_updated_at DESC LIMIT %s) recent",
            [provider, max(1, visible // 2)],
        ).fetchone()
        declarable = db.execute(DECLARABLE_SQL, {"lp": provider, "today": today, "n": WRITERS * CYCLES_PER_WRITER})
        declarable = declarable.fetchall()
        deferrable = [row[0] for row in db.execute(DEFERRABLE_SQL, {"lp": provider, "today": today, "n": 200})]
    token = _manage("create_api_token", name, "--description", "migration load test").strip().splitlines()[-1]
    reads = [
        ("participants", "", max(1, visible // 100)),
        (
            "participants updated_since",
            f"&filter[updated_since]={urllib.parse.quote(since.isoformat())}",
            max(1, since_count // 100),
        ),
    ]
    writes = []
    for n in range(WRITERS):
        defer = _defer(deferrable[n::WRITERS])
        writes.append(
            [step for api_id, day in declarable[n::WRITERS] for step in (_declare_and_void(api_id, day), defer)]
        )

    with _gunicorn(tmp_path / "gunicorn.log") as base, Load(base, token, reads=reads, writes=writes) as load:
        before = time.monotonic()
        time.sleep(3)
        migrating = time.monotonic()
        returncode, out, err = manage(
            "migrate", "-v", "2", database=processes.database_url(DATABASE), role="migrate", timeout=3600
        )
        migrated = time.monotonic()
        time.sleep(2)
        after = time.monotonic()

    phases = {"before": (before, migrating), "during": (migrating, migrated), "after": (migrated, after)}
    summary = (
        f"{PARTICIPANTS:,} participants (seeded this run in {load_database:.0f} s)"
        if load_database
        else f"{PARTICIPANTS:,} participants (kept database)"
    )
    applying = "\n".join(line for line in out.splitlines() if "Applying" in line)
    summary += f"; migrate took {migrated - migrating:.1f} s:\n{applying}\n{_summary(load.requests, phases)}"
    print(summary)
    assert returncode == 0, f"migrate failed:\n{out}\n{err}"
    with psycopg.connect(processes.database_url(DATABASE)) as db:
        applied = set(db.execute("SELECT app, name FROM django_migrations").fetchall())
        invalid = db.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid"
        )
        invalid = invalid.fetchall()
    assert set(new) <= applied
    assert invalid == []
    during = [r for r in load.requests if migrating <= r.started < migrated]
    assert len([r for r in during if r.kind.startswith("participants")]) >= 5, summary
    assert len([r for r in during if not r.kind.startswith("participants")]) >= 5, summary
    failed = [r for r in load.requests if r.status != 200]
    assert not failed, f"{len(failed)} requests failed, e.g. {failed[:3]}\n{summary}"
    slowest = max(load.requests, key=lambda r: r.seconds)
    assert slowest.seconds <= settings.MIGRATE_LOCK_TIMEOUT + MARGIN_SECONDS, f"{slowest}\n{summary}"


# --- the lookups the new indexes serve ---------------------------------------------------------------------------


def _audit_scans(statement: str) -> list[str]:
    """How EXPLAIN on the kept database reads core_auditevent for `statement`: one entry per scan of it or its indexes."""
    with psycopg.connect(processes.database_url(DATABASE)) as db:
        indexes = {name for (name,) in db.execute(AUDIT_INDEXES)}
        [[plan]] = db.execute(f"EXPLAIN (FORMAT JSON) {statement}").fetchall()
    scans, nodes = [], [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        nodes.extend(node.get("Plans", []))
        if node.get("Relation Name") == "core_auditevent" or node.get("Index Name") in indexes:
            scans.append(f"{node['Node Type']} {node.get('Index Name', '')}".strip())
    return scans


AUDIT_INDEXES = "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'core_auditevent'::regclass"


def _audit_reads(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if "core_auditevent" in query["sql"] and query["sql"].lstrip().upper().startswith(("SELECT", "UPDATE"))
    ]


def test_tombstone_and_audit_lookups_read_the_new_indexes_on_a_realistic_audit_table(load_database, lead_provider):
    from config.admin import AuditEventAdmin
    from training.support import deletion

    _manage("migrate", role="migrate")
    moment = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
    with clock.travel_to(moment):
        participant, _training = trained_participant(lead_provider, started_on=dt.date(2026, 4, 20))
        with CaptureQueriesContext(connection) as deleting:
            deletion.delete_participant(participant=participant, now=moment)
    with CaptureQueriesContext(connection) as finding:
        deletion.tombstone(participant.api_id)
        search = AuditEventAdmin(AuditEvent, admin.site)
        request = RequestFactory().get("/admin/core/auditevent/")
        for term in (str(uuid.uuid4()), str(participant.pk)):
            list(search.get_search_results(request, AuditEvent.objects.order_by("-occurred_at", "-id"), term)[0][:100])

    statements = _audit_reads(deleting.captured_queries) + _audit_reads(finding.captured_queries)
    assert len(statements) >= 5, statements
    plans = {statement: _audit_scans(statement) for statement in statements}
    whole_table = {statement: scans for statement, scans in plans.items() if any("Seq Scan" in s for s in scans)}
    assert not whole_table, "\n".join(f"{scans}: {statement[:300]}" for statement, scans in whole_table.items())
    used = {scan.split(" ")[-1] for scans in plans.values() for scan in scans}
    assert {"audit_tombstone_api_id", "audit_object_id"} <= used, plans
