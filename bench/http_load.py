"""HTTP end to end: actions per second and p50/p95/p99 latency through the API, with locust.

    .venv/bin/python -m bench.http_load [--cases N] [--users N] [--seconds N] [--rounds N] [--sqlite]

A database of its own (PostgreSQL, dropped afterwards; or an SQLite file) is migrated with
`memberflow init`, given the development tests' county and applicants (`bench/world.py`) with
passwords, and a case opened for each applicant. The server runs as in production, `memberflow
serve` (uvicorn, one process) with a Redis broker and the log level at WARNING; no worker runs, so
the documents the steps issue wait in the outbox and the figure is the API's own. Today is fixed
after the usual path's last day, and each step is sent with its day (`on`). Locust
(`bench/locustfile.py`) runs headless with `--users` users for `--seconds`, each walking cases step
by step; each round uses fresh cases, and each figure is the median of the rounds.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text, update

from bench import world
from bench.pgdata import URL
from engine.db import make_engine, make_sessions
from engine.models import User
from engine.passwords import hash_password
from tests.conftest import free_port
from tests.workflows.development_steps import ACTORS

PASSWORD = "bench2026"
TODAY = "2027-12-31"
BIN = Path(sys.executable).parent


@contextmanager
def database(sqlite: bool) -> Iterator[str]:
    if sqlite:
        with tempfile.TemporaryDirectory(prefix="mf-bench-http-") as directory:
            yield f"sqlite:///{Path(directory) / 'http.db'}"
        return
    name = f"mf_bench_http_{uuid.uuid4().hex[:8]}"
    admin = make_engine(URL.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, cases: int, environment: dict[str, str]) -> dict[str, object]:
    """Migrate, add the county and applicants with passwords, open a case for each; the plan."""
    subprocess.run([str(BIN / "memberflow"), "init"], env=environment, check=True, capture_output=True)
    db = make_engine(url)
    world.create(db, cases)
    with make_sessions(db).begin() as s:
        s.execute(update(User).values(password_hash=hash_password(PASSWORD)))
    bench = world.attach(db)
    bench.clock.set(world.OPENED_ON)
    opened = []
    for (subject_id, member), i in zip(bench.applicants, range(cases), strict=True):
        result = bench.engine.open_case(
            workflow="development", subject_id=subject_id, org_id=bench.orgs["branch"].id,
            actor=bench.actors["caseworker"],
        )  # fmt: skip
        assert member.user_id is not None
        opened.append({"case_id": result.case_id, "version": result.version, "username": f"applicant{i}"})
    steps = [
        {
            "action": action,
            "on": day.isoformat(),
            "actor": ACTORS[action],
            "inputs": world.step_inputs(bench, action),
        }
        for day, action in world.STEPS
    ]
    db.dispose()
    return {"password": PASSWORD, "cases": opened, "steps": steps}


@contextmanager
def server(environment: dict[str, str]) -> Iterator[str]:
    port = environment["MEMBERFLOW_PORT"]
    process = subprocess.Popen(
        [str(BIN / "memberflow"), "serve"], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/schema/openapi.json", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit(
                        f"server did not start: {process.stderr.read() if process.stderr else ''}"
                    ) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class HttpResult:
    rate: float  # actions per second
    p50: float
    p95: float
    p99: float
    actions: int
    failures: int
    users: int
    rounds: int


def locust_round(
    base: str, plan: dict[str, object], users: int, seconds: int, directory: Path
) -> dict[str, float]:
    plan_file = directory / f"plan-{uuid.uuid4().hex[:6]}.json"
    plan_file.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    prefix = directory / f"stats-{uuid.uuid4().hex[:6]}"
    command = [str(BIN / "locust"), "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
               "-u", str(users), "-r", str(users), "--run-time", f"{seconds}s", "--host", base,
               "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "30"]  # fmt: skip
    subprocess.run(
        command, env={**os.environ, "MF_BENCH_PLAN": str(plan_file)}, capture_output=True, check=False
    )
    with open(f"{prefix}_stats.csv", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["Name"] == "action")
    return {
        "rate": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
        "actions": float(row["Request Count"]),
        "failures": float(row["Failure Count"]),
    }


def measure(cases: int, users: int, seconds: int, rounds: int, sqlite: bool = False) -> HttpResult:
    with database(sqlite) as url, tempfile.TemporaryDirectory(prefix="mf-bench-http-") as directory:
        environment = {
            **os.environ, "MEMBERFLOW_DATABASE_URL": url, "MEMBERFLOW_BROKER_URL": "redis://127.0.0.1:6379/15",
            "MEMBERFLOW_QUEUE": f"bench-{uuid.uuid4().hex[:6]}", "MEMBERFLOW_PORT": str(free_port()),
            "MEMBERFLOW_DATA_DIR": directory, "MEMBERFLOW_LOG_LEVEL": "WARNING", "MEMBERFLOW_FIXED_TODAY": TODAY,
            "MEMBERFLOW_SECRET_KEY": uuid.uuid4().hex * 2,
        }  # fmt: skip
        plan = prepare(url, cases * rounds, environment)
        all_cases = plan["cases"]
        assert isinstance(all_cases, list)
        results = []
        with server(environment) as base:
            for r in range(rounds):
                part = {**plan, "cases": all_cases[r * cases : (r + 1) * cases]}
                results.append(locust_round(base, part, users, seconds, Path(directory)))
        shutil.rmtree(Path(directory) / "documents", ignore_errors=True)
    pick = {k: statistics.median(r[k] for r in results) for k in results[0]}
    return HttpResult(pick["rate"], pick["p50"], pick["p95"], pick["p99"], int(sum(r["actions"] for r in results)),
                      int(sum(r["failures"] for r in results)), users, rounds)  # fmt: skip


def table(result: HttpResult) -> str:
    return (
        "| actions per second | p50 ms | p95 ms | p99 ms | actions (all rounds) | failures |\n|---|---|---|---|---|---|\n"
        f"| {result.rate:.1f} | {result.p50:.0f} | {result.p95:.0f} | {result.p99:.0f} | {result.actions} | "
        f"{result.failures} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=40, help="cases prepared per round")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    result = measure(args.cases, args.users, args.seconds, args.rounds, args.sqlite)
    print(f"{result.users} locust users, {args.seconds} s per round, median of {result.rounds} rounds")
    print(table(result))


if __name__ == "__main__":
    main()
