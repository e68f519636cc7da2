import pytest
import redis
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from schools.models import SchoolMembership
from tests import factories

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    # The production hasher is slow on purpose; these tests sign in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_sign_in_failures_carried_over():
    """Failed sign-ins are counted in the real Redis; each test starts and ends with none."""
    client = redis.Redis.from_url(django_settings.REDIS_URL)

    def clear():
        for key in client.scan_iter("portal:sign-in-failures:*"):
            client.delete(key)

    clear()
    yield
    clear()


def school_user(school, *, email="tutor@oakfield.example"):
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    SchoolMembership.objects.create(user=user, school=school)
    return user


@pytest.fixture
def school():
    return factories.SchoolFactory(name="Oakfield Primary School", urn="100001")


@pytest.fixture
def other_school():
    return factories.SchoolFactory(name="Riverside Academy", urn="100002")


@pytest.fixture
def tutor(school):
    return school_user(school)


@pytest.fixture
def signed_in(client, tutor):
    client.force_login(tutor)
    return client
