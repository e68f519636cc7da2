"""The health probe of a Celery worker or beat, run inside its container by the platform:

    python -m config.process_health worker
    python -m config.process_health beat

It prints one line and exits 0 (alive) or 1 (restart me). It reads the process's heartbeat file
(config/heartbeats.py) and asks the broker for a PING, each wait bounded by PROCESS_HEALTH_TIMEOUT_SECONDS:

- heartbeat fresh: alive.
- heartbeat stale or missing while the broker answers: the process is hung, stopped, or has lost the broker
  that everyone else can reach, so a restart helps: exit 1.
- heartbeat stale or missing while the broker does not answer either: Redis is down or unreachable, which a
  restart cannot fix; restarting every worker would only add a storm of reconnections and, on platforms that
  back off between restarts, delay recovery once Redis is back. Exit 0 with "degraded": the worker and beat
  reconnect by themselves. /readyz reports Redis as degraded meanwhile.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass

import redis
from django.conf import settings

from config import heartbeats

_WORK = {"worker": "not consuming", "beat": "not ticking"}


@dataclass(frozen=True)
class Verdict:
    alive: bool
    line: str


def assess(role: str, *, heartbeat_age: float | None, broker_answers: bool, stale_after: float) -> Verdict:
    """The rule above, from what the probe saw (heartbeat_age None: no heartbeat file)."""
    if heartbeat_age is not None and heartbeat_age <= stale_after:
        broker = "the broker answers" if broker_answers else "the broker did not answer this probe"
        return Verdict(True, f"{role} ok: heartbeat {heartbeat_age:.0f}s old; {broker}")
    seen = (
        "no heartbeat yet"
        if heartbeat_age is None
        else f"heartbeat {heartbeat_age:.0f}s old (limit {stale_after:.0f}s)"
    )
    if not broker_answers:
        return Verdict(
            True,
            f"{role} degraded: {seen} and the broker (Redis) does not answer: "
            "an outage a restart cannot fix; the process reconnects when Redis is back",
        )
    return Verdict(False, f"{role} unhealthy: {seen} while the broker answers: hung, stopped or {_WORK[role]}")


def heartbeat_age(role: str, *, now: float) -> float | None:
    try:
        return max(0.0, now - heartbeats.path(role).stat().st_mtime)
    except FileNotFoundError:
        return None


def broker_answers() -> bool:
    timeout = settings.PROCESS_HEALTH_TIMEOUT_SECONDS
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def probe(role: str) -> Verdict:
    return assess(
        role,
        heartbeat_age=heartbeat_age(role, now=time.time()),
        broker_answers=broker_answers(),
        stale_after=settings.PROCESS_HEARTBEAT_STALE_SECONDS,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m config.process_health", description=__doc__.splitlines()[0])
    parser.add_argument("role", choices=heartbeats.ROLES)
    role = parser.parse_args(argv).role
    try:
        verdict = probe(role)
    except Exception as exc:  # the probe's own failure is still one line and a clear answer
        verdict = Verdict(False, f"{role} unhealthy: the probe failed ({type(exc).__name__})")
    print(verdict.line, flush=True)
    return 0 if verdict.alive else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
