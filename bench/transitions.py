"""Transitions per second: the engine, the plain-SQL floor and SpiffWorkflow, side by side in one run.

    .venv/bin/python -m bench.transitions [--cases N] [--rounds N] [--sqlite]

Each round walks development cases through the whole usual path (31 transitions a case) with one
and with two worker processes, for each of: the engine (`Engine.open_case`/`fire`), the floor (the
same rows written with plain SQL, `bench/floor.py`) and the peer (SpiffWorkflow with its state
serialized to the database after each step, `bench/peer_spiff.py`). Rates are wall-clock, from the
first process's start of work to the last one's end (imports and set-up excluded); the figure is the
median of the rounds. Everything runs in a schema of its own (PostgreSQL), dropped afterwards, or in
a temporary SQLite file with `--sqlite`.
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from bench import floor, peer_spiff, world
from bench.pgdata import URL, schema
from engine.db import make_engine
from engine.models import Base

KINDS = ("engine", "floor", "peer")
# The floor and the peer are faster: they walk each case several times (new rows each time), so
# each run lasts long enough to measure.
REPEAT = {"engine": 1, "floor": 8, "peer": 3}


@dataclass
class Target:
    url: str  # SQLAlchemy URL
    schema: str  # "" for SQLite

    def db(self):  # type: ignore[no-untyped-def]
        args = {"connect_args": {"options": f"-csearch_path={self.schema}"}} if self.schema else {}
        return make_engine(self.url, **args)

    def dsn(self) -> str:
        if not self.schema:
            return "sqlite:" + self.url.removeprefix("sqlite:///")
        return self.url.replace("+psycopg", "") + f"?options=-csearch_path%3D{self.schema}"


@contextmanager
def target(sqlite: bool) -> Iterator[Target]:
    if sqlite:
        with tempfile.TemporaryDirectory(prefix="mf-bench-") as directory:
            url = f"sqlite:///{Path(directory) / 'bench.db'}"
            db = make_engine(url)
            Base.metadata.create_all(db)
            db.dispose()
            yield Target(url, "")
        return
    with schema() as db:
        with db.connect() as conn:
            name = str(conn.scalar(text("select current_schema()")))
        yield Target(URL, name)


def child(kind: str, target: Target, first: int, count: int, steps_file: str) -> None:
    db = target.db()
    bench = world.attach(db, first, count)
    subjects = [subject for subject, _ in bench.applicants] * REPEAT[kind]

    def ready() -> None:  # the barrier: every process starts walking at once
        print("ready", flush=True)
        sys.stdin.readline()

    if kind == "engine":
        done = world.walk_all(bench, ready)
    elif kind == "floor":
        steps = pickle.loads(Path(steps_file).read_bytes())
        done = floor.walk_floor_all(target.dsn(), steps, subjects, ready)
    else:
        inputs = {action: world.step_inputs(bench, action) for _day, action in world.STEPS}
        done = peer_spiff.walk_all(target.dsn(), subjects, inputs, ready)
    print(json.dumps(done), flush=True)


def run(kind: str, target: Target, processes: int, first: int, per_process: int, steps_file: str) -> float:
    """Transitions per second of `processes` processes, each walking `per_process` cases."""
    workers = []
    for p in range(processes):
        command = [sys.executable, "-m", "bench.transitions", "--child", kind, "--url", target.url,
                   "--schema", target.schema, "--first", str(first + p * per_process),
                   "--count", str(per_process), "--steps", steps_file]  # fmt: skip
        workers.append(subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
    for w in workers:  # wait until every process is ready, then let them all go
        assert w.stdout is not None
        if w.stdout.readline().strip() != "ready":
            raise SystemExit(f"{kind} worker failed to start")
    for w in workers:
        assert w.stdin is not None
        w.stdin.write("go\n")
        w.stdin.flush()
    results = []
    for w in workers:
        out, _ = w.communicate()
        if w.returncode:
            raise SystemExit(f"{kind} worker failed")
        results.append(json.loads(out.strip().splitlines()[-1]))
    transitions = sum(r[0] for r in results)
    return transitions / (max(r[2] for r in results) - min(r[1] for r in results))


@dataclass
class Result:
    rates: dict[tuple[str, int], float]  # (kind, processes) -> median transitions per second
    rounds: dict[tuple[str, int], list[float]]
    cases: int
    profile: str


def measure(cases: int, rounds: int, sqlite: bool = False) -> Result:
    """`cases` cases per process count and kind in each round; engine, floor and peer alternate."""
    with target(sqlite) as where, tempfile.NamedTemporaryFile(suffix=".pickle") as steps_file:
        db = where.db()
        needed = 1 + rounds * 2 * cases * 2  # the profile's case, then fresh applicants per engine run
        world.create(db, needed)
        steps = floor.profile(world.attach(db, 0, 1), db)
        db.dispose()
        Path(steps_file.name).write_bytes(pickle.dumps(steps))
        rates: dict[tuple[str, int], list[float]] = {}
        first = 1
        for _ in range(rounds):
            for processes in (1, 2):
                per_process = max(1, cases // processes)
                for kind in KINDS:
                    rate = run(kind, where, processes, first, per_process, steps_file.name)
                    rates.setdefault((kind, processes), []).append(rate)
                    if kind == "engine":
                        first += per_process * processes
        medians = {key: statistics.median(values) for key, values in rates.items()}
        return Result(medians, rates, cases, floor.describe(steps))


def table(result: Result) -> str:
    lines = [
        "| processes | engine | floor (plain SQL) | SpiffWorkflow | engine / floor | engine / SpiffWorkflow |",
        "|---|---|---|---|---|---|",
    ]
    for p in (1, 2):
        engine, low, peer = (result.rates[(k, p)] for k in KINDS)
        lines.append(
            f"| {p} | {engine:.1f} | {low:.0f} | {peer:.1f} | {engine / low:.3f} | {engine / peer:.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--cases", type=int, default=4, help="cases walked per kind and process count per round"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument("--child", choices=KINDS)
    parser.add_argument("--url")
    parser.add_argument("--schema", default="")
    parser.add_argument("--first", type=int)
    parser.add_argument("--count", type=int)
    parser.add_argument("--steps", default="")
    args = parser.parse_args()
    if args.child:
        child(args.child, Target(args.url, args.schema), args.first, args.count, args.steps)
        return
    result = measure(args.cases, args.rounds, args.sqlite)
    print(f"transitions per second, median of {args.rounds} rounds, {args.cases} cases each")
    print(table(result))
    print(result.profile)


if __name__ == "__main__":
    main()
