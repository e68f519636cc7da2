"""How dates and timestamps are written in API documents and messages (C4, O13)."""

from __future__ import annotations

import datetime as dt


def format_date(value: dt.date | None) -> str | None:
    """C4: `YYYY-MM-DD`."""
    return value.isoformat() if value is not None else None


def format_datetime(value: dt.datetime | None) -> str | None:
    """C4/O13: RFC 3339 in UTC, whole seconds, with a Z."""
    if value is None:
        return None
    # isoformat: several times as fast as strftime on a large page, and always four digits of year.
    return value.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
