"""Back up and restore the database: SQLite through its online backup API, PostgreSQL through
pg_dump's custom format and pg_restore, so a backup is consistent while the service keeps running.

Documents kept with `MEMBERFLOW_STORAGE=database` are inside the backup; with `file` storage the
documents directory is copied separately (its files are named by content hash and never change).
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq_url(url: str) -> str:
    """The SQLAlchemy URL as libpq reads it (no driver name; query options such as `options` kept)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the database at `url` to `target`."""
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq_url(url)])


def restore(url: str, source: Path) -> None:
    """Replace the database at `url` with the backup in `source` (made by `backup`)."""
    head = source.read_bytes()[:16]
    if url.startswith("sqlite"):
        if head != SQLITE_MAGIC:
            raise ValueError(f"{source} is not a SQLite backup")
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(_sqlite_path(url))
        try:
            with live:
                backup_db.backup(live)
        finally:
            live.close()
            backup_db.close()
        return
    if not head.startswith(PG_MAGIC):
        raise ValueError(f"{source} is not a pg_dump custom-format backup")
    _run(
        [
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
            "--exit-on-error", f"--dbname={_libpq_url(url)}", str(source),
        ]
    )  # fmt: skip


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {done.stderr.strip()}")
