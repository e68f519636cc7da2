"""Where a forking process (the gunicorn master, a Celery worker's main process) keeps its children's counts.

prometheus_client decides when it is first imported whether counts live in the process or in files under
PROMETHEUS_MULTIPROC_DIR that every process of the family writes and the metrics server adds up. So this
runs before anything imports it, and imports nothing that does.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

_prepared_in: int | None = None  # the process that chose the directory (a reloaded config calls again)


def use_directory(purpose: str) -> Path:
    """Empties PROMETHEUS_MULTIPROC_DIR when it is given, else makes a new directory of that name.

    Files left by a previous run would be added to this run's counts, so they go. A directory made here is
    removed when this process exits.
    """
    global _prepared_in
    if _prepared_in == os.getpid():
        return Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its directory was chosen: counts would be lost.")
    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for leftover in directory.glob("*.db"):
            leftover.unlink()
    else:
        directory = Path(tempfile.mkdtemp(prefix=f"ecf-metrics-{purpose}-"))
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
        atexit.register(_remove, directory, os.getpid())
    _prepared_in = os.getpid()
    return directory


def _remove(directory: Path, owner: int) -> None:
    # Forked children inherit this exit handler; only the process that made the directory removes it.
    if os.getpid() == owner:
        shutil.rmtree(directory, ignore_errors=True)
