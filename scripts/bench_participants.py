"""Benchmark GET /api/v3/participants at scale against a hand-written SQL floor.

Seeds 100,000 participants (seed_demo) into a dedicated database, picks the lead provider with
the most visible participants, and prints median/p95 latency for per_page=100 (at the first and the last
page, without and with `updated_since`) and per_page=3000, the time to page through everything, the
provider's declarations, partnerships and unfunded mentors at per_page=100 (first and last page), the
p95 of a defer and of a declaration POST, and the floor: the same page built by one hand-written SQL
query plus orjson. Requests go through the full Django stack in-process (no HTTP server), so the
figures are the application's own cost.

The database (default ecf_participants_bench, on DATABASE_URL's server) is kept and reseeded only
when it holds a different number of participants; --throwaway uses a new one and drops it after.

    make bench
    python scripts/bench_participants.py [--participants N] [--rounds R] [--database NAME | --throwaway]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

BENCH_DB = os.environ.get("BENCH_DATABASE_NAME", "ecf_participants_bench")


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


FLOOR_SQL = """
WITH page AS (
    SELECT p.id, p.api_id, p.full_name, p.trn, p.api_updated_at, p.ect_training_record_id,
           p.mentor_training_record_id, p.ect_eligible_on, p.ect_exempt_on, p.mentor_eligible_on,
           p.mentor_funding_end_date, p.mentor_funding_end_reason, p.ect_payments_frozen_year,
           p.mentor_payments_frozen_year, p.created_at
      FROM participants_providerlisting l
      JOIN participants_participant p ON p.id = l.participant_id
     WHERE l.lead_provider_id = %(lp)s
  ORDER BY l.created_at, l.participant_id
     LIMIT %(limit)s OFFSET %(offset)s
)
SELECT page.*, ind.overall_start, ind.end_date, ind.recent_end,
       e.participant_type, tp.started_on, tp.finished_on, tp.deferred_at, tp.deferral_reason, tp.withdrawn_at,
       tp.withdrawal_reason, sp.email, s.urn, dp.api_id AS dp_api_id, pa.cohort_id, c.uplift_fees,
       sch.identifier, mentor.api_id AS mentor_api_id, fe.pupil_premium_uplift, fe.sparsity_uplift,
       first_sp.created_at AS first_created_at, latest_ect.working_pattern,
       (SELECT json_agg(json_build_array(ic.from_participant_id, ic.to_participant_id, ic.changed_at) ORDER BY ic.changed_at, ic.id)
          FROM participants_participantidchange ic WHERE ic.participant_id = page.id) AS id_changes
  FROM page
  JOIN participants_providerenrolment e ON e.participant_id = page.id AND e.lead_provider_id = %(lp)s
  JOIN participants_trainingperiod tp ON tp.id = e.training_period_id
  JOIN participants_schoolperiod sp ON sp.id = tp.school_period_id
  JOIN schools_partnership pa ON pa.id = tp.partnership_id
  JOIN schools_school s ON s.id = pa.school_id
  JOIN schools_deliverypartner dp ON dp.id = pa.delivery_partner_id
  JOIN schedules_cohort c ON c.year = pa.cohort_id
  JOIN schedules_schedule sch ON sch.id = tp.schedule_id
  LEFT JOIN schools_schoolfundingeligibility fe ON fe.school_id = pa.school_id AND fe.cohort_id = pa.cohort_id
  LEFT JOIN LATERAL (
      SELECT mp.api_id FROM participants_mentorship m
        JOIN participants_schoolperiod msp ON msp.id = m.mentor_school_period_id
        JOIN participants_participant mp ON mp.id = msp.participant_id
       WHERE m.ect_school_period_id = sp.id AND (m.finished_on IS NULL OR m.finished_on >= %(today)s)
    ORDER BY m.started_on, m.id LIMIT 1) mentor ON TRUE
  LEFT JOIN LATERAL (
      SELECT x.created_at FROM participants_schoolperiod x
       WHERE x.participant_id = page.id AND x.participant_type = e.participant_type
    ORDER BY x.started_on, x.id LIMIT 1) first_sp ON TRUE
  LEFT JOIN LATERAL (
      SELECT x.working_pattern FROM participants_schoolperiod x
       WHERE x.participant_id = page.id AND x.participant_type = 'ect'
    ORDER BY x.started_on DESC, x.id DESC LIMIT 1) latest_ect ON TRUE
  LEFT JOIN LATERAL (
      SELECT min(i.started_on) AS overall_start,
             (SELECT i2.finished_on FROM participants_inductionperiod i2 WHERE i2.participant_id = page.id AND i2.outcome IS NOT NULL ORDER BY i2.finished_on DESC LIMIT 1) AS end_date,
             (SELECT i3.finished_on FROM participants_inductionperiod i3 WHERE i3.participant_id = page.id ORDER BY i3.started_on DESC LIMIT 1) AS recent_end
        FROM participants_inductionperiod i WHERE i.participant_id = page.id) ind ON TRUE
 ORDER BY page.created_at, page.id, e.participant_type
