"""The app's log lines as written: the JSON handler that LOGGING puts on the root logger, writing to a buffer."""

from __future__ import annotations

import io
import json
import logging
from contextlib import contextmanager


class Written:
    def __init__(self):
        self.text = ""
        self.lines: list[dict] = []

    def assert_none_contains(self, *values: str) -> None:
        for value in values:
            assert value.lower() not in self.text.lower(), f"{value!r} was logged:\n{self.text}"

    def from_logger(self, name: str) -> list[dict]:
        return [line for line in self.lines if line["logger"] == name]


@contextmanager
def written_lines():
    """Every line the app writes inside the block (a line that is not JSON fails here), with the root and Django
    loggers at DEBUG so that nothing a lower level would write escapes the check."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "stdout")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    loggers = [logging.getLogger(), logging.getLogger("django")]
    levels = [each.level for each in loggers]
    for each in loggers:
        each.setLevel(logging.DEBUG)
    written = Written()
    try:
        yield written
    finally:
        handler.setStream(previous)
        for each, level in zip(loggers, levels, strict=True):
            each.setLevel(level)
        written.text = buffer.getvalue()
        written.lines = [json.loads(line) for line in written.text.splitlines()]
