"""Signing in to the school portal, with a lock-out against password guessing.

Failed sign-ins are counted per email address in Redis, through config.sign_in_lockout (shared with
the admin's sign-in): the count is kept whether or not the address belongs to anyone, so the answer
never reveals who has an account.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import authenticate, get_user_model

from config.sign_in_lockout import Lockout, try_again_in

WRONG_DETAILS = "Enter a correct email address and password"

# Counted per email address (config.sign_in_lockout holds the mechanism the admin's sign-in shares).
FAILURES_BY_EMAIL = Lockout(
    purpose="the portal sign-in lock-out",
    key_prefix_setting="PORTAL_SIGN_IN_KEY_PREFIX",
    default_key_prefix="portal:sign-in-failures:",
    max_failures_setting="PORTAL_SIGN_IN_MAX_FAILURES",
    seconds_setting="PORTAL_SIGN_IN_LOCKOUT_SECONDS",
)


def locked_for_seconds(email: str) -> int:
    """Seconds until this email may try again; 0 when it is not locked out."""
    return FAILURES_BY_EMAIL.locked_for_seconds(email)


def record_failure(email: str) -> None:
    FAILURES_BY_EMAIL.record_failure(email)


def clear_failures(email: str) -> None:
    FAILURES_BY_EMAIL.clear(email)


def lockout_message(seconds: int) -> str:
    return f"You have entered the wrong email address or password too many times. Try again in {try_again_in(seconds)}"


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
