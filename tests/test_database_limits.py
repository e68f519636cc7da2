"""Each process role's database limits reach its PostgreSQL session (config/settings.py, README "Limits and timeouts").

tests/test_database_waits.py and tests/test_outages.py show what a limit does when it strikes; this checks which
limits a process gets: its role's, a variable overriding one, and no process at all for a role that does not exist.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests import processes

# The limits as the process's own session reports them, in seconds, and the connect timeout it was given.
_REPORT = """
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute(
        "SELECT setting::int / 1000 FROM pg_settings WHERE name IN "
        "('statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout') ORDER BY name"
    )
    idle, lock, statement = (row[0] for row in cursor.fetchall())
print(connection.settings_dict["OPTIONS"]["connect_timeout"], statement, lock, idle)
"""


def _limits(**env: str) -> subprocess.CompletedProcess:
    environment = processes.app_environment(**env)
    if not env.get("PROCESS_ROLE"):
        del environment["PROCESS_ROLE"]
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", _REPORT],
        cwd=processes.ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("role", "connect", "statement", "lock", "idle"),
    [
        ("web", 5, 10, 5, 30),
        ("", 5, 10, 5, 30),  # a process started with no role (outside pytest) is a web process
        ("worker", 5, 900, 30, 300),
        ("migrate", 5, 3600, 5, 300),
    ],
    ids=["web", "no-role", "worker", "migrate"],
)
def test_a_process_has_its_roles_database_limits(django_db_setup, role, connect, statement, lock, idle):
    result = _limits(PROCESS_ROLE=role)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [str(connect), str(statement), str(lock), str(idle)]


def test_a_variable_overrides_its_limit_for_the_process(django_db_setup):
    result = _limits(PROCESS_ROLE="worker", DATABASE_STATEMENT_TIMEOUT="7")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["5", "7", "30", "300"]


def test_an_unknown_role_is_refused_naming_the_roles():
    result = _limits(PROCESS_ROLE="wrker")
    assert result.returncode != 0
    assert "PROCESS_ROLE must be one of web, beat, worker, manage, migrate, test, not 'wrker'" in result.stderr
