"""Queues, the case page and the monthly report on PostgreSQL at province size.

    .venv/bin/python -m bench.queue_query [--cases N] [--townships N] [--branches N] [--runs N]

Generates (`bench/pgdata.py`) 1,000,000 people and development cases with their events and open
tasks under 30,101 organizations by default, then prints p50/p95 (ms) of: the first page of a
branch caseworker's queue, a township committee's subtree queue and the county's, the township's
overdue filter (`engine.tasks.queue`); the case page's data (`api.routes.cases.read_case`: options
with every rule judged, forecast, tasks, deadlines, documents) of random open cases; and the
township's 发展党员月报 (`api.development_report.development_report`) for May 2026.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine as DbEngine
from sqlalchemy import select

from api.development_report import development_report
from api.routes.cases import read_case
from bench.pgdata import NOW, Generated, generate, schema
from bench.plans import offending
from engine.authz import Actor, Grant
from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_sessions
from engine.models import Case, Org
from engine.registry import Registry
from engine.runtime import Engine
from engine.tasks import QueueFilter, queue
from workflows import development
from workflows.profiles.national import NATIONAL

REPORT_PERIOD = "2026-05"


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[max(0, round(len(times) * 0.95) - 1)]


def measure(run: Callable[[int], object], runs: int) -> tuple[float, float]:
    """p50 and p95 in ms of `run(i)` for i in 0..runs-1, after one warm-up call."""
    run(-1)
    times = []
    for i in range(runs):
        started = time.perf_counter()
        run(i)
        times.append((time.perf_counter() - started) * 1000)
    return percentiles(times)


@dataclass
class QueueResult:
    cases: int
    events: int
    open_tasks: int
    orgs: int
    seconds: float  # to generate
    rows: dict[str, tuple[float, float]] = field(default_factory=dict)
    explained: int = 0  # SELECTs whose plans were checked (0: not checked)
    sequential: list[str] = field(default_factory=list)  # those that scan a big table sequentially


def workflow_engine(db: DbEngine) -> Engine:
    registry = Registry()
    registry.add_profile(NATIONAL)
    registry.add(development.DEFINITION)
    return Engine(make_sessions(db), registry, FixedClock(NOW), lambda _s: WorkingCalendar())


def run_queries(
    db: DbEngine, data: Generated, runs: int, report_runs: int, seed: int = 3
) -> dict[str, tuple[float, float]]:
    rng = random.Random(seed)
    sessions = make_sessions(db)
    today = NOW.date()
    branch, township = data.orgs["branch"][0], data.orgs["township"][0]
    rows: dict[str, tuple[float, float]] = {}
    with sessions() as s:
        for label, grant in (
            ("branch caseworker's queue (one branch), first page of 50", Grant("caseworker", branch, False)),
            ("township committee's subtree queue, first page of 50", Grant("caseworker", township, True)),
            ("county's subtree queue (every open task), first page of 50", Grant("caseworker", 1, True)),
        ):
            actor = Actor(1, None, "bench", (grant,))
            rows[label] = measure(lambda _i, a=actor: queue(s, a, QueueFilter(limit=50), today), runs)
        actor = Actor(1, None, "bench", (Grant("caseworker", township, True),))
        rows["township, overdue only"] = measure(
            lambda _i: queue(s, actor, QueueFilter(overdue=True), today), runs
        )
    open_cases = [i + 1 for i, k in enumerate(data.stage_of) if k < 30]
    picked = [rng.choice(open_cases) for _ in range(runs + 1)]
    engine = workflow_engine(db)
    with sessions() as s:
        owners = {c: o for c, o in s.execute(select(Case.id, Case.org_id).where(Case.id.in_(picked)))}

    def case_page(i: int) -> None:
        case_id = picked[i]
        read_case(engine, Actor(1, None, "bench", (Grant("caseworker", owners[case_id], False),)), case_id)

    rows["case page (options with rules, forecast, tasks, deadlines, documents)"] = measure(case_page, runs)
    townships = data.orgs["township"]

    def report(i: int) -> None:
        with sessions() as s:
            org = s.get(Org, townships[i % len(townships)])
            assert org is not None
            development_report(s, development.DEFINITION, org, REPORT_PERIOD)

    rows[f"township's monthly report (发展党员月报, {REPORT_PERIOD})"] = measure(report, report_runs)
    return rows


def check_plans(db: DbEngine, data: Generated) -> tuple[int, list[str]]:
    """Explain every SELECT behind the figures (as `tests/integration/test_query_plans.py` does)."""
    today = NOW.date()
    engine = workflow_engine(db)
    sessions = make_sessions(db)
    branch, township = data.orgs["branch"][0], data.orgs["township"][0]
    case_id = next(i + 1 for i, k in enumerate(data.stage_of) if 12 <= k < 30)
    explained, bad = 0, []
    with sessions() as s:
        owner = s.scalar(select(Case.org_id).where(Case.id == case_id))
        org = s.get(Org, township)
        assert owner is not None and org is not None
        calls: list[Callable[[], object]] = [
            lambda: queue(
                s, Actor(1, None, "b", (Grant("caseworker", branch, False),)), QueueFilter(), today
            ),
            lambda: queue(
                s, Actor(1, None, "b", (Grant("caseworker", township, True),)), QueueFilter(), today
            ),
            lambda: queue(s, Actor(1, None, "b", (Grant("caseworker", 1, True),)), QueueFilter(), today),
            lambda: queue(
                s,
                Actor(1, None, "b", (Grant("caseworker", township, True),)),
                QueueFilter(overdue=True),
                today,
            ),
            lambda: read_case(engine, Actor(1, None, "b", (Grant("caseworker", owner, False),)), case_id),
            lambda: development_report(s, development.DEFINITION, org, REPORT_PERIOD),
        ]
        for call in calls:
            sent, found = offending(db, call)
            explained += sent
            bad += found
    return explained, bad


def run(
    cases: int, townships: int, branches: int, runs: int, report_runs: int, plans: bool = False
) -> QueueResult:
    with schema() as db:
        started = time.perf_counter()
        data = generate(db, cases, townships, branches)
        seconds = time.perf_counter() - started
        result = QueueResult(cases, data.events, data.open_tasks, townships * (branches + 1) + 1, seconds)
        result.rows = run_queries(db, data, runs, report_runs)
        if plans:
            result.explained, result.sequential = check_plans(db, data)
        return result


def plans_line(result: QueueResult) -> str:
    if not result.explained:
        return "Plans not checked in this run."
    if not result.sequential:
        return (
            f"Plans checked at this size: the {result.explained} SELECTs behind these figures were explained "
            "with their own parameters, and none reads cases, events, tasks or people with a sequential scan."
        )
    return (
        f"Plans checked: {len(result.sequential)} of {result.explained} SELECTs scan a big table:\n\n"
        + "\n\n".join(f"```\n{plan[:2000]}\n```" for plan in result.sequential)
    )


def growth_table(results: list[QueueResult]) -> str:
    """p50 of each query at each size, with the events and open tasks the size brought."""
    header = "| p50 ms | " + " | ".join(f"{r.cases:,} cases" for r in results) + " |"
    lines = [header, "|---|" + "---|" * len(results)]
    lines.append("| events | " + " | ".join(f"{r.events:,}" for r in results) + " |")
    lines.append("| open tasks | " + " | ".join(f"{r.open_tasks:,}" for r in results) + " |")
    lines.append("| seconds to generate | " + " | ".join(f"{r.seconds:.0f}" for r in results) + " |")
    for label in results[0].rows:
        lines.append(f"| {label} | " + " | ".join(f"{r.rows[label][0]:.1f}" for r in results) + " |")
    return "\n".join(lines)


def table(result: QueueResult) -> str:
    lines = ["| query | p50 ms | p95 ms |", "|---|---|---|"]
    lines += [f"| {label} | {p50:.1f} | {p95:.1f} |" for label, (p50, p95) in result.rows.items()]
    return "\n".join(lines)


def summary(result: QueueResult) -> str:
    return (
        f"{result.orgs:,} organizations, {result.cases:,} people and cases, {result.events:,} events, "
        f"{result.open_tasks:,} open tasks, generated in {result.seconds:.0f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--townships", type=int, default=100)
    parser.add_argument("--branches", type=int, default=300, help="per township")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--report-runs", type=int, default=10)
    args = parser.parse_args()
    result = run(args.cases, args.townships, args.branches, args.runs, args.report_runs)
    print(summary(result))
    print(table(result))


if __name__ == "__main__":
    main()
