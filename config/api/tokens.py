"""The lead provider an API token belongs to (C2), found by the app that stores tokens.

That app's lookup is named in settings (LEAD_PROVIDER_FOR_TOKEN), so the shared API plumbing imports no app.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.module_loading import import_string


def lead_provider_for(token: str, *, now: dt.datetime):
    """The lead provider of a live token, or None; the lookup also records the token's use at `now`.

    The provider carries the token's stored digest as `api_token_digest`, which identifies the token.
    """
    return import_string(settings.LEAD_PROVIDER_FOR_TOKEN)(token, now=now)
