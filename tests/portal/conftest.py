import os
import uuid
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from schools.models import SchoolMembership
from tests import factories

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):
    # The production hasher is slow on purpose; these tests sign in often.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sign_in_failures_of_this_test_only(settings):
    """Failed sign-ins are counted in the real Redis, which other test runs may share: each test counts
    under its own key prefix, and its keys expire with the lock-out."""
    settings.PORTAL_SIGN_IN_KEY_PREFIX = f"test:portal:sign-in-failures:{uuid.uuid4().hex}:"


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


@pytest.fixture
def emails_sent_at_once():
    """The email task runs at once in this process (Celery's eager mode), into Django's test outbox, rather than
    through the queue; tests/emails/ covers the queue and a real worker."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


# --- Browser tests ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server():
    """pytest-django's live server, except that static files are served as in production: by WhiteNoise
    from collectstatic's output under hashed names. (Django's test handler looks files up by their
    source names, so it would answer 404 for every stylesheet the pages link to.)"""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"), start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Browser journeys run on a fixed London date, through the sandbox clock header, like the `today` fixture.
BROWSER_DATE = "2026-01-15T12:00:00Z"


@pytest.fixture
def chromium(_django_db_helper):
    """A fresh browser per test, started after the test's database is set up and stopped before it is
    emptied: while Playwright's event loop runs in this thread, Django hands out other connections."""
    if not CHROMIUM.exists():
        # One clear sentence, once, rather than an error per browser test; `make test` installs it.
        pytest.exit(
            "The browser tests need Debian's chromium: run `make test` (it installs it) or `apt-get install -y chromium`.",
            returncode=1,
        )
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API keeps an event loop in this thread; Django would otherwise
    # refuse the ORM calls the tests make between browser steps.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        # The connection this test used while Playwright ran is only reachable from here.
        connections.close_all()
        browser.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _open_page(chromium, live_server, settings, *, javascript=True):
    settings.SANDBOX = True
    context = chromium.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript,
        extra_http_headers={"X-With-Server-Date": BROWSER_DATE},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    # Every asset must load and every script must run cleanly, or the page is not what users get.
    page.on("response", lambda r: r.status >= 400 and "/static/" in r.url and problems.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    # (A failed load is reported by the listener above when it matters: a 404 page logs one by design.)
    page.on(
        "console",
        lambda m: (
            m.type == "error" and "Failed to load resource" not in m.text and problems.append(f"console: {m.text}")
        ),
    )
    return context, page, problems


@pytest.fixture
def browser_page(chromium, live_server, settings):
    context, page, problems = _open_page(chromium, live_server, settings)
    yield page
    context.close()
    assert problems == []


@pytest.fixture
def no_js_page(chromium, live_server, settings):
    context, page, problems = _open_page(chromium, live_server, settings, javascript=False)
    # axe-core needs JavaScript, so it checks copies of these pages in a second, scripted browser tab.
    checker_context, checker, checker_problems = _open_page(chromium, live_server, settings)
    page.axe_checker = checker
    yield page
    context.close()
    checker_context.close()
    assert problems == checker_problems == []
