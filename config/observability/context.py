"""What the code running now is working for: a request (its id) or a Celery task (its id and name).

Context variables, so each request or task sees its own, in threads as in forked worker processes.
"""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
task: ContextVar[tuple[str, str] | None] = ContextVar("task", default=None)  # (id, name)


def fields() -> dict[str, str]:
    """The fields that say what this log line or error report was written for."""
    found = {}
    if (current_request := request_id.get()) is not None:
        found["request_id"] = current_request
    if (current_task := task.get()) is not None:
        found["task_id"], found["task_name"] = current_task
    return found
