"""Province-sized data straight into PostgreSQL with COPY, for benchmarks (not for tests or demos).

Creates a schema of its own, the tables from the models, an organization tree, people, cases,
events-free case rows, and tasks; returns the engine bound to that schema.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, text

from engine.db import make_engine
from engine.models import Base

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


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
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for row in rows:
                copy.write_row(row)
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


def people_and_cases(engine: Engine, branches: list[int], count: int, seed: int = 1) -> None:
    """`count` people, each with one development case in a random state of a random branch."""
    rng = random.Random(seed)
    owner = [rng.choice(branches) for _ in range(count)]
    copy_rows(
        engine, "people",
        ["id", "name", "sex", "ethnicity", "birth_date", "id_number", "education", "phone", "status", "org_id",
         "work_unit", "mobile", "extra"],
        ((i, f"人员{i}", "男", "汉族", date(1990, 1, 1), f"{i:018d}", "", "", "applicant", owner[i - 1], "",
          False, "{}") for i in range(1, count + 1)),
    )  # fmt: skip
    states = ["APPLIED", "ACTIVIST", "CANDIDATE", "PROBATION", "CLOSED"]
    copy_rows(
        engine, "cases",
        ["id", "workflow", "definition_version", "policy_name", "policy_version", "subject_id", "org_id", "state",
         "state_detail", "entered", "data", "version", "audit_head", "closed", "opened_at"],
        ((i, "development", "1", "national", "1", i, owner[i - 1], rng.choice(states), '"APPLIED"', "{}", "{}",
          1, "", False, NOW) for i in range(1, count + 1)),
    )  # fmt: skip


def open_tasks(engine: Engine, paths: dict[int, str], cases: int, count: int, seed: int = 2) -> None:
    """`count` open tasks on random cases, queued at the case's branch, due around NOW."""
    rng = random.Random(seed)
    branch_of = dict(enumerate(paths))
    rows = []
    for task_id in range(1, count + 1):
        org_id = branch_of[rng.randrange(len(branch_of))]
        due = NOW.date() + timedelta(days=rng.randrange(-60, 120))
        rows.append((task_id, rng.randrange(1, cases + 1), "development", "review", "半年考察", "ACTIVIST", org_id, paths[org_id],
                     "caseworker", "open", rng.randrange(3), due, False, NOW))  # fmt: skip
    copy_rows(
        engine, "tasks",
        ["id", "case_id", "workflow", "name", "label", "state_path", "queue_org_id", "queue_org_path", "queue_role", "status",
         "priority", "due_date", "due_provisional", "created_at"],
        iter(rows),
    )  # fmt: skip
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
