"""A separate sweeping process for the concurrency test: `python -m tests.integration.sweeper URL SCHEMA`."""

from __future__ import annotations

import sys
from datetime import date

from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_engine, make_sessions
from engine.registry import Registry
from engine.runtime import Engine
from engine.timers import sweep
from tests.example_workflow import EXAMPLE, NATIONAL


def main(url: str, schema: str, today: str) -> None:
    db = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    registry = Registry()
    registry.add(EXAMPLE)
    registry.add_profile(NATIONAL)
    engine = Engine(
        make_sessions(db), registry, FixedClock(date.fromisoformat(today)), lambda _s: WorkingCalendar()
    )
    report = sweep(engine, batch=100)
    print(f"fired={report.fired} failed={len(report.failed)}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
