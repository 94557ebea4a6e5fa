"""Shared fixtures: a fixed clock, and a fresh database on SQLite and, where present, PostgreSQL.

PostgreSQL tests use their own schema, so parallel runs on one server never see each other. With
CI=true an unreachable PostgreSQL fails the run instead of skipping: CI must prove both databases.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from engine.db import make_engine

POSTGRES_URL = os.environ.get(
    "MEMBERFLOW_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres_available() -> bool:
    try:
        probe = make_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.execute(text("select 1"))
        probe.dispose()
        return True
    except Exception:
        return False


def postgres_engine() -> Iterator[Engine]:
    """An engine bound to a brand-new schema, dropped afterwards."""
    if not _postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required with CI=true and is not reachable at {POSTGRES_URL}")
        pytest.skip("PostgreSQL not reachable")
    schema = f"mf_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'memberflow.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each kind; tests using it run once per database."""
    factory = postgres_engine() if request.param == "postgres" else sqlite_engine(tmp_path)
    yield from factory


@pytest.fixture
def pg() -> Iterator[Engine]:
    """An empty PostgreSQL schema only (for tests that are about PostgreSQL itself)."""
    yield from postgres_engine()
