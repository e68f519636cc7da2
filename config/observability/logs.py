"""Log lines as JSON on stdout, one object per line, for Django, Celery and gunicorn alike.

Every line has `timestamp` (UTC), `level`, `logger`, `pid` and `message`, the `request_id` or `task_id` and
`task_name` of the work it was written for (`context`), and any fields the code passed in `extra`.

No personal data (names, emails, TRNs, dates of birth) is written:
- code logs ids, counts and route patterns, never people's details;
- `request` (Django's own 4xx/5xx lines attach the request, whose text holds the query string) and `data`
  (Celery attaches a task's arguments) are never written;
- a traceback keeps its frames and exception types but not the exceptions' messages, which can quote the
  data that failed (a duplicate key's value, a date that did not parse), nor does Celery's line for a failed
  task;
- the loggers that write SQL parameters or raw request lines are held back (`logging_config`).

Imported by gunicorn.conf.py before Django is set up, so it depends on nothing but the standard library,
python-json-logger and `context`.
"""

from __future__ import annotations

import logging
import sys
import traceback

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from config.observability import context

# Attributes some libraries attach to log records that must never be written (see the module's docstring).
NEVER_WRITTEN = ("request", "data")


class JsonFormatter(_JsonFormatter):
    def __init__(self, *args, **kwargs):
        super().__init__(
            "%(levelname)s %(name)s %(process)d %(message)s",
            rename_fields={"levelname": "level", "name": "logger", "process": "pid"},
            timestamp=True,
            reserved_attrs=[*RESERVED_ATTRS, *NEVER_WRITTEN],
        )

    def process_log_record(self, log_data):
        return {"timestamp": log_data.pop("timestamp"), **log_data}

    def formatException(self, exc_info):
        lines = []
        for exception in _chain(exc_info[1]):
            lines.append("Traceback (most recent call last):\n")
            lines.extend(traceback.format_tb(exception.__traceback__))
            lines.append(f"{_type_name(exception)} (message not logged)\n")
        return "".join(lines).rstrip("\n")


def _chain(exception: BaseException | None) -> list[BaseException]:
    """The exception and those it was raised from or while handling, oldest first, as Python prints them."""
    chain: list[BaseException] = []
    while exception is not None and not any(exception is seen for seen in chain):
        chain.insert(0, exception)
        exception = exception.__cause__ or (None if exception.__suppress_context__ else exception.__context__)
    return chain


class ContextFilter(logging.Filter):
    """Adds the request id or task to every record the handler writes, whichever logger it came from."""

    def filter(self, record):
        fields = context.fields()
        # Django writes its 4xx and 5xx lines once the middleware has returned, with the request attached.
        if "request_id" not in fields and hasattr(getattr(record, "request", None), "request_id"):
            fields["request_id"] = record.request.request_id
        for name, value in fields.items():
            if not hasattr(record, name):
                setattr(record, name, value)
        # Celery's line for a failed task quotes the exception's text in its message: its type says enough there.
        if (
            record.name == "celery.app.trace"
            and record.exc_info
            and isinstance(record.args, dict)
            and "exc" in record.args
        ):
            record.args = {**record.args, "exc": _type_name(record.exc_info[1])}
        return True


def _type_name(exception: BaseException) -> str:
    kind = type(exception)
    return f"{kind.__module__}.{kind.__qualname__}"


class StdoutHandler(logging.StreamHandler):
    """Writes to sys.stdout as it is when each line is written, unless given a stream of its own (setStream).

    A handler holding the sys.stdout of the moment logging was configured writes into a closed file once
    something (a test runner's capture) has swapped it and closed the old one.
    """

    def __init__(self):
        self._own = None
        super().__init__()

    @property
    def stream(self):
        return self._own if self._own is not None else sys.stdout

    @stream.setter
    def stream(self, value):
        self._own = None if value in (None, sys.stdout, sys.stderr) else value


def logging_config(level: str = "INFO") -> dict:
    """The `logging.config.dictConfig` dict: Django's LOGGING, Celery's workers and gunicorn's logconfig_dict."""
    quiet = {"handlers": [], "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "filters": {"context": {"()": ContextFilter}},
        "handlers": {
            "stdout": {
                "()": StdoutHandler,
                "formatter": "json",
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Django's own handlers (plain text under DEBUG, email to ADMINS) give way to the JSON one above.
            "django": {"handlers": [], "level": level, "propagate": True},
            # With DEBUG on, it writes each query with its parameters: people's details, whatever LOG_LEVEL says.
            "django.db.backends": {"level": "INFO"},
            # Raw request lines with their query strings (runserver's, gunicorn's): the app writes its own
            # access line instead (config/observability/access.py).
            "django.server": quiet,
            "gunicorn.access": quiet,
            # gunicorn's master and workers (starting, stopping, timeouts) write through the JSON handler too.
            "gunicorn.error": {"handlers": [], "level": level, "propagate": True},
        },
    }
