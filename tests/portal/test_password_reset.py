"""Resetting a forgotten password: Django's reset views, a link sent through the email task (run at once here,
into Django's test outbox; tests/emails/ sends it through the queue), GOV.UK pages and plain-words password
messages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.portal.conftest import PASSWORD

NEW_PASSWORD = "a long and unusual phrase"

pytestmark = pytest.mark.usefixtures("emails_sent_at_once")


def ask_for_reset(client, email):
    return client.post(reverse("portal:password-reset"), {"email": email})


def emailed_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/school/password-reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def choose(client, link, password=NEW_PASSWORD, confirmation=None):
    # Django's view first swaps the token in the link for a session marker, then shows the form.
    form_page = client.get(link, follow=True)
    return client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password": password, "password_confirmation": confirmation or password},
    )


def test_a_reset_link_is_emailed_and_lets_the_user_choose_a_new_password_once(client, tutor):
    response = ask_for_reset(client, "Tutor@Oakfield.example")
    assert response.status_code == 302 and response.url == reverse("portal:password-reset-sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [tutor.email]
    assert message.subject == "Reset your password for Manage training for early career teachers"
    link = emailed_link(message)

    chosen = choose(client, link)
    assert chosen.status_code == 302 and chosen.url == reverse("portal:password-reset-done")
    tutor.refresh_from_db()
    assert tutor.check_password(NEW_PASSWORD)
    signed_in = client.post(reverse("portal:sign-in"), {"email": tutor.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302

    client.post(reverse("portal:sign-out"))
    again = client.get(link, follow=True)
    assert "This link has expired" in again.content.decode()


def test_an_unknown_email_gets_the_same_page_and_no_email(client, tutor):
    response = ask_for_reset(client, "nobody@oakfield.example")
    assert response.status_code == 302 and response.url == reverse("portal:password-reset-sent")
    assert mail.outbox == []


def test_an_inactive_account_gets_no_reset_email(client, tutor):
    tutor.is_active = False
    tutor.save()
    ask_for_reset(client, tutor.email)
    assert mail.outbox == []


@pytest.mark.parametrize(
    "email, message",
    [
        ("", "Enter your email address"),
        ("not an email", "Enter an email address in the correct format, like name@example.com"),
    ],
)
def test_the_email_address_is_checked_with_a_linked_error(client, email, message):
    page = ask_for_reset(client, email).content.decode()
    assert "<title>Error: Reset your password" in page
    assert f'<a href="#email">{message}</a>' in page
    assert mail.outbox == []


@pytest.mark.parametrize(
    "password, confirmation, message",
    [
        ("short", "short", "Password must be 12 characters or more"),
        ("123456789012345", "123456789012345", "Password must include letters or symbols, not only numbers"),
        ("a long and unusual phrase", "a different phrase entirely", "Enter the same password in both boxes"),
    ],
)
def test_a_new_password_is_checked_in_plain_words_and_nothing_changes(client, tutor, password, confirmation, message):
    ask_for_reset(client, tutor.email)
    page = choose(client, emailed_link(mail.outbox[0]), password, confirmation).content.decode()
    assert "There is a problem" in page and message in page
    assert "This password" not in page and "didn’t match" not in page
    tutor.refresh_from_db()
    assert tutor.check_password(PASSWORD)


def test_a_tampered_link_is_refused(client, tutor):
    ask_for_reset(client, tutor.email)
    link = emailed_link(mail.outbox[0])
    tampered = re.sub(r"/[^/]+/$", "/abc-def/", link)
    page = client.get(tampered, follow=True).content.decode()
    assert "This link has expired" in page
    assert 'name="password"' not in page


def test_a_reset_ends_a_sign_in_lock_out(client, school, tutor, settings):
    for _ in range(settings.PORTAL_SIGN_IN_MAX_FAILURES):
        client.post(reverse("portal:sign-in"), {"email": tutor.email, "password": "guess"})
    locked = client.post(reverse("portal:sign-in"), {"email": tutor.email, "password": PASSWORD})
    assert "too many times" in locked.content.decode()

    ask_for_reset(client, tutor.email)
    choose(client, emailed_link(mail.outbox[0]))
    signed_in = client.post(reverse("portal:sign-in"), {"email": tutor.email, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_an_invited_user_who_never_chose_a_password_is_sent_no_reset_link(client, school):
    # Their invitation link is how they choose one; Django's reset skips unusable passwords.
    user = get_user_model().objects.create_user(username="new@oakfield.example", email="new@oakfield.example")
    assert not user.has_usable_password()
    ask_for_reset(client, user.email)
    assert mail.outbox == []
