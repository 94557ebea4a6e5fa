"""Alembic environment: the URL comes from the caller's connection or MEMBERFLOW_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from engine.db import make_engine
from engine.models import Base

DEFAULT_URL = "sqlite:///var/memberflow.db"


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = make_engine(os.environ.get("MEMBERFLOW_DATABASE_URL", DEFAULT_URL))
    with engine.connect() as conn:
        _migrate(conn)
    engine.dispose()


def _migrate(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
