"""The pages every GOV.UK service links from its footer: help, accessibility, cookies and privacy.

Open to everyone, signed in or not. The cookies page reads the cookies' names and lifetimes from the
settings that make them, so it stays true when they change.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render


def _context(request, **extra):
    return {"contact_email": settings.PORTAL_CONTACT_EMAIL, **extra}


def help_page(request):
    return render(request, "portal/information/help.html", _context(request))


def accessibility(request):
    return render(request, "portal/information/accessibility.html", _context(request))


def cookies(request):
    cookies_set = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": "Keeps you signed in, and remembers your answers until you confirm a change",
            "expires": "When you close your browser, or after "
            f"{settings.SESSION_COOKIE_AGE // 3600} hours without using the service",
        },
        {
            "name": settings.CSRF_COOKIE_NAME,
            "purpose": "Checks that forms you send come from this service, to protect you from other websites",
            "expires": f"{round(settings.CSRF_COOKIE_AGE / (365.25 * 24 * 3600))} year",
        },
    ]
    return render(request, "portal/information/cookies.html", _context(request, cookies_set=cookies_set))


def privacy(request):
    return render(request, "portal/information/privacy.html", _context(request))
