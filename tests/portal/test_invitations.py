"""Support staff invite school staff; the invitation link lets them choose a password, once."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from schools.models import SchoolMembership
from tests.portal.conftest import PASSWORD

NEW_PASSWORD = "a long and unusual phrase"


def invite(school, email="new.tutor@oakfield.example"):
    out = io.StringIO()
    call_command(
        "invite_school_user", email, "--school", school.urn, "--base-url", "https://portal.example", stdout=out
    )
    link = out.getvalue().strip().splitlines()[-1]
    assert link.startswith("https://portal.example/school/set-password/")
    return link.removeprefix("https://portal.example")


def choose_password(client, path, password=NEW_PASSWORD, confirmation=None):
    return client.post(path, {"password": password, "password_confirmation": confirmation or password})


def test_an_invited_user_chooses_a_password_and_sees_their_school(client, school):
    path = invite(school)
    user = get_user_model().objects.get(email="new.tutor@oakfield.example")
    assert not user.has_usable_password()
    assert SchoolMembership.objects.filter(user=user, school=school).exists()

    assert client.get(path).status_code == 200
    assert choose_password(client, path).url == reverse("portal:home")
    assert client.get(reverse("portal:participants", kwargs={"urn": school.urn})).status_code == 200
    client.post(reverse("portal:sign-out"))
    signed_in = client.post(reverse("portal:sign-in"), {"email": user.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_an_invitation_link_works_only_once(client, school):
    path = invite(school)
    choose_password(client, path)
    client.post(reverse("portal:sign-out"))
    again = choose_password(client, path, password="another long phrase here")
    assert again.status_code == 404
    assert "This link has expired" in again.content.decode()


def test_a_tampered_invitation_link_is_refused(client, school):
    path = invite(school)
    assert client.get(path[:-3] + "abc/").status_code == 404
    assert client.get(reverse("portal:set-password", kwargs={"uidb64": "nonsense", "token": "x"})).status_code == 404


@pytest.mark.parametrize(
    "password, confirmation, message",
    [
        ("short", "short", "Password must be 12 characters or more"),
        ("123456789012345", "123456789012345", "Password must include letters or symbols, not only numbers"),
        ("new.tutor@oakfield", "new.tutor@oakfield", "Password must not be similar to your email address"),
        ("password1234", "password1234", "Enter a password that is harder to guess"),
        ("a long and unusual phrase", "a different phrase entirely", "Enter the same password in both boxes"),
    ],
)
def test_a_chosen_password_must_be_strong_and_confirmed_in_plain_words(client, school, password, confirmation, message):
    path = invite(school)
    page = choose_password(client, path, password, confirmation).content.decode()
    assert "There is a problem" in page and message in page
    assert "This password" not in page  # none of Django's own wording
    assert not get_user_model().objects.get(email="new.tutor@oakfield.example").has_usable_password()


def test_inviting_an_existing_user_to_another_school_keeps_their_password(client, school, other_school, tutor):
    invite(other_school, email=tutor.email)
    tutor.refresh_from_db()
    assert tutor.check_password(PASSWORD)
    assert set(tutor.school_memberships.values_list("school__urn", flat=True)) == {school.urn, other_school.urn}


def test_inviting_to_an_unknown_school_fails(school):
    with pytest.raises(CommandError, match="No school has the URN"):
        call_command("invite_school_user", "someone@example.org", "--school", "999999", stdout=io.StringIO())
