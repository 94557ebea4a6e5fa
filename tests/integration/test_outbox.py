"""The outbox relay: committed jobs delivered, rolled-back ones never, lost ones replayed, none twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import Engine as DbEngine
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import jobs
from api.bootstrap import Services, load_registry
from api.settings import Settings
from engine import outbox
from engine.calendar_store import CalendarStore
from engine.clock import FixedClock
from engine.db import make_sessions
from engine.models import Base, Outbox
from engine.runtime import Engine

NOW = timedelta(0)


@pytest.fixture
def services(db_engine: DbEngine) -> Services:
    Base.metadata.create_all(db_engine)
    engine = Engine(make_sessions(db_engine), load_registry(), FixedClock(date(2026, 6, 1)), CalendarStore())
    return Services(Settings(), db_engine, engine, engine.registry)


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    effects: list[dict[str, Any]] = []

    def record(_services: Services, _session: Session, payload: dict[str, Any], _prepared: Any) -> None:
        effects.append(payload)

    monkeypatch.setitem(jobs.JOBS, "record", jobs.Job(record))
    return effects


@pytest.fixture
def broker(services: Services) -> Iterator[tuple[StubBroker, dict[str, dramatiq.Actor[..., None]]]]:
    stub = StubBroker()
    actors = jobs.declare_actors(services, stub)
    stub.declare_queue(services.settings.queue_name)
    yield stub, actors
    stub.close()


def _drain(stub: StubBroker) -> None:
    worker = dramatiq.Worker(stub, worker_threads=1, worker_timeout=100)
    worker.start()
    stub.join(Settings().queue_name)
    worker.stop()


def _enqueue(services: Services, topic: str, payload: dict[str, Any]) -> None:
    with services.engine.sessions.begin() as s:
        outbox.enqueue(s, topic, payload, services.engine.clock.now())


def test_only_committed_jobs_reach_the_worker_and_each_exactly_once(
    services: Services, seen: list[dict[str, Any]], broker: tuple[StubBroker, Any]
) -> None:
    stub, actors = broker
    _enqueue(services, "record", {"n": 1})
    with pytest.raises(RuntimeError), services.engine.sessions.begin() as s:
        outbox.enqueue(s, "record", {"n": 2}, services.engine.clock.now())
        raise RuntimeError("the transition failed after queueing its job")
    _enqueue(services, "no_such_topic", {"n": 3})
    assert jobs.relay_once(services, actors, timedelta(minutes=10)) == 1
    assert jobs.relay_once(services, actors, timedelta(minutes=10)) == 0
    _drain(stub)
    assert seen == [{"n": 1}]
    with services.engine.sessions() as s:
        rows = {r.topic: r for r in s.scalars(select(Outbox))}
    assert rows["record"].done_at is not None
    assert rows["no_such_topic"].sent_at is None  # kept, never dropped


def test_a_job_sent_but_never_finished_is_replayed_and_a_duplicate_message_does_nothing(
    services: Services, seen: list[dict[str, Any]], broker: tuple[StubBroker, Any]
) -> None:
    stub, actors = broker
    _enqueue(services, "record", {"n": 1})
    assert jobs.relay_once(services, actors, timedelta(minutes=10)) == 1
    stub.flush_all()  # the in-memory broker died with its process: the message is gone
    assert jobs.relay_once(services, actors, timedelta(minutes=10)) == 0  # not stale yet
    services.engine.clock.advance(timedelta(minutes=11))  # type: ignore[attr-defined]
    assert jobs.relay_once(services, actors, timedelta(minutes=10)) == 1
    _drain(stub)
    with services.engine.sessions() as s:
        row_id = s.scalar(select(Outbox.id))
    actors["run_job"].send(outbox_id=row_id)  # a redelivered duplicate
    _drain(stub)
    assert seen == [{"n": 1}]


def test_an_embedded_worker_replays_at_start_what_its_broker_lost_when_the_process_died(
    services: Services, seen: list[dict[str, Any]]
) -> None:
    _enqueue(services, "record", {"n": 5})
    with services.engine.sessions.begin() as s:  # sent just now by the process that crashed
        row = s.scalar(select(Outbox))
        assert row is not None
        outbox.mark_sent(row, services.engine.clock.now())
    worker = jobs.Worker(services, StubBroker(), sweep_every=3600)
    worker.start(replay_unfinished=True)
    try:
        worker.broker.join(services.settings.queue_name)  # type: ignore[attr-defined]
    finally:
        worker.stop()
    assert seen == [{"n": 5}]
