"""Reliability runs: real processes on PostgreSQL; skipped when it is absent, failed with CI=true."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import POSTGRES_URL, _postgres_available
from tests.reliability.harness import shared_postgres_schema


def require_postgres() -> None:
    if not _postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required with CI=true and is not reachable at {POSTGRES_URL}")
        pytest.skip("PostgreSQL not reachable")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL to a schema of this test's own on the shared PostgreSQL."""
    require_postgres()
    with shared_postgres_schema() as url:
        yield url
