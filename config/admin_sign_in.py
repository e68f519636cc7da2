"""Signing in to the admin, with the portal's lock-out against password guessing (config.sign_in_lockout).

Failures are counted per account (the username typed) and per client address, so neither guessing one
account's password from many addresses nor trying many accounts from one address gets far. A lock-out
refuses even the right password until it ends, and says when to try again.
"""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from config.sign_in_lockout import Lockout, client_address, try_again_in

FAILURES_BY_ACCOUNT = Lockout(
    purpose="the admin sign-in lock-out",
    key_prefix_setting="ADMIN_SIGN_IN_KEY_PREFIX",
    default_key_prefix="admin:sign-in-failures:account:",
    max_failures_setting="ADMIN_SIGN_IN_MAX_FAILURES",
    seconds_setting="ADMIN_SIGN_IN_LOCKOUT_SECONDS",
)
FAILURES_BY_CLIENT = Lockout(
    purpose="the admin sign-in lock-out",
    key_prefix_setting="ADMIN_SIGN_IN_CLIENT_KEY_PREFIX",
    default_key_prefix="admin:sign-in-failures:client:",
    max_failures_setting="ADMIN_SIGN_IN_MAX_FAILURES_PER_CLIENT",
    seconds_setting="ADMIN_SIGN_IN_LOCKOUT_SECONDS",
)


def lockout_message(seconds: int) -> str:
    return f"You have entered the wrong username or password too many times. Try again in {try_again_in(seconds)}."


class SupportSignInForm(AdminAuthenticationForm):
    def clean(self):
        username = self.cleaned_data.get("username")
        if not username or not self.cleaned_data.get("password"):
            return super().clean()  # Django says which field is missing; nothing was guessed
        client = client_address(self.request)
        self._refuse_while_locked(username, client)
        try:
            cleaned = super().clean()
        except ValidationError:
            FAILURES_BY_ACCOUNT.record_failure(username)
            FAILURES_BY_CLIENT.record_failure(client)
            self._refuse_while_locked(username, client)
            raise
        # Only the account's count: a client's count is not for whoever signs in from it to wipe.
        FAILURES_BY_ACCOUNT.clear(username)
        return cleaned

    @staticmethod
    def _refuse_while_locked(username: str, client: str) -> None:
        locked = max(FAILURES_BY_ACCOUNT.locked_for_seconds(username), FAILURES_BY_CLIENT.locked_for_seconds(client))
        if locked:
            raise ValidationError(lockout_message(locked), code="locked_out")
