"""Management commands for operators: create_api_token, and demo_access used by `make run`."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, ManagementUtility, call_command
from django.test import Client

from config import clock
from schools import tokens
from schools.models import ApiToken, LeadProvider, SchoolMembership
from tests import factories


def create_api_token(*args):
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_C2_create_api_token_prints_a_token_that_authenticates_as_the_named_provider(
    lead_provider, other_lead_provider
):
    token = create_api_token("Ambition Institute")

    assert tokens.lead_provider_for(token, now=clock.now()) == lead_provider
    response = Client().get("/api/v3/participants", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_C2_create_api_token_stores_only_the_digest_of_the_token(lead_provider):
    token = create_api_token("Ambition Institute", "--description", "For the test")

    stored = ApiToken.objects.get(lead_provider=lead_provider)
    assert stored.hashed_token == tokens.digest(token)
    assert stored.description == "For the test"
    assert not any(token in str(value) for row in ApiToken.objects.values() for value in row.values())


def test_create_api_token_for_an_unknown_provider_is_a_clear_error(lead_provider):
    with pytest.raises(CommandError, match="No lead provider is called 'Nobody'. Lead providers: Ambition Institute."):
        create_api_token("Nobody")
    assert not ApiToken.objects.exists()


def test_create_api_token_for_an_unknown_provider_exits_non_zero(lead_provider, capsys):
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "create_api_token", "Nobody"]).execute()
    assert exited.value.code != 0
    assert "No lead provider is called 'Nobody'" in capsys.readouterr().err


def test_demo_access_keeps_one_support_login_and_issues_a_working_token_per_provider(
    lead_provider, other_lead_provider
):
    for _ in range(2):
        out = StringIO()
        call_command("demo_access", "--email", "support@example.com", stdout=out)
    lines = out.getvalue().splitlines()

    password = next(line.split(":", 1)[1].strip() for line in lines if line.strip().startswith("password:"))
    user = authenticate(username="support@example.com", password=password)
    assert user is not None and user.is_staff and not user.is_superuser
    assert [group.name for group in user.groups.all()] == ["Support (editing)"]
    assert not user.has_perm("declarations.move_payments")
    assert get_user_model().objects.filter(username="support@example.com").count() == 1
    assert "School portal login" not in out.getvalue()  # no schools yet
    for provider in (lead_provider, other_lead_provider):
        token = next(line.split()[-1] for line in lines if line.strip().startswith(provider.name))
        assert tokens.lead_provider_for(token, now=clock.now()) == provider


def test_demo_access_without_providers_says_how_to_get_them():
    out = StringIO()
    call_command("demo_access", stdout=out)
    assert not LeadProvider.objects.exists()
    assert "seed_demo" in out.getvalue()


def test_demo_access_gives_a_school_user_the_busiest_schools(lead_provider):
    busy = factories.SchoolFactory()
    factories.SchoolFactory()  # a quieter school, which is not chosen
    factories.SchoolPeriodFactory.create_batch(2, school=busy)
    for _ in range(2):
        out = StringIO()
        call_command("demo_access", "--schools", "1", stdout=out)
    text = out.getvalue()

    section = text[text.index("School portal login:") :]
    password = next(
        line.split(":", 1)[1].strip() for line in section.splitlines() if line.strip().startswith("password:")
    )
    user = authenticate(username="school@example.com", password=password)
    assert user is not None and not user.is_staff
    assert list(SchoolMembership.objects.filter(user=user).values_list("school", flat=True)) == [busy.pk]
