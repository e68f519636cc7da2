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


def real_now() -> dt.datetime:
    """The actual moment, wherever the request travelled: for records of when something really happened,
    such as a token's last use (O12)."""
    return timezone.now()


# A unit of work whose `now` is this close to the database's clock runs in the present: its changes are
# stamped with the moment they commit (config.changes). Further off, `now` is a moment the caller chose.
PRESENT = dt.timedelta(hours=6)


def travelling() -> bool:
    """Whether this request travels in time (O12): its changes keep the moment it chose."""
    return _travelled_to.get() is not None


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


# How far a request may travel (O12). Well inside what Python and PostgreSQL can hold, so that the date
# arithmetic of any rule (the day before, a year on) stays representable at either end.
EARLIEST_TRAVEL = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST_TRAVEL = dt.datetime(3000, 1, 1, tzinfo=dt.UTC)


def parse_server_date(value: str) -> dt.datetime:
    """A date-only value means midnight London; a value without an offset is London time (TT1).

    Anything else, or a moment outside the travel range, is an InvalidServerDate naming the header (O12).
    """
    text = (value or "").strip()
    try:
        parsed = parse_datetime(text)
        if parsed is None:
            day = parse_date(text)
            parsed = start_of_london_day(day) if day is not None else None
        if parsed is not None and timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=LONDON)
        # An offset can carry a representable local time out of range (9999-12-31T23:59:59-14:00 is year 10000).
        if parsed is not None and not EARLIEST_TRAVEL <= parsed.astimezone(dt.UTC) < LATEST_TRAVEL:
            parsed = None
    except (ValueError, OverflowError):
        parsed = None
    if parsed is None:
        raise InvalidServerDate(
            "The header 'X-With-Server-Date' must be a valid ISO 8601 date or date-time from "
            f"{EARLIEST_TRAVEL:%Y-%m-%d} to {LATEST_TRAVEL.year - 1}-12-31, got '{value}'"
        )
    return parsed


class ClockMiddleware:
    """Reads the clock once per request, into `request.now`, for views to hand to what they call.

    In a sandbox, `X-With-Server-Date` sets that moment and also applies to any clock read further in. An
    invalid one is a 400; on the API it is left to the view (`request.invalid_server_date`), which
    authenticates first (C2).
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
            from config.api.middleware import is_api_request

            if is_api_request(request):
                request.now, request.invalid_server_date = now(), error
                return self.get_response(request)
            return error_response(400, "Bad request", str(error))
        request.now = moment
        with travel_to(moment):
            return self.get_response(request)
