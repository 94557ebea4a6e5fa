"""The alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine as DbEngine
from sqlalchemy import inspect

from api.bootstrap import Services
from api.cli import migrate_database
from api.settings import Settings
from engine.models import Base


def test_migrations_upgrade_to_the_models_schema_with_the_queue_indexes(db_engine: DbEngine) -> None:
    services = Services(Settings(), db_engine, None, None)  # type: ignore[arg-type]
    migrate_database(services)
    migrate_database(services)  # a second run is a no-op
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
    indexes = {ix["name"] for ix in inspect(db_engine).get_indexes("tasks")}
    assert {"ix_tasks_queue", "ix_tasks_subtree", "ix_tasks_due_order", "ix_tasks_assignee"} <= indexes


def test_every_migration_file_is_on_the_single_line_to_head() -> None:
    root = Path(__file__).parents[2] / "migrations"
    config = Config()
    config.set_main_option("script_location", str(root))
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1
    on_line = {rev.revision for rev in script.walk_revisions()}
    files = {p.name.split("_")[0] for p in (root / "versions").glob("*.py")}
    assert on_line == files
