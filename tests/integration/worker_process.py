"""A worker process for the broker tests, with one slow job whose effect is a database row.

Run as `python -m tests.integration.worker_process` with the MEMBERFLOW_* settings in the environment.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from api import jobs
from api.bootstrap import Services, bootstrap
from engine.models import Notification


def slow_record(_services: Services, session: Session, payload: dict[str, Any], _prepared: Any) -> None:
    """Takes long enough to be killed in the middle; its effect commits with the job's 'done' mark."""
    time.sleep(float(payload.get("seconds", 3)))
    session.add(Notification(kind="test", title=payload["title"], created_at=datetime.now(UTC)))


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    jobs.JOBS["slow_record"] = jobs.Job(slow_record)
    services = bootstrap()
    worker = jobs.Worker(services, sweep_every=3600)
    worker.start(replay_unfinished=False)
    print("worker ready", flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main()
