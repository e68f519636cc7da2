"""Support staff in their groups, each with a signed-in browser (Django's test client)."""

import datetime as dt
import uuid

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from config.admin import EDITING_GROUP, PAYMENTS_GROUP, READ_ONLY_GROUP
from declarations.models import Declaration
from tests.admin.browser import open_admin
from tests.builders import trained_participant

# The portal's Chromium and live server, for the admin's own browser tests (tests/admin/browser.py).
from tests.portal.conftest import chromium, live_server  # noqa: F401


@pytest.fixture(autouse=True)
def _sign_in_failures_of_this_test_only(settings):
    """Failed sign-ins are counted in the real Redis, which other test runs may share: each test counts under
    its own key prefixes."""
    run = uuid.uuid4().hex
    settings.ADMIN_SIGN_IN_KEY_PREFIX = f"test:admin:sign-in-failures:account:{run}:"
    settings.ADMIN_SIGN_IN_CLIENT_KEY_PREFIX = f"test:admin:sign-in-failures:client:{run}:"


def staff_in(group_name, username):
    user = User.objects.create_user(username, f"{username}@education.example", "password", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def editor():
    """A member of the editing support group."""
    return staff_in(EDITING_GROUP, "editor")


@pytest.fixture
def payer():
    """A member of the payments support group, who moves money."""
    return staff_in(PAYMENTS_GROUP, "payer")


@pytest.fixture
def reader():
    """A member of the read-only support group."""
    return staff_in(READ_ONLY_GROUP, "reader")


@pytest.fixture
def declarations(lead_provider, today):
    """Makes a started declaration in a payment status, for a participant of its own."""

    def declared(payment_status):
        _, training = trained_participant(lead_provider)
        return Declaration.objects.create(
            training_period=training,
            lead_provider=lead_provider,
            declaration_type="started",
            declaration_date=dt.datetime(2025, 10, 1, 9, 0, tzinfo=dt.UTC),
            payment_status=payment_status,
            delivery_partner=training.partnership.delivery_partner,
        )

    return declared


@pytest.fixture
def editor_in_chromium(chromium, live_server, settings, editor):  # noqa: F811 (the fixtures imported above)
    """The editing group's support user, in a browser on the sandbox date; every page must load cleanly."""
    context, page, problems = open_admin(chromium, live_server, settings, editor)
    yield page
    context.close()
    assert problems == []
