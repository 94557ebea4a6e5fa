"""Background jobs on dramatiq: the outbox relay, the timer sweep, and the job handlers.

Actors are thin: an outbox id in, one handler call, the row marked done in the same transaction as
the handler's database effect; a message delivered twice finds the row done and does nothing. The
relay sends rows only after their transaction committed, and sends again any row that was sent but
never finished (a worker or an in-memory broker that died with it), so nothing is lost. A job runs
with the request id of the request that wrote it (`engine.correlation`), so its log lines carry it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker
from sqlalchemy.orm import Session

from api.bootstrap import Services
from api.email import send_email
from api.rendering import prepare_render, render_document
from engine import correlation, outbox
from engine.documents import RENDER_TOPIC
from engine.models import Outbox
from engine.timers import sweep

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A topic's handler: `write` runs in the transaction that marks the outbox row done; the slow
    part, if any, runs first in `prepare`, outside any write transaction, its result handed over."""

    write: Callable[[Services, Session, dict[str, Any], Any], None]
    prepare: Callable[[Services, dict[str, Any]], Any] | None = None


def _email(services: Services, session: Session, payload: dict[str, Any], _prepared: Any) -> None:
    send_email(services, session, payload)


JOBS: dict[str, Job] = {"send_email": Job(_email), RENDER_TOPIC: Job(render_document, prepare_render)}


def make_broker(url: str) -> dramatiq.Broker:
    if url == "stub":
        return StubBroker()
    if url.startswith("redis://"):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url)
    if url.startswith("amqp://"):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url, confirm_delivery=True)
    raise ValueError(f"unsupported MEMBERFLOW_BROKER_URL: {url}")


def run_outbox_job(services: Services, outbox_id: int) -> None:
    """Do one outbox row's job unless it is already done; effect and 'done' commit together."""
    with services.engine.sessions() as session:
        row = session.get(Outbox, outbox_id)
        if row is None or row.done_at is not None:
            return
        topic, payload, request_id = row.topic, dict(row.payload), row.request_id
    job = JOBS.get(topic)
    if job is None:
        raise LookupError(f"no handler for outbox topic {topic!r}")
    with correlation.bound(request_id):  # the log lines of the job carry the request's id
        prepared = job.prepare(services, payload) if job.prepare else None
        with services.engine.sessions.begin() as session:
            row = session.get(Outbox, outbox_id, with_for_update=True)
            if row is None or row.done_at is not None:
                return  # done meanwhile by another delivery
            job.write(services, session, payload, prepared)
            row.done_at = services.engine.clock.now()
            log.info("job %s (%s) ran", row.id, row.topic)


def declare_actors(services: Services, broker: dramatiq.Broker) -> dict[str, dramatiq.Actor[..., None]]:
    def run_job(outbox_id: int) -> None:
        run_outbox_job(services, outbox_id)

    def sweep_timers() -> None:
        report = sweep(services.engine)
        if report.fired or report.failed:
            log.info("timer sweep: %d fired, %d failed", report.fired, len(report.failed))

    def declare(fn: Callable[..., None], name: str, **options: Any) -> dramatiq.Actor[..., None]:
        queue = services.settings.queue_name
        return dramatiq.actor(actor_name=name, queue_name=queue, broker=broker, **options)(fn)

    return {
        "run_job": declare(run_job, "run_job", max_retries=20),
        "sweep_timers": declare(sweep_timers, "sweep_timers"),
    }


def relay_once(
    services: Services,
    actors: dict[str, dramatiq.Actor[..., None]],
    redeliver_after: timedelta,
    limit: int = 100,
) -> int:
    """Send new outbox rows, and rows sent long ago but never done; returns how many were sent."""
    now = services.engine.clock.now()
    sent = 0
    with services.engine.sessions.begin() as session:
        for row in outbox.claim(session, now - redeliver_after, limit):
            if row.topic not in JOBS:
                log.error("outbox row %s: no handler for topic %r; left in the outbox", row.id, row.topic)
                continue
            actors["run_job"].send(outbox_id=row.id)
            outbox.mark_sent(row, now)
            sent += 1
    return sent


class Worker:
    """A dramatiq worker plus the two loops every worker process runs: outbox relay and sweep ticks."""

    def __init__(
        self,
        services: Services,
        broker: dramatiq.Broker | None = None,
        *,
        sweep_every: float = 60.0,
        redeliver_after: timedelta = timedelta(minutes=10),
    ) -> None:
        self.services = services
        self.broker = broker or make_broker(services.settings.broker_url)
        self.actors = declare_actors(services, self.broker)
        self.sweep_every = sweep_every
        self.redeliver_after = redeliver_after
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._worker = dramatiq.Worker(self.broker, worker_threads=2)

    def start(self, *, replay_unfinished: bool) -> None:
        """Start; an embedded worker replays what its in-memory broker lost when the process died."""
        self.broker.declare_queue(self.services.settings.queue_name)
        self._worker.start()
        if replay_unfinished:
            relay_once(self.services, self.actors, timedelta(0), limit=10_000)
        self._loop(self._relay_tick, 1.0)
        self._loop(lambda: self.actors["sweep_timers"].send(), self.sweep_every)

    def _relay_tick(self) -> None:
        relay_once(self.services, self.actors, self.redeliver_after)

    def _loop(self, tick: Callable[[], object], every: float) -> None:
        def run() -> None:
            while not self._stop.is_set():
                try:
                    tick()
                except Exception:  # the broker or database is down: try again next tick
                    log.exception("background loop failed; retrying")
                self._stop.wait(every)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._worker.stop()


def start_worker(services: Services) -> Callable[[], None]:
    """The embedded worker of `serve --with-worker`; returns a function that stops it."""
    worker = Worker(services)
    worker.start(replay_unfinished=services.settings.broker_url == "stub")
    return worker.stop


def run_worker(services: Services) -> None:
    worker = Worker(services, sweep_every=services.settings.sweep_seconds)
    worker.start(replay_unfinished=False)
    log.info("worker running on %s; Ctrl-C to stop", services.settings.broker_url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        worker.stop()
