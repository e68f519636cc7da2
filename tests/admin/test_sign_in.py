"""The admin's sign-in locks out password guessing as the portal's does: per account and per client address,
in Redis, saying when to try again, and still letting staff in while Redis is silent."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from config.admin import EDITING_GROUP
from tests.admin.pages import text
from tests.silent_server import serve_silent_redis

PASSWORD = "a long and correct password"
LOGIN = "/admin/login/?next=/admin/"
LOCKED = "You have entered the wrong username or password too many times. Try again in 15 minutes."


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    # The production hasher is slow on purpose; these tests sign in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def support_user(username):
    user = User.objects.create_user(username, f"{username}@education.example", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITING_GROUP))
    return user


@pytest.fixture
def agent():
    return support_user("agent")


def sign_in(client, username, password, *, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_the_right_password_signs_in(client, agent):
    assert sign_in(client, "agent", PASSWORD).status_code == 302
    assert signed_in(client)


def test_an_account_is_locked_out_after_five_wrong_passwords_even_with_the_right_one(client, agent, settings):
    for _ in range(settings.ADMIN_SIGN_IN_MAX_FAILURES - 1):
        assert "Please enter the correct username and password" in text(sign_in(client, "agent", "guess"))
    assert LOCKED in text(sign_in(client, "agent", "guess"))

    refused = sign_in(client, "agent", PASSWORD)

    assert refused.status_code == 200 and LOCKED in text(refused)
    assert not signed_in(client)


def test_thirty_wrong_passwords_then_the_right_one_does_not_sign_in(client, agent):
    for _ in range(30):
        sign_in(client, "agent", "guess")
    assert LOCKED in text(sign_in(client, "agent", PASSWORD))
    assert not signed_in(client)


def test_the_account_lock_out_holds_from_every_client_address(client, agent, settings):
    for attempt in range(settings.ADMIN_SIGN_IN_MAX_FAILURES):
        sign_in(client, "agent", "guess", address=f"198.51.100.{attempt}")

    assert LOCKED in text(sign_in(Client(), "agent", PASSWORD, address="192.0.2.99"))


def test_the_account_lock_out_counts_the_username_however_it_is_written(client, agent, settings):
    for _ in range(settings.ADMIN_SIGN_IN_MAX_FAILURES):
        sign_in(client, "AGENT", "guess")
    assert LOCKED in text(sign_in(client, "agent", PASSWORD))


def test_one_account_locked_out_does_not_lock_out_another_from_elsewhere(client, agent, settings):
    support_user("colleague")
    for _ in range(settings.ADMIN_SIGN_IN_MAX_FAILURES):
        sign_in(client, "agent", "guess")

    other = Client()
    assert sign_in(other, "colleague", PASSWORD, address="192.0.2.10").status_code == 302
    assert signed_in(other)


def test_a_client_address_is_locked_out_after_guessing_across_many_accounts(client, agent, settings):
    for attempt in range(settings.ADMIN_SIGN_IN_MAX_FAILURES_PER_CLIENT):
        # Each account stays under its own limit; the address does not.
        sign_in(client, f"someone-{attempt}", "guess")

    refused = sign_in(client, "agent", PASSWORD)
    assert LOCKED in text(refused)
    assert not signed_in(client)
    # The account itself is not locked: from another address it signs in.
    assert sign_in(Client(), "agent", PASSWORD, address="192.0.2.10").status_code == 302


def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended(client, agent, settings):
    settings.HTTPS_ONLY = True
    for attempt in range(settings.ADMIN_SIGN_IN_MAX_FAILURES_PER_CLIENT):
        # A client cannot escape its count by claiming other addresses before the proxy's.
        client.post(
            LOGIN,
            {"username": f"someone-{attempt}", "password": "guess"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 203.0.113.7",
            secure=True,
        )
    refused = client.post(
        LOGIN,
        {"username": "agent", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        secure=True,
    )
    assert LOCKED in text(refused)
    # Another client behind the same proxy is not locked out.
    other = client.post(
        LOGIN,
        {"username": "agent", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.20",
        secure=True,
    )
    assert other.status_code == 302


def test_a_successful_sign_in_clears_the_accounts_earlier_failures(client, agent, settings):
    for _ in range(settings.ADMIN_SIGN_IN_MAX_FAILURES - 1):
        sign_in(client, "agent", "guess")
    assert sign_in(client, "agent", PASSWORD).status_code == 302
    client.post("/admin/logout/")
    for _ in range(settings.ADMIN_SIGN_IN_MAX_FAILURES - 1):
        sign_in(client, "agent", "guess")
    assert sign_in(client, "agent", PASSWORD).status_code == 302


def test_the_lock_out_says_how_long_is_left(client, agent, settings):
    settings.ADMIN_SIGN_IN_LOCKOUT_SECONDS = 150
    for _ in range(settings.ADMIN_SIGN_IN_MAX_FAILURES):
        sign_in(client, "agent", "guess")
    # 150 seconds, less the moments the test takes, round up to 3 minutes.
    assert "Try again in 3 minutes." in text(sign_in(client, "agent", PASSWORD))


@pytest.fixture
def silent_redis(settings, monkeypatch):
    yield from serve_silent_redis(settings, monkeypatch)


def test_sign_in_works_with_a_silent_redis_which_it_asks_only_once_per_pause(client, agent, silent_redis):
    wrong = sign_in(client, "agent", "guess")
    assert "Please enter the correct username and password" in text(wrong)
    # The first lock-out check timed out; every later call in the pause skipped Redis.
    connections, sent = silent_redis.settled_counts()
    assert connections == 1 and sent > 0

    assert sign_in(client, "agent", PASSWORD).status_code == 302
    assert signed_in(client)
    assert silent_redis.settled_counts() == (connections, sent)
