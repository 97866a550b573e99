"""Tests of the deployed shape: real gunicorn, real SQLite files, a real Redis."""

import pytest

from .server import seeded_database


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory):
    """Migrated, seeded, with the demo accounts: built once, each server serves a copy."""
    return seeded_database(tmp_path_factory.mktemp("seeded"))
