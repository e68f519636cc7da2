"""Signing in to the school portal, with a lock-out against password guessing.

Failed sign-ins are counted per email address in Redis, so every web process shares the count and
an attacker gains nothing by spreading guesses over processes. The count is kept whether or not
the address belongs to anyone, so the answer never reveals who has an account.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

import redis
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model

logger = logging.getLogger(__name__)

WRONG_DETAILS = "Enter a correct email address and password"

_client = None


def _redis():
    global _client
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    return _client


def _key(email: str) -> str:
    # Tests give each run its own prefix, since test runs may share one Redis.
    prefix = getattr(settings, "PORTAL_SIGN_IN_KEY_PREFIX", "portal:sign-in-failures:")
    return prefix + hashlib.sha256(email.strip().lower().encode()).hexdigest()


def locked_for_seconds(email: str) -> int:
    """Seconds until this email may try again; 0 when it is not locked out."""
    try:
        failures = int(_redis().get(_key(email)) or 0)
        if failures < settings.PORTAL_SIGN_IN_MAX_FAILURES:
            return 0
        return max(int(_redis().ttl(_key(email))), 1)
    except redis.RedisError:
        # Fail open, as the API rate limit does: people can still sign in while /healthcheck reports Redis down.
        logger.error("Sign-in lock-out unavailable; not checking", exc_info=True)
        return 0


def record_failure(email: str) -> None:
    key = _key(email)
    try:
        failures = _redis().incr(key)
        # The window opens with the first failure; reaching the limit starts the full lock-out from now.
        if failures == 1 or failures == settings.PORTAL_SIGN_IN_MAX_FAILURES:
            _redis().expire(key, settings.PORTAL_SIGN_IN_LOCKOUT_SECONDS)
    except redis.RedisError:
        logger.error("Sign-in lock-out unavailable; failure not counted", exc_info=True)


def clear_failures(email: str) -> None:
    try:
        _redis().delete(_key(email))
    except redis.RedisError:
        logger.error("Sign-in lock-out unavailable; failures not cleared", exc_info=True)


def lockout_message(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "You have entered the wrong email address or password too many times. "
        f"Try again in {minutes} {unit}"
    )


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
