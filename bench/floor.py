"""The floor under a transition: the rows the engine writes for each step, issued as plain SQL.

`profile` walks one case through the engine and records, per transition, the rows it inserted
(event, tasks, timers, documents, outbox jobs, the case itself when opened) and which UPDATEs it
issued (tasks closed, timers cancelled, a document counter, the person's status). `walk_floor` then
writes the same rows for a new case with psycopg (or sqlite3), one transaction per transition: lock
the case, update it with the version check, insert the event, close and open tasks, cancel and set
timers, number the documents, queue the outbox jobs, update the person — and nothing else: no rules,
no state machine, no ORM, no hashing.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
from sqlalchemy import Engine as DbEngine
from sqlalchemy import event, select

from bench.world import OPENED_ON, STEPS, BenchWorld, step_inputs
from engine.models import Case, Document, Event, Outbox, Task, Timer
from tests.workflows.development_steps import ACTORS

COPIED = {
    "events": (Event, ["seq", "kind", "action", "actor_user_id", "at", "effective_date", "from_state", "to_state",
                       "inputs", "reason", "definition_version", "policy_version", "prev_hash", "hash"]),
    "tasks": (Task, ["workflow", "name", "label", "state_path", "queue_org_id", "queue_org_path", "queue_role",
                     "status", "priority", "due_date", "due_provisional", "created_at"]),
    "timers": (Timer, ["name", "kind", "state_path", "due_date", "due_provisional", "action", "status", "attempts",
                       "last_error"]),
    "documents": (Document, ["kind", "title", "template", "status", "issuer_org_id", "year", "number", "error",
                             "created_at", "void_reason"]),
}  # fmt: skip
CASE_COLUMNS = ["workflow", "definition_version", "policy_name", "policy_version", "subject_id", "org_id", "state",
                "state_detail", "entered", "data", "version", "audit_head", "closed", "opened_at"]  # fmt: skip
JSON_COLUMNS = {"from_state", "to_state", "inputs", "state_detail", "entered", "data", "payload"}


@dataclass
class Step:
    """What one transition wrote."""

    case: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]
    updates: Counter[str] = field(default_factory=Counter)  # table -> UPDATE statements
    outbox: int = 0
    statements: int = 0  # everything the engine sent, reads included


def profile(world: BenchWorld, db: DbEngine) -> list[Step]:
    """Walk one case through the engine and record what each of its transitions wrote."""
    subject_id, member = world.applicants[0]
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(db, "before_cursor_execute", record)
    steps: list[Step] = []
    high = {name: 0 for name in COPIED} | {"outbox": 0}
    try:
        world.clock.set(OPENED_ON)
        result = world.engine.open_case(
            workflow="development", subject_id=subject_id, org_id=world.orgs["branch"].id,
            actor=world.actors["caseworker"],
        )  # fmt: skip
        steps.append(_written(world, result.case_id, sent, high))
        for day, action in STEPS:
            world.clock.set(day)
            who = member if ACTORS[action] == "member" else world.actors[ACTORS[action]]
            result = world.engine.fire(
                result.case_id, action, who, step_inputs(world, action), expected_version=result.version
            )
            steps.append(_written(world, result.case_id, sent, high))
    finally:
        event.remove(db, "before_cursor_execute", record)
    return steps


def _written(world: BenchWorld, case_id: int, sent: list[str], high: dict[str, int]) -> Step:
    statements = list(sent)
    sent.clear()
    with world.engine.sessions() as s:
        case = s.get(Case, case_id)
        assert case is not None
        snapshot = {c: getattr(case, c) for c in CASE_COLUMNS}
        rows: dict[str, list[dict[str, Any]]] = {}
        for name, (model, columns) in COPIED.items():
            found = list(s.scalars(select(model).where(model.id > high[name]).order_by(model.id)))
            high[name] = max([high[name], *(r.id for r in found)])
            rows[name] = [{c: getattr(r, c) for c in columns} for r in found]
        jobs = list(s.scalars(select(Outbox.id).where(Outbox.id > high["outbox"])))
        high["outbox"] = max([high["outbox"], *jobs])
    updates: Counter[str] = Counter()
    for statement in statements:
        found = re.match(r"\s*UPDATE (\w+)", statement)
        if found and found.group(1) != "cases":
            updates[found.group(1)] += 1
    return Step(snapshot, rows, updates, len(jobs), len(statements))


# -- the floor --------------------------------------------------------------------------------


class Floor:
    """One connection, plain SQL, `%s` parameters (rewritten to `?` for sqlite3)."""

    def __init__(self, dsn: str) -> None:
        self.sqlite = dsn.startswith("sqlite:")
        if self.sqlite:
            self.conn: Any = sqlite3.connect(dsn.removeprefix("sqlite:"), timeout=30, isolation_level=None)
            self.conn.execute("PRAGMA journal_mode=WAL")
        else:
            self.conn = psycopg.connect(dsn)

    def run(self, sql: str, params: Any = (), many: bool = False) -> Any:
        if self.sqlite:
            sql = sql.replace("%s", "?").replace(" FOR UPDATE", "")
        cursor = self.conn.cursor()
        if many:
            cursor.executemany(sql, params)
        else:
            cursor.execute(sql, params)
        return cursor

    def begin(self) -> None:
        if self.sqlite:
            self.conn.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def _value(column: str, value: Any) -> Any:
    if column in JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _insert(floor: Floor, table: str, columns: list[str], rows: list[list[Any]]) -> None:
    if rows:
        marks = ", ".join(["%s"] * len(columns))
        floor.run(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows, many=True)


def walk_floor(floor: Floor, steps: list[Step], subject_id: int) -> None:
    """Write one case's transitions as `steps` recorded them, one transaction each."""
    case_id = 0
    for number, step in enumerate(steps):
        floor.begin()
        values = {**step.case, "subject_id": subject_id}
        if number == 0:
            columns = CASE_COLUMNS
            marks = ", ".join(["%s"] * len(columns))
            cursor = floor.run(
                f"INSERT INTO cases ({', '.join(columns)}) VALUES ({marks}) RETURNING id",
                [_value(c, values[c]) for c in columns],
            )
            case_id = cursor.fetchone()[0]
        else:
            floor.run("SELECT version FROM cases WHERE id = %s FOR UPDATE", (case_id,)).fetchone()
            changed = floor.run(
                "UPDATE cases SET state = %s, state_detail = %s, entered = %s, data = %s, version = %s, "
                "audit_head = %s, closed = %s WHERE id = %s AND version = %s",
                [*(_value(c, values[c]) for c in ("state", "state_detail", "entered", "data", "version",
                                                   "audit_head", "closed")), case_id, values["version"] - 1],
            )  # fmt: skip
            assert changed.rowcount == 1
        _insert_rows(floor, step, case_id)
        if step.updates["tasks"]:
            floor.run("UPDATE tasks SET status = 'closed', closed_at = %s WHERE case_id = %s AND status = 'open'",
                      (datetime.now(UTC), case_id))  # fmt: skip
        if step.updates["timers"]:
            floor.run(
                "UPDATE timers SET status = 'cancelled' WHERE case_id = %s AND status = 'pending'", (case_id,)
            )
        if step.updates["people"]:
            floor.run("UPDATE people SET status = status WHERE id = %s", (subject_id,))
        floor.commit()


