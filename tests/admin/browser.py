"""The admin in headless Chromium: a support user's browser, its pages checked with axe-core as the portal's are.

It uses the portal's Chromium and live server (tests/portal/conftest.py) and its axe check (tests/portal/browser.py),
so the admin is held to the same WCAG 2.2 AA standard and the same sandbox date.
"""

from __future__ import annotations

from django.test import Client

from tests.portal import browser as portal_browser
from tests.portal.conftest import BROWSER_DATE


def open_admin(chromium, live_server, settings, client: Client):
    """A page signed in with the session of a support user signed in by Django's test client, and its problems."""
    settings.SANDBOX = True
    context = chromium.new_context(base_url=live_server.url, extra_http_headers={"X-With-Server-Date": BROWSER_DATE})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.axe_running = False
    problems = []
    # Every asset must load and every script run cleanly. axe-core's own work is left out: while it checks a page it
    # applies inline styles, which the admin's Content Security Policy refuses (and says so in the console).
    page.on("response", lambda r: r.status >= 400 and "/static/" in r.url and problems.append(f"{r.status} {r.url}"))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not page.axe_running
            and "Failed to load resource" not in m.text
            and problems.append(f"console: {m.text}")
        ),
    )
    return context, page, problems


def assert_accessible(page) -> None:
    page.axe_running = True
    try:
        portal_browser.assert_accessible(page)
    finally:
        page.axe_running = False
