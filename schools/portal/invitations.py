"""Inviting school staff to the portal: an account for their email, access to a school, and a link
to choose their own password. Support staff send the link; nobody else ever knows the password.

The link carries Django's password-reset token, which stops working once a password is set (the
token is derived from the password hash) or after PASSWORD_RESET_TIMEOUT.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from config import changes
from schools.models import SchoolMembership


def invite(*, email: str, school, now) -> str:
    """Give this email access to the school (creating the account if need be); return the set-password path."""
    User = get_user_model()
    email = email.strip()
    with changes.unit_of_work(now=now):  # audited: the account (if new) and the access it gives
        user = User._default_manager.filter(email__iexact=email).order_by("pk").first()
        if user is None:
            user = User(username=email.lower(), email=email.lower())
            # Unusable until they choose one through the link.
            user.set_unusable_password()
            user.save()
        SchoolMembership.objects.get_or_create(user=user, school=school, defaults={"created_at": now})
    return set_password_path(user)


def set_password_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("portal:set-password", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})


def invited_user(uidb64: str, token: str):
    """The user the link was made for, if the link is still good; otherwise None."""
    User = get_user_model()
    try:
        user = User._default_manager.get(pk=urlsafe_base64_decode(uidb64).decode(), is_active=True)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        return None
    return user if default_token_generator.check_token(user, token) else None
