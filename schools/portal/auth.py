"""Signing in to the school portal, with a lock-out against password guessing.

Failed sign-ins are counted per email address in Redis, so every web process shares the count and
an attacker gains nothing by spreading guesses over processes. The count is kept whether or not
the address belongs to anyone, so the answer never reveals who has an account.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

import redis
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model

from config import shared_redis

WRONG_DETAILS = "Enter a correct email address and password"
LOCK_OUT = "the portal sign-in lock-out"


def _key(email: str) -> str:
    # Tests give each run its own prefix, since test runs may share one Redis.
    prefix = getattr(settings, "PORTAL_SIGN_IN_KEY_PREFIX", "portal:sign-in-failures:")
    return prefix + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def locked_for_seconds(email: str) -> int:
    """Seconds until this email may try again; 0 when it is not locked out."""
    key = _key(email)

    def seconds_left(client) -> int:
        failures = int(client.get(key) or 0)
        if failures < settings.PORTAL_SIGN_IN_MAX_FAILURES:
            return 0
        return max(int(client.ttl(key)), 1)

    try:
        return shared_redis.call(LOCK_OUT, seconds_left)
    except redis.RedisError:
        # Fail open, as the API rate limit does: people can still sign in while /healthcheck reports Redis down.
        return 0


def record_failure(email: str) -> None:
    key = _key(email)

    def count(client) -> None:
        failures = client.incr(key)
        # The window opens with the first failure; reaching the limit starts the full lock-out from now.
        if failures == 1 or failures == settings.PORTAL_SIGN_IN_MAX_FAILURES:
            client.expire(key, settings.PORTAL_SIGN_IN_LOCKOUT_SECONDS)

    with contextlib.suppress(redis.RedisError):  # not counted, then; shared_redis has logged why
        shared_redis.call(LOCK_OUT, count)


def clear_failures(email: str) -> None:
    key = _key(email)
    with contextlib.suppress(redis.RedisError):  # not cleared, then; shared_redis has logged why
        shared_redis.call(LOCK_OUT, lambda client: client.delete(key))


def lockout_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"You have entered the wrong email address or password too many times. Try again in {minutes} {unit}"


@dataclass(frozen=True)
class SignInResult:
    user: object | None = None
    error: str = ""


def check_credentials(request, *, email: str, password: str) -> SignInResult:
    """The active user with this email and password, or why not. Counts failures; a success clears them."""
    locked = locked_for_seconds(email)
    if locked:
        return SignInResult(error=lockout_message(locked))
    User = get_user_model()
    account = User._default_manager.filter(email__iexact=email.strip(), is_active=True).order_by("pk").first()
    user = None
    if account is not None:
        user = authenticate(request, username=account.get_username(), password=password)
    if user is None:
        record_failure(email)
        locked = locked_for_seconds(email)
        return SignInResult(error=lockout_message(locked) if locked else WRONG_DETAILS)
    clear_failures(email)
    return SignInResult(user=user)
