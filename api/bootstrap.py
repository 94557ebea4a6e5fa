"""The one place that wires real adapters to the engine: database, clock, calendar, registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine as DbEngine

import workflows
from api.settings import Settings
from engine.calendar_store import CalendarStore
from engine.clock import Clock, FixedClock, SystemClock
from engine.db import make_engine, make_sessions
from engine.errors import DefinitionError
from engine.registry import Registry
from engine.runtime import Engine

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@dataclass
class Services:
    settings: Settings
    db: DbEngine
    engine: Engine
    registry: Registry


def load_registry() -> Registry:
    """Every workflow and profile, validated; raises DefinitionError on the first unsound one."""
    registry = Registry(templates_root=TEMPLATES / "documents")
    for profile in workflows.PROFILES:
        registry.add_profile(profile)
    for workflow in workflows.DEFINITIONS:
        registry.add(workflow)
    problems = registry.link_problems()
    if problems:
        raise DefinitionError("流程之间的引用有误", problems)
    return registry


def make_clock(settings: Settings) -> Clock:
    return FixedClock(date.fromisoformat(settings.fixed_today)) if settings.fixed_today else SystemClock()


def bootstrap(settings: Settings | None = None) -> Services:
    settings = settings or Settings()
    settings.ensure_dirs()
    db = make_engine(settings.database_url)
    registry = load_registry()
    engine = Engine(make_sessions(db), registry, make_clock(settings), CalendarStore())
    return Services(settings, db, engine, registry)
