"""The one place that reads the clock.

Domain code takes `now`/`today` as arguments; the edges (requests, tasks, commands) get them
from here. A request in a sandbox may travel in time with `X-With-Server-Date`; the override
lives in a context variable, so it is scoped to that request alone (O12).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

LONDON = ZoneInfo("Europe/London")
TIME_TRAVEL_HEADER = "HTTP_X_WITH_SERVER_DATE"

_travelled_to: ContextVar[dt.datetime | None] = ContextVar("travelled_to", default=None)


def now() -> dt.datetime:
    moment = _travelled_to.get()
    return moment if moment is not None else timezone.now()


def london_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LONDON).date()


def today() -> dt.date:
    return london_date(now())


def start_of_london_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


@contextmanager
def travel_to(moment: dt.datetime):
    token = _travelled_to.set(moment)
    try:
        yield moment
    finally:
        _travelled_to.reset(token)


class InvalidServerDate(ValueError):
    pass


def parse_server_date(value: str) -> dt.datetime:
    """A date-only value means midnight London; a value without an offset is London time (TT1)."""
    text = (value or "").strip()
    parsed = None
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            if day is not None:
                parsed = start_of_london_day(day)
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidServerDate(
            f"The header 'X-With-Server-Date' must be a valid ISO 8601 date or date-time, got '{value}'"
        )
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=LONDON)
    return parsed


class ClockMiddleware:
    """Reads the clock once per request, into `request.now`, for views to hand to what they call.

    In a sandbox, `X-With-Server-Date` sets that moment and also applies to any clock read further in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get(TIME_TRAVEL_HEADER)
        if header is None or not settings.SANDBOX:
            request.now = now()
            return self.get_response(request)
        try:
            moment = parse_server_date(header)
        except InvalidServerDate as error:
            from config.api.errors import error_response

            return error_response(400, "Bad request", str(error))
        request.now = moment
        with travel_to(moment):
            return self.get_response(request)
