"""Alembic environment: the URL comes from the caller's connection or MEMBERFLOW_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from engine.db import make_engine
from engine.models import Base, UtcDateTime

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


def _render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write our timezone-aware column type as the plain SQL type it stores (no engine imports)."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _migrate(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
