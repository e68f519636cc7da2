"""A lock-out against password guessing, shared by the school portal's and the admin's sign-in.

Failed sign-ins are counted in Redis per identity (an email, a username, a client address), so every web process
shares the count and an attacker gains nothing by spreading guesses over processes. The count is kept whether or
not the identity belongs to anyone, so the answer never reveals who has an account.

A Redis that is down or silent locks nobody out (shared_redis pauses it, so sign-in costs at most one short timeout
per pause): support staff and schools can still sign in while /readyz reports Redis down.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

import redis
from django.conf import settings

from config import shared_redis


@dataclass(frozen=True)
class Lockout:
    """One kind of count. The limits are read from settings by name, so tests and deployments can change them."""

    purpose: str  # names it in shared_redis's log
    key_prefix_setting: str
    default_key_prefix: str
    max_failures_setting: str
    seconds_setting: str

    def _key(self, identity: str) -> str:
        # Tests give each run its own prefix, since test runs may share one Redis.
        prefix = getattr(settings, self.key_prefix_setting, self.default_key_prefix)
        return prefix + hashlib.sha256(identity.strip().lower().encode()).hexdigest()

    def locked_for_seconds(self, identity: str) -> int:
        """Seconds until this identity may try again; 0 when it is not locked out."""
        key = self._key(identity)
        limit = getattr(settings, self.max_failures_setting)

        def seconds_left(client) -> int:
            failures = int(client.get(key) or 0)
            if failures < limit:
                return 0
            return max(int(client.ttl(key)), 1)

        try:
            return shared_redis.call(self.purpose, seconds_left)
        except redis.RedisError:
            return 0

    def record_failure(self, identity: str) -> None:
        key = self._key(identity)
        limit = getattr(settings, self.max_failures_setting)
        seconds = getattr(settings, self.seconds_setting)

        def count(client) -> None:
            failures = client.incr(key)
            # The window opens with the first failure; reaching the limit starts the full lock-out from now.
            if failures == 1 or failures == limit:
                client.expire(key, seconds)

        with contextlib.suppress(redis.RedisError):  # not counted, then; shared_redis has logged why
            shared_redis.call(self.purpose, count)

    def clear(self, identity: str) -> None:
        key = self._key(identity)
        with contextlib.suppress(redis.RedisError):  # not cleared, then; shared_redis has logged why
            shared_redis.call(self.purpose, lambda client: client.delete(key))


def try_again_in(seconds: int) -> str:
    """'15 minutes', '1 minute': how long a lock-out has left, rounded up to whole minutes."""
    minutes = max(1, -(-seconds // 60))
    return f"{minutes} minute" if minutes == 1 else f"{minutes} minutes"


def client_address(request) -> str:
    """The address of the client that sent this request.

    Behind the TLS-terminating proxy (HTTPS_ONLY) the peer is the proxy, so the client is the last address the proxy
    appended to X-Forwarded-For; earlier entries are the client's own claims and could be anything.
    """
    if settings.HTTPS_ONLY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")
