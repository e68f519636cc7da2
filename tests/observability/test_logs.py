"""Log lines are JSON with the request id, one access line per request, and no personal data.

Each test captures every line the app writes (root logger at DEBUG) while requests carry people's names, emails,
TRNs and dates of birth in their query strings and bodies, and checks that none of them is written.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from config.admin import EDITING_GROUP
from tests import factories
from tests.builders import trained_participant
from tests.observability.capture import written_lines
from tests.portal.conftest import PASSWORD, school_user

NAME, EMAIL, TRN = "Priya Shah", "priya.shah@oakfield.example", "1234567"
BIRTH_DAY = ("27", "3", "1998")
PERSONAL = (NAME, "Priya", "Shah", EMAIL, "priya.shah", TRN, "1998-03-27", "27/03/1998")

REGISTRATION = {
    "full_name": NAME,
    "trn": TRN,
    "date_of_birth-day": BIRTH_DAY[0],
    "date_of_birth-month": BIRTH_DAY[1],
    "date_of_birth-year": BIRTH_DAY[2],
    "email": EMAIL,
    "started_on-day": "5",
    "started_on-month": "1",
    "started_on-year": "2026",
    "working_pattern": "full_time",
    "programme_type": "school_led",
}


@pytest.fixture(autouse=True)
def _fresh_sign_in_counts(settings):
    import uuid

    settings.PORTAL_SIGN_IN_KEY_PREFIX = f"test:portal:sign-in-failures:{uuid.uuid4().hex}:"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def school():
    return factories.SchoolFactory(name="Oakfield Primary School", urn="100001")


@pytest.fixture
def tutor_client(school):
    client = Client()
    client.force_login(school_user(school))
    return client


@pytest.fixture
def priya(school):
    return factories.SchoolPeriodFactory(
        school=school,
        participant__full_name=NAME,
        participant__trn=TRN,
        participant__date_of_birth=dt.date(1998, 3, 27),
        email=EMAIL,
    )


# --- Request id and access line -------------------------------------------------------------------


def test_a_safe_request_id_from_the_caller_is_returned_and_on_every_line_of_its_request(client):
    with written_lines() as written:
        response = client.get("/school/no-such-page/x/y/", HTTP_X_REQUEST_ID="lb-7f3a.42_x")
    assert response.status_code == 404
    assert response["X-Request-Id"] == "lb-7f3a.42_x"
    # The access line, and Django's own "Not Found" line written after the middleware has returned.
    assert {line["logger"] for line in written.lines} >= {"config.observability.access", "django.request"}
    assert all(line.get("request_id") == "lb-7f3a.42_x" for line in written.lines), written.text


@pytest.mark.parametrize("sent", ["", "has spaces", "x" * 65, 'quote"and\\slash', "new\nline", "<script>"])
def test_an_unsafe_or_missing_request_id_is_replaced_by_a_new_one(client, sent):
    headers = {"HTTP_X_REQUEST_ID": sent} if sent else {}
    with written_lines() as written:
        first = client.get("/livez", **headers)["X-Request-Id"]
        second = client.get("/livez", **headers)["X-Request-Id"]
    assert first != sent and len(first) == 32 and first.isalnum()
    assert second != first
    assert [line["request_id"] for line in written.from_logger("config.observability.access")] == [first, second]


def test_a_line_holds_time_level_logger_process_and_message(client):
    with written_lines() as written:
        client.get("/livez")
    (line,) = written.from_logger("config.observability.access")
    assert dt.datetime.fromisoformat(line["timestamp"]).utcoffset() == dt.timedelta(0)
    assert line["level"] == "DEBUG"  # health probes: polled all day, so below the production level
    assert isinstance(line["pid"], int)
    assert line["message"] == "GET /livez 200"


def test_an_api_list_writes_one_access_line_with_route_provider_rows_and_page_size(api, lead_provider, today):
    for _ in range(3):
        trained_participant(lead_provider)
    with written_lines() as written:
        response = api.get("/api/v3/participants", {"page[per_page]": "2", "page[page]": "1", "filter[cohort]": "2025"})
    assert response.status_code == 200
    (line,) = written.from_logger("config.observability.access")
    assert {key: line[key] for key in ("method", "route", "status", "provider", "page", "page_size", "rows")} == {
        "method": "GET",
        "route": "/api/v3/participants",
        "status": 200,
        "provider": "Ambition Institute",
        "page": 1,
        "page_size": 2,
        "rows": 2,
    }
    assert line["level"] == "INFO" and line["duration_ms"] > 0
    assert "cohort" not in written.text  # the query string is not written


def test_an_access_line_names_the_url_pattern_not_the_path(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider)
    with written_lines() as written:
        api.get(f"/api/v3/participants/{participant.api_id}")
        api.get("/api/v3/no-such-resource/123")
        Client().get("/nothing/here")
    routes = [line["route"] for line in written.from_logger("config.observability.access")]
    assert routes == ["/api/v3/participants/{id}", "/api/", "unmatched"]
    assert str(participant.api_id) not in written.text.replace(
        f"Not Found: /api/v3/participants/{participant.api_id}", ""
    )


# --- No personal data -----------------------------------------------------------------------------


def test_a_portal_search_for_a_name_writes_no_name(tutor_client, school, priya):
    with written_lines() as written:
        found = tutor_client.get(reverse("portal:participants", kwargs={"urn": school.urn}), {"q": NAME})
        missing = tutor_client.get(f"/school/{school.urn}/participants/999999/", {"q": NAME, "email": EMAIL})
    assert NAME in found.content.decode()
    assert missing.status_code == 404  # Django writes its own "Not Found" line for it
    assert written.from_logger("django.request")
    written.assert_none_contains(*PERSONAL)


def test_a_portal_registration_writes_none_of_its_answers(tutor_client, school, today):
    question = reverse("portal:register-ect", kwargs={"urn": school.urn})
    with written_lines() as written:
        assert tutor_client.post(question, {**REGISTRATION, "email": "not an email"}).status_code == 200
        assert tutor_client.post(question, REGISTRATION).status_code == 302
        assert tutor_client.get(reverse("portal:register-ect-check", kwargs={"urn": school.urn})).status_code == 200
        assert tutor_client.post(reverse("portal:register-ect-check", kwargs={"urn": school.urn})).status_code == 302
    assert len(written.from_logger("config.observability.access")) == 4
    written.assert_none_contains(*PERSONAL)


def test_a_failed_portal_sign_in_writes_no_email(client, school):
    school_user(school, email=EMAIL)
    with written_lines() as written:
        for _ in range(6):  # past the lock-out
            client.post(reverse("portal:sign-in") + f"?next=/school/?q={NAME}", {"email": EMAIL, "password": "wrong"})
        client.post(reverse("portal:sign-in"), {"email": EMAIL, "password": PASSWORD})
    written.assert_none_contains(*PERSONAL)


def test_an_admin_search_writes_no_name(priya):
    user = User.objects.create_user("support", "support@education.example", "password", is_staff=True)
    user.groups.add(Group.objects.get(name=EDITING_GROUP))
    admin = Client()
    admin.force_login(user)
    with written_lines() as written:
        for model in ("participant", "schoolperiod"):
            page = admin.get(f"/admin/participants/{model}/", {"q": NAME})
            assert page.status_code == 200 and NAME in page.content.decode()
        admin.get("/admin/participants/participant/", {"q": EMAIL, "o": "nonsense"})
    written.assert_none_contains(*PERSONAL, "support@education")


def test_the_api_writes_no_personal_data_from_what_it_sends_or_receives(api, lead_provider, today):
    participant, _ = trained_participant(lead_provider, started_on=dt.date(2025, 9, 1), email=EMAIL)
    participant.full_name, participant.trn = NAME, TRN
    participant.save()
    declaration = {
        "data": {
            "type": "participant-declaration",
            "attributes": {
                "participant_id": str(participant.api_id),
                "declaration_type": "started",
                "declaration_date": "2025-10-01T10:00:00Z",
                "course_identifier": "ecf-induction",
                "evidence_held": "training-event-attended",
                "note": f"{NAME} {EMAIL} {TRN}",  # not an attribute of the API; sent anyway
            },
        }
    }
    with written_lines() as written:
        listed = api.get("/api/v3/participants")
        declared = api.post("/api/v3/participant-declarations", declaration)
        refused = api.post("/api/v3/participant-declarations", {"data": {"attributes": {"participant_id": NAME}}})
    assert NAME in listed.content.decode()
    assert declared.status_code == 200 and refused.status_code == 422
    written.assert_none_contains(*PERSONAL)


@pytest.mark.urls("tests.observability.failing_urls")
def test_an_error_is_written_with_its_traceback_but_not_its_message():
    client = Client(raise_request_exception=False)
    with written_lines() as written:
        response = client.post(f"/fails/?trn={TRN}", {"full_name": NAME, "email": EMAIL})
    assert response.status_code == 500
    (error,) = [line for line in written.lines if line["level"] == "ERROR"]
    assert error["logger"] == "django.request" and error["message"] == "Internal Server Error: /fails/"
    assert "register_and_fail" in error["exc_info"]  # where it failed
    assert error["exc_info"].endswith("builtins.ValueError (message not logged)")
    written.assert_none_contains(*PERSONAL)
