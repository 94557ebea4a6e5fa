"""The API server and a worker killed with SIGKILL at random points of a run: nothing committed is
lost, every document exists once with its own number, no job is lost and no timer fires twice."""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import audit
from engine.models import Document, Event, Notification, Outbox, Timer
from tests.reliability.harness import Stack, prepare, record_figures, size, wait_until
from tests.reliability.load import Load, lost_and_duplicated, markers_in_database

RABBITMQ_URL = os.environ.get("MEMBERFLOW_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


@pytest.mark.postgres
def test_the_server_and_a_worker_killed_at_random_lose_nothing_committed_and_repeat_nothing(
    pg_url: str, tmp_path: Path
) -> None:
    transitions, kill_every = size(300, 3000), (20, 60)
    data_dir = tmp_path / "var"
    services, population = prepare(pg_url, data_dir, people=size(60, 400))
    stack = Stack(pg_url, data_dir, broker_url=RABBITMQ_URL, workers=1).start()
    load = Load(stack.url, population, target=transitions, issue_share=size(10, 25) / 100)
    kills: Counter[str] = Counter()
    rng = random.Random(11)

    def killer() -> None:
        next_kill = rng.randint(*kill_every)
        while not load.done:
            if len(load.ledger.acknowledged) < next_kill:
                time.sleep(0.05)
                continue
            victim = stack.server if rng.random() < 0.5 else stack.worker_processes[0]
            time.sleep(rng.random() * 0.5)  # a random point inside whatever is running
            victim.kill()
            kills[victim.role] += 1
            time.sleep(rng.random())
            if victim is stack.server:
                stack.start_server()
            else:
                victim.start()
            next_kill = len(load.ledger.acknowledged) + rng.randint(*kill_every)

    started = time.monotonic()
    chaos = threading.Thread(target=killer, daemon=True)
    chaos.start()
    try:
        load.run()
        chaos.join(timeout=120)
        assert stack.server.alive and stack.worker_processes[0].alive
        run_seconds = time.monotonic() - started

        def settled() -> bool:
            with services.engine.sessions() as s:
                waiting = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.done_at.is_(None)))
                timers = s.scalar(select(func.count()).select_from(Timer))
                notified = s.scalar(select(func.count(func.distinct(Notification.timer_id))))
            return waiting == 0 and notified == timers

        settling = time.monotonic()
        wait_until(settled, size(180, 900), "every job to run and every timer to fire", every=0.5)
        settle_seconds = time.monotonic() - settling
    finally:
        stack.stop()

    with services.engine.sessions() as s:
        found = markers_in_database(s)
        issues = set(s.scalars(select(Event.id).where(Event.action == "issue")))
        documents = list(s.scalars(select(Document)))
        timers = list(s.scalars(select(Timer)))
        fired_per_timer = Counter(
            s.scalars(select(Notification.timer_id).where(Notification.timer_id.is_not(None)))
        )
        jobs = list(s.scalars(select(Outbox)))
        events = s.scalar(select(func.count()).select_from(Event)) or 0
        problems = audit.verify(s)
    lost, duplicated, committed_unknown = lost_and_duplicated(load.ledger, found)
    per_event = Counter(d.event_id for d in documents)
    numbers = [d.number for d in documents]
    stored = {d.storage_path for d in documents}
    assert lost == [] and duplicated == []
    assert set(per_event) == set(issues) and set(per_event.values()) == {1}, "one document per notice act"
    assert None not in numbers and len(set(numbers)) == len(numbers), "document numbers unique"
    assert {d.status for d in documents} == {"ready"}
    assert all((data_dir / "documents" / Path(str(p)).name).exists() for p in stored)
    assert all(j.done_at is not None for j in jobs), "a job was lost"
    assert set(fired_per_timer) == {t.id for t in timers}
    assert set(fired_per_timer.values()) == {1}, f"a timer fired more than once: {fired_per_timer}"
    assert {t.status for t in timers} == {"fired"}
    assert problems == []
    ledger = load.ledger
    record_figures(
        "process crashes",
        {
            "seconds": round(run_seconds, 1),
            "seconds_to_settle_after_the_run": round(settle_seconds, 1),
            "transitions_acknowledged": len(ledger.acknowledged),
            "cases_opened": len(ledger.opened),
            "events_in_database": events,
            "unknown_outcomes": len(ledger.unknown),
            "unknown_that_committed": committed_unknown,
            "kills_server": kills["serve"],
            "kills_worker": kills["worker"],
            "recoveries": stack.server.starts - 1 + stack.worker_processes[0].starts - 1,
            "network_errors_seen": ledger.network_errors,
            "connections_refused": ledger.refused_connections,
            "error_statuses": {str(k): v for k, v in ledger.statuses.items() if k >= 400},
            "documents": len(documents),
            "jobs": len(jobs),
            "jobs_attempts_over_1": sum(1 for j in jobs if j.attempts > 1),
            "timers_fired": len(timers),
            "records_lost": len(lost),
            "duplicates": len(duplicated),
            "audit_problems": len(problems),
        },
    )