"""


def floor_page(cursor, lead_provider_id, *, limit, offset, today):
    """The same payload from one SQL query, shaped in a tight loop, encoded with orjson."""
    import orjson

    from config.api.formatting import format_date, format_datetime
    from participants import status

    cursor.execute(FLOOR_SQL, {"lp": lead_provider_id, "limit": limit, "offset": offset, "today": today})
    columns = [c.name for c in cursor.description]
    documents, current, current_id = [], None, None
    for values in cursor.fetchall():
        r = dict(zip(columns, values, strict=True))
        if r["id"] != current_id:
            current_id = r["id"]
            current = {
                "id": str(r["api_id"]),
                "type": "participant",
                "attributes": {
                    "full_name": r["full_name"] or "Unknown",
                    "teacher_reference_number": r["trn"],
                    "ecf_enrolments": [],
                    "participant_id_changes": [
                        {
                            "from_participant_id": f,
                            "to_participant_id": t,
                            "changed_at": format_datetime(__import__("datetime").datetime.fromisoformat(c)),
                        }
                        for f, t, c in (r["id_changes"] or [])
                    ],
                    "updated_at": format_datetime(r["api_updated_at"]),
                },
            }
            documents.append(current)
        ect = r["participant_type"] == "ect"
        ts = status.training_status(deferred_at=r["deferred_at"], withdrawn_at=r["withdrawn_at"])
        current["attributes"]["ecf_enrolments"].append(
            {
                "training_record_id": str(r["ect_training_record_id"] if ect else r["mentor_training_record_id"]),
                "email": r["email"],
                "mentor_id": str(r["mentor_api_id"]) if ect and r["mentor_api_id"] else None,
                "school_urn": r["urn"],
                "participant_type": r["participant_type"],
                "working_pattern": r["working_pattern"] if ect else None,
                "cohort": str(r["cohort_id"]),
                "training_status": ts,
                "participant_status": status.participant_status(
                    participant_type=r["participant_type"],
                    started_on=r["started_on"],
                    finished_on=r["finished_on"],
                    deferred_at=r["deferred_at"],
                    withdrawn_at=r["withdrawn_at"],
                    induction_end_date=r["end_date"],
                    mentor_funding_end_date=r["mentor_funding_end_date"],
                    today=today,
                ),
                "eligible_for_funding": status.eligible_for_funding(
                    eligible_on=r["ect_eligible_on"] if ect else r["mentor_eligible_on"],
                    ineligible_on=r["ect_exempt_on"] if ect else r["mentor_funding_end_date"],
                ),
                "pupil_premium_uplift": bool(r["uplift_fees"] and r["pupil_premium_uplift"]),
                "sparsity_uplift": bool(r["uplift_fees"] and r["sparsity_uplift"]),
                "schedule_identifier": r["identifier"],
                "delivery_partner_id": str(r["dp_api_id"]),
                "withdrawal": {
                    "reason": r["withdrawal_reason"].replace("_", "-"),
                    "date": format_datetime(r["withdrawn_at"]),
                }
                if ts == "withdrawn"
                else None,
                "deferral": {
                    "reason": r["deferral_reason"].replace("_", "-"),
                    "date": format_datetime(r["deferred_at"]),
                }
                if ts == "deferred"
                else None,
                "created_at": format_datetime(r["first_created_at"]),
                "induction_end_date": format_date(r["end_date"]) if ect else None,
                "most_recent_induction_period_end_date": format_date(r["recent_end"]) if ect else None,
                "overall_induction_start_date": format_date(r["overall_start"]) if ect else None,
                "mentor_funding_end_date": None if ect else format_date(r["mentor_funding_end_date"]),
                "cohort_changed_after_payments_frozen": (
                    r["ect_payments_frozen_year"] if ect else r["mentor_payments_frozen_year"]
                )
                is not None,
                "mentor_ineligible_for_funding_reason": None if ect else r["mentor_funding_end_reason"],
            }
        )
    return orjson.dumps({"data": documents})


# ECTs with this provider whose training has started and is neither deferred nor withdrawn: each can be deferred once.
DEFERRABLE_SQL = """
    SELECT pa.api_id FROM participants_providerenrolment e
      JOIN participants_trainingperiod tp ON tp.id = e.training_period_id
      JOIN participants_participant pa ON pa.id = e.participant_id
     WHERE e.lead_provider_id = %(lp)s AND e.participant_type = 'ect' AND tp.deferred_at IS NULL
       AND tp.withdrawn_at IS NULL AND tp.finished_on IS NULL AND tp.started_on <= %(today)s
     ORDER BY pa.id LIMIT %(n)s
