"""Queue query latency on PostgreSQL with 1,000,000 cases and 200,000 open tasks.

    .venv/bin/python -m bench.queue_query [--cases N] [--tasks N] [--runs N]

Prints p50/p95 (ms) of the first page of a queue for a branch caseworker, a township and the county
(subtree grants), and the township's overdue filter, through `engine.tasks.queue` itself.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from sqlalchemy import select

from bench.pgdata import NOW, open_tasks, org_tree, people_and_cases, schema
from engine.authz import Actor, Grant
from engine.db import make_sessions
from engine.models import Org
from engine.tasks import QueueFilter, queue


def measure(run: Callable[[], object], runs: int) -> tuple[float, float]:
    run()  # warm the cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--tasks", type=int, default=200_000)
    parser.add_argument("--townships", type=int, default=100)
    parser.add_argument("--branches", type=int, default=300, help="per township")
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with schema() as engine:
        started = time.perf_counter()
        ids = org_tree(engine, args.townships, args.branches)
        people_and_cases(engine, ids["branch"], args.cases)
        sessions = make_sessions(engine)
        with sessions() as s:
            paths = {o.id: o.path for o in s.scalars(select(Org).where(Org.kind == "branch"))}
        open_tasks(engine, paths, args.cases, args.tasks)
        print(f"generated {len(paths) + args.townships + 1} orgs, {args.cases} cases, {args.tasks} open tasks "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        today = NOW.date()
        who = {
            "branch caseworker (one branch)": Grant("caseworker", ids["branch"][0], False),
            "township (subtree, ~2,000 tasks)": Grant("caseworker", ids["township"][0], True),
            "county (subtree, all tasks)": Grant("caseworker", 1, True),
        }
        print("| queue | p50 ms | p95 ms |\n|---|---|---|")
        with sessions() as s:
            for label, grant in who.items():
                actor = Actor(1, None, "bench", (grant,))
                p50, p95 = measure(lambda a=actor: queue(s, a, QueueFilter(limit=50), today), args.runs)
                print(f"| {label}, first page of 50 | {p50:.1f} | {p95:.1f} |")
            actor = Actor(1, None, "bench", (who["township (subtree, ~2,000 tasks)"],))
            p50, p95 = measure(lambda: queue(s, actor, QueueFilter(overdue=True), today), args.runs)
            print(f"| township, overdue only | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
