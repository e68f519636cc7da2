import pytest


@pytest.fixture(autouse=True)
def _database_for_every_test(db):
    """Every test runs against the real PostgreSQL test database, rolled back afterwards."""
