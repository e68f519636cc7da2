"""A throwaway app (tests/migrations/probe.py) for tests that run `manage.py migrate` on the test database."""

import psycopg
import pytest

from tests import processes
from tests.migrations.probe import ProbeApp, manage


@pytest.fixture
def probe(tmp_path):
    """The app, unapplied and forgotten (tables, migrations, content types) when the test ends."""
    app = ProbeApp(tmp_path)
    yield app
    manage("migrate", app.label, "zero", database=processes.database_url(), role="migrate", probe=app)
    with psycopg.connect(processes.database_url(), autocommit=True) as admin:
        admin.execute(
            "DELETE FROM auth_permission WHERE content_type_id IN (SELECT id FROM django_content_type WHERE app_label = %s)",
            [app.label],
        )
        admin.execute("DELETE FROM django_content_type WHERE app_label = %s", [app.label])
