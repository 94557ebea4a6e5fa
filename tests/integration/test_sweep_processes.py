"""Two worker processes sweeping the same 10,000 due timers on PostgreSQL fire each exactly once."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine as DbEngine
from sqlalchemy import func, insert, select, text

from engine.models import Base, Case, Notification, Timer
from tests.conftest import POSTGRES_URL
from tests.engine.conftest import World, build_world

CASES, TIMERS_PER_CASE = 1000, 10


@pytest.mark.postgres
def test_two_sweeping_processes_fire_each_of_ten_thousand_timers_exactly_once(pg: DbEngine) -> None:
    Base.metadata.create_all(pg)
    world: World = build_world(pg)
    template = world.open()
    with pg.begin() as conn:
        row = conn.execute(select(Case).where(Case.id == template)).mappings().one()
        fields = {k: v for k, v in row.items() if k != "id"}
        conn.execute(insert(Case), [fields] * (CASES - 1))
        case_ids = list(conn.scalars(select(Case.id)))
        conn.execute(text("DELETE FROM timers"))
        conn.execute(
            insert(Timer),
            [
                {"case_id": c, "name": "prepare_deadline", "kind": "escalation", "state_path": "DRAFT",
                 "due_date": date(2026, 4, 1), "status": "pending"}
                for c in case_ids
                for _ in range(TIMERS_PER_CASE)
            ],
        )  # fmt: skip
        schema = conn.scalar(text("select current_schema()"))
    started = datetime.now(UTC)
    command = [sys.executable, "-m", "tests.integration.sweeper", POSTGRES_URL, str(schema), "2026-04-01"]
    workers = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [w.communicate(timeout=600)[0] for w in workers]
    assert all(w.returncode == 0 for w in workers), outputs
    fired_by = [int(o.split("fired=")[1].split()[0]) for o in outputs]
    with pg.connect() as conn:
        per_timer = conn.execute(
            select(Notification.timer_id, func.count()).group_by(Notification.timer_id)
        ).all()
        statuses = dict(conn.execute(select(Timer.status, func.count()).group_by(Timer.status)).all())
    assert sum(fired_by) == CASES * TIMERS_PER_CASE
    assert all(fired > 0 for fired in fired_by), f"one process did all the work: {fired_by}"
    assert len(per_timer) == CASES * TIMERS_PER_CASE and {n for _, n in per_timer} == {1}
    assert statuses == {"fired": CASES * TIMERS_PER_CASE}
    print(
        f"swept {CASES * TIMERS_PER_CASE} timers with 2 processes in {datetime.now(UTC) - started}: {fired_by}"
    )
