"""The broker goes away under load: acts still commit, their jobs wait in the outbox, and every one is
delivered and run when the broker is back. The Redis server is a private one of the test's own."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from engine.models import Document, Outbox
from tests.integration.test_brokers import RedisServer
from tests.reliability.harness import (
    Population,
    Stack,
    fire,
    open_case,
    prepare,
    record_figures,
    size,
    wait_until,
)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def _issue(http: httpx.Client, population: Population, case_id: int, version: int, n: int) -> int:
    response = fire(http, population, case_id, "issue", version, text=f"通知 {n}")
    assert response.status_code == 200, response.text
    return int(response.json()["version"])


@pytest.mark.postgres
def test_jobs_wait_in_the_outbox_while_the_broker_is_down_and_are_delivered_when_it_is_back(
    pg_url: str, tmp_path: Path, redis_server: RedisServer
) -> None:
    during = size(20, 200)
    services, population = prepare(pg_url, tmp_path / "var", people=1)
    broker = f"redis://127.0.0.1:{redis_server.port}/0"

    def counts() -> tuple[int, int, int]:
        with services.engine.sessions() as s:
            unsent = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.sent_at.is_(None))) or 0
            undone = s.scalar(select(func.count()).select_from(Outbox).where(Outbox.done_at.is_(None))) or 0
            ready = (
                s.scalar(select(func.count()).select_from(Document).where(Document.status == "ready")) or 0
            )
        return unsent, undone, ready

    stack = Stack(pg_url, tmp_path / "var", broker_url=broker, workers=1).start()
    try:
        with httpx.Client(base_url=stack.url, timeout=30) as http:
            case_id = open_case(http, population, population.person_ids[0])
            version = _issue(http, population, case_id, 1, 0)
            wait_until(lambda: counts() == (0, 0, 1), 60, "the first document before the outage")
            redis_server.stop()
            outage_started = time.monotonic()
            for n in range(1, during + 1):
                version = _issue(http, population, case_id, version, n)  # acts do not need the broker
            time.sleep(3)  # three relay ticks against a dead broker
            unsent, undone, ready = counts()
            assert (unsent, undone, ready) == (during, during, 1), "jobs must wait in the outbox"
            outage_seconds = time.monotonic() - outage_started
            redis_server.start()
            back = time.monotonic()
            wait_until(
                lambda: counts() == (0, 0, during + 1), size(120, 600), "delivery after the outage", 0.2
            )
            delivered_in = time.monotonic() - back
    finally:
        stack.stop()
    with services.engine.sessions() as s:
        documents = list(s.scalars(select(Document)))
        attempts = list(s.scalars(select(Outbox.attempts)))
    assert len({d.number for d in documents}) == len(documents) == during + 1
    worker_log = (tmp_path / "var" / "worker-0.log").read_text(encoding="utf-8", errors="replace")
    record_figures(
        "broker outage",
        {
            "jobs_during_outage": during,
            "outage_seconds": round(outage_seconds, 1),
            "waiting_in_outbox_during_outage": unsent,
            "seconds_to_deliver_all_after_return": round(delivered_in, 1),
            "documents_ready": len(documents),
            "relay_failures_logged": worker_log.count("background loop failed"),
            "max_send_attempts": max(attempts),
            "jobs_lost": during + 1 - sum(1 for d in documents if d.status == "ready"),
        },
    )
