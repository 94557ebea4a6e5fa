"""An empty database with the engine running the test development process, and workbook helpers."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine as DbEngine
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.importing import ImportReport, import_orgs, import_people
from api.importing.layouts import ORG_COLUMNS, PEOPLE_COLUMNS
from api.importing.workbook import show, write_layout
from engine.authz import SYSTEM, Actor
from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_sessions
from engine.models import Base
from engine.registry import Registry
from engine.runtime import Engine
from tests.conftest import sqlite_engine
from tests.importing.process_workflow import DEVELOPMENT, PROFILE

TODAY = date(2026, 11, 20)


@dataclass
class Setup:
    sessions: sessionmaker[Session]
    engine: Engine
    clock: FixedClock

    def orgs(self, data: bytes, *, actor: Actor = SYSTEM, dry_run: bool = False) -> ImportReport:
        with self.sessions.begin() as s:
            return import_orgs(
                s, data, actor=actor, dry_run=dry_run, filename="orgs.xlsx", engine=self.engine
            )

    def people(
        self, data: bytes, *, actor: Actor = SYSTEM, dry_run: bool = False, **kwargs: Any
    ) -> ImportReport:
        with self.sessions.begin() as s:
            return import_people(
                s, data, actor=actor, dry_run=dry_run, filename="people.xlsx", engine=self.engine, **kwargs
            )

    def count(self, model: Any, *where: Any) -> int:
        with self.sessions() as s:
            return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def make_setup(db_engine: DbEngine) -> Setup:
    Base.metadata.create_all(db_engine)
    registry = Registry()
    registry.add(DEVELOPMENT)
    registry.add_profile(PROFILE)
    clock = FixedClock(TODAY)
    sessions = make_sessions(db_engine)
    return Setup(sessions, Engine(sessions, registry, clock, lambda _s: WorkingCalendar()), clock)


@pytest.fixture
def setup(db_engine: DbEngine) -> Setup:
    """Runs once on SQLite and once on PostgreSQL."""
    return make_setup(db_engine)


@pytest.fixture
def sqlite_setup(tmp_path: Path) -> Iterator[Setup]:
    for engine in sqlite_engine(tmp_path):
        yield make_setup(engine)


def people_xlsx(rows: list[dict[str, Any]]) -> bytes:
    return write_layout("people", ([show(c, r.get(c.field)) for c in PEOPLE_COLUMNS] for r in rows))


def orgs_xlsx(rows: list[dict[str, Any]]) -> bytes:
    return write_layout("orgs", ([show(c, r.get(c.field)) for c in ORG_COLUMNS] for r in rows))


def sheet_rows(data: bytes, sheet: int = 0) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(data))
    return [list(r) for r in workbook.worksheets[sheet].iter_rows(values_only=True)]


def edit(data: bytes, changes: dict[tuple[int, str], Any]) -> bytes:
    """A copy of the workbook with cells changed: (Excel row, header) -> new value."""
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for (row, name), value in changes.items():
        sheet.cell(row=row, column=headers.index(name) + 1, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
