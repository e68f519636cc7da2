"""Acting as a signed-in school user on a fixed day, on data built the day before (so `updated_since` tells
the school's changes apart): shared by the tests of what providers see after school actions."""

import datetime as dt

from config import changes, clock
from config.changes import Actor

UTC = dt.UTC
BUILT = dt.datetime(2026, 1, 14, 9, 0, tzinfo=UTC)
NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # the `today` fixture's moment
TODAY = dt.date(2026, 1, 15)
SINCE_TODAY = "2026-01-15T00:00:00Z"
SCHOOL_USER = Actor("school_user", "42", "tutor@school.example")


def built(make, *args, **kwargs):
    """Data from before today's school action, so `updated_since` tells the action's changes apart."""
    with clock.travel_to(BUILT):
        return make(*args, **kwargs)


def as_school(service, at=NOW, **arguments):
    with changes.recording(actor=SCHOOL_USER, action=service.__name__, now=at):
        return service(now=at, **arguments)