"""

# ECTs with this provider, active, with no declaration yet on their training and a day inside the `started`
# milestone's window: each can declare `started` on that day.
DECLARABLE_SQL = """
    SELECT pa.api_id, GREATEST(m.start_date, tp.started_on) FROM participants_providerenrolment e
      JOIN participants_trainingperiod tp ON tp.id = e.training_period_id
      JOIN participants_participant pa ON pa.id = e.participant_id
      JOIN schedules_milestone m ON m.schedule_id = tp.schedule_id AND m.declaration_type = 'started'
     WHERE e.lead_provider_id = %(lp)s AND e.participant_type = 'ect' AND tp.deferred_at IS NULL
       AND tp.withdrawn_at IS NULL AND tp.started_on <= %(today)s AND m.start_date <= %(today)s
       AND (m.deadline IS NULL OR GREATEST(m.start_date, tp.started_on) <= m.deadline)
       AND NOT EXISTS (SELECT 1 FROM declarations_declaration d WHERE d.training_period_id = tp.id)
     ORDER BY pa.id DESC LIMIT %(n)s
"""

# The body of a defer for a participant DEFERRABLE_SQL finds.
DEFER_BODY = {
    "data": {"type": "participant-defer", "attributes": {"reason": "other", "course_identifier": "ecf-induction"}}
}


def declaration_body(api_id, day) -> dict:
    """The body of a `started` declaration for a participant DECLARABLE_SQL finds, on the day it gives."""
    return {
        "data": {
            "type": "participant-declaration",
            "attributes": {
                "participant_id": str(api_id),
                "declaration_type": "started",
                "declaration_date": f"{day.isoformat()}T10:00:00Z",
                "course_identifier": "ecf-induction",
                "evidence_held": "training-event-attended",
            },
        }
    }


def _time_other_lists(client, *, rounds):
    """The provider's other lists at per_page=100, at the first and the last page, as for participants above."""
    for path in ("/api/v3/participant-declarations", "/api/v3/partnerships", "/api/v3/unfunded-mentors"):
        total, page = 0, 1
        while True:  # counted by paging through, as a provider would
            found = len(client.get(path, {"page[per_page]": "3000", "page[page]": str(page)}).json()["data"])
            total += found
            if found < 3000:
                break
            page += 1
        last = max(1, -(-total // 100))
        for page_label, number in (("page 1", 1), (f"last page ({last:,})", last)):
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                response = client.get(path, {"page[per_page]": "100", "page[page]": str(number)})
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, response.content[:200]
            print(
                f"{path} ({total:,} in all) per_page=100 {page_label}: median {statistics.median(times) * 1000:.0f} ms,"
                f" p95 {percentile(times, 0.95) * 1000:.0f} ms ({rounds} requests; goal p95 <= 40 ms)"
            )


def _time_writes(client, lead_provider, *, rounds, today):
    """p95 of a defer and of a declaration POST, each on a participant that has not had one (a kept database
    keeps them: later runs pick others)."""
    import json

    from django.db import connection

    def timed(method, path, body):
        started = time.perf_counter()
        response = getattr(client, method)(path, json.dumps(body), content_type="application/json")
        return time.perf_counter() - started, response

    with connection.cursor() as cursor:
        cursor.execute(DEFERRABLE_SQL, {"lp": lead_provider.pk, "today": today, "n": rounds})
        deferrable = [row[0] for row in cursor.fetchall()]
        cursor.execute(DECLARABLE_SQL, {"lp": lead_provider.pk, "today": today, "n": rounds})
        declarable = cursor.fetchall()
    for name, attempts in (
        (
            "defer",
            [("put", f"/api/v3/participants/{api_id}/defer", DEFER_BODY) for api_id in deferrable],
        ),
        (
            "declaration POST",
            [("post", "/api/v3/participant-declarations", declaration_body(api_id, day)) for api_id, day in declarable],
        ),
    ):
        times, refused = [], []
        for method, path, body in attempts:
            elapsed, response = timed(method, path, body)
            if response.status_code == 200:
                times.append(elapsed)
            else:
                refused.append(response.status_code)
        if times:
            print(
                f"{name}: median {statistics.median(times) * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} ms"
                f" ({len(times)} requests{f', {len(refused)} refused {sorted(set(refused))}' if refused else ''}; goal p95 <= 50 ms)"
            )
        else:
            print(f"{name}: no participant to time it on ({len(refused)} refused {sorted(set(refused))})")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000, help="participants to seed (default 100,000)")
    parser.add_argument("--rounds", type=int, default=15, help="timed requests per page size (default 15)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--database", default=BENCH_DB, help=f"the kept database to use (default {BENCH_DB})")
    where.add_argument("--throwaway", action="store_true", help="seed a new database and drop it at the end")
    args = parser.parse_args()
    if args.participants < 1 or args.rounds < 1:
        parser.error("--participants and --rounds must be at least 1")

    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ecf_participants")
    admin_url = _with_database(server_url, "postgres")
    name = f"bench_participants_{os.getpid()}" if args.throwaway else args.database
    with psycopg.connect(admin_url, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    os.environ["DATABASE_URL"] = _with_database(server_url, name)
    try:
        _run(args)
    finally:
        if args.throwaway:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _run(args):
    # The process starts as a production worker does (config.wsgi), so it runs in the same state.
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    import config.wsgi  # noqa: F401
    from config import clock
    from demo import generator
    from participants.models import ProviderEnrolment
    from schools import tokens
    from schools.models import ApiToken, LeadProvider

    call_command("migrate", verbosity=0)
    # seed_demo adds merged-away duplicates and the sandbox cases' people on top of the participants asked for.
    if generator.bulk_participants() != args.participants:
        started = time.perf_counter()
        call_command("seed_demo", participants=args.participants, seed=1)
        print(f"seeded {args.participants:,} participants in {time.perf_counter() - started:.1f} s")

    from django.db.models import Count

    busiest = (
        ProviderEnrolment.objects.values("lead_provider")
        .annotate(n=Count("participant", distinct=True))
        .order_by("-n")
        .first()
    )
    lead_provider = LeadProvider.objects.get(pk=busiest["lead_provider"])
    visible = busiest["n"]
    print(f"lead provider: {lead_provider.name}, visible participants: {visible:,}")
    # Only the latest run's token stays live in a kept database, even after interrupted runs.
    ApiToken.objects.filter(description="benchmark").delete()
    token = tokens.issue(lead_provider=lead_provider, description="benchmark", now=clock.now())
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    from django.conf import settings

    settings.API_RATE_LIMIT = 10**9
    today = clock.today()

    def timed_get(params):
        started = time.perf_counter()
        response = client.get("/api/v3/participants", params)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.content[:200]
        return elapsed, response

    timed_get({"page[per_page]": "100"})  # warm up connections and caches
    results = {}
    # per_page=100 at the first and the last page, without and with `updated_since` (half the provider's list).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT api_updated_at FROM participants_providerlisting WHERE lead_provider_id = %s"
            " ORDER BY api_updated_at OFFSET %s LIMIT 1",
            [lead_provider.pk, visible // 2],
        )
        since = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM participants_providerlisting WHERE lead_provider_id = %s AND api_updated_at >= %s",
            [lead_provider.pk, since],
        )
        since_count = cursor.fetchone()[0]
    for label, filters, count in (
        ("", {}, visible),
        (f" updated_since (matching {since_count:,})", {"filter[updated_since]": since.isoformat()}, since_count),
    ):
        last = max(1, -(-count // 100))
        for page_label, page_number in (("page 1", 1), (f"last page ({last:,})", last)):
            times = [
                timed_get({"page[per_page]": "100", "page[page]": str(page_number), **filters})[0]
                for _ in range(args.rounds)
            ]
            print(
                f"per_page=100{label} {page_label}: median {statistics.median(times) * 1000:.0f} ms,"
                f" p95 {percentile(times, 0.95) * 1000:.0f} ms ({args.rounds} requests; goal p95 <= 40 ms)"
            )
    for per_page in (100, 3000):
        pages = max(1, visible // per_page)
        times = [
            timed_get({"page[per_page]": str(per_page), "page[page]": str(1 + (i * 7) % pages)})[0]
            for i in range(args.rounds)
        ]
        results[per_page] = times
        print(
            f"per_page={per_page}: median {statistics.median(times) * 1000:.0f} ms, p95 {percentile(times, 0.95) * 1000:.0f} ms ({args.rounds} requests)"
        )

    started, page, total = time.perf_counter(), 1, 0
    while True:
        _, response = timed_get({"page[per_page]": "3000", "page[page]": str(page)})
        count = len(response.json()["data"])
        total += count
        if count < 3000:
            break
        page += 1
    print(
        f"paged through {total:,} participants at per_page=3000 in {time.perf_counter() - started:.2f} s ({page} requests; goal for ~30,000: <= 6 s)"
    )

    _time_other_lists(client, rounds=args.rounds)
    _time_writes(client, lead_provider, rounds=args.rounds, today=today)

    with connection.cursor() as cursor:
        body = floor_page(cursor, lead_provider.pk, limit=3000, offset=0, today=today)
        served = client.get("/api/v3/participants", {"page[per_page]": "3000"}).content
        import orjson

        same = orjson.loads(body) == orjson.loads(served)
        print(f"floor payload identical to the served page: {same}")
        floor_times = []
        for i in range(args.rounds):
            offset = ((i * 7) % max(1, visible // 3000)) * 3000
            started = time.perf_counter()
            floor_page(cursor, lead_provider.pk, limit=3000, offset=offset, today=today)
            floor_times.append(time.perf_counter() - started)
    floor = statistics.median(floor_times)
    served_median = statistics.median(results[3000])
    print(
        f"floor (one SQL query + orjson) per_page=3000: median {floor * 1000:.0f} ms, p95 {percentile(floor_times, 0.95) * 1000:.0f} ms"
    )
    print(f"ratio served/floor at per_page=3000: {served_median / floor:.2f}x (goal: <= 1.2x)")
    connection.close()


if __name__ == "__main__":
    # Set only when run, so that importing the module (a test reuses its SQL) leaves the environment alone.
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + os.urandom(16).hex())
    # Each request writes an access line (config/observability/access.py); the figures are what this prints.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    main()
