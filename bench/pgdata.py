"""Province-sized data straight into PostgreSQL with COPY, for benchmarks and the query-plan test.

One generator: an organization tree (a committee, townships, branches), and for each case a person
and a development case copied from a real walk. `snapshots()` walks one case through the engine's
usual path (SQLite, a few seconds) and keeps, after each transition, the case row, its events and its
open tasks. Each generated case takes the snapshot of a random stage (most are applicants, few are
archived, as in a real pipeline), shifted in time so its last act falls in the two years before
`NOW`, at a random branch: its events, state, data and open tasks are what the engine itself wrote.
Only the ids, organizations and dates differ; actors are left out (no users) and hashes are not
recomputed.
"""

from __future__ import annotations

import json
import random
import tempfile
import uuid
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, text

from engine.db import make_engine, make_sessions
from engine.models import Base, Case, Event, Task

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)

# (share of cases, transitions taken: lowest, highest) — 31 transitions walk a case to the archive
STAGES = (
    (0.55, 2, 2),  # applicants after the talk
    (0.20, 3, 7),  # activists
    (0.10, 8, 22),  # from the proposal to the admission
    (0.08, 23, 29),  # probationers and full membership
    (0.07, 30, 30),  # archived
)


@contextmanager
def schema(url: str = URL) -> Iterator[Engine]:
    name = f"mf_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={name}"})
    Base.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def copy_rows(engine: Engine, table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET session_replication_role = replica")  # no foreign-key trigger per row
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def copy_text(engine: Engine, table: str, columns: list[str], lines: Iterator[str]) -> None:
    """COPY in text format from ready lines (tab-separated, escaped), in chunks of about 1 MB."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SET session_replication_role = replica")  # no foreign-key trigger per row
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            chunk: list[str] = []
            size = 0
            for line in lines:
                chunk.append(line)
                size += len(line)
                if size > 1_000_000:
                    copy.write("".join(chunk))
                    chunk, size = [], 0
            copy.write("".join(chunk))
        raw.commit()
    finally:
        raw.close()


def org_tree(engine: Engine, townships: int, branches_per_township: int) -> dict[str, list[int]]:
    """A county → townships → branches tree; returns ids by level."""
    ids: dict[str, list[int]] = {"county": [1], "township": [], "branch": []}
    rows = [(1, "县委", "committee", None, "/1/", True)]
    next_id = 2
    for _ in range(townships):
        township = next_id
        next_id += 1
        ids["township"].append(township)
        rows.append((township, f"第{township}镇党委", "primary_committee", 1, f"/1/{township}/", True))
        for _ in range(branches_per_township):
            ids["branch"].append(next_id)
            rows.append(
                (next_id, f"第{next_id}党支部", "branch", township, f"/1/{township}/{next_id}/", False)
            )
            next_id += 1
    copy_rows(
        engine, "orgs",
        ["id", "name", "kind", "parent_id", "path", "can_approve_admission", "short_name", "region_code",
         "address", "phone", "postcode", "on_platform"],
        iter((*r, "", "620725", "", "", "", True) for r in rows),
    )  # fmt: skip
    return ids


# -- snapshots of a real walk ------------------------------------------------------------------


@dataclass
class Snapshot:
    """A case after `k` transitions of the usual path: its row, events and open tasks."""

    case: dict[str, Any]
    status: str  # the person's status then
    events: list[dict[str, Any]]
    tasks: list[dict[str, Any]]  # with "level": branch, township or county
    last_day: date


def snapshots() -> list[Snapshot]:
    """Walk one development case through the engine (SQLite) and keep it after each transition."""
    from bench import world
    from tests.workflows.development_steps import ACTORS

    taken: list[Snapshot] = []
    with tempfile.TemporaryDirectory(prefix="mf-bench-snap-") as directory:
        db = make_engine(f"sqlite:///{Path(directory) / 'walk.db'}")
        Base.metadata.create_all(db)
        world.create(db, 1)
        bench = world.attach(db)
        subject_id, member = bench.applicants[0]
        levels = {bench.orgs["branch"].id: "branch", bench.orgs["township"].id: "township"}
        levels[bench.orgs["county"].id] = "county"
        bench.clock.set(world.OPENED_ON)
        result = bench.engine.open_case(
            workflow="development", subject_id=subject_id, org_id=bench.orgs["branch"].id,
            actor=bench.actors["caseworker"],
        )  # fmt: skip
        taken.append(_snapshot(db, result.case_id, levels))
        for day, action in world.STEPS:
            bench.clock.set(day)
            who = member if ACTORS[action] == "member" else bench.actors[ACTORS[action]]
            result = bench.engine.fire(
                result.case_id, action, who, world.step_inputs(bench, action), expected_version=result.version
            )
            taken.append(_snapshot(db, result.case_id, levels))
        db.dispose()
    return taken


def _snapshot(db: Engine, case_id: int, levels: dict[int, str]) -> Snapshot:
    with make_sessions(db)() as s:
        case = s.get(Case, case_id)
        assert case is not None
        row = {
            c: getattr(case, c)
            for c in ("state", "state_detail", "entered", "data", "version", "audit_head", "closed")
        }
        events = [
            {c: getattr(e, c) for c in ("seq", "kind", "action", "at", "effective_date", "from_state", "to_state",
                                         "inputs", "reason", "definition_version", "policy_version", "prev_hash", "hash")}
            for e in s.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq))
        ]  # fmt: skip
        tasks = [
            {"name": t.name, "label": t.label, "state_path": t.state_path, "queue_role": t.queue_role,
             "priority": t.priority, "due_date": t.due_date, "created_at": t.created_at,
             "level": levels.get(t.queue_org_id, "branch")}
            for t in s.scalars(select(Task).where(Task.case_id == case_id, Task.status == "open"))
        ]  # fmt: skip
        status = case.subject.status
    return Snapshot(row, status, events, tasks, max(e["effective_date"] for e in events))


# -- the generator -----------------------------------------------------------------------------


def _json(value: Any) -> str:
    return _escape(json.dumps(value, ensure_ascii=False))


def _escape(value: Any) -> str:
    """A value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


@dataclass
class Generated:
    orgs: dict[str, list[int]]
    cases: int
    events: int
    open_tasks: int
    stage_of: array  # type: ignore[type-arg]  # transitions taken, per case (index = case id - 1)


def generate(
    engine: Engine, cases: int, townships: int = 100, branches: int = 300, seed: int = 1
) -> Generated:
    """The organization tree, and `cases` people with a development case each, with their events and
    open tasks; ANALYZE at the end."""
    walk = snapshots()
    rng = random.Random(seed)
    ids = org_tree(engine, townships, branches)
    branch_ids = ids["branch"]
    township_of = {b: ids["township"][i // branches] for i, b in enumerate(branch_ids)}
    owner, stage, shift = array("i"), array("b"), array("i")
    weights = [w for w, _, _ in STAGES]
    for _ in range(cases):
        _, low, high = rng.choices(STAGES, weights)[0]
        k = rng.randint(low, high)
        owner.append(rng.choice(branch_ids))
        stage.append(k)
        latest = (NOW.date() - walk[k].last_day).days
        shift.append(latest - rng.randrange(0, 730))

    with _indexes_after(engine, ["people", "cases", "events", "tasks"]):
        open_tasks = _copy_cases(engine, walk, owner, stage, shift, township_of, branch_ids)
    with engine.begin() as conn:
        for table in ("orgs", "people", "cases", "events", "tasks"):
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    events = sum(len(walk[k].events) for k in stage)
    return Generated(ids, cases, events, open_tasks, stage)


@contextmanager
def _indexes_after(engine: Engine, tables: list[str]) -> Iterator[None]:
    """Drop the tables' secondary indexes and unique constraints, and build them again after the load
    (much faster than keeping them up to date row by row)."""
    with engine.begin() as conn:
        constraints = conn.execute(
            text("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                 "WHERE contype = 'u' AND connamespace = current_schema()::regnamespace "
                 "AND conrelid::regclass::text = ANY(:t)"), {"t": tables},
        ).all()  # fmt: skip
        names = [c[1] for c in constraints]
        indexes = conn.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                 "AND tablename = ANY(:t) AND indexname NOT LIKE 'pk_%' AND NOT indexname = ANY(:c)"),
            {"t": tables, "c": names},
        ).all()  # fmt: skip
        for table, name, _ in constraints:
            conn.execute(text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))
        for name, _ in indexes:
            conn.execute(text(f"DROP INDEX {name}"))
    yield
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
        for table, name, definition in constraints:
            conn.execute(text(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"))
        for _, definition in indexes:
            conn.execute(text(definition))


def _copy_cases(
    engine: Engine,
    walk: list[Snapshot],
    owner: array,  # type: ignore[type-arg]
    stage: array,  # type: ignore[type-arg]
    shift: array,  # type: ignore[type-arg]
    township_of: dict[int, int],
    branch_ids: list[int],
) -> int:
    cases = len(stage)
    copy_rows(
        engine, "people",
        ["id", "name", "sex", "ethnicity", "birth_date", "id_number", "education", "phone", "status", "org_id",
         "work_unit", "mobile", "extra"],
        ((i, f"人员{i}", "男", "汉族", date(1990, 1, 1), f"{i:018d}", "", "", walk[stage[i - 1]].status,
          owner[i - 1], "", False, "{}") for i in range(1, cases + 1)),
    )  # fmt: skip
    copy_text(engine, "cases", CASE_COLUMNS, _case_lines(walk, owner, stage, shift))
    copy_text(engine, "events", EVENT_COLUMNS, _event_lines(walk, stage, shift))
    paths = {b: f"/1/{township_of[b]}/{b}/" for b in branch_ids}
    tasks = _task_lines(walk, owner, stage, shift, township_of, paths)
    counter = [0]

    def counted() -> Iterator[str]:
        for line in tasks:
            counter[0] += 1
            yield line

    copy_text(engine, "tasks", TASK_COLUMNS, counted())
    return counter[0]


CASE_COLUMNS = ["id", "workflow", "definition_version", "policy_name", "policy_version", "subject_id", "org_id",
                "state", "state_detail", "entered", "data", "version", "audit_head", "closed", "opened_at"]  # fmt: skip
EVENT_COLUMNS = ["id", "case_id", "seq", "kind", "action", "at", "effective_date", "from_state", "to_state", "inputs",
                 "reason", "definition_version", "policy_version", "prev_hash", "hash"]  # fmt: skip
JSON_COLUMNS = {"from_state", "to_state", "inputs"}
TASK_COLUMNS = ["id", "case_id", "workflow", "name", "label", "state_path", "queue_org_id", "queue_org_path",
                "queue_role", "status", "priority", "due_date", "due_provisional", "created_at"]  # fmt: skip


def _case_lines(walk: list[Snapshot], owner: array, stage: array, shift: array) -> Iterator[str]:  # type: ignore[type-arg]
    static = {
        k: (_escape(s.case["state"]), _json(s.case["state_detail"]), _json(s.case["data"]),
            f"{s.case['version']}\t{_escape(s.case['audit_head'])}\t{_escape(s.case['closed'])}")
        for k, s in enumerate(walk)
    }  # fmt: skip
    for i in range(len(stage)):
        k, days = stage[i], timedelta(days=shift[i])
        state, detail, data, tail = static[k]
        entered = {p: (date.fromisoformat(d) + days).isoformat() for p, d in walk[k].case["entered"].items()}
        opened = walk[k].events[0]["at"] + days
        yield (
            f"{i + 1}\tdevelopment\t1\tnational\t1\t{i + 1}\t{owner[i]}\t{state}\t{detail}\t{_json(entered)}\t"
            f"{data}\t{tail}\t{opened.isoformat()}\n"
        )


def _event_lines(walk: list[Snapshot], stage: array, shift: array) -> Iterator[str]:  # type: ignore[type-arg]
    parts = [
        [(f"{e['seq']}\t{_escape(e['kind'])}\t{_escape(e['action'])}", e["at"], e["effective_date"],
          "\t".join(_json(e[c]) if c in JSON_COLUMNS else _escape(e[c]) for c in EVENT_COLUMNS[7:]))
         for e in s.events]
        for s in walk
    ]  # fmt: skip
    dates: dict[tuple[date, int], str] = {}
    times: dict[tuple[datetime, int], str] = {}
    event_id = 0
    for i in range(len(stage)):
        days = shift[i]
        for head, at, day, tail in parts[stage[i]]:
            event_id += 1
            when = times.get((at, days)) or times.setdefault(
                (at, days), (at + timedelta(days=days)).isoformat()
            )
            on = dates.get((day, days)) or dates.setdefault(
                (day, days), (day + timedelta(days=days)).isoformat()
            )
            yield f"{event_id}\t{i + 1}\t{head}\t{when}\t{on}\t{tail}\n"


def _task_lines(
    walk: list[Snapshot],
    owner: array,  # type: ignore[type-arg]
    stage: array,  # type: ignore[type-arg]
    shift: array,  # type: ignore[type-arg]
    township_of: dict[int, int],
    paths: dict[int, str],
) -> Iterator[str]:
    task_id = 0
    for i in range(len(stage)):
        branch = owner[i]
        for t in walk[stage[i]].tasks:
            task_id += 1
            org = {"branch": branch, "township": township_of[branch], "county": 1}[t["level"]]
            path = paths[branch] if org == branch else (f"/1/{org}/" if org != 1 else "/1/")
            days = timedelta(days=shift[i])
            due = (t["due_date"] + days).isoformat() if t["due_date"] else "\\N"
            yield (
                f"{task_id}\t{i + 1}\tdevelopment\t{_escape(t['name'])}\t{_escape(t['label'])}\t"
                f"{_escape(t['state_path'])}\t{org}\t{path}\t{t['queue_role']}\topen\t{t['priority']}\t{due}\tf\t"
                f"{(t['created_at'] + days).isoformat()}\n"
            )
