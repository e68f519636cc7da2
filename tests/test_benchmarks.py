"""The benchmark scripts behind `make bench` still run and print their figures, at a small size.

No timing is asserted: the figures depend on the machine. Each script makes and drops its own database.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def run_script(name, *args):
    """(output, pid) of the script run to completion with this process's DATABASE_URL and REDIS_URL."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / name), *args],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # A limit only so that a hung script fails rather than hangs the suite; no timing is asserted.
        output, errors = process.communicate(timeout=600)
    finally:
        process.kill()
    assert process.returncode == 0, f"{name} exited with {process.returncode}:\n{output}\n{errors}"
    return output, process.pid


def figure(pattern, output):
    match = re.search(pattern, output, re.MULTILINE)
    assert match, f"no line matching {pattern!r} in:\n{output}"
    return match.groups()


def database_exists(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def test_participants_benchmark_prints_its_figures():
    output, pid = run_script("bench_participants.py", "--participants", "300", "--rounds", "3", "--throwaway")

    assert figure(r"^seeded ([\d,]+) participants", output) == ("300",)
    (visible,) = figure(r"^lead provider: .+, visible participants: ([\d,]+)$", output)
    for per_page in (100, 3000):
        median, p95 = figure(rf"^per_page={per_page}: median (\d+) ms, p95 (\d+) ms \(3 requests\)$", output)
        assert int(median) <= int(p95)
    for label in ("", r" updated_since \(matching [\d,]+\)"):
        for page in ("page 1", r"last page \([\d,]+\)"):
            median, p95 = figure(rf"^per_page=100{label} {page}: median (\d+) ms, p95 (\d+) ms \(3 requests;", output)
            assert int(median) <= int(p95)
    for write in ("defer", "declaration POST"):
        figure(rf"^{write}: (median \d+ ms, p95 \d+ ms|no participant to time it on)", output)
    paged = figure(r"^paged through ([\d,]+) participants at per_page=3000 in [\d.]+ s \(1 requests;", output)
    assert paged == (visible,)
    # Otherwise the floor is not the same work, and the ratio means nothing.
    assert figure(r"^floor payload identical to the served page: (\w+)$", output) == ("True",)
    figure(r"^floor \(one SQL query \+ orjson\) per_page=3000: median (\d+) ms, p95 (\d+) ms$", output)
    (ratio,) = figure(r"^ratio served/floor at per_page=3000: ([\d.]+)x", output)
    assert float(ratio) > 0
    assert not database_exists(f"bench_participants_{pid}")


def test_daily_statuses_benchmark_makes_the_changes_asked_for():
    output, pid = run_script("bench_daily_statuses.py", "--changes", "1000", "--unchanged", "1000")

    assert figure(r"^built ([\d,]+) enrolments \(([\d,]+) change on ", output) == ("2,000", "1,000")
    changes, seconds = figure(r"^nightly run, ([\d,]+) changes in batches of [\d,]+: ([\d.]+)s", output)
    assert changes == "1,000"
    assert float(seconds) >= 0
    assert figure(r"^second run for the same day, (\d+) changes", output) == ("0",)
    assert figure(r"^every-enrolment recheck of ([\d,]+) enrolments, (\d+) changes", output) == ("2,000", "0")
    assert not database_exists(f"bench_daily_statuses_{pid}")
