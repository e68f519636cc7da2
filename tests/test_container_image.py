"""The container image runs every role of the README's deployment (deploy/compose.yaml) on this machine.

`make test` builds the image first (`make image`, scripts/image.sh). This module runs that compose file
with docker-compose, as an operator would, with deploy/compose.localhost.yaml on top (host network, one
replica each) and an environment naming this machine's PostgreSQL (a database of its own, dropped at the
end) and Redis (an empty database number, emptied at the end, so no other worker takes its tasks).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import subprocess
import time
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from django.conf import settings

from config.celery import app, consumed_queues
from tests import processes

pytestmark = pytest.mark.image

ROOT = Path(settings.BASE_DIR)
IMAGE = os.environ.get("IMAGE", "ecf-participants:local")
DOCKER = os.environ.get("DOCKER", "/usr/bin/docker")
COMPOSE_FILES = [ROOT / "deploy" / "compose.yaml", ROOT / "deploy" / "compose.localhost.yaml"]
ROLES = ("web", "worker", "beat")
# Generous: two cores shared by several builds and test runs.
STARTUP_SECONDS = 180
TASK_SECONDS = 180


def _run(command: list[str], *, timeout: float, env: dict | None = None, input: str | None = None):
    try:
        return subprocess.run(
            command, cwd=ROOT, env=env, input=input, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"`{' '.join(command)}` did not finish within {timeout:.0f} s:\n{expired.stdout}\n{expired.stderr}")


def _docker(*args: str, timeout: float = 60, input: str | None = None) -> subprocess.CompletedProcess:
    return _run([DOCKER, *args], timeout=timeout, input=input)


def _image_config() -> dict:
    result = _docker("image", "inspect", IMAGE)
    if result.returncode != 0:
        pytest.fail(f"The image {IMAGE} is missing: build it with `make image` (`make test` does).\n{result.stderr}")
    return json.loads(result.stdout)[0]["Config"]


@dataclass
class Deployment:
    project: str
    env: dict
    database_conninfo: dict
    base_url: str
    compose_command: list[str] = field(default_factory=list)
    web_metrics_url: str = ""
    worker_metrics_url: str = ""

    def compose(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return _run([*self.compose_command, *args], timeout=timeout, env=self.env)

    def manage(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        """A one-off command in its own container, as the README's deployment runs one."""
        result = self.compose("run", "--rm", "-T", "--no-deps", "manage", *args, timeout=timeout)
        assert result.returncode == 0, f"manage {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result

    def logs(self, *services: str) -> str:
        return self.compose("logs", "--no-color", "--tail", "80", *services, timeout=60).stdout

    def containers(self, service: str) -> list[dict]:
        ids = self.compose("ps", "-q", service, timeout=60).stdout.split()
        return [json.loads(_docker("inspect", container).stdout)[0] for container in ids]

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with psycopg.connect(**self.database_conninfo, connect_timeout=10) as connection:
            return connection.execute(sql, params).fetchall()


def _server(database: dict) -> dict:
    return {
        "host": database["HOST"] or "127.0.0.1",
        "port": int(database["PORT"] or 5432),
        "user": database["USER"] or "postgres",
        "password": database["PASSWORD"] or None,
    }


def _empty_redis_database(url: str) -> str:
    """This Redis with an empty database number above 0 (which `make run` and the suite use), claimed."""
    parts = urlsplit(url)
    for number in range(1, 16):
        candidate = urlunsplit(parts._replace(path=f"/{number}"))
        client = redis.Redis.from_url(candidate, socket_timeout=5)
        # The claim makes it non-empty, so a smoke test running beside this one picks another number.
        if client.dbsize() == 0 and client.set("ecf-image-smoke-test", os.getpid(), nx=True):
            return candidate
    pytest.fail(f"Redis at {parts.hostname}:{parts.port} has no empty database for the smoke test's queues")


