"""Background jobs: the outbox relay and the dramatiq worker, embedded or against a real broker.

Handlers register per outbox topic. Actors stay thin: ids in, one engine call, safe to run twice.
A row whose topic has no handler stays in the outbox (and is logged), never silently dropped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker

from api.bootstrap import Services
from engine import outbox

log = logging.getLogger(__name__)
QUEUE = "memberflow"
Handler = Callable[[Services, dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {}


def make_broker(url: str) -> dramatiq.Broker:
    if url == "stub":
        return StubBroker()
    if url.startswith("redis://"):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url)
    if url.startswith("amqp://"):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url)
    raise ValueError(f"unsupported MEMBERFLOW_BROKER_URL: {url}")


def declare_actors(services: Services, broker: dramatiq.Broker) -> dict[str, dramatiq.Actor[..., None]]:
    actors: dict[str, dramatiq.Actor[..., None]] = {}
    for topic, handler in HANDLERS.items():

        def run(handler: Handler = handler, **payload: Any) -> None:
            handler(services, payload)

        actors[topic] = dramatiq.actor(run, actor_name=topic, queue_name=QUEUE, broker=broker)
    return actors


def relay_once(services: Services, actors: dict[str, dramatiq.Actor[..., None]], limit: int = 100) -> int:
    """Send committed outbox rows to the broker; returns how many were sent."""
    sent = 0
    with services.engine.sessions.begin() as session:
        for row in outbox.claim(session, limit):
            actor = actors.get(row.topic)
            if actor is None:
                log.error("outbox row %s has topic %r with no handler; left in the outbox", row.id, row.topic)
                continue
            actor.send(**row.payload)
            outbox.mark_sent(row, services.engine.clock.now())
            sent += 1
    return sent


def _relay_forever(
    services: Services, actors: dict[str, dramatiq.Actor[..., None]], stop: threading.Event
) -> None:
    while not stop.is_set():
        try:
            busy = relay_once(services, actors) > 0
        except Exception:
            log.exception("outbox relay failed; retrying")
            busy = False
        if not busy:
            stop.wait(1.0)


def start_worker(services: Services, broker: dramatiq.Broker | None = None) -> Callable[[], None]:
    """Start a dramatiq worker and the relay in this process; returns a function that stops both."""
    broker = broker or make_broker(services.settings.broker_url)
    actors = declare_actors(services, broker)
    broker.declare_queue(QUEUE)
    worker = dramatiq.Worker(broker, worker_threads=2)
    worker.start()
    stop = threading.Event()
    relay = threading.Thread(target=_relay_forever, args=(services, actors, stop), daemon=True)
    relay.start()

    def shutdown() -> None:
        stop.set()
        relay.join(timeout=5)
        worker.stop()

    return shutdown


def run_worker(services: Services) -> None:
    shutdown = start_worker(services)
    log.info("worker running on %s; Ctrl-C to stop", services.settings.broker_url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        shutdown()
