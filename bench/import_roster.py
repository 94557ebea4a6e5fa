"""Spreadsheet import of a county roster on SQLite: 10,000 people across 300 organizations.

    .venv/bin/python -m bench.import_roster [--people N] [--orgs N] [--limit SECONDS]

Generates the two workbooks, imports the organizations and then the people into a fresh SQLite file
through `api.importing` itself, with a development process registered so the people in the middle
of it get their cases; re-imports the roster (nothing changes). Prints the seconds of each step and
exits 1 if the roster import takes longer than `--limit` (default 60, issue 12).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from api.importing import import_orgs, import_people
from bench.roster import generate
from engine.calendar import WorkingCalendar
from engine.clock import FixedClock
from engine.db import make_engine, make_sessions
from engine.errors import EngineError
from engine.models import Base, Case, Person
from engine.registry import Registry
from engine.runtime import Engine

TODAY = date(2026, 11, 20)


def _registry() -> Registry:
    """The installed workflows when the development process is among them, else the test stand-in."""
    from api.bootstrap import load_registry
    from api.importing import PROCESS_IMPORT

    name = PROCESS_IMPORT["activist"].workflow
    try:
        registry = load_registry()
        if any(w.name == name for w in registry.workflows()):
            return registry
    except EngineError as exc:
        print(f"(the installed workflows do not load: {exc.message})")
    from tests.importing.process_workflow import DEVELOPMENT, PROFILE

    registry = Registry()
    registry.add(DEVELOPMENT)
    registry.add_profile(PROFILE)
    print(f"(workflow {name!r} not installed: using the test stand-in from tests/importing)")
    return registry


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--limit", type=float, default=60.0)
    args = parser.parse_args()

    started = time.perf_counter()
    roster = generate(args.orgs, args.people, today=TODAY)
    orgs_file, people_file = roster.orgs_xlsx(), roster.people_xlsx()
    print(f"generated {len(roster.orgs)} organizations, {len(roster.people)} people "
          f"({len(people_file) / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")  # fmt: skip

    with tempfile.TemporaryDirectory() as directory:
        db = make_engine(f"sqlite:///{Path(directory) / 'bench.db'}")
        Base.metadata.create_all(db)
        sessions = make_sessions(db)
        engine = Engine(sessions, _registry(), FixedClock(TODAY), lambda _s: WorkingCalendar())

        def run(kind: str, data: bytes) -> float:
            begun = time.perf_counter()
            with sessions.begin() as s:
                importer = import_orgs if kind == "orgs" else import_people
                report = importer(s, data, engine=engine, filename=f"{kind}.xlsx")
            seconds = time.perf_counter() - begun
            assert report.ok, report.lines()[:20]
            print(f"{kind:6} {seconds:6.1f} s  {report.summary()}")
            return seconds

        run("orgs", orgs_file)
        seconds = run("people", people_file)
        run("people", people_file)
        with sessions() as s:
            people = s.scalar(select(func.count()).select_from(Person))
            cases = s.scalar(select(func.count()).select_from(Case))
        db.dispose()
    print(f"roster import: {seconds:.1f} s for {people} people and {cases} cases (limit {args.limit:.0f} s)")
    if seconds > args.limit:
        sys.exit(1)


if __name__ == "__main__":
    main()
