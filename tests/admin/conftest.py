"""Support staff in their groups, each with a signed-in browser (Django's test client)."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from config.admin import EDITING_GROUP, READ_ONLY_GROUP


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
def reader():
    """A member of the read-only support group."""
    return staff_in(READ_ONLY_GROUP, "reader")
