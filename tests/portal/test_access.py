"""Who can reach what in the school portal: signed-in members of a school, and only their own school."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from participants.models import ParticipantType
from tests import factories
from tests.portal.conftest import PASSWORD, school_user

PARTICIPANT_PAGES = [
    "participant",
    "change-name",
    "change-name-check",
    "change-email",
    "change-email-check",
    "report-leaving",
    "report-leaving-check",
    "assign-mentor",
    "assign-mentor-check",
    "register-mentor-for-ect",
    "register-mentor-for-ect-check",
    "switch-programme",
    "switch-programme-check",
    "change-lead-provider",
    "change-lead-provider-check",
    "change-leaving-date",
    "change-leaving-date-check",
    "withdraw-leaving-date",
    "withdraw-leaving-date-check",
]
SCHOOL_PAGES = [
    "participants",
    "cohorts",
    "register-ect",
    "register-ect-check",
    "register-mentor",
    "register-mentor-check",
]


def participant_urls(urn, pk):
    return [reverse(f"portal:{name}", kwargs={"urn": urn, "pk": pk}) for name in PARTICIPANT_PAGES]


def school_urls(urn):
    return [reverse(f"portal:{name}", kwargs={"urn": urn}) for name in SCHOOL_PAGES] + [
        reverse("portal:cohort-choice", kwargs={"urn": urn, "year": 2025}),
        reverse("portal:cohort-choice-check", kwargs={"urn": urn, "year": 2025}),
    ]


@pytest.fixture
def their_ect(other_school):
    return factories.SchoolPeriodFactory(school=other_school, participant__full_name="Their Ect")


@pytest.fixture
def our_ect(school):
    return factories.SchoolPeriodFactory(school=school, participant__full_name="Our Ect")


def test_signed_out_visitors_are_sent_to_sign_in_from_every_page(client, school, our_ect):
    for url in [reverse("portal:home"), *school_urls(school.urn), *participant_urls(school.urn, our_ect.pk)]:
        for response in (client.get(url), client.post(url, {"full_name": "Changed"})):
            assert response.status_code == 302, url
            assert response.url.startswith(reverse("portal:sign-in") + "?next="), url


def test_another_schools_pages_are_not_found(signed_in, other_school):
    for url in school_urls(other_school.urn):
        assert signed_in.get(url).status_code == 404, url
        assert signed_in.post(url, {"full_name": "Changed"}).status_code == 404, url


def test_another_schools_participant_is_not_found_through_our_school(signed_in, school, their_ect):
    for url in participant_urls(school.urn, their_ect.pk):
        assert signed_in.get(url).status_code == 404, url
        assert signed_in.post(url, {"full_name": "Changed"}).status_code == 404, url


def test_another_schools_participant_is_not_found_through_their_school(signed_in, other_school, their_ect):
    for url in participant_urls(other_school.urn, their_ect.pk):
        assert signed_in.get(url).status_code == 404, url


def test_a_change_posted_for_another_schools_participant_changes_nothing(signed_in, school, their_ect, today):
    question = reverse("portal:change-name", kwargs={"urn": school.urn, "pk": their_ect.pk})
    check = reverse("portal:change-name-check", kwargs={"urn": school.urn, "pk": their_ect.pk})
    assert signed_in.post(question, {"full_name": "Hijacked"}).status_code == 404
    assert signed_in.post(check).status_code == 404
    their_ect.participant.refresh_from_db()
    assert their_ect.participant.full_name == "Their Ect"


def test_our_participants_list_shows_no_one_from_another_school(signed_in, school, our_ect, their_ect):
    page = signed_in.get(reverse("portal:participants", kwargs={"urn": school.urn})).content.decode()
    assert "Our Ect" in page
    assert "Their Ect" not in page


def test_a_mentor_from_another_school_cannot_be_chosen(signed_in, school, other_school, our_ect, today):
    theirs = factories.SchoolPeriodFactory(school=other_school, participant_type=ParticipantType.MENTOR)
    url = reverse("portal:assign-mentor", kwargs={"urn": school.urn, "pk": our_ect.pk})
    response = signed_in.post(url, {"mentor": str(theirs.pk)})
    assert response.status_code == 200
    assert "Select a mentor, or that you will register a new mentor" in response.content.decode()
    assert not our_ect.mentorships.exists()


def test_a_member_of_two_schools_chooses_between_them_and_sees_each(client, school, other_school, tutor):
    from schools.models import SchoolMembership

    SchoolMembership.objects.create(user=tutor, school=other_school)
    client.force_login(tutor)
    page = client.get(reverse("portal:home")).content.decode()
    assert school.name in page and other_school.name in page
    assert client.get(reverse("portal:participants", kwargs={"urn": other_school.urn})).status_code == 200


def test_a_member_of_one_school_goes_straight_to_it(signed_in, school):
    response = signed_in.get(reverse("portal:home"))
    assert response.url == reverse("portal:participants", kwargs={"urn": school.urn})


def test_a_post_without_the_csrf_token_is_refused(school, tutor, our_ect):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("portal:sign-in"), {"email": tutor.email, "password": PASSWORD}).status_code == 403
    client.force_login(tutor)
    url = reverse("portal:change-name", kwargs={"urn": school.urn, "pk": our_ect.pk})
    assert client.post(url, {"full_name": "Changed"}).status_code == 403
    assert client.post(reverse("portal:sign-out")).status_code == 403


def test_every_portal_form_that_posts_carries_a_csrf_token_and_none_that_gets_does(signed_in, school, our_ect):
    pages = [
        reverse("portal:register-ect", kwargs={"urn": school.urn}),
        reverse("portal:change-name", kwargs={"urn": school.urn, "pk": our_ect.pk}),
        reverse("portal:participants", kwargs={"urn": school.urn}),  # the sign-out form
    ]
    for url in pages:
        page = signed_in.get(url).content.decode()
        assert page.count('<form method="post"') == page.count('name="csrfmiddlewaretoken"') > 0, url
        # A GET form (the list's search) would put the token in the address, and so in logs and history.
        assert page.count("<form") == page.count('<form method="post"') + page.count('<form method="get"'), url
    assert (
        'name="csrfmiddlewaretoken"'
        not in signed_in.get(pages[-1]).content.decode().split('method="get"')[1].split("</form>")[0]
    )


# --- Signing in ---------------------------------------------------------------------------------


def sign_in(client, email, password, **extra):
    return client.post(reverse("portal:sign-in"), {"email": email, "password": password, **extra})


def test_a_school_user_signs_in_with_email_and_password(client, school, tutor):
    response = sign_in(client, "Tutor@Oakfield.example", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("portal:participants", kwargs={"urn": school.urn})).status_code == 200


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(client, tutor):
    wrong_password = sign_in(client, tutor.email, "wrong").content.decode()
    unknown = sign_in(client, "nobody@oakfield.example", "wrong").content.decode()
    assert "Enter a correct email address and password" in wrong_password
    assert "Enter a correct email address and password" in unknown


def test_five_failed_sign_ins_lock_the_email_out_even_with_the_right_password(client, school, tutor, settings):
    for _ in range(settings.PORTAL_SIGN_IN_MAX_FAILURES - 1):
        assert "Enter a correct email address and password" in sign_in(client, tutor.email, "guess").content.decode()
    locking = sign_in(client, tutor.email, "guess").content.decode()
    assert "too many times. Try again in 15 minutes" in locking
    refused = sign_in(client, tutor.email, PASSWORD)
    assert refused.status_code == 200
    assert "too many times" in refused.content.decode()
    assert client.get(reverse("portal:participants", kwargs={"urn": school.urn})).status_code == 302


def test_the_lock_out_counts_the_email_however_it_is_written(client, tutor, settings):
    for _ in range(settings.PORTAL_SIGN_IN_MAX_FAILURES):
        sign_in(client, tutor.email.upper(), "guess")
    assert "too many times" in sign_in(client, tutor.email, PASSWORD).content.decode()


def test_a_lock_out_ends_after_the_lockout_period(client, tutor, settings):
    settings.PORTAL_SIGN_IN_LOCKOUT_SECONDS = 1
    for _ in range(settings.PORTAL_SIGN_IN_MAX_FAILURES):
        sign_in(client, tutor.email, "guess")
    assert "too many times" in sign_in(client, tutor.email, PASSWORD).content.decode()
    import time

    time.sleep(2.1)
    assert sign_in(client, tutor.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, tutor, settings):
    for _ in range(settings.PORTAL_SIGN_IN_MAX_FAILURES - 1):
        sign_in(client, tutor.email, "guess")
    assert sign_in(client, tutor.email, PASSWORD).status_code == 302
    client.post(reverse("portal:sign-out"))
    for _ in range(settings.PORTAL_SIGN_IN_MAX_FAILURES - 1):
        sign_in(client, tutor.email, "guess")
    assert sign_in(client, tutor.email, PASSWORD).status_code == 302


def test_one_email_locked_out_does_not_lock_out_another(client, school, tutor, settings):
    colleague = school_user(school, email="head@oakfield.example")
    for _ in range(settings.PORTAL_SIGN_IN_MAX_FAILURES):
        sign_in(client, tutor.email, "guess")
    assert sign_in(client, colleague.email, PASSWORD).status_code == 302


def test_an_inactive_account_cannot_sign_in(client, tutor):
    tutor.is_active = False
    tutor.save()
    assert "Enter a correct email address and password" in sign_in(client, tutor.email, PASSWORD).content.decode()


def test_sign_in_returns_to_the_page_asked_for_but_never_offsite(client, school, tutor):
    wanted = reverse("portal:cohorts", kwargs={"urn": school.urn})
    assert sign_in(client, tutor.email, PASSWORD, next=wanted).url == wanted
    client.post(reverse("portal:sign-out"))
    assert sign_in(client, tutor.email, PASSWORD, next="https://evil.example/").url == reverse("portal:home")


def test_sign_in_errors_are_listed_and_linked_to_their_fields(client):
    page = sign_in(client, "", "").content.decode()
    assert "<title>Error: Sign in" in page
    assert '<a href="#email">Enter your email address</a>' in page
    assert '<a href="#password">Enter your password</a>' in page


# --- Sessions -----------------------------------------------------------------------------------


def test_the_session_cookie_lasts_only_until_the_browser_closes(client, tutor):
    sign_in(client, tutor.email, PASSWORD)
    cookie = client.cookies["sessionid"]
    assert cookie["expires"] == "" and cookie["max-age"] == ""
    assert cookie["httponly"]


def test_a_session_expires_two_hours_after_its_last_change(client, tutor):
    before = dt.datetime.now(dt.UTC)
    sign_in(client, tutor.email, PASSWORD)
    session = Session.objects.get(session_key=client.cookies["sessionid"].value)
    lifetime = session.expire_date - before
    assert dt.timedelta(hours=1, minutes=59) < lifetime <= dt.timedelta(hours=2, seconds=5)


def test_an_expired_session_must_sign_in_again(client, school, tutor):
    sign_in(client, tutor.email, PASSWORD)
    url = reverse("portal:participants", kwargs={"urn": school.urn})
    assert client.get(url).status_code == 200
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    )
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("portal:sign-in"))


def test_signing_out_takes_a_post_and_ends_the_session(client, school, tutor):
    sign_in(client, tutor.email, PASSWORD)
    assert client.get(reverse("portal:sign-out")).status_code == 405
    client.post(reverse("portal:sign-out"))
    assert client.get(reverse("portal:participants", kwargs={"urn": school.urn})).status_code == 302
