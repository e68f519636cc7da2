"""Benchmark: how long the nightly status job takes to record 100,000 date-driven changes (O1).

Builds a throwaway database next to DATABASE_URL's, bulk-inserts enrolments whose status changes
on one day (half joining -> active, half leaving -> left) alongside enrolments that do not change,
runs the job for that day and prints how long it took. The database is dropped at the end.

    .venv/bin/python scripts/bench_daily_statuses.py [--changes 100000] [--unchanged 100000] [--batch-size 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 3, 10)  # the day the statuses change; any day works
BEFORE = DAY - dt.timedelta(days=1)
EARLIER_START = dt.date(2025, 9, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=100_000, help="enrolments whose status changes on the day")
    parser.add_argument("--unchanged", type=int, default=100_000, help="enrolments whose status stays the same")
    parser.add_argument("--batch-size", type=int, default=None, help="enrolments per transaction (default: the job's)")
    args = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecf_participants")
    name = f"bench_daily_statuses_{os.getpid()}"
    admin_url = _with_database(server_url, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _run(_with_database(server_url, name), args)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _run(database_url: str, args) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-throwaway-database")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from config import clock
    from config.models import AuditEvent
    from participants import daily_statuses
    from participants.models import DailyStatusRun

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with clock.travel_to(clock.start_of_london_day(BEFORE)):
        _build(changes=args.changes, unchanged=args.unchanged)
        # The job ran the night before, so tonight's run looks only at the days since.
        DailyStatusRun.objects.create(day=BEFORE, completed_at=clock.now(), changed=0)
    with connection.cursor() as cursor:
        # As autovacuum leaves the tables by the next night after a bulk load: the job's in-place updates reuse
        # the room that the build's own updates left behind.
        cursor.execute("VACUUM ANALYZE")
    total = args.changes + args.unchanged
    print(f"built {total:,} enrolments ({args.changes:,} change on {DAY}) in {time.perf_counter() - started:.1f}s")

    options = {} if args.batch_size is None else {"batch_size": args.batch_size}
    batch_size = args.batch_size or settings.DAILY_STATUSES_BATCH_SIZE
    nightly = clock.start_of_london_day(DAY) + dt.timedelta(minutes=5)

    elapsed, outcome = _timed(lambda: daily_statuses.record_date_driven_statuses(through=DAY, now=nightly, **options))
    assert outcome.changed == args.changes, f"expected {args.changes} changes, the job made {outcome.changed}"
    # The right number could still be the wrong changes; the audit trail says which ones were made.
    made = {
        tuple(row["changes__recorded_status"]): row["n"]
        for row in AuditEvent.objects.filter(action=daily_statuses.ACTION)
        .values("changes__recorded_status")
        .annotate(n=Count("id"))
    }
    joining = args.changes // 2
    wanted = {("joining", "active"): joining, ("leaving", "left"): args.changes - joining}
    assert made == {move: n for move, n in wanted.items() if n}, f"expected changes {wanted}, the job made {made}"
    print(
        f"nightly run, {outcome.changed:,} changes in batches of {batch_size:,}: {elapsed:.2f}s "
        f"({outcome.changed / elapsed:,.0f} changes/s)"
    )

    elapsed, outcome = _timed(lambda: daily_statuses.record_date_driven_statuses(through=DAY, now=nightly, **options))
    print(f"second run for the same day, {outcome.changed} changes: {elapsed:.3f}s")

    DailyStatusRun.objects.filter(day=DAY).delete()
    elapsed, outcome = _timed(
        lambda: daily_statuses.record_date_driven_statuses(through=DAY, now=nightly, every_enrolment=True, **options)
    )
    print(f"every-enrolment recheck of {total:,} enrolments, {outcome.changed} changes: {elapsed:.2f}s")
    connection.close()


def _timed(run):
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def _build(*, changes: int, unchanged: int) -> None:
    """People and periods straight into the tables (the change listeners would take far longer than the job
    itself), then their enrolments and listings derived as every write derives them."""
    from django.db import connection

    from config import clock
    from participants import enrolments
    from schedules.models import Schedule
    from schools.models import DeliveryPartner, LeadProvider, Partnership, School

    # Plain models rather than tests.factories: factory_boy is a test dependency, and `make bench` need not have it.
    partnership = Partnership.objects.create(
        school=School.objects.create(urn="9999999", name="Benchmark school"),
        lead_provider=LeadProvider.objects.create(name="Benchmark lead provider"),
        delivery_partner=DeliveryPartner.objects.create(name="Benchmark delivery partner"),
        cohort_id=2025,
    )
    schedule = Schedule.objects.get(cohort_id=2025, identifier="ecf-standard-september")
    params = {
        "now": clock.now(),
        "total": changes + unchanged,
        "joining": changes // 2,
        "changes": changes,
        "day": DAY,
        "earlier": EARLIER_START,
        "before": BEFORE,
        "school": partnership.school_id,
        "lead_provider": partnership.lead_provider_id,
        "partnership": partnership.pk,
        "schedule": schedule.pk,
    }
    # Rows 1..joining start on DAY (joining until then); the rest of the changes finish the day
    # before (O1: leaving on the leaving date itself, left from the next day); the remainder started
    # earlier and have no end (active throughout).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO participants_participant
                   (api_id, full_name, ect_training_record_id, mentor_training_record_id, created_at, api_updated_at)
            SELECT gen_random_uuid(), 'Benchmark teacher ' || n, gen_random_uuid(), gen_random_uuid(), %(now)s, %(now)s
              FROM generate_series(1, %(total)s) AS n
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO participants_schoolperiod
                   (participant_id, school_id, participant_type, working_pattern, created_at, started_on, finished_on)
            SELECT p.id, %(school)s, 'ect', 'full_time', %(now)s,
                   CASE WHEN p.n <= %(joining)s THEN %(day)s ELSE %(earlier)s END,
                   CASE WHEN p.n > %(joining)s AND p.n <= %(changes)s THEN %(before)s::date END
              FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM participants_participant) AS p
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO participants_trainingperiod
                   (school_period_id, programme_type, lead_provider_id, partnership_id, schedule_id, created_at,
                    started_on, finished_on)
            SELECT sp.id, 'provider_led', %(lead_provider)s, %(partnership)s, %(schedule)s, %(now)s,
                   sp.started_on, sp.finished_on
              FROM participants_schoolperiod sp
            """,
            params,
        )
    # Enrolments and listings as every write derives them, with statuses recorded as of the night before.
    enrolments.refresh(None, today=BEFORE)


if __name__ == "__main__":
    main()
