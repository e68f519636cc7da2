"""Error reports to Sentry, switched on by SENTRY_DSN, with no personal data.

sentry-sdk 3 replaced `send_default_pii` with `data_collection`; every category that can hold someone's
details is off there: user, cookies, headers, bodies, query strings, SQL parameters, task arguments and stack
frames' local variables. `scrub` then keeps, of what is left, only what finding the fault needs, in case an
integration collects something the options do not cover:
- the request: its method and URL (scheme, host and path: ids and URNs, no query string);
- no `extra` (integrations put task arguments there) and no `user`;
- exceptions' types and frames, not their messages (a duplicate key's value, a date that did not parse);
- breadcrumbs' kind and time; only SQL breadcrumbs keep their text, which holds placeholders, not values.
Each event is tagged with the request id or Celery task id of the work that failed.
"""

from __future__ import annotations

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.redis import RedisIntegration

from config.observability import context

_OFF = {"mode": "off"}
DATA_COLLECTION = {
    "user_info": False,
    "cookies": _OFF,
    "http_headers": {"request": _OFF},
    "http_bodies": [],
    "url_query_params": _OFF,
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
    "gen_ai": {"inputs": False, "outputs": False},
    "mcp": {"inputs": False, "outputs": False},
    "graphql": {"document": False, "variables": False},
}
_REQUEST_KEPT = ("method", "url")
_BREADCRUMB_KEPT = ("type", "category", "level", "timestamp")


def start(*, dsn: str, release: str, environment: str) -> None:
    sentry_sdk.init(
        dsn=dsn,
        release=release,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration(), RedisIntegration()],
        data_collection=DATA_COLLECTION,
        max_request_body_size="never",
        before_send=scrub,
    )


def scrub(event, hint):
    if "request" in event:
        event["request"] = {key: event["request"][key] for key in _REQUEST_KEPT if key in event["request"]}
    event.pop("user", None)
    event.pop("extra", None)
    if "logentry" in event:  # a log line's format string, without the values put into it
        event["logentry"] = {"message": event["logentry"].get("message")}
    for part in ("exception", "threads"):
        for value in (event.get(part) or {}).get("values") or []:
            value.pop("value", None)
            for frame in (value.get("stacktrace") or {}).get("frames") or []:
                frame.pop("vars", None)
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [_breadcrumb(crumb) for crumb in breadcrumbs.get("values") or []]
    event.setdefault("tags", {}).update(context.fields())
    return event


def _breadcrumb(crumb: dict) -> dict:
    kept = {key: crumb[key] for key in _BREADCRUMB_KEPT if key in crumb}
    if crumb.get("category") == "query" and "message" in crumb:
        kept["message"] = crumb["message"]
    return kept
