"""Tasks only test workers load (`--include tests.celery_test_tasks`)."""

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.sleep")
def sleep(*, seconds: float, started: str, **kwargs) -> None:
    """Busy for `seconds`; writes the pid it runs in to `started` first, so the test knows when and where."""
    Path(started).write_text(str(os.getpid()))
    time.sleep(seconds)
