"""Limits on the portal's request path: oversized form posts, and a Redis that accepts connections but never answers."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import ProviderClient
from tests.portal.conftest import PASSWORD
from tests.silent_server import serve_silent_redis


@pytest.fixture
def silent_redis(settings, monkeypatch):
    yield from serve_silent_redis(settings, monkeypatch)


@pytest.mark.parametrize("url", ["/school/sign-in/", "/admin/login/"])
def test_a_form_post_over_the_upload_limit_is_a_400_not_a_500(url, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = Client(enforce_csrf_checks=True)
    client.get(url)  # the CSRF cookie, so the request gets as far as reading its form
    token = client.cookies["csrftoken"].value
    response = client.post(url, {"email": "tutor@oakfield.example", "password": "x" * 20_000}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 400


def test_sign_in_works_with_a_silent_redis_which_it_asks_only_once_per_pause(client, tutor, silent_redis):
    wrong = client.post(reverse("portal:sign-in"), {"email": tutor.email, "password": "guess"})
    assert "Enter a correct email address and password" in wrong.content.decode()
    # The lock-out check timed out; counting the failure and checking again skipped Redis.
    connections, sent = silent_redis.settled_counts()
    assert connections == 1 and sent > 0

    right = client.post(reverse("portal:sign-in"), {"email": tutor.email, "password": PASSWORD})
    assert right.status_code == 302
    assert silent_redis.settled_counts() == (connections, sent)


def test_a_pause_started_by_the_api_rate_limit_spares_the_portal_sign_in_too(
    client, tutor, lead_provider, silent_redis
):
    assert ProviderClient(lead_provider).get("/api/v3/participants").status_code == 200
    after_api = silent_redis.settled_counts()
    assert after_api[0] == 1
    response = client.post(reverse("portal:sign-in"), {"email": tutor.email, "password": PASSWORD})
    assert response.status_code == 302
    assert silent_redis.settled_counts() == after_api