def _insert_rows(floor: Floor, step: Step, case_id: int) -> None:
    for table in ("events", "tasks", "timers"):
        columns = ["case_id", *COPIED[table][1]]
        _insert(
            floor,
            table,
            columns,
            [[case_id, *(_value(c, r[c]) for c in columns[1:])] for r in step.rows[table]],
        )
    event_id = None
    if step.rows["documents"]:
        event_id = floor.run("SELECT max(id) FROM events WHERE case_id = %s", (case_id,)).fetchone()[0]
    for document in step.rows["documents"]:
        issuer, kind, year = document["issuer_org_id"], document["kind"], document["year"]
        floor.run("INSERT INTO document_counters (org_id, kind, year, last) VALUES (%s, %s, %s, 0) "
                  "ON CONFLICT DO NOTHING", (issuer, kind, year))  # fmt: skip
        sequence = floor.run(
            "UPDATE document_counters SET last = last + 1 WHERE org_id = %s AND kind = %s AND year = %s "
            "RETURNING last", (issuer, kind, year),
        ).fetchone()[0]  # fmt: skip
        columns = ["case_id", "event_id", "sequence", *COPIED["documents"][1]]
        _insert(floor, "documents", columns,
                [[case_id, event_id, sequence, *(_value(c, document[c]) for c in columns[3:])]])  # fmt: skip
    now = datetime.now(UTC)
    _insert(floor, "outbox", ["topic", "payload", "created_at", "attempts"],
            [["render_document", json.dumps({"document_id": 0}), now, 0] for _ in range(step.outbox)])  # fmt: skip


def walk_floor_all(
    dsn: str, steps: list[Step], subjects: list[int], ready: Callable[[], object] = lambda: None
) -> tuple[int, float, float]:
    floor = Floor(dsn)
    ready()
    started = time.time()
    for subject_id in subjects:
        walk_floor(floor, steps, subject_id)
    ended = time.time()
    floor.close()
    return len(subjects) * len(steps), started, ended


def describe(steps: list[Step]) -> str:
    """Rows written per transition, on average, and the engine's statements per transition."""
    n = len(steps)
    rows = {t: sum(len(s.rows[t]) for s in steps) / n for t in COPIED}
    outbox = sum(s.outbox for s in steps) / n
    statements = sum(s.statements for s in steps) / n
    return (
        f"per transition on average: 1 case row, {rows['events']:.0f} event, {rows['tasks']:.1f} tasks opened, "
        f"{rows['timers']:.1f} timers set, {rows['documents']:.2f} documents with {outbox:.2f} outbox jobs; "
        f"the engine sent {statements:.1f} SQL statements per transition"
    )
