"""Timer sweep throughput on PostgreSQL: one process, then two, on the same number of due timers.

    .venv/bin/python -m bench.timer_sweep [--timers N] [--rounds N]

Each timer is an escalation that writes one notification, in a savepoint of the sweep's transaction.
Uses the engine tests' example workflow and organization world.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import date

from sqlalchemy import Engine, insert, select, text, update

from bench.pgdata import URL, schema
from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_engine, make_sessions
from engine.models import Case, Timer
from engine.registry import Registry
from engine.runtime import Engine as WorkflowEngine
from engine.timers import sweep
from tests.engine.conftest import build_world
from tests.example_workflow import EXAMPLE, NATIONAL

DUE = date(2026, 4, 1)
PER_CASE = 10


def prepare(db: Engine, timers: int) -> None:
    world = build_world(db)
    template = world.open()
    with db.begin() as conn:
        row = conn.execute(select(Case).where(Case.id == template)).mappings().one()
        conn.execute(insert(Case), [{k: v for k, v in row.items() if k != "id"}] * (timers // PER_CASE - 1))
        case_ids = list(conn.scalars(select(Case.id)))
        conn.execute(text("DELETE FROM timers"))
        rows = [
            {"case_id": c, "name": "prepare_deadline", "kind": "escalation", "state_path": "DRAFT",
             "due_date": DUE, "status": "pending"}
            for c in case_ids for _ in range(PER_CASE)
        ]  # fmt: skip
        conn.execute(insert(Timer), rows)


def reset(db: Engine) -> None:
    with db.begin() as conn:
        conn.execute(text("DELETE FROM notifications"))
        conn.execute(update(Timer).values(status="pending", fired_at=None))
        conn.execute(text("ANALYZE"))


def child(schema_name: str) -> None:
    db = make_engine(URL, connect_args={"options": f"-csearch_path={schema_name}"})
    registry = Registry()
    registry.add(EXAMPLE)
    registry.add_profile(NATIONAL)
    engine = WorkflowEngine(make_sessions(db), registry, FixedClock(DUE), lambda _s: WorkingCalendar())
    print(sweep(engine).fired)


def run(schema_name: str, processes: int) -> tuple[float, int]:
    command = [sys.executable, "-m", "bench.timer_sweep", "--child", schema_name]
    started = time.perf_counter()
    workers = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(processes)]
    fired = sum(int(w.communicate()[0].strip().splitlines()[-1]) for w in workers)
    return time.perf_counter() - started, fired


def measure(timers: int, rounds: int) -> dict[int, float]:
    """Median timers fired per second with one and with two processes."""
    with schema() as db:
        prepare(db, timers)
        with db.connect() as conn:
            name = str(conn.scalar(text("select current_schema()")))
        results: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(rounds):
            for processes in (1, 2):
                reset(db)
                seconds, fired = run(name, processes)
                assert fired == timers, (fired, timers)
                results[processes].append(timers / seconds)
    return {p: statistics.median(r) for p, r in results.items()}


def table(rates: dict[int, float]) -> str:
    return (
        "| processes | timers fired per second |\n|---|---|\n"
        f"| 1 | {rates[1]:,.0f} |\n| 2 | {rates[2]:,.0f} (2-process / 1-process: {rates[2] / rates[1]:.2f}) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timers", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    rates = measure(args.timers, args.rounds)
    print(f"{args.timers} due escalation timers, median of {args.rounds} rounds (process start included)")
    print(table(rates))


if __name__ == "__main__":
    main()
