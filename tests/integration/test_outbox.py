"""The outbox relay: a committed job is delivered once, a rolled-back one never (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

from api import jobs
from api.bootstrap import Services, load_registry
from api.settings import Settings
from engine import outbox
from engine.calendar_store import CalendarStore
from engine.clock import FixedClock
from engine.db import make_sessions
from engine.models import Base, Outbox
from engine.runtime import Engine


def test_only_committed_jobs_reach_the_worker_and_each_exactly_once(
    db_engine: DbEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    Base.metadata.create_all(db_engine)
    clock = FixedClock(date(2026, 6, 1))
    engine = Engine(make_sessions(db_engine), load_registry(), clock, CalendarStore())
    services = Services(Settings(), db_engine, engine, engine.registry)
    seen: list[dict[str, Any]] = []
    monkeypatch.setitem(jobs.HANDLERS, "record", lambda _services, payload: seen.append(payload))

    with engine.sessions.begin() as s:
        outbox.enqueue(s, "record", {"n": 1}, clock.now())
    with pytest.raises(RuntimeError), engine.sessions.begin() as s:
        outbox.enqueue(s, "record", {"n": 2}, clock.now())
        raise RuntimeError("the transition failed after queueing its job")
    with engine.sessions.begin() as s:
        outbox.enqueue(s, "no_such_topic", {"n": 3}, clock.now())

    broker = StubBroker()
    actors = jobs.declare_actors(services, broker)
    assert jobs.relay_once(services, actors) == 1
    assert jobs.relay_once(services, actors) == 0  # already sent: nothing twice
    worker = dramatiq.Worker(broker, worker_threads=1)
    worker.start()
    broker.join(jobs.QUEUE)
    worker.stop()
    assert seen == [{"n": 1}]
    with engine.sessions() as s:
        unsent = list(s.scalars(select(Outbox.topic).where(Outbox.sent_at.is_(None))))
    assert unsent == ["no_such_topic"]
