"""Redis for work on the request path: the API rate limit and the portal's sign-in lock-out.

Both fail open, so a Redis that is down, or that accepts connections and never answers, must cost
requests as little as possible. Calls have short socket timeouts (REDIS_SOCKET_TIMEOUT) and are not
retried; after Redis fails to answer, it is left alone for REDIS_BREAKER_SECONDS, so the requests in
between skip it without touching the network, and the failure is logged once per such pause.

/readyz keeps its own client: it must report Redis as it is now, not as this pause remembers it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from time import monotonic
from typing import TypeVar

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Redis did not answer. Any other RedisError (a script error, a wrong type) is an answer, so it does not pause.
_NO_ANSWER = (redis.ConnectionError, redis.TimeoutError)


class RedisPaused(redis.ConnectionError):
    """Redis failed to answer a moment ago and is not being tried until the pause ends."""


class _Breaker:
    def __init__(self, url: str, timeout: float):
        # No retries: each one would cost the caller another timeout.
        self.client = redis.Redis.from_url(
            url, socket_connect_timeout=timeout, socket_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )
        self.paused_until = 0.0
        self.failing = False
        self.lock = threading.Lock()


_breakers: dict[tuple[str, float], _Breaker] = {}
_breakers_lock = threading.Lock()


def _breaker() -> _Breaker:
    # Keyed by the settings it was built from, so a different REDIS_URL (as in tests) gets its own client and pause.
    key = (settings.REDIS_URL, float(settings.REDIS_SOCKET_TIMEOUT))
    breaker = _breakers.get(key)
    if breaker is None:
        with _breakers_lock:
            breaker = _breakers.get(key)
            if breaker is None:
                breaker = _breakers[key] = _Breaker(*key)
    return breaker


def call(purpose: str, operation: Callable[[redis.Redis], T]) -> T:
    """`operation(client)`'s result, or a redis.RedisError (RedisPaused at once while Redis is paused).

    `purpose` names the caller in the log, e.g. "the API rate limit".
    """
    breaker = _breaker()
    if monotonic() < breaker.paused_until:
        raise RedisPaused("Redis failed to answer recently; not trying it yet")
    try:
        result = operation(breaker.client)
    except _NO_ANSWER:
        pause = float(settings.REDIS_BREAKER_SECONDS)
        with breaker.lock:
            # Threads that failed on the same outage at the same time log it only once between them.
            first = monotonic() >= breaker.paused_until
            breaker.paused_until = max(breaker.paused_until, monotonic() + pause)
            breaker.failing = True
        if first:
            logger.error("Redis did not answer (%s); not trying it for %g seconds", purpose, pause, exc_info=True)
        raise
    except redis.RedisError:
        logger.error("Redis refused a command (%s)", purpose, exc_info=True)
        raise
    if breaker.failing:
        breaker.failing = False
        logger.warning("Redis is answering again (%s)", purpose)
    return result


def forget_clients() -> None:
    """Drop every client and pause, as a new process starts with none (for tests)."""
    with _breakers_lock:
        _breakers.clear()
