"""A throwaway Django app written into a temporary directory, with the migrations a test gives it.

Its first migration creates `probe_<id>_thing` (name, number, a nullable participant); the tests' own migrations
follow it, as `0002_...`, `0003_...`. `installed()` adds the app to this process's INSTALLED_APPS; `settings_module`
names a settings module that does the same for a `manage.py` subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from django.conf import settings
from django.test import override_settings

FIRST = """
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [("participants", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="Thing",
            fields=[
                ("id", models.BigAutoField(primary_key=True)),
                ("name", models.CharField(max_length=100)),
                ("number", models.IntegerField(null=True)),
            ],
        ),
    ]
"""

HEADER = """
import django.contrib.postgres.operations
import django.db.models.deletion
from django.db import migrations, models

import config.migration_operations

"""


class ProbeApp:
    def __init__(self, folder: Path):
        self.folder = folder
        self.label = f"probe_{uuid.uuid4().hex[:10]}"
        self.table = f"{self.label}_thing"
        self.migrations: list[str] = []
        package = folder / self.label
        (package / "migrations").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "migrations" / "__init__.py").write_text("")
        self._write("0001_initial", FIRST)
        self.settings_module = f"{self.label}_settings"
        (folder / f"{self.settings_module}.py").write_text(
            f"from config.settings import *  # noqa: F403\n\nINSTALLED_APPS = [*INSTALLED_APPS, {self.label!r}]  # noqa: F405\n"
        )

    def add(self, name: str, body: str, *, atomic: bool = True) -> str:
        """Add migration `<next number>_<name>` after the last one, with `body` as its class's operations list."""
        full = f"{len(self.migrations) + 1:04d}_{name}"
        source = HEADER + textwrap.dedent(
            f"""
            class Migration(migrations.Migration):
                atomic = {atomic}
                dependencies = [({self.label!r}, {self.migrations[-1]!r}), ("participants", "0001_initial")]
                operations = [
            """
        )
        source += textwrap.indent(textwrap.dedent(body).strip("\n"), " " * 8) + "\n    ]\n"
        self._write(full, source.replace("{table}", self.table))
        return full

    def _write(self, name: str, source: str) -> None:
        (self.folder / self.label / "migrations" / f"{name}.py").write_text(source)
        self.migrations.append(name)

    @contextmanager
    def installed(self):
        sys.path.insert(0, str(self.folder))
        try:
            with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, self.label]):
                yield
        finally:
            sys.path.remove(str(self.folder))
            for module in [name for name in sys.modules if name.startswith(self.label)]:
                del sys.modules[module]


def start_manage(*args: str, database: str, role: str, probe: ProbeApp | None = None, extra_env=None):
    """`manage.py ARGS` started as a process of `role` (PROCESS_ROLE) on `database`, with the probe app if given."""
    root = Path(__file__).resolve().parents[2]
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"PYTEST_VERSION", "PYTEST_CURRENT_TEST"}},
        "DATABASE_URL": database,
        "PROCESS_ROLE": role,
        "DJANGO_SETTINGS_MODULE": probe.settings_module if probe else "config.settings",
        "PYTHONPATH": os.pathsep.join(str(p) for p in (probe and probe.folder, root) if p),
        **(extra_env or {}),
    }
    env.setdefault("SECRET_KEY", "migrations-test-" + "x" * 40)
    return subprocess.Popen(
        [sys.executable, str(root / "manage.py"), *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def manage(*args: str, timeout: float = 600, **kwargs) -> tuple[int, str, str]:
    """`manage.py ARGS` run to completion (see start_manage): return code, stdout, stderr."""
    process = start_manage(*args, **kwargs)
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        process.kill()
    return process.returncode, out, err


def timed_write(url: str, table: str) -> float:
    """Seconds a request's INSERT into `table` takes, on a connection of its own that waits for locks far longer than
    any limit under test."""
    with psycopg.connect(url, autocommit=True) as request:
        request.execute("SET lock_timeout = '120s'")
        started = time.monotonic()
        request.execute(f"INSERT INTO {table} (name) VALUES ('request')")
        return time.monotonic() - started