@pytest.fixture(scope="module")
def deployment():
    _image_config()
    compose = shutil.which("docker-compose")
    if compose is None:
        pytest.fail("docker-compose is missing: `make test` installs it (scripts/system_packages.sh test)")

    server = _server(settings.DATABASES["default"])
    name = f"ecf_image_smoke_{os.getpid()}"
    with psycopg.connect(**server, dbname="postgres", autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    redis_url = _empty_redis_database(settings.REDIS_URL)
    port, web_metrics, worker_metrics = processes.free_port(), processes.free_port(), processes.free_port()
    env = {
        **os.environ,
        # What an operator provides (README "Deploying"); the image records COMMIT_SHA itself.
        "IMAGE": IMAGE,
        "DATABASE_URL": processes.database_url(name, settings_dict=settings.DATABASES["default"]),
        "REDIS_URL": redis_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "ENVIRONMENT": "smoke-test",
        "HTTPS_ONLY": "0",
        "SANDBOX": "0",
        "LOG_LEVEL": "INFO",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "WEB_METRICS_PORT": str(web_metrics),
        "WORKER_METRICS_PORT": str(worker_metrics),
    }
    project = f"ecfsmoke{os.getpid()}"
    files = [argument for path in COMPOSE_FILES for argument in ("-f", str(path))]
    deployed = Deployment(
        project=project,
        env=env,
        database_conninfo={**server, "dbname": name},
        base_url=f"http://127.0.0.1:{port}",
        compose_command=[compose, "--project-name", project, *files],
        web_metrics_url=f"http://127.0.0.1:{web_metrics}/metrics",
        worker_metrics_url=f"http://127.0.0.1:{worker_metrics}/metrics",
    )
    try:
        # As a release: migrate runs to completion first, then web, worker and beat start.
        started = deployed.compose("up", "--detach", timeout=600)
        assert started.returncode == 0, f"compose up failed:\n{started.stderr}\n{deployed.logs()}"
        _wait_until_ready(deployed)
        yield deployed
    finally:
        deployed.compose("down", "--timeout", "20", "--remove-orphans", timeout=180)
        with psycopg.connect(**server, dbname="postgres", autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        redis.Redis.from_url(redis_url, socket_timeout=5).flushdb()


def _wait_until_ready(deployed: Deployment) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        for role in ROLES:
            for container in deployed.containers(role):
                if container["State"]["Status"] != "running" or container["RestartCount"]:
                    pytest.fail(f"{role} is {container['State']['Status']} while starting:\n{deployed.logs(role)}")
        try:
            if processes.http_get(deployed.base_url + "/readyz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(1)
    pytest.fail(f"/readyz did not answer 200 within {STARTUP_SECONDS} s:\n{deployed.logs('web')}")


@pytest.fixture(scope="module")
def provider_token(deployment):
    """A little demo data and a new token for one of its lead providers, each made by a one-off container."""
    deployment.manage("seed_demo", "--participants", "50", timeout=600)
    output = deployment.manage("create_api_token", "Teach First").stdout
    return output.strip().splitlines()[-1]


def _moment(docker_time: str) -> dt.datetime:
    """Docker's RFC 3339 times carry nanoseconds; Python reads microseconds."""
    return dt.datetime.fromisoformat(re.sub(r"(\.\d{6})\d*", r"\1", docker_time).replace("Z", "+00:00"))


def test_migrate_runs_to_completion_before_web_worker_and_beat_start_and_each_role_runs_once(deployment):
    (migrate,) = deployment.containers("migrate")
    assert (migrate["State"]["Status"], migrate["State"]["ExitCode"]) == ("exited", 0)
    for role in ROLES:
        containers = deployment.containers(role)
        assert [c["State"]["Status"] for c in containers] == ["running"], role
        assert _moment(containers[0]["State"]["StartedAt"]) > _moment(migrate["State"]["FinishedAt"]), role


def test_liveness_and_readiness_report_the_commit_recorded_in_the_image(deployment):
    config = _image_config()
    recorded = config["Labels"]["org.opencontainers.image.revision"]
    assert f"COMMIT_SHA={recorded}" in config["Env"]
    assert re.fullmatch(r"[0-9a-f]{40}|unknown", recorded), recorded

    status, _, body = processes.http_get(deployment.base_url + "/livez")
    assert (status, json.loads(body)) == (200, {"status": "ok", "commit": recorded})
    status, _, body = processes.http_get(deployment.base_url + "/readyz")
    assert (status, json.loads(body)) == (
        200,
        {"status": "ok", "commit": recorded, "checks": {"database": "ok", "redis": "ok"}},
    )


def test_a_portal_page_links_a_stylesheet_built_and_collected_inside_the_image(deployment):
    status, _, body = processes.http_get(deployment.base_url + "/school/sign-in/")
    assert status == 200
    stylesheets = re.findall(r'<link\b[^>]*\bhref="(/static/portal/[^"]+\.css)"', body.decode())
    assert len(stylesheets) == 1, stylesheets
    # Content-hashed: collectstatic's manifest, made in the image, names it.
    assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheets[0]), stylesheets
    status, headers, css = processes.http_get(deployment.base_url + stylesheets[0])
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert b".govuk-header" in css


def test_a_lead_provider_reads_its_participants_with_a_token_made_by_a_one_off_command(deployment, provider_token):
    status, _, body = processes.http_get(
        deployment.base_url + "/api/v3/participants?page[per_page]=5", Authorization=f"Bearer {provider_token}"
    )
    assert status == 200, body[:500]
    participants = json.loads(body)["data"]
    assert participants
    assert {participant["type"] for participant in participants} == {"participant"}

    status, _, body = processes.http_get(
        deployment.base_url + "/api/v3/participants", Authorization="Bearer not-a-token"
    )
    assert status == 401
    assert json.loads(body) == {"error": "HTTP Token: Access denied"}


def test_a_queue_added_to_the_routes_or_the_schedule_is_consumed_without_other_changes(monkeypatch):
    monkeypatch.setitem(app.conf, "task_routes", {**app.conf.task_routes, "some.task": {"queue": "routed"}})
    schedule = {**app.conf.beat_schedule, "some-entry": {"task": "some.task", "options": {"queue": "scheduled"}}}
    monkeypatch.setitem(app.conf, "beat_schedule", schedule)

    assert {"default", "statuses", "routed", "scheduled"} <= set(consumed_queues())


def test_the_worker_consumes_every_queue_the_app_routes_to(deployment):
    (worker,) = deployment.containers("worker")
    # Asked through the broker, as an operator would; the deployment has a Redis database of its own.
    asked = _docker(
        "exec", worker["Id"], "celery", "--app", "config", "inspect", "active_queues", "--json", "--timeout", "10"
    )
    assert asked.returncode == 0, (asked.stdout, asked.stderr)
    (queues,) = json.loads(asked.stdout.strip().splitlines()[-1]).values()
    assert sorted(queue["name"] for queue in queues) == consumed_queues()


def test_a_task_sent_from_a_one_off_container_is_run_by_the_worker_container(deployment, provider_token):
    # provider_token: the demo data is seeded, so the run has enrolments to check.
    day = dt.datetime.now(zoneinfo.ZoneInfo("Europe/London")).date()
    assert deployment.query("SELECT day FROM participants_dailystatusrun") == []
    sent = deployment.manage(
        "shell",
        "-c",
        "from participants.tasks import record_date_driven_statuses as task; "
        f"task.apply_async(kwargs={{'through': '{day.isoformat()}'}})",
    )

    deadline = time.monotonic() + TASK_SECONDS
    while not deployment.query("SELECT day FROM participants_dailystatusrun WHERE day = %s", (day,)):
        if time.monotonic() > deadline:
            pytest.fail(f"No DailyStatusRun for {day} within {TASK_SECONDS} s:\n{sent.stderr}\n{deployment.logs()}")
        time.sleep(1)


def _metric(exposition: str, name: str, **labels: str) -> float | None:
    """One sample's value from a Prometheus text exposition, or None."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in exposition.splitlines():
        sample, _, value = line.rpartition(" ")
        if sample == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    return None


def test_web_metrics_count_the_api_requests_on_their_own_port_and_not_on_the_apps(deployment, provider_token):
    for _ in range(3):
        processes.http_get(deployment.base_url + "/api/v3/participants", Authorization=f"Bearer {provider_token}")

    status, _, body = processes.http_get(deployment.web_metrics_url)

    assert status == 200
    served = _metric(
        body.decode(),
        "ecf_http_requests_total",
        method="GET",
        provider="Teach First",
        route="/api/v3/participants",
        status="200",
    )
    assert served is not None and served >= 3, body.decode()
    assert processes.http_get(deployment.base_url + "/metrics")[0] == 404


def test_worker_metrics_count_task_outcomes_and_the_last_completed_day(deployment):
    status, _, body = processes.http_get(deployment.worker_metrics_url)

    assert status == 200
    exposition = body.decode()
    succeeded = _metric(
        exposition, "ecf_celery_tasks_total", outcome="succeeded", task="participants.tasks.record_date_driven_statuses"
    )
    assert succeeded is not None and succeeded >= 1, exposition
    assert _metric(exposition, "ecf_nightly_statuses_last_completed_day_timestamp_seconds"), exposition


@pytest.mark.parametrize("role", ["web", "worker", "beat"])
def test_every_log_line_of_a_role_is_json(deployment, role):
    for container in deployment.containers(role):
        logs = _docker("logs", container["Id"], timeout=60)
        lines = [line for line in (logs.stdout + logs.stderr).splitlines() if line.strip()]
        assert lines, role
        for line in lines:
            try:
                json.loads(line)
            except ValueError:
                pytest.fail(f"{role} wrote a line that is not JSON: {line!r}")


@pytest.mark.parametrize("role", ["worker", "beat"])
def test_worker_and_beat_answer_their_health_probe_inside_their_containers(deployment, role):
    (container,) = deployment.containers(role)
    assert container["State"]["Status"] == "running"
    # The compose file's own healthcheck command, run as the platform runs it.
    probe = container["Config"]["Healthcheck"]["Test"][1:]
    assert probe == ["python", "-m", "config.process_health", role]
    answer = _docker("exec", container["Id"], *probe)
    assert answer.returncode == 0, (answer.stdout, answer.stderr, deployment.logs(role))


def test_beat_keeps_no_schedule_file(deployment):
    (beat,) = deployment.containers("beat")
    listing = _docker("exec", beat["Id"], "sh", "-c", "ls -a /tmp /app")
    assert "celerybeat-schedule" not in listing.stdout, listing.stdout


def test_migrate_run_again_is_harmless(deployment, provider_token):
    again = deployment.compose("run", "--rm", "-T", "migrate", timeout=300)

    assert again.returncode == 0, again.stderr
    assert "No migrations to apply." in again.stdout
    status, _, _ = processes.http_get(
        deployment.base_url + "/api/v3/participants?page[per_page]=1", Authorization=f"Bearer {provider_token}"
    )
    assert status == 200


def test_every_process_runs_as_the_unprivileged_app_user(deployment):
    assert _image_config()["User"] == "app"
    for role in ROLES:
        (container,) = deployment.containers(role)
        assert _docker("exec", container["Id"], "id", "-u").stdout.strip() == "10001", role


def test_no_role_restarted_during_the_smoke_test(deployment):
    for role in ROLES:
        (container,) = deployment.containers(role)
        assert (container["State"]["Status"], container["RestartCount"]) == ("running", 0), deployment.logs(role)


def test_an_unknown_role_is_refused_by_name():
    _image_config()
    result = _docker("run", "--rm", IMAGE, "wrker")

    assert result.returncode == 64
    assert "Unknown role 'wrker'" in result.stderr


def test_the_image_has_a_pg_dump_for_this_server_and_no_build_tools(deployment):
    server_major = int(deployment.query("SHOW server_version_num")[0][0]) // 10000
    probe = (
        "pg_dump --version; pg_restore --version; for tool in node npm gcc cc make pip pip3; do command -v $tool; done"
    )
    result = _docker("run", "--rm", "--entrypoint", "sh", IMAGE, "-c", probe)

    dump, restore, *build_tools = result.stdout.splitlines()
    assert build_tools == []
    for line, tool in ((dump, "pg_dump"), (restore, "pg_restore")):
        version = re.fullmatch(rf"{tool} \(PostgreSQL\) (\d+)\.\d+.*", line)
        assert version and int(version[1]) >= server_major, (line, server_major)


def _certificates(pem: str) -> set[str]:
    return set(re.findall(r"-----BEGIN CERTIFICATE-----\n(.+?)\n-----END CERTIFICATE-----", pem, re.S))


def test_the_ca_bundle_given_to_the_build_is_in_no_layer_of_the_image():
    _image_config()
    # What the image legitimately holds: Debian's certificates as packaged, and certifi's from PyPI.
    packaged = _docker(
        "run",
        "--rm",
        "--entrypoint",
        "sh",
        IMAGE,
        "-c",
        "cat /usr/share/ca-certificates/mozilla/*.crt /opt/venv/lib/python3*/site-packages/certifi/cacert.pem",
    ).stdout
    packaged_lines = set(packaged.splitlines())
    # The host's bundle (the build secret) holds more on a network with an authority of its own: for each
    # such certificate, a line of it found in no packaged certificate.
    markers = [
        next(line for line in certificate.splitlines() if line not in packaged_lines)
        for certificate in _certificates(Path("/etc/ssl/certs/ca-certificates.crt").read_text())
        if not set(certificate.splitlines()) <= packaged_lines
    ]
    search = "test ! -e /run/secrets/ca_bundle || echo /run/secrets/ca_bundle; "
    if markers:
        search += "grep -rlF -f - / --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev || true"
    result = _docker(
        "run", "--rm", "-i", "--entrypoint", "sh", IMAGE, "-c", search, input="\n".join(markers), timeout=300
    )

    assert result.stdout == "", f"the build's CA bundle ({len(markers)} certificates of its own) found in the image"
