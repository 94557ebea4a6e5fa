"""Every benchmark in one run, side by side, and docs/performance.md rewritten with the figures.

    .venv/bin/python -m bench.run           # PostgreSQL, full sizes (`make bench`)
    .venv/bin/python -m bench.run --quick   # SQLite, small sizes, to var/bench-quick.md (`make bench QUICK=1`)

Each benchmark runs in a schema or database of its own, dropped afterwards. The report is written
into the generated blocks of docs/performance.md (`<!-- bench:NAME -->` … `<!-- /bench:NAME -->`);
everything outside them is hand-written analysis and stays as it is.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import http_load, queue_query, render_documents, timer_sweep, transitions
from bench.pgdata import URL
from engine.db import make_engine

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "performance.md"
QUICK_DOC = ROOT / "var" / "bench-quick.md"
PACKAGES = (
    "SQLAlchemy",
    "psycopg",
    "litestar",
    "uvicorn",
    "transitions",
    "weasyprint",
    "SpiffWorkflow",
    "locust",
)


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def timed(label: str, call: Callable[[], Any]) -> tuple[Any, float]:
    log(f"{label} …")
    started = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - started
    log(f"{label}: {seconds:.0f} s")
    return result, seconds


def machine(quick: bool) -> str:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    memory = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    system = next(
        (line.split("=", 1)[1].strip('"') for line in Path("/etc/os-release").read_text().splitlines()
         if line.startswith("PRETTY_NAME=")), platform.platform(),
    )  # fmt: skip
    if quick:
        database = "SQLite " + __import__("sqlite3").sqlite_version
    else:
        db = make_engine(URL)
        with db.connect() as conn:
            database = str(conn.scalar(text("show server_version"))).split()[0]
            database = f"PostgreSQL {database} on 127.0.0.1 (shared_buffers {conn.scalar(text('show shared_buffers'))})"
        db.dispose()
    packages = ", ".join(f"{name} {version(name)}" for name in PACKAGES)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return (
        f"- machine: {os.cpu_count()} cores ({cpu}), {memory / 1024 / 1024:.0f} GiB, {system}\n"
        f"- Python {platform.python_version()}, {database}\n"
        f"- {packages}\n"
        f"- commit {commit.stdout.strip() or '?'}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )


def rewrite(path: Path, blocks: dict[str, str]) -> None:
    """Replace the content of each generated block; fail if one is missing."""
    document = path.read_text(encoding="utf-8")
    for name, body in blocks.items():
        pattern = re.compile(rf"(<!-- bench:{name} -->\n).*?(\n<!-- /bench:{name} -->)", re.S)
        if not pattern.search(document):
            raise SystemExit(f"{path}: no block {name!r}")
        document = pattern.sub(lambda m, b=body: m.group(1) + b.strip("\n") + m.group(2), document)
    path.write_text(document, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="SQLite, small sizes, to var/bench-quick.md")
    parser.add_argument("--sizes", default="100000,300000,1000000", help="case counts of the queue runs")
    parser.add_argument("--timers", type=int, default=10_000)
    args = parser.parse_args()
    quick = args.quick
    started = time.perf_counter()
    load_before = os.getloadavg()
    blocks: dict[str, str] = {}
    summary: list[str] = []
    seconds: dict[str, float] = {}

    moves, seconds["transitions"] = timed(
        "transitions (engine, floor, SpiffWorkflow)",
        lambda: transitions.measure(cases=2 if quick else 4, rounds=3, sqlite=quick),
    )
    blocks["transitions"] = f"{transitions.table(moves)}\n\n{moves.profile}."
    for p in (1, 2):
        engine, low, peer = (moves.rates[(k, p)] for k in transitions.KINDS)
        summary.append(f"| transitions per second, engine, {p} process{'es' * (p > 1)} | {engine:.1f} | "
                       f"engine / floor {engine / low:.3f}; engine / SpiffWorkflow {engine / peer:.2f} |")  # fmt: skip
        summary.append(
            f"| transitions per second, floor (plain SQL), {p} process{'es' * (p > 1)} | {low:.0f} | |"
        )
        summary.append(
            f"| transitions per second, SpiffWorkflow, {p} process{'es' * (p > 1)} | {peer:.1f} | |"
        )

    web, seconds["http"] = timed(
        "HTTP end to end (locust)",
        lambda: http_load.measure(
            cases=10 if quick else 20,
            users=4 if quick else 8,
            seconds=10 if quick else 30,
            rounds=1 if quick else 3,
            sqlite=quick,
        ),
    )
    blocks["http"] = (
        f"{web.users} locust users, each figure the median of {web.rounds} round(s) of "
        f"{10 if quick else 30} s:\n\n{http_load.table(web)}"
    )
    summary.append(f"| HTTP actions per second ({web.users} users) | {web.rate:.1f} | p50 {web.p50:.0f} ms, "
                   f"p95 {web.p95:.0f} ms, p99 {web.p99:.0f} ms |")  # fmt: skip

    if not quick:
        sizes = tuple(int(n) for n in args.sizes.split(","))
        grown: dict[int, queue_query.QueueResult] = {}
        for size in sizes:
            grown[size], seconds[f"queues {size:,}"] = timed(
                f"queues, case page, report at {size:,} cases",
                lambda s=size: queue_query.run(s, 100, 300, runs=30, report_runs=10, plans=s == sizes[-1]),
            )
        full = grown[sizes[-1]]
        blocks["queues"] = (
            f"{queue_query.summary(full)}.\n\n{queue_query.table(full)}\n\n{queue_query.plans_line(full)}"
        )
        blocks["growth"] = queue_query.growth_table([grown[s] for s in sizes])
        for label, (p50, p95) in full.rows.items():
            small = grown[sizes[0]].rows[label][0]
            summary.append(f"| {label}, {sizes[-1]:,} cases, p50 / p95 ms | {p50:.1f} / {p95:.1f} | "
                           f"p50 at {sizes[-1]:,} / at {sizes[0]:,}: {p50 / small:.2f} |")  # fmt: skip
        sweeps, seconds["timers"] = timed("timer sweep", lambda: timer_sweep.measure(args.timers, 3))
        blocks["timers"] = (
            f"{args.timers:,} due escalation timers, median of 3 rounds, process start included:\n\n"
        )
        blocks["timers"] += timer_sweep.table(sweeps)
        summary.append(f"| timers fired per second, 1 process | {sweeps[1]:,.0f} | |")
        summary.append(f"| timers fired per second, 2 processes | {sweeps[2]:,.0f} | 2 / 1 processes: "
                       f"{sweeps[2] / sweeps[1]:.2f} |")  # fmt: skip

    pdfs, seconds["render"] = timed(
        "document rendering", lambda: render_documents.measure(5 if quick else 10, 1 if quick else 3)
    )
    blocks["render"] = (
        f"{pdfs.count} admission notices per round, one process, median of {pdfs.rounds} round(s):\n\n"
        f"{render_documents.table(pdfs)}\n\nOverhead ratio (plain / job): {pdfs.plain / pdfs.job:.2f}; "
        f"median PDF size {pdfs.size_kib:.0f} KiB."
    )
    summary.append(f"| PDFs rendered per second (render job) | {pdfs.job:.1f} | plain weasyprint / job: "
                   f"{pdfs.plain / pdfs.job:.2f} |")  # fmt: skip

    total = time.perf_counter() - started
    load_after = os.getloadavg()
    command = ".venv/bin/python -m bench.run --quick" if quick else "make bench"
    blocks["setup"] = (
        f"{machine(quick)}\n- command: `{command}`, {total / 60:.1f} minutes in all ("
        + ", ".join(f"{k} {v:.0f} s" for k, v in seconds.items())
        + f")\n- load average (1 min) {load_before[0]:.1f} at the start and {load_after[0]:.1f} at the end: "
        "other work shared the cores, so compare figures of this run with each other, not with other runs"
    )
    blocks["summary"] = "| figure | value | ratio |\n|---|---|---|\n" + "\n".join(summary)
    if quick:
        QUICK_DOC.parent.mkdir(exist_ok=True)
        QUICK_DOC.write_text(
            "# Quick benchmark (SQLite)\n\n"
            + "\n\n".join(
                f"<!-- bench:{k} -->\n{blocks[k]}\n<!-- /bench:{k} -->"
                for k in ("setup", "summary", "transitions", "http", "render")
            )
            + "\n",
            encoding="utf-8",
        )
        print(QUICK_DOC.read_text(encoding="utf-8"))
    else:
        rewrite(DOC, blocks)
        print(f"{DOC} rewritten")
    log(f"done in {total / 60:.1f} minutes")
    if sys.stdout.isatty():
        print(blocks["summary"])


if __name__ == "__main__":
    main()
